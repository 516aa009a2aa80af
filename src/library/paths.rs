//! Every path of the library goes through here, confined to its root. The database stores
//! paths relative to the root, so a library can be moved or backed up as one folder.

use super::LibraryError;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The folders inside a library root. Each is created when first needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryFolder {
    /// Full-size images, as `originals/YYYY/MM/<id>.<ext>`.
    Originals,
    /// Square thumbnails for the grid.
    Thumbnails,
    /// Downscaled reference images handed to the engine.
    RefCache,
    /// Thumbnails of reference images kept per generation.
    RefThumbnails,
    /// Work in progress; anything left here after a crash is recovered or removed at start.
    Tmp,
}

impl LibraryFolder {
    pub const ALL: [LibraryFolder; 5] = [
        LibraryFolder::Originals,
        LibraryFolder::Thumbnails,
        LibraryFolder::RefCache,
        LibraryFolder::RefThumbnails,
        LibraryFolder::Tmp,
    ];

    pub fn dir_name(self) -> &'static str {
        match self {
            LibraryFolder::Originals => "originals",
            LibraryFolder::Thumbnails => "thumbnails",
            LibraryFolder::RefCache => "ref_cache",
            LibraryFolder::RefThumbnails => "ref_thumbnails",
            LibraryFolder::Tmp => "tmp",
        }
    }
}

/// A checked library root: writable, or an existing library on read-only media, which can
/// be browsed but not changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryRoot {
    root: PathBuf,
    read_only: bool,
}

impl LibraryRoot {
    /// `~/Distillery/Library`, the library used when none is configured.
    pub fn default_path() -> Result<PathBuf, LibraryError> {
        let home = directories::UserDirs::new().ok_or(LibraryError::NoHomeDir)?;
        Ok(home.home_dir().join("Distillery").join("Library"))
    }

    /// Opens the library at `path`, creating the folder if needed, and checks that it can be
    /// written. A path that is a file, or a folder that cannot be created or written, is
    /// refused without creating anything inside it.
    pub fn open(path: &Path) -> Result<Self, LibraryError> {
        let root = absolute(path);
        if root.is_file() {
            return Err(LibraryError::RootIsFile { path: root });
        }
        if super::identity::read_id(&root).is_some() {
            return Ok(match probe_writable(&root) {
                Ok(()) => Self { root, read_only: false },
                Err(refused) => {
                    // An archive disk or a read-only share: browse it as it is.
                    tracing::info!(library = %root.display(), error = %refused, "the library is read-only");
                    Self { root, read_only: true }
                }
            });
        }
        std::fs::create_dir_all(&root).map_err(|source| LibraryError::CannotCreate {
            path: root.clone(),
            source,
        })?;
        probe_writable(&root)?;
        Ok(Self { root, read_only: false })
    }

    /// An existing library that cannot be written (read-only media or permissions): it can be
    /// browsed; nothing may be generated, imported, culled or deleted in it.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Why nothing can be changed in this library, for a banner or a refused command; `None`
    /// when it is writable.
    pub fn read_only_reason(&self) -> Option<String> {
        self.read_only.then(|| {
            format!(
                "{} is read-only (read-only media or no write permission): you can browse it, but not generate, import, cull or delete.",
                self.root.display()
            )
        })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The folder's path, created if it does not exist yet.
    pub fn folder(&self, folder: LibraryFolder) -> Result<PathBuf, LibraryError> {
        let dir = self.root.join(folder.dir_name());
        std::fs::create_dir_all(&dir).map_err(|source| LibraryError::CannotCreate {
            path: dir.clone(),
            source,
        })?;
        Ok(dir)
    }

    /// The absolute path of a stored relative path. Refuses anything that would leave the
    /// root (absolute paths, `..`).
    pub fn resolve(&self, relative: &str) -> Result<PathBuf, LibraryError> {
        let candidate = Path::new(relative);
        let confined = !relative.is_empty()
            && candidate
                .components()
                .all(|part| matches!(part, Component::Normal(_) | Component::CurDir));
        if !confined {
            return Err(LibraryError::OutsideLibrary {
                path: relative.to_owned(),
            });
        }
        Ok(self.root.join(candidate))
    }

    /// The relative path to store for a file inside the root, with `/` separators.
    pub fn relative(&self, absolute_path: &Path) -> Result<String, LibraryError> {
        let outside = || LibraryError::OutsideLibrary {
            path: absolute_path.display().to_string(),
        };
        let inside = absolute_path.strip_prefix(&self.root).map_err(|_| outside())?;
        let mut parts = Vec::new();
        for part in inside.components() {
            match part {
                Component::Normal(name) => parts.push(name.to_str().ok_or_else(outside)?.to_owned()),
                Component::CurDir => {}
                _ => return Err(outside()),
            }
        }
        if parts.is_empty() {
            return Err(outside());
        }
        Ok(parts.join("/"))
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Writes and removes a small file: the only reliable test of writability (permissions,
/// read-only mounts, full quotas all show up here).
fn probe_writable(root: &Path) -> Result<(), LibraryError> {
    let probe = root.join(format!(".distillery-write-check-{}", std::process::id()));
    let result = std::fs::File::create(&probe).and_then(|mut file| file.write_all(b"ok"));
    let _ = std::fs::remove_file(&probe);
    result.map_err(|source| LibraryError::NotWritable {
        path: root.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_round_trip_and_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let library = LibraryRoot::open(dir.path()).unwrap();
        let original = library.folder(LibraryFolder::Originals).unwrap().join("2026/11/a.png");
        let stored = library.relative(&original).unwrap();
        assert_eq!(stored, "originals/2026/11/a.png");
        assert_eq!(library.resolve(&stored).unwrap(), original);
        assert!(library.resolve("../escape.png").is_err());
        assert!(library.resolve("/etc/passwd").is_err());
        assert!(library.resolve("").is_err());
        assert!(library.relative(Path::new("/elsewhere/a.png")).is_err());
    }

    #[test]
    fn folders_are_created_on_demand() {
        let dir = tempfile::tempdir().unwrap();
        let library = LibraryRoot::open(&dir.path().join("Library")).unwrap();
        assert!(!library.path().join("thumbnails").exists());
        for folder in LibraryFolder::ALL {
            assert!(library.folder(folder).unwrap().is_dir());
        }
        // The write check leaves nothing behind.
        let names: Vec<_> = std::fs::read_dir(library.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), LibraryFolder::ALL.len());
    }
}
