//! `anju backup DIR` and `anju restore DIR` for the embedded SQLite deployment.
//!
//! A backup is a directory: `anju.db` (a consistent snapshot taken with `VACUUM INTO` while the
//! server keeps serving), `uploads/` (the sealed photos and documents; they are named by their
//! hash and never change, so copying them after the snapshot has every file it names) and, when
//! there is one, the key file that opens the sealed data. Whoever holds both the data and the
//! key reads the ID numbers: the key must be stored apart, and the command says so.
//!
//! Every command that opens the database (`anju serve` for as long as it runs) holds a shared
//! lock on `<data-dir>/anju.lock`; a restore takes it exclusively, so it refuses to overwrite a
//! database in use, and no server starts (nor migrates) in the middle of a restore. What a restore replaces is kept beside it, renamed
//! `*.before-restore-<time>`. PostgreSQL deployments use `pg_dump` (see the README).

use crate::db::Db;
use anyhow::{bail, Context};
use std::fs::File;
use std::path::{Path, PathBuf};

pub const DB_FILE: &str = "anju.db";
pub const KEY_FILE: &str = "anju-data.key";
pub const UPLOADS: &str = "uploads";
const LOCK_FILE: &str = "anju.lock";

fn lock_file(data_dir: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(data_dir.join(LOCK_FILE))
}

/// Held by a command that opens the database for as long as the returned file is open.
/// Shared: several servers (and a backup) may use one data directory at once; a restore may not.
pub fn hold_data_dir(data_dir: &Path) -> anyhow::Result<File> {
    let file = lock_file(data_dir)
        .with_context(|| format!("cannot open {}", data_dir.join(LOCK_FILE).display()))?;
    match file.try_lock_shared() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "{} is being restored (anju restore); start the server when it has finished",
            data_dir.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub database_bytes: u64,
    pub uploads: usize,
    pub key_copied: bool,
}

/// Write a backup of the SQLite database at `db`, the uploads under `data_dir` and the key
/// file (if it exists) into `dest`, which must be new or empty.
pub async fn backup(
    db: &Db,
    data_dir: &Path,
    key_file: &Path,
    dest: &Path,
) -> anyhow::Result<BackupReport> {
    if db.is_postgres() {
        bail!("anju backup copies the embedded SQLite database; for PostgreSQL use pg_dump (README: Backup and restore)");
    }
    if dest.exists()
        && std::fs::read_dir(dest)
            .with_context(|| format!("cannot read {}", dest.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: choose a new directory for each backup",
            dest.display()
        );
    }
    crate::files::private_dir(dest)?;
    let snapshot = dest.join(DB_FILE);
    db.snapshot_into(&snapshot)
        .await
        .with_context(|| format!("cannot write {}", snapshot.display()))?;
    crate::files::private_database_file(&snapshot)?;
    let uploads = copy_tree(&data_dir.join(UPLOADS), &dest.join(UPLOADS))?;
    let key_copied = key_file.exists();
    if key_copied {
        copy_private(key_file, &dest.join(KEY_FILE))?;
    }
    Ok(BackupReport {
        database_bytes: std::fs::metadata(&snapshot)?.len(),
        uploads,
        key_copied,
    })
}

/// What a restore did.
#[derive(Debug)]
pub struct RestoreReport {
    /// The files it replaced, under their new names.
    pub kept: Vec<PathBuf>,
    pub uploads: usize,
    pub key_restored: bool,
}

/// Put the backup in `src` in place as the data directory `data_dir`, which no server may be
/// using. The key file is taken from the backup when it has one, otherwise `key_file` stays.
pub fn restore(src: &Path, data_dir: &Path, key_file: &Path) -> anyhow::Result<RestoreReport> {
    let source_db = src.join(DB_FILE);
    if !source_db.is_file() {
        bail!("{} has no {DB_FILE}: not an anju backup", src.display());
    }
    crate::files::private_dir(data_dir)?;
    let lock = lock_file(data_dir)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "a server is using {}: stop it before restoring (nothing was changed)",
            data_dir.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
    }
    let stamp = chrono::Utc::now().timestamp();
    let mut kept = Vec::new();
    let target = data_dir.join(DB_FILE);
    // The database with its write-ahead log, if a stopped server left one.
    for suffix in ["", "-wal", "-shm"] {
        let mut name = target.as_os_str().to_owned();
        name.push(suffix);
        let path = PathBuf::from(name);
        if path.exists() {
            let aside = set_aside(&path, stamp);
            std::fs::rename(&path, &aside)
                .with_context(|| format!("cannot move {} aside", path.display()))?;
            kept.push(aside);
        }
    }
    copy_private(&source_db, &target)?;
    crate::files::private_database_file(&target)?;
    let uploads = copy_tree(&src.join(UPLOADS), &data_dir.join(UPLOADS))?;
    let source_key = src.join(KEY_FILE);
    let key_restored = source_key.is_file();
    if key_restored {
        let same = key_file.is_file() && std::fs::read(key_file)? == std::fs::read(&source_key)?;
        if !same {
            if key_file.exists() {
                let aside = set_aside(key_file, stamp);
                std::fs::rename(key_file, &aside)?;
                kept.push(aside);
            }
            copy_private(&source_key, key_file)?;
        }
    }
    drop(lock);
    Ok(RestoreReport {
        kept,
        uploads,
        key_restored,
    })
}

fn set_aside(path: &Path, stamp: i64) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".before-restore-{stamp}"));
    PathBuf::from(name)
}

fn copy_private(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::copy(from, to)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Copy every file under `from` that `to` does not have yet (uploads are named by their
/// content, so a file of the same name is the same file). Returns how many files `from` holds.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<usize> {
    if !from.is_dir() {
        return Ok(0);
    }
    crate::files::private_dir(to)?;
    let mut count = 0;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            count += copy_tree(&source, &dest)?;
        } else {
            count += 1;
            if !dest.exists() {
                copy_private(&source, &dest)?;
            }
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restore_is_refused_while_a_server_holds_the_data_directory() {
        let dir = std::env::temp_dir().join(format!("anju-lock-{}", uuid::Uuid::new_v4().simple()));
        let backup = dir.join("backup");
        std::fs::create_dir_all(&backup).unwrap();
        std::fs::write(backup.join(DB_FILE), b"not really a database").unwrap();
        let data = dir.join("data");
        crate::files::private_dir(&data).unwrap();
        let serving = hold_data_dir(&data).unwrap();
        let refused = restore(&backup, &data, &data.join(KEY_FILE)).unwrap_err();
        assert!(refused.to_string().contains("stop it"), "{refused}");
        assert!(!data.join(DB_FILE).exists(), "nothing was changed");
        drop(serving);
        restore(&backup, &data, &data.join(KEY_FILE)).unwrap();
        assert_eq!(
            std::fs::read(data.join(DB_FILE)).unwrap(),
            b"not really a database"
        );
        // A second server-start during a restore is refused the same way.
        let restoring = lock_file(&data).unwrap();
        restoring.try_lock().unwrap();
        assert!(hold_data_dir(&data).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
