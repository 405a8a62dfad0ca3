//! Uploaded files in an S3-compatible object store, when `ANJU_OBJECT_STORE_URL` names one:
//! for deployments whose PostgreSQL should not carry every photo and document, with several
//! `anju` instances reading each other's files from the bucket. The bytes are what the other
//! stores hold: photos re-encoded without metadata, documents sealed with the data key (the
//! store never sees a readable document).
//!
//! The URL is the bucket, path-style: `http(s)://host[:port]/bucket` (MinIO, Ceph, Garage,
//! and AWS as `https://s3.<region>.amazonaws.com/<bucket>`). The access keys come from
//! `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (never from the URL, which is logged), the
//! region from `AWS_REGION` (`us-east-1` when unset).

use anyhow::{bail, Context, Result};
use std::sync::Arc;

#[derive(Clone)]
pub struct ObjectStore {
    bucket: Arc<s3::Bucket>,
    /// The URL as configured, for the log (it holds no secret).
    url: Arc<str>,
}

impl std::fmt::Debug for ObjectStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStore")
            .field("url", &self.url)
            .finish()
    }
}

impl ObjectStore {
    /// The store for `url`; fails on a URL without a bucket or without the keys.
    pub fn from_url(url: &str) -> Result<Self> {
        let parsed = reqwest::Url::parse(url).context("ANJU_OBJECT_STORE_URL is not a URL")?;
        if !matches!(parsed.scheme(), "http" | "https") {
            bail!("ANJU_OBJECT_STORE_URL must start with http:// or https://");
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            bail!("ANJU_OBJECT_STORE_URL must not carry keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        }
        let bucket_name = parsed.path().trim_matches('/');
        if bucket_name.is_empty() || bucket_name.contains('/') {
            bail!("ANJU_OBJECT_STORE_URL must end with the bucket: http(s)://host[:port]/bucket");
        }
        let host = parsed
            .host_str()
            .context("ANJU_OBJECT_STORE_URL has no host")?;
        let endpoint = match parsed.port() {
            Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
            None => format!("{}://{host}", parsed.scheme()),
        };
        let region = s3::Region::Custom {
            region: std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
            endpoint,
        };
        let credentials = s3::creds::Credentials::from_env()
            .context("the object store needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")?;
        let bucket = s3::Bucket::new(bucket_name, region, credentials)
            .context("object store")?
            .with_path_style();
        Ok(Self {
            bucket: Arc::from(bucket),
            url: Arc::from(url),
        })
    }

    /// Fail at start-up, not at the first upload, when the bucket cannot be reached or the
    /// keys are refused: a missing object answers 404, anything else is a fault.
    pub async fn check(&self) -> Result<()> {
        match self.bucket.head_object("anju-start-up-probe").await {
            Ok((_, 200 | 404)) => Ok(()),
            Ok((_, status)) => bail!("object store {}: HTTP {status}", self.url),
            Err(s3::error::S3Error::HttpFailWithBody(404, _)) => Ok(()),
            Err(e) => Err(anyhow::anyhow!("object store {}: {e}", self.url)),
        }
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let response = self
            .bucket
            .put_object(key, bytes)
            .await
            .with_context(|| format!("object store put {key}"))?;
        match response.status_code() {
            200..=299 => Ok(()),
            status => bail!("object store put {key}: HTTP {status}"),
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let response = self
            .bucket
            .get_object(key)
            .await
            .with_context(|| format!("object store get {key}"))?;
        match response.status_code() {
            200 => Ok(Some(response.to_vec())),
            404 => Ok(None),
            status => bail!("object store get {key}: HTTP {status}"),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

#[cfg(test)]
mod tests {
    use super::ObjectStore;

    #[test]
    fn urls_without_a_bucket_or_with_keys_in_them_are_refused() {
        for (url, says) in [
            ("http://127.0.0.1:9000/", "must end with the bucket"),
            ("http://127.0.0.1:9000/a/b", "must end with the bucket"),
            ("http://key:secret@127.0.0.1:9000/b", "must not carry keys"),
            ("ftp://127.0.0.1/b", "http:// or https://"),
            ("not a url", "not a URL"),
        ] {
            let error = ObjectStore::from_url(url).unwrap_err().to_string();
            assert!(error.contains(says), "{url}: {error}");
            assert!(!error.contains("secret"), "{url}: {error}");
        }
    }
}
