//! What a chosen file is, by its first bytes rather than its name or the type the phone
//! claims: the app refuses a file that is neither a photo nor (where allowed) a PDF before
//! sending it, in plain words, instead of after a slow upload. The server decides again on the
//! whole file (`server/src/photos.rs`, `server/src/documents.rs`).

/// How many leading bytes [`sniff`] needs.
pub const HEAD_BYTES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
    /// HEIC/HEIF, as iPhones take them; the browser turns it into a JPEG when it can draw it.
    Heif,
    Pdf,
}

impl FileKind {
    /// A picture the browser can draw and shrink into a JPEG before upload.
    pub fn is_photo(self) -> bool {
        self != Self::Pdf
    }
}

/// The kind of a file from its first bytes, or `None` for anything else (text, archives,
/// office files, a text file renamed `.jpg`).
pub fn sniff(head: &[u8]) -> Option<FileKind> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        Some(FileKind::Webp)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(FileKind::Gif)
    } else if starts(b"BM") && head.len() >= 14 {
        Some(FileKind::Bmp)
    } else if head.get(4..8) == Some(b"ftyp")
        && matches!(
            head.get(8..12),
            Some(b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" | b"avif")
        )
    {
        Some(FileKind::Heif)
    } else if starts(b"%PDF-") {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// Why a chosen file is refused before upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefusal {
    NotAPhoto,
    NotAPhotoOrPdf,
}

impl FileRefusal {
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NotAPhoto => (
                "这个文件不是照片，请选择手机拍的照片（JPG、PNG 等）",
                "This file is not a photo; choose a photo taken with the phone (JPG, PNG…)",
            ),
            Self::NotAPhotoOrPdf => (
                "这个文件不是照片，也不是 PDF，请选择照片或 PDF 文件",
                "This file is neither a photo nor a PDF; choose a photo or a PDF file",
            ),
        }
    }
}

/// Whether a file with this head may be sent where photos (and, if `pdf_too`, PDFs) go.
pub fn check_head(head: &[u8], pdf_too: bool) -> Result<FileKind, FileRefusal> {
    let refusal = if pdf_too {
        FileRefusal::NotAPhotoOrPdf
    } else {
        FileRefusal::NotAPhoto
    };
    match sniff(head) {
        Some(kind) if kind.is_photo() || pdf_too => Ok(kind),
        _ => Err(refusal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes_not_their_names() {
        let cases: &[(&[u8], Option<FileKind>)] = &[
            (
                &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F'],
                Some(FileKind::Jpeg),
            ),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some(FileKind::Png)),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Some(FileKind::Webp)),
            (b"GIF89a\x01\0\x01\0", Some(FileKind::Gif)),
            (b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0", Some(FileKind::Bmp)),
            (b"\0\0\0\x18ftypheic\0\0\0\0", Some(FileKind::Heif)),
            (b"%PDF-1.7\n%\xe2\xe3", Some(FileKind::Pdf)),
            (b"just some words, saved as photo.jpg", None),
            (b"PK\x03\x04\x14\0\x06\0", None),
            (b"RIFF\x24\0\0\0WAVEfmt ", None),
            (b"\0\0\0\x18ftypisom\0\0\0\0", None),
            (b"", None),
        ];
        for (head, kind) in cases {
            assert_eq!(sniff(head), *kind, "{head:?}");
        }
    }

    #[test]
    fn a_pdf_goes_only_where_documents_do() {
        let pdf = b"%PDF-1.4\n";
        assert_eq!(check_head(pdf, true), Ok(FileKind::Pdf));
        assert_eq!(check_head(pdf, false), Err(FileRefusal::NotAPhoto));
        assert_eq!(check_head(b"hello", true), Err(FileRefusal::NotAPhotoOrPdf));
        assert_eq!(check_head(&[0xFF, 0xD8, 0xFF], false), Ok(FileKind::Jpeg));
    }
}
