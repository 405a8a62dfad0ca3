//! Encryption at rest for sensitive personal information (PIPL): resident ID numbers, health
//! and disability answers, and identity documents. XChaCha20-Poly1305 (an AEAD) with a random
//! nonce per value; each sealed value names the key it was sealed with, so keys can rotate:
//! new values use the newest key, old values stay readable while their key is in the ring.
//! A separate lookup key makes a keyed hash (HMAC-SHA-256) of ID numbers for uniqueness
//! checks and look-ups without decrypting anything. Keys live outside the database: in
//! `ANJU_DATA_KEYS` or a key file.

use anyhow::{anyhow, bail, Context};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

const NONCE_LEN: usize = 24;
/// Marks sealed files (documents) so a plain file is never mistaken for one.
const FILE_MAGIC: &[u8; 4] = b"ANJ1";

#[derive(Clone)]
pub struct Keyring {
    /// `(id, key)`; the last one seals new values.
    keys: Vec<(String, [u8; 32])>,
    lookup: [u8; 32],
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        write!(f, "Keyring(keys: {ids:?}, lookup: ***)")
    }
}

fn random_key() -> [u8; 32] {
    XChaCha20Poly1305::generate_key(&mut OsRng).into()
}

fn parse_key(hex_text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(hex_text.trim()).context("a key must be 64 hex digits")?;
    bytes
        .try_into()
        .map_err(|_| anyhow!("a key must be 64 hex digits (32 bytes)"))
}

impl Keyring {
    /// A fresh ring with one data key (`k1`) and a lookup key.
    pub fn generate() -> Self {
        Self {
            keys: vec![("k1".into(), random_key())],
            lookup: random_key(),
        }
    }

