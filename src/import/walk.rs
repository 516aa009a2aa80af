//! Turning what the user picked (files and folders) into the files to import. Folders are
//! walked recursively, following links to folders but never into one already visited (a
//! link back to a parent ends there). Problems are reported per path, never fatal.

use crate::library::regular_file::not_regular;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The image types Distillery imports, by extension (any case).
pub const IMAGE_EXTENSIONS: [&str; 8] = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"];

/// What became of a picked path that is not a file to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub path: PathBuf,
    /// For the user: "is a symbolic link loop".
    pub reason: String,
    /// Skipped on purpose (not an image type, in a folder) rather than failed.
    pub skipped: bool,
}

/// The files to import, in a stable order, and the paths that could not be used.
#[derive(Debug, Default)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    pub unusable: Vec<Unusable>,
}

pub fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|known| known.eq_ignore_ascii_case(e)))
}

/// Expands `picked` into files. A file picked by name is imported whatever its extension
/// says, unless it names no image type; inside folders only image types are taken.
pub fn expand(picked: &[PathBuf]) -> Expanded {
    let mut out = Expanded::default();
    let mut visited = HashSet::new();
    let mut seen_files = HashSet::new();
    for path in picked {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut visited, &mut seen_files, &mut out),
            Ok(_) if !has_image_extension(path) => out.unusable.push(Unusable {
                path: path.clone(),
                reason: crate::i18n::tr("is not an image type Distillery imports (PNG, JPEG, WebP, GIF, BMP or TIFF)"),
                skipped: true,
            }),
            Ok(meta) => match not_regular(&meta) {
                Some(reason) => out.unusable.push(Unusable {
                    path: path.clone(),
                    reason: crate::i18n::tr(reason),
                    skipped: false,
                }),
                None => {
                    if seen_files.insert(file_key(&meta, path)) {
                        out.files.push(path.clone());
                    }
                }
            },
            Err(error) => out.unusable.push(Unusable {
                path: path.clone(),
                reason: unreachable_reason(path, &error),
                skipped: false,
            }),
        }
    }
    out
}

fn walk(dir: &Path, visited: &mut HashSet<(u64, u64)>, seen_files: &mut HashSet<(u64, u64)>, out: &mut Expanded) {
    let Ok(meta) = std::fs::metadata(dir) else { return };
    if !visited.insert(dir_key(&meta, dir)) {
        return; // a link back to a folder already walked
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            out.unusable.push(Unusable {
                path: dir.to_owned(),
                reason: crate::i18n::fill(
                    &crate::i18n::tr("is a folder that cannot be read ({})"),
                    &[&error.to_string()],
                ),
                skipped: false,
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, visited, seen_files, out),
            Ok(meta) if has_image_extension(&path) => match not_regular(&meta) {
                // A pipe or device named like an image: named, never opened.
                Some(reason) => out.unusable.push(Unusable {
                    path,
                    reason: crate::i18n::tr(reason),
                    skipped: false,
                }),
                None => {
                    if seen_files.insert(file_key(&meta, &path)) {
                        out.files.push(path);
                    }
                }
            },
            Ok(_) => {} // not an image type: a folder import ignores it
            Err(error) if has_image_extension(&path) => out.unusable.push(Unusable {
                reason: unreachable_reason(&path, &error),
                path,
                skipped: false,
            }),
            Err(_) => {}
        }
    }
}

/// Why `path` cannot be opened, in words.
fn unreachable_reason(path: &Path, error: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if error.raw_os_error() == Some(40) {
        return crate::i18n::tr("is a symbolic link loop (it points back to itself)");
    }
    match error.kind() {
        std::io::ErrorKind::NotFound if is_link => crate::i18n::tr("is a link to a file that does not exist"),
        std::io::ErrorKind::NotFound => crate::i18n::tr("does not exist"),
        std::io::ErrorKind::PermissionDenied => crate::i18n::tr("cannot be read (permission denied)"),
        _ => crate::i18n::fill(&crate::i18n::tr("cannot be read ({})"), &[&error.to_string()]),
    }
}

#[cfg(unix)]
fn dir_key(meta: &std::fs::Metadata, _: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dir_key(_: &std::fs::Metadata, path: &Path) -> (u64, u64) {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .hash(&mut hasher);
    (0, hasher.finish())
}

fn file_key(meta: &std::fs::Metadata, path: &Path) -> (u64, u64) {
    dir_key(meta, path)
}
