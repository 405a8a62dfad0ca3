//! Photos: checked by their bytes (not their name), limited in size and pixels, decoded and
//! re-encoded as JPEG — which drops all metadata, EXIF GPS included — and stored by content
//! hash through [`BlobStore`] (a local directory by default).

use sha2::{Digest, Sha256};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Policy numbers for uploads.
#[derive(Clone, Debug)]
pub struct PhotoLimits {
    pub max_bytes: usize,
    pub max_pixels: u64,
    /// Longest side after re-encoding; phones send far more than a repair needs.
    pub max_side: u32,
    pub per_case_stage: usize,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            // 24 MP decoded is ~96 MiB of RGBA; no phone photo of a repair needs more.
            max_pixels: 24_000_000,
            max_side: 2048,
            per_case_stage: 6,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum PhotoError {
    Empty,
    TooLarge,
    NotAnImage,
    TooManyPixels,
    Unreadable,
}

impl PhotoError {
    pub fn message(&self) -> (&'static str, &'static str) {
        match self {
            Self::Empty => ("没有收到照片", "No photo was received"),
            Self::TooLarge => ("照片不能超过 10 MB", "The photo must be 10 MB or smaller"),
            Self::NotAnImage => (
                "这个文件不是照片（只接受 JPEG、PNG、WebP）",
                "This file is not a photo (JPEG, PNG or WebP only)",
            ),
            Self::TooManyPixels => (
                "照片像素太多（最多 2400 万像素）",
                "The photo has too many pixels (24 megapixels at most)",
            ),
            Self::Unreadable => (
                "照片已损坏，无法打开",
                "The photo is damaged and cannot be opened",
            ),
        }
    }
}

pub struct CleanPhoto {
    pub jpeg: Vec<u8>,
    pub hash: String,
    pub width: u32,
    pub height: u32,
}

/// Validate and re-encode an uploaded photo. CPU-heavy: call from a blocking task.
pub fn clean(bytes: &[u8], limits: &PhotoLimits) -> Result<CleanPhoto, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(
        format,
        image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAnImage);
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| PhotoError::Unreadable)?;
    if u64::from(w) * u64::from(h) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels);
    }
    reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(w);
    image_limits.max_image_height = Some(h);
    image_limits.max_alloc = Some(limits.max_pixels * 4 + 1024);
    reader.limits(image_limits);
    let decoded = reader.decode().map_err(|_| PhotoError::Unreadable)?;
    let resized = if w.max(h) > limits.max_side {
        decoded.resize(
            limits.max_side,
            limits.max_side,
            image::imageops::FilterType::Triangle,
        )
    } else {
        decoded
    };
    let rgb = resized.to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb)
        .map_err(|_| PhotoError::Unreadable)?;
    let hash = hex::encode(Sha256::digest(&jpeg));
    Ok(CleanPhoto {
        jpeg,
        hash,
        width: rgb.width(),
        height: rgb.height(),
    })
}

/// Where uploaded bytes live, by content hash: a local directory for the embedded SQLite
/// deployment; the database itself on PostgreSQL, so that several instances on one database
/// serve each other's files without a shared disk; an S3-compatible bucket when one is
/// configured. Files written to an earlier store (before a bucket was configured, or by an
/// earlier version to the directory) are still read from there.
#[derive(Clone, Debug)]
pub struct BlobStore {
    /// Shared: the state is cloned for every request.
    dir: Arc<Path>,
    /// Set on PostgreSQL: files are kept in its `stored_files` table.
    db: Option<crate::db::Db>,
    /// Set with `ANJU_OBJECT_STORE_URL`: new files go to the bucket.
    bucket: Option<crate::object_store::ObjectStore>,
}

