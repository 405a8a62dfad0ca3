//! Proof documents (ID cards, certificates, deeds, guardianship proofs): photos or PDF,
//! checked by their bytes. Photos are re-encoded without metadata like case photos; PDFs are
//! parsed and refused if they carry anything that acts (scripts, launch and submit actions,
//! embedded files, forms) or hide HTML for a browser to sniff, and otherwise kept as sent. Either way the bytes are sealed with the data key before they reach the
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
    TooManyPixels,
    ActiveContent,
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
            Self::TooManyPixels => (
                "照片像素太多（最多 2400 万像素），请用手机正常拍照后上传",
                "The photo has too many pixels (24 megapixels at most); take an ordinary phone photo",
            ),
            Self::ActiveContent => (
                "这个 PDF 含有脚本或可执行内容，不能接受；请打印后拍照上传，或另存为普通 PDF",
                "This PDF contains scripts or other active content; photograph a printout or save it as a plain PDF",
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

/// For files people uploaded (PDFs, photos): nothing in them may run or load anything.
pub const DOWNLOAD_CSP: &str = "default-src 'none'; sandbox; frame-ancestors 'none'";

/// How a stored document is answered: always a download, never sniffed, and sandboxed so
/// that nothing in it can run even if a browser opens it.
pub fn download_headers(content_type: &str, name: &str) -> [(axum::http::HeaderName, String); 5] {
    use axum::http::header;
    let ext = if content_type == "application/pdf" {
        "pdf"
    } else {
        "jpg"
    };
    [
        (header::CONTENT_TYPE, content_type.to_owned()),
        // Identity documents: never in shared caches, never kept by the browser.
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{ext}\""),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CONTENT_SECURITY_POLICY, DOWNLOAD_CSP.to_owned()),
    ]
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
        check_pdf_is_passive(bytes)?;
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
        Err(PhotoError::TooManyPixels) => Err(DocumentError::TooManyPixels),
        Err(PhotoError::Unreadable) => Err(DocumentError::Unreadable),
    }
}

/// Dictionary keys that make a PDF do something when opened or clicked.
const ACTIVE_KEYS: &[&[u8]] = &[
    b"JavaScript",
    b"JS",
    b"OpenAction",
    b"AA",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
];

/// Action types that run, fetch or send something.
const ACTIVE_ACTIONS: &[&[u8]] = &[
    b"JavaScript",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"GoToR",
    b"GoToE",
    b"Rendition",
    b"Sound",
    b"Movie",
];

/// Markup a browser would render if it ever sniffed the file as HTML (a polyglot).
const HTML_MARKERS: &[&[u8]] = &[
    b"<html",
    b"<script",
    b"<body",
    b"<iframe",
    b"<svg",
    b"<!doctype",
    b"<head",
    b"<img",
];

fn check_pdf_is_passive(bytes: &[u8]) -> Result<(), DocumentError> {
    let lower = bytes.to_ascii_lowercase();
    if HTML_MARKERS
        .iter()
        .any(|m| lower.windows(m.len()).any(|w| w == *m))
    {
        return Err(DocumentError::ActiveContent);
    }
    // The parser recurses on nesting; a large stack keeps a hostile file from overflowing it.
    let owned = bytes.to_vec();
    let verdict = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let doc = lopdf::Document::load_mem(&owned).map_err(|_| DocumentError::Unreadable)?;
            if doc.objects.values().any(|o| is_active(o, 0))
                || is_active(&lopdf::Object::Dictionary(doc.trailer.clone()), 0)
            {
                Err(DocumentError::ActiveContent)
            } else {
                Ok(())
            }
        })
        .map_err(|_| DocumentError::Unreadable)?
        .join()
        .map_err(|_| DocumentError::Unreadable)?;
    verdict
}

/// Whether an object (or anything nested in it) is an action or a way to start one.
fn is_active(object: &lopdf::Object, depth: usize) -> bool {
    use lopdf::Object;
    if depth > 64 {
        // Nothing legitimate nests this deep; refuse rather than walk it.
        return true;
    }
    let dict = match object {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        Object::Array(items) => return items.iter().any(|o| is_active(o, depth + 1)),
        _ => return false,
    };
    if ACTIVE_KEYS.iter().any(|k| dict.has(k)) {
        return true;
    }
    if let Ok(Object::Name(kind)) = dict.get(b"S") {
        if ACTIVE_ACTIONS.contains(&kind.as_slice()) {
            return true;
        }
    }
    dict.iter().any(|(_, v)| is_active(v, depth + 1))
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

    /// A minimal but complete PDF whose catalog carries `extra`.
    fn pdf_with(extra: &str) -> Vec<u8> {
        let mut out = String::from("%PDF-1.4\n");
        let mut offsets = Vec::new();
        let objects = [
            format!("<< /Type /Catalog /Pages 2 0 R {extra} >>"),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_owned(),
        ];
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
        }
        let xref = out.len();
        out.push_str(&format!(
            "xref\n0 {}\n0000000000 65535 f \n",
            objects.len() + 1
        ));
        for o in offsets {
            out.push_str(&format!("{o:010} 00000 n \n"));
        }
        out.push_str(&format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        ));
        out.into_bytes()
    }

    #[test]
    fn a_plain_pdf_is_kept_as_sent() {
        let pdf = pdf_with("");
        let doc = clean_document(&pdf).unwrap();
        assert_eq!(doc.content_type, "application/pdf");
        assert_eq!(doc.bytes, pdf);
    }

    #[test]
    fn pdfs_that_act_or_pose_as_html_are_refused() {
        for extra in [
            "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            "/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (1) >>] >> >>",
            "/OpenAction << /S /Launch /F (cmd.exe) >>",
            "/AcroForm << /Fields [] /XFA (x) >>",
            // A hex-escaped name is the same name once parsed.
            "/OpenAction << /S /J#61vaScript /J#53 (1) >>",
        ] {
            assert_eq!(
                clean_document(&pdf_with(extra)).err(),
                Some(DocumentError::ActiveContent),
                "{extra}"
            );
        }
        let mut polyglot = pdf_with("");
        polyglot.splice(9..9, b"%<html><script>alert(1)</script>\n".iter().copied());
        assert_eq!(
            clean_document(&polyglot).err(),
            Some(DocumentError::ActiveContent)
        );
    }

    #[test]
    fn pdfs_are_kept_and_other_files_refused() {
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
