//! Proof documents (ID cards, certificates, deeds, guardianship proofs): photos or PDF,
//! checked by their bytes. Photos are re-encoded without metadata like case photos; PDFs are
//! kept as sent. Either way the bytes are sealed with the data key before they reach the
//! blob store, since identity documents carry the ID number.

use crate::crypto::Keyring;
use crate::photos::{clean, BlobStore, PhotoError, PhotoLimits};
use sha2::{Digest, Sha256};

pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
const SEALED_EXT: &str = "sealed";

#[derive(Debug, PartialEq, Eq)]
pub enum DocumentError {
    Empty,
    TooLarge,
    NotAccepted,
    Unreadable,
}

impl DocumentError {
    pub fn message(&self) -> (&'static str, &'static str) {
        match self {
            Self::Empty => ("没有收到文件", "No file was received"),
            Self::TooLarge => ("文件不能超过 10 MB", "The file must be 10 MB or smaller"),
            Self::NotAccepted => (
                "只接受照片（JPEG、PNG、WebP）或 PDF 文件",
                "Only photos (JPEG, PNG, WebP) or PDF files are accepted",
            ),
            Self::Unreadable => (
                "文件已损坏，无法打开，请重新拍照或选择文件",
                "The file is damaged; take the photo again or choose another file",
            ),
        }
    }
}

pub struct CleanDocument {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// Of the cleaned plain bytes: the same document sent twice is stored once.
    pub hash: String,
}

/// Check and clean an uploaded document. CPU-heavy for photos: call from a blocking task.
pub fn clean_document(bytes: &[u8]) -> Result<CleanDocument, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge);
    }
    if bytes.starts_with(b"%PDF-") {
        // A PDF ends with %%EOF (possibly followed by whitespace); a cut-off upload does not.
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(DocumentError::Unreadable);
        }
        return Ok(CleanDocument {
            hash: hex::encode(Sha256::digest(bytes)),
            bytes: bytes.to_vec(),
            content_type: "application/pdf",
        });
    }
    let limits = PhotoLimits {
        max_bytes: MAX_DOCUMENT_BYTES,
        ..PhotoLimits::default()
    };
    match clean(bytes, &limits) {
        Ok(photo) => Ok(CleanDocument {
            bytes: photo.jpeg,
            content_type: "image/jpeg",
            hash: photo.hash,
        }),
        Err(PhotoError::Empty) => Err(DocumentError::Empty),
        Err(PhotoError::TooLarge) => Err(DocumentError::TooLarge),
        Err(PhotoError::NotAnImage) => Err(DocumentError::NotAccepted),
        Err(PhotoError::TooManyPixels | PhotoError::Unreadable) => Err(DocumentError::Unreadable),
    }
}

pub async fn store_sealed(
    blobs: &BlobStore,
    keys: &Keyring,
    doc: &CleanDocument,
) -> anyhow::Result<()> {
    blobs
        .put_as(&doc.hash, SEALED_EXT, &keys.seal_bytes(&doc.bytes))
        .await
}

pub async fn load_sealed(
    blobs: &BlobStore,
    keys: &Keyring,
    hash: &str,
) -> anyhow::Result<Option<Vec<u8>>> {
    match blobs.get_as(hash, SEALED_EXT).await? {
        Some(sealed) => keys.open_bytes(&sealed).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdfs_are_kept_and_other_files_refused() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
        let doc = clean_document(pdf).unwrap();
        assert_eq!(doc.content_type, "application/pdf");
        assert_eq!(doc.bytes, pdf);
        assert_eq!(
            clean_document(b"%PDF-1.4 cut off").err(),
            Some(DocumentError::Unreadable)
        );
        assert_eq!(
            clean_document(b"MZ\x90\x00 an exe").err(),
            Some(DocumentError::NotAccepted)
        );
        assert_eq!(clean_document(b"").err(), Some(DocumentError::Empty));
    }
}
