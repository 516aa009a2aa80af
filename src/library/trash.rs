//! Moving library files to the trash: the desktop's trash (freedesktop on Linux, the Recycle
//! Bin, the macOS Trash) through the `trash` crate, or the library's own `.trash/` folder
//! when the desktop has none for that disk. Never touches a file outside the library root.

use super::{LibraryError, LibraryRoot};
use std::path::{Path, PathBuf};

/// The library's own trash, for disks without a desktop trash.
pub const LIBRARY_TRASH: &str = ".trash";

/// Where a file went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trashed {
    /// Into the desktop's trash, from where the file manager can restore it.
    DesktopTrash,
    /// Into the library's `.trash/` folder, at this path.
    LibraryTrash(PathBuf),
    /// The file was already gone.
    Missing,
}

/// Which trash to try first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrashPolicy {
    /// The desktop's trash, falling back to the library's.
    Desktop,
    /// Only the library's own `.trash/` (tests, and disks the desktop trash refuses).
    LibraryOnly,
}

/// Moves the library file at `relative` to the trash.
pub fn move_to_trash(library: &LibraryRoot, relative: &str, policy: TrashPolicy) -> Result<Trashed, LibraryError> {
    let path = library.resolve(relative)?;
    let metadata = match std::fs::symlink_metadata(&path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Trashed::Missing),
        Err(source) => return Err(LibraryError::Io { path, source }),
    };
    // `resolve` refuses `..`; a symlinked folder inside the library could still lead out.
    confine(library.path(), &path)?;
    if !metadata.is_file() && !metadata.is_symlink() {
        return Err(LibraryError::Unreadable {
            path,
            reason: crate::i18n::tr("is not a file"),
        });
    }
    if policy == TrashPolicy::Desktop {
        match trash::delete(&path) {
            Ok(()) => return Ok(Trashed::DesktopTrash),
            Err(error) => {
                tracing::info!(path = %path.display(), %error, "no desktop trash; using the library's own");
            }
        }
    }
    into_library_trash(library, relative, &path).map(Trashed::LibraryTrash)
}

/// Fails unless the real location of `path`'s folder is inside the real library root.
fn confine(root: &Path, path: &Path) -> Result<(), LibraryError> {
    let outside = || LibraryError::OutsideLibrary {
        path: path.display().to_string(),
    };
    let root = root.canonicalize().map_err(|_| outside())?;
    let folder = path
        .parent()
        .ok_or_else(outside)?
        .canonicalize()
        .map_err(|_| outside())?;
    if folder.starts_with(&root) {
        Ok(())
    } else {
        Err(outside())
    }
}

/// Moves the file under `.trash/`, keeping its relative path; a name already there gets a
/// numbered suffix rather than being overwritten.
fn into_library_trash(library: &LibraryRoot, relative: &str, path: &Path) -> Result<PathBuf, LibraryError> {
    let mut target = library.path().join(LIBRARY_TRASH).join(relative);
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder).map_err(|source| LibraryError::Io {
            path: folder.to_owned(),
            source,
        })?;
    }
    let mut n = 1;
    while target.exists() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        target.set_file_name(format!("{n}-{name}"));
        n += 1;
    }
    std::fs::rename(path, &target).map_err(|source| LibraryError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(target)
}
