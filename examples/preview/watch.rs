//! Noticing that a file a preview is built from changed: the modification times of the
//! .slint sources, images and fonts under the given folders, compared at each poll.
//! Polling needs no file-watching crate and ~100 files cost nothing to stat.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a preview can depend on: sources, images (icons are SVG) and fonts.
const WATCHED_EXTENSIONS: [&str; 5] = ["slint", "png", "svg", "otf", "ttf"];

pub struct Watch {
    roots: Vec<PathBuf>,
    stamps: BTreeMap<PathBuf, SystemTime>,
}

impl Watch {
    /// Starts watching the files under `roots` as they are now.
    pub fn new(roots: Vec<PathBuf>) -> Self {
        let stamps = stamps(&roots);
        Self { roots, stamps }
    }

    /// Whether a file was changed, added or removed since the last call.
    pub fn changed(&mut self) -> bool {
        let now = stamps(&self.roots);
        let changed = now != self.stamps;
        self.stamps = now;
        changed
    }
}

fn stamps(roots: &[PathBuf]) -> BTreeMap<PathBuf, SystemTime> {
    let mut found = BTreeMap::new();
    for root in roots {
        collect(root, &mut found);
    }
    found
}

fn collect(dir: &Path, found: &mut BTreeMap<PathBuf, SystemTime>) {
    // A folder that vanished mid-save is simply empty for this poll.
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(metadata) = entry.metadata() else { continue };
        if metadata.is_dir() {
            collect(&path, found);
        } else if path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| WATCHED_EXTENSIONS.contains(&ext))
        {
            found.insert(path, metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH));
        }
    }
}
