//! The archive of content-hashed app files in the data directory: each start copies the
//! build's hashed files in and marks them seen; files no build has had for
//! [`ARCHIVE_KEEP_DAYS`] are removed.

use super::is_content_hashed;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a build's content-hashed files stay servable after a newer build replaced them.
pub const ARCHIVE_KEEP_DAYS: u64 = 30;

/// Copy this build's content-hashed files (and their compressed siblings) into the archive,
/// mark them as seen now, and remove archived files no build has had for the keep period.
pub(super) fn keep_in_archive(dist: &Path, archive: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(archive)?;
    let now = SystemTime::now();
    for entry in std::fs::read_dir(dist)?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let base = name
            .strip_suffix(".br")
            .or_else(|| name.strip_suffix(".gz"))
            .unwrap_or(&name);
        if !path.is_file() || !is_content_hashed(base) {
            continue;
        }
        let kept = archive.join(&name);
        if !kept.exists() {
            std::fs::copy(&path, &kept)?;
        }
        std::fs::File::options()
            .write(true)
            .open(&kept)?
            .set_modified(now)?;
    }
    let keep = Duration::from_secs(ARCHIVE_KEEP_DAYS * 24 * 3600);
    for entry in std::fs::read_dir(archive)?.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|m| now.duration_since(m).unwrap_or_default() > keep);
        if old {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
