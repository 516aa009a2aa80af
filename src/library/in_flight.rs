//! Files being written into the library right now, which a check must never take for
//! strays: an image being finalised is on disk before its row is committed, an import copies
//! its file before inserting the row, a submit prepares its references before storing its
//! generation. Any of these may be another process's work.
//!
//! A file counts as settled only if it was last changed (`ctime`: created, renamed or
//! hard-linked) before the check began and no finalising marker lists it; and a repair
//! looks once more, just before it moves a file, whether a row names it by then.

use super::{LibraryFolder, LibraryRoot};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;
use std::time::SystemTime;

/// The files a finalisation is about to write (`tmp/finalizing/<media id>.json`), removed
/// once its row is committed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FinalizingMarker {
    pub media_id: String,
    pub files: Vec<String>,
    /// The process writing them: recovery leaves the files of a live process alone (an import
    /// in a client goes on while the owner recovers). Absent in markers of older versions.
    #[serde(default)]
    pub pid: Option<u32>,
}

impl FinalizingMarker {
    /// A marker of this process for `files` of `media_id`.
    pub fn new(media_id: String, files: Vec<String>) -> Self {
        Self {
            media_id,
            files,
            pid: Some(std::process::id()),
        }
    }

    /// Whether the process that wrote this marker is still running.
    pub fn writer_is_running(&self) -> bool {
        self.pid.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
    }
}

/// Writes the marker for `files` before they are written (without an fsync: it guards
/// against a killed process, not a power cut) and returns its path, to remove once the row
/// is committed.
pub fn mark(library: &LibraryRoot, media_id: &str, files: &[String]) -> std::io::Result<std::path::PathBuf> {
    let dir = markers_dir(library);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{media_id}.json"));
    let marker = FinalizingMarker::new(media_id.to_owned(), files.to_vec());
    let partial = dir.join(format!("{media_id}.json.{}.partial", std::process::id()));
    std::fs::write(&partial, serde_json::to_vec(&marker).map_err(std::io::Error::other)?)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}

/// The folder of finalising markers.
pub fn markers_dir(library: &LibraryRoot) -> std::path::PathBuf {
    library.path().join(LibraryFolder::Tmp.dir_name()).join("finalizing")
}

/// Every file a finalising marker lists now (relative to the root).
pub fn named_by_markers(library: &LibraryRoot) -> HashSet<String> {
    let mut named = HashSet::new();
    for entry in std::fs::read_dir(markers_dir(library)).into_iter().flatten().flatten() {
        let marker = std::fs::read(entry.path())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<FinalizingMarker>(&bytes).ok());
        if let Some(marker) = marker {
            named.extend(marker.files);
        }
    }
    named
}

/// The partial files (`name.<pid>.partial`) that writing `file` atomically may have left
/// behind when its process was killed.
pub fn partials_of(file: &Path) -> Vec<std::path::PathBuf> {
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        return Vec::new();
    };
    let prefix = format!("{}.", name.to_string_lossy());
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| {
            let other = entry.file_name().to_string_lossy().into_owned();
            other.starts_with(&prefix) && other.ends_with(".partial")
        })
        .map(|entry| entry.path())
        .collect()
}

/// Whether `relative` is being written right now: named by a finalising marker (or a
/// partial file of one), or a partial file (`name.<pid>.partial`, see `write_atomically`) of a
/// process that is still running.
pub fn being_written(relative: &str, markers: &HashSet<String>) -> bool {
    if markers.iter().any(|named| relative.starts_with(named.as_str())) {
        return true;
    }
    let Some(rest) = relative.strip_suffix(".partial") else {
        return false;
    };
    let pid = rest.rsplit('.').next().and_then(|pid| pid.parse::<u32>().ok());
    pid.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
}

/// Whether the file was created, renamed or linked at or after `since` (or cannot be read):
/// then it may be another process's work in progress.
pub fn changed_since(path: &Path, since: SystemTime) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return true;
    };
    let nanos = meta.ctime_nsec().clamp(0, 999_999_999) as u32;
    let changed = std::time::UNIX_EPOCH + std::time::Duration::new(meta.ctime().max(0) as u64, nanos);
    // A file system that keeps whole seconds only (FAT, some shares) may round a change made
    // during the check down to before it: there, the whole second counts as "since".
    let margin = if nanos == 0 {
        std::time::Duration::from_secs(1)
    } else {
        std::time::Duration::ZERO
    };
    changed + margin >= since
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_file_is_in_flight_while_its_writer_runs_and_a_marker_covers_its_partials() {
        let markers: HashSet<String> = ["originals/2026/12/a.png".to_owned()].into();
        assert!(being_written("originals/2026/12/a.png", &markers));
        assert!(being_written("originals/2026/12/a.png.999999999.partial", &markers));
        let mine = format!("originals/2026/12/b.png.{}.partial", std::process::id());
        assert!(being_written(&mine, &HashSet::new()), "this process is running");
        assert!(
            !being_written("originals/2026/12/b.png.999999999.partial", &HashSet::new()),
            "no such process"
        );
        assert!(!being_written("originals/2026/12/b.png", &HashSet::new()));
    }

    #[test]
    fn a_file_made_now_has_changed_since_a_moment_ago_and_not_since_later() {
        let dir = tempfile::tempdir().unwrap();
        let before = SystemTime::now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let file = dir.path().join("new.png");
        std::fs::write(&file, b"x").unwrap();
        assert!(changed_since(&file, before));
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(!changed_since(&file, SystemTime::now()));
        assert!(
            changed_since(&dir.path().join("missing.png"), before),
            "unreadable counts as in flight"
        );
    }
}
