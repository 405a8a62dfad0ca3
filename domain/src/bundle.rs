//! Names of files that `cargo xtask dist` writes and the app or the server look for, computed
//! the same way on both sides. The English catalog is one: the app carries only a hash of it, not its text, and
//! fetches the file of that name when English is chosen; a cached copy is therefore always
//! the one this build was made with.

/// FNV-1a, 64 bits: cheap enough to run at compile time over a catalog (a `const fn`), and
/// only used to name a file, never for security.
pub const fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// `catalog-en-0123456789abcdef.txt`: the English catalog with the hash of its text (the
/// server treats 16 hex digits before the extension as content-hashed: cached for a year).
pub fn english_catalog_file(catalog: &[u8]) -> String {
    format!("catalog-en-{:016x}.txt", fnv1a64(catalog))
}

/// The page the server sends for `/`: `index.html` with the home page's heading and
/// introduction already in it (every other path gets `index.html`).
pub const HOME_PAGE_FILE: &str = "home.html";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_follows_the_text() {
        // FNV-1a's published test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let a = english_catalog_file(b"app.name = Anju\n");
        let b = english_catalog_file(b"app.name = Anju!\n");
        assert_ne!(a, b);
        assert!(
            a.starts_with("catalog-en-") && a.ends_with(".txt") && a.len() == 31,
            "{a}"
        );
        const AT_COMPILE_TIME: u64 = fnv1a64(b"a");
        assert_eq!(AT_COMPILE_TIME, fnv1a64(b"a"));
    }
}
