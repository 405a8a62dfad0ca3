//! Uploaded files kept in the database (`stored_files`), for PostgreSQL deployments with
//! several instances: see `photos::BlobStore`.

use crate::db::{with_db, Db};

impl Db {
    /// Keep `bytes` under its content hash; a second store of the same file is a no-op.
    pub async fn put_stored_file(
        &self,
        hash: &str,
        ext: &str,
        bytes: &[u8],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query(
                    "INSERT INTO stored_files (hash, ext, bytes, stored_at) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (hash, ext) DO NOTHING",
                )
                .bind(hash)
                .bind(ext)
                .bind(bytes)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ())
            }
        )
    }

    pub async fn stored_file(&self, hash: &str, ext: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_scalar("SELECT bytes FROM stored_files WHERE hash = $1 AND ext = $2")
                    .bind(hash)
                    .bind(ext)
                    .fetch_optional(pool)
                    .await
            }
        )
    }
}
