//! A library's identity: a small marker file in its root naming the library by id, so the
//! library is recognised wherever its folder is moved, and what a folder chosen as a library
//! holds before anything is written to it.

use super::LibraryFolder;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The marker's name in the library root.
pub const MARKER: &str = ".distillery-library";

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    id: String,
}

/// The id in `root`'s marker, if it has a readable one.
pub fn read_id(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join(MARKER)).ok()?;
    serde_json::from_str::<Marker>(&text)
        .ok()
        .map(|m| m.id)
        .filter(|id| !id.is_empty())
}

/// The id of the library in `root`, giving it one (and its marker) if it has none.
pub fn ensure_id(root: &Path) -> std::io::Result<String> {
    if let Some(id) = read_id(root) {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().to_string();
    let json = serde_json::to_string(&Marker { id: id.clone() }).map_err(std::io::Error::other)?;
    super::files::write_atomically(&root.join(MARKER), json.as_bytes()).map_err(std::io::Error::other)?;
    Ok(id)
}

/// What a folder offered as a library holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderContents {
    /// It does not exist yet (it will be created).
    Missing,
    /// Nothing in it.
    Empty,
    /// A Distillery library: its marker or its folders (`originals/`, `thumbnails/`), with
    /// the number of original files found.
    Library { originals: usize },
    /// Other files and folders (`entries` of them): Distillery's folders go beside them.
    OtherFiles { entries: usize },
    /// It cannot be a library: a file, or a folder that cannot be read.
    Unusable(String),
}

/// Looks at `folder` without changing anything.
pub fn inspect(folder: &Path) -> FolderContents {
    match std::fs::metadata(folder) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FolderContents::Missing,
        Err(e) => {
            return FolderContents::Unusable(crate::i18n::fill(
                &crate::i18n::tr("it cannot be read ({})"),
                &[&e.to_string()],
            ));
        }
        Ok(m) if !m.is_dir() => return FolderContents::Unusable(crate::i18n::tr("it is a file, not a folder")),
        Ok(_) => {}
    }
    let entries: Vec<_> = match std::fs::read_dir(folder) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.file_name()).collect(),
        Err(e) => {
            return FolderContents::Unusable(crate::i18n::fill(
                &crate::i18n::tr("it cannot be read ({})"),
                &[&e.to_string()],
            ));
        }
    };
    let has = |name: &str| entries.iter().any(|e| e == name);
    let ours = [LibraryFolder::Originals, LibraryFolder::Thumbnails];
    if has(MARKER) || ours.iter().all(|f| has(f.dir_name())) {
        return FolderContents::Library {
            originals: super::check::files_under(folder, LibraryFolder::Originals).len(),
        };
    }
    if entries.is_empty() {
        FolderContents::Empty
    } else {
        FolderContents::OtherFiles { entries: entries.len() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_keeps_its_id_and_folders_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        assert_eq!(inspect(&root), FolderContents::Missing);
        std::fs::create_dir(&root).unwrap();
        assert_eq!(inspect(&root), FolderContents::Empty);
        let id = ensure_id(&root).unwrap();
        assert_eq!(ensure_id(&root).unwrap(), id, "the id is kept");
        std::fs::create_dir_all(root.join("originals/2026/11")).unwrap();
        std::fs::write(root.join("originals/2026/11/a.png"), b"x").unwrap();
        assert_eq!(inspect(&root), FolderContents::Library { originals: 1 });

        let moved = dir.path().join("moved");
        std::fs::rename(&root, &moved).unwrap();
        assert_eq!(read_id(&moved), Some(id), "a moved library is the same library");

        let other = dir.path().join("photos");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("holiday.jpg"), b"x").unwrap();
        assert_eq!(inspect(&other), FolderContents::OtherFiles { entries: 1 });
        assert!(matches!(
            inspect(&other.join("holiday.jpg")),
            FolderContents::Unusable(_)
        ));
    }
}