    /// `lookup:<hex>` and `<id>:<hex>` entries, one per line or separated by `;`. Lines
    /// starting with `#` are comments. The last data key seals new values.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        let mut lookup = None;
        let entries = text
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .flat_map(|line| line.split(';'))
            .map(str::trim);
        for entry in entries {
            if entry.is_empty() {
                continue;
            }
            let (id, key) = entry
                .split_once(':')
                .ok_or_else(|| anyhow!("key entries look like `k1:<64 hex digits>`"))?;
            let id = id.trim();
            if id == "lookup" {
                lookup = Some(parse_key(key)?);
            } else if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                keys.push((id.to_owned(), parse_key(key)?));
            } else {
                bail!("key ids are letters and digits, e.g. k2");
            }
        }
        let lookup = lookup.ok_or_else(|| anyhow!("the key ring needs a `lookup:` key"))?;
        if keys.is_empty() {
            bail!("the key ring needs at least one data key, e.g. `k1:<64 hex digits>`");
        }
        Ok(Self { keys, lookup })
    }

    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# Anju data keys: keep outside the database and back up; losing them loses the\n# encrypted data. Add a new `kN:` line to rotate (the last one seals new values).\n",
        );
        out.push_str(&format!("lookup:{}\n", hex::encode(self.lookup)));
        for (id, key) in &self.keys {
            out.push_str(&format!("{id}:{}\n", hex::encode(key)));
        }
        out
    }

    /// Read the key file, creating it (owner-only) with fresh keys if it does not exist.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).with_context(|| format!("key file {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let ring = Self::generate();
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                write_private(path, ring.to_text().as_bytes())
                    .with_context(|| format!("cannot write key file {}", path.display()))?;
                tracing::warn!(path = %path.display(), "created a new data key file; back it up");
                Ok(ring)
            }
            Err(e) => Err(e).with_context(|| format!("cannot read key file {}", path.display())),
        }
    }

    fn current(&self) -> &(String, [u8; 32]) {
        // `parse` and `generate` guarantee at least one key.
        &self.keys[self.keys.len() - 1]
    }

    fn key(&self, id: &str) -> Option<&[u8; 32]> {
        self.keys.iter().find(|(k, _)| k == id).map(|(_, key)| key)
    }

    fn seal_raw(&self, plaintext: &[u8]) -> (String, Vec<u8>) {
        let (id, key) = self.current();
        let cipher = XChaCha20Poly1305::new(key.into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption with a valid key and nonce cannot fail for in-memory buffers.
        let ciphertext = cipher.encrypt(&nonce, plaintext).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        (id.clone(), out)
    }

    fn open_raw(&self, id: &str, sealed: &[u8]) -> anyhow::Result<Vec<u8>> {
        let key = self
            .key(id)
            .ok_or_else(|| anyhow!("data key {id} is not in the key ring"))?;
        if sealed.len() < NONCE_LEN {
            bail!("sealed value too short");
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        XChaCha20Poly1305::new(key.into())
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| anyhow!("sealed value does not authenticate with key {id}"))
    }

    /// `<key id>.<hex of nonce and ciphertext>`, for text columns.
    pub fn seal(&self, plaintext: &str) -> String {
        let (id, bytes) = self.seal_raw(plaintext.as_bytes());
        format!("{id}.{}", hex::encode(bytes))
    }

    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let (id, body) = sealed
            .split_once('.')
            .ok_or_else(|| anyhow!("not a sealed value"))?;
        let bytes = hex::decode(body).context("not a sealed value")?;
        String::from_utf8(self.open_raw(id, &bytes)?).context("sealed text is not UTF-8")
    }

    /// For files: magic, key id length and id, then nonce and ciphertext.
    pub fn seal_bytes(&self, plaintext: &[u8]) -> Vec<u8> {
        let (id, bytes) = self.seal_raw(plaintext);
        let mut out = FILE_MAGIC.to_vec();
        out.push(u8::try_from(id.len()).unwrap_or(0));
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(&bytes);
        out
    }

    pub fn open_bytes(&self, sealed: &[u8]) -> anyhow::Result<Vec<u8>> {
        let rest = sealed
            .strip_prefix(FILE_MAGIC.as_slice())
            .ok_or_else(|| anyhow!("not a sealed file"))?;
        let (&len, rest) = rest.split_first().ok_or_else(|| anyhow!("truncated"))?;
        let len = usize::from(len);
        if rest.len() < len {
            bail!("truncated");
        }
        let id = std::str::from_utf8(&rest[..len]).context("bad key id")?;
        self.open_raw(id, &rest[len..])
    }

    /// Keyed hash for equality look-ups (the same input always gives the same hash).
    pub fn lookup_hash(&self, value: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.lookup)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_round_trip_and_do_not_show_the_plaintext() {
        let ring = Keyring::generate();
        let sealed = ring.seal("11010519491231002X");
        assert!(!sealed.contains("19491231"));
        assert!(sealed.starts_with("k1."));
        assert_eq!(ring.open(&sealed).unwrap(), "11010519491231002X");
        assert_ne!(
            ring.seal("same"),
            ring.seal("same"),
            "random nonce per value"
        );
        let file = ring.seal_bytes(b"%PDF-1.7 certificate");
        assert_eq!(ring.open_bytes(&file).unwrap(), b"%PDF-1.7 certificate");
    }

    #[test]
    fn rotation_keeps_old_values_readable_and_seals_with_the_newest_key() {
        let old = Keyring::generate();
        let sealed_old = old.seal("elder");
        let mut text = old.to_text();
        text.push_str(&format!("k2:{}\n", hex::encode(random_key())));
        let rotated = Keyring::parse(&text).unwrap();
        assert_eq!(rotated.open(&sealed_old).unwrap(), "elder");
        assert!(rotated.seal("new").starts_with("k2."));
        assert_eq!(rotated.lookup_hash("x"), old.lookup_hash("x"));
    }

    #[test]
    fn a_missing_key_file_is_created_private_and_read_back_the_same() {
        let dir = std::env::temp_dir().join(format!("anju-keys-{}", std::process::id()));
        let path = dir.join("anju-data.key");
        let _ = std::fs::remove_file(&path);
        let first = Keyring::load_or_create(&path).unwrap();
        let again = Keyring::load_or_create(&path).unwrap();
        assert_eq!(again.open(&first.seal("elder")).unwrap(), "elder");
        assert_eq!(first.lookup_hash("x"), again.lookup_hash("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn tampering_and_unknown_keys_are_refused() {
        let ring = Keyring::generate();
        let mut sealed = ring.seal("secret");
        let last = sealed.pop().unwrap();
        sealed.push(if last == '0' { '1' } else { '0' });
        assert!(ring.open(&sealed).is_err());
        assert!(Keyring::generate().open(&ring.seal("x")).is_err());
        assert!(Keyring::parse("k1:00").is_err());
        assert!(
            Keyring::parse(&format!("k1:{}", "ab".repeat(32))).is_err(),
            "needs lookup"
        );
        assert!(!format!("{ring:?}").contains(&hex::encode(ring.lookup)));
    }
}
