//! Reading a file the user named (an import, a reference, a model) or the library holds,
//! only if it is a regular file, and never more than a limit known before reading.
//!
//! A named pipe blocks `open` until a writer appears and `/dev/zero` never ends, so the kind
//! is checked twice: by path before opening (devices and pipes are never opened) and on the
//! opened descriptor (opened non-blocking, so a path swapped for a pipe in between cannot
//! hang us either).

use crate::i18n::later;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// Why a path is not a regular file, as words that follow its name ("is a named pipe…"),
/// or `None` for a regular file.
pub fn not_regular(meta: &Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_file() {
        None
    } else if kind.is_dir() {
        Some(later("is a folder, not an image"))
    } else if kind.is_fifo() {
        Some(later("is a named pipe (FIFO), not a file"))
    } else if kind.is_socket() {
        Some(later("is a socket, not a file"))
    } else if kind.is_char_device() || kind.is_block_device() {
        Some(later("is a device, not a file"))
    } else {
        Some(later("is not a regular file"))
    }
}

/// Opens `path` for reading if it is a regular file of at most `limit` bytes. The error is
/// the reason in words that follow the file's name; `purpose` completes "is too large …".
pub fn open_regular(path: &Path, limit: u64, purpose: &'static str) -> Result<(File, u64), String> {
    let meta = std::fs::metadata(path).map_err(|e| read_problem(&e))?;
    if let Some(reason) = not_regular(&meta) {
        return Err(crate::i18n::tr(reason));
    }
    let file = open_without_blocking(path).map_err(|e| read_problem(&e))?;
    let meta = file.metadata().map_err(|e| read_problem(&e))?;
    if let Some(reason) = not_regular(&meta) {
        return Err(crate::i18n::tr(reason));
    }
    if meta.len() > limit {
        return Err(crate::format::too_large(meta.len(), limit, purpose));
    }
    Ok((file, meta.len()))
}

/// The whole content of the regular file at `path`, at most `limit` bytes; a file that grows
/// past the limit while it is read is refused too.
pub fn read_regular(path: &Path, limit: u64, purpose: &'static str) -> Result<Vec<u8>, String> {
    let (file, len) = open_regular(path, limit, purpose)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| read_problem(&e))?;
    if bytes.len() as u64 > limit {
        return Err(crate::format::too_large(bytes.len() as u64, limit, purpose));
    }
    Ok(bytes)
}

fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK makes opening a pipe return at once; reads of a regular file ignore it.
    // O_NOCTTY: a terminal device must never become our controlling terminal.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

/// An I/O error as words that follow a file's name.
pub fn read_problem(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => crate::i18n::tr("disappeared before it could be read"),
        std::io::ErrorKind::PermissionDenied => crate::i18n::tr("cannot be read (permission denied)"),
        _ => crate::i18n::fill(&crate::i18n::tr("cannot be read ({})"), &[&error.to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_whole_within_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_regular(&path, 5, "to import").unwrap(), b"12345");
        let refused = read_regular(&path, 4, "to import").unwrap_err();
        assert!(refused.starts_with("is too large to import"), "{refused}");
    }

    #[test]
    fn pipes_devices_sockets_and_folders_are_refused_by_kind_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.png");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        assert_eq!(
            read_regular(&fifo, 1 << 20, "to import").unwrap_err(),
            "is a named pipe (FIFO), not a file"
        );
        assert_eq!(
            read_regular(Path::new("/dev/zero"), 1 << 20, "to import").unwrap_err(),
            "is a device, not a file"
        );
        let socket_path = dir.path().join("socket.png");
        let _listener = std::os::unix::net::UnixListener::bind(&socket_path).unwrap();
        assert_eq!(
            read_regular(&socket_path, 1 << 20, "to import").unwrap_err(),
            "is a socket, not a file"
        );
        assert_eq!(
            read_regular(dir.path(), 1 << 20, "to import").unwrap_err(),
            "is a folder, not an image"
        );
        // Through a link, the target's kind counts.
        let link = dir.path().join("zero.png");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert_eq!(
            read_regular(&link, 1 << 20, "to import").unwrap_err(),
            "is a device, not a file"
        );
    }

    #[test]
    fn a_missing_file_is_named_as_gone() {
        assert_eq!(
            read_regular(Path::new("/nonexistent/x.png"), 10, "to import").unwrap_err(),
            "disappeared before it could be read"
        );
    }
}
