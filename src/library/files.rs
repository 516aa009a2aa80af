//! Writing files so that a crash or a full disk never leaves half a file under its real name.

use super::LibraryError;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to a temporary file beside `dest`, syncs it, then renames it into place.
pub fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<(), LibraryError> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| LibraryError::io(dir, e))?;
    let mut temp_name = dest.file_name().unwrap_or_default().to_os_string();
    temp_name.push(format!(".{}.partial", std::process::id()));
    let temp = dest.with_file_name(temp_name);
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(error) = written.and_then(|()| std::fs::rename(&temp, dest)) {
        let _ = std::fs::remove_file(&temp);
        return Err(LibraryError::io(dest, error));
    }
    Ok(())
}

/// Removes files, ignoring those already gone. For cleaning up after a failure.
pub fn remove_quietly(paths: &[&Path]) {
    for path in paths {
        if let Err(error) = std::fs::remove_file(path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %path.display(), %error, "could not remove a leftover file");
        }
    }
}

/// The SHA-256 of `bytes` in hex: an item's identity for de-duplication.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