impl BlobStore {
    pub fn local(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Arc::from(dir.into()),
            db: None,
            bucket: None,
        }
    }

    /// The store a deployment on `db` uses.
    pub fn for_database(db: &crate::db::Db, dir: impl Into<PathBuf>) -> Self {
        Self {
            db: db.is_postgres().then(|| db.clone()),
            ..Self::local(dir)
        }
    }

    /// The store a deployment uses: its bucket when configured, else as [`Self::for_database`].
    pub fn for_settings(db: &crate::db::Db, settings: &crate::Settings) -> Self {
        Self {
            bucket: settings.object_store.clone(),
            ..Self::for_database(db, &settings.upload_dir)
        }
    }

    fn path(&self, hash: &str, ext: &str) -> Option<PathBuf> {
        // Only our own hex hashes name files: nothing a client sends reaches the path.
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| self.dir.join(&hash[..2]).join(format!("{hash}.{ext}")))
    }

    pub async fn put(&self, hash: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.put_as(hash, "jpg", bytes).await
    }

    pub async fn get(&self, hash: &str) -> anyhow::Result<Option<Vec<u8>>> {
        self.get_as(hash, "jpg").await
    }

    /// Store under the hash with an extension saying what the bytes are (`sealed` for
    /// encrypted documents).
    pub async fn put_as(&self, hash: &str, ext: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self
            .path(hash, ext)
            .ok_or_else(|| anyhow::anyhow!("bad hash"))?;
        if let Some(bucket) = &self.bucket {
            // The same bytes under the same name: a repeated put changes nothing.
            return bucket.put(&object_key(hash, ext), bytes).await;
        }
        if let Some(db) = &self.db {
            db.put_stored_file(hash, ext, bytes, chrono::Utc::now().timestamp())
                .await?;
            return Ok(());
        }
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            crate::files::private_dirs(parent).await?;
        }
        // Write then rename, so a crash never leaves a half photo under its final name.
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        crate::files::write_private(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(())
    }

    pub async fn get_as(&self, hash: &str, ext: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(path) = self.path(hash, ext) else {
            return Ok(None);
        };
        if let Some(bucket) = &self.bucket {
            if let Some(bytes) = bucket.get(&object_key(hash, ext)).await? {
                return Ok(Some(bytes));
            }
        }
        if let Some(db) = &self.db {
            if let Some(bytes) = db.stored_file(hash, ext).await? {
                return Ok(Some(bytes));
            }
        }
        match tokio::fs::read(&path).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// The bucket's name for a file: as on disk, `ab/abcd….ext`.
fn object_key(hash: &str, ext: &str) -> String {
    format!("{}/{hash}.{ext}", &hash[..2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn photos_are_reencoded_as_jpeg_and_shrunk() {
        let limits = PhotoLimits {
            max_side: 100,
            ..Default::default()
        };
        let clean = clean(&png(400, 200), &limits).unwrap();
        assert_eq!(&clean.jpeg[..2], &[0xFF, 0xD8], "JPEG magic");
        assert_eq!((clean.width, clean.height), (100, 50));
        assert_eq!(clean.hash.len(), 64);
    }

    #[test]
    fn refusals_name_the_problem() {
        let limits = PhotoLimits::default();
        assert_eq!(clean(b"", &limits).err(), Some(PhotoError::Empty));
        assert_eq!(
            clean(b"%PDF-1.7 not a photo", &limits).err(),
            Some(PhotoError::NotAnImage)
        );
        assert_eq!(
            clean(b"GIF89a......", &limits).err(),
            Some(PhotoError::NotAnImage)
        );
        let small = PhotoLimits {
            max_bytes: 10,
            ..Default::default()
        };
        assert_eq!(clean(&png(4, 4), &small).err(), Some(PhotoError::TooLarge));
        let few = PhotoLimits {
            max_pixels: 100,
            ..Default::default()
        };
        assert_eq!(
            clean(&png(20, 20), &few).err(),
            Some(PhotoError::TooManyPixels)
        );
        let mut broken = png(20, 20);
        broken.truncate(60);
        assert_eq!(clean(&broken, &limits).err(), Some(PhotoError::Unreadable));
    }

    #[test]
    fn exif_metadata_does_not_survive() {
        // A JPEG with an APP1 "Exif" segment inserted after SOI.
        let rgb = image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&rgb)
            .unwrap();
        let exif = b"Exif\0\0GPSLatitude=31.2304N";
        let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
        with_exif.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        with_exif.extend_from_slice(exif);
        with_exif.extend_from_slice(&jpeg[2..]);
        let clean = clean(&with_exif, &PhotoLimits::default()).unwrap();
        let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(find(&with_exif, b"GPSLatitude"));
        assert!(!find(&clean.jpeg, b"GPSLatitude"));
        assert!(!find(&clean.jpeg, b"Exif"));
    }
}
