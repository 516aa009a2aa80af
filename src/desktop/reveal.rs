//! "Show in file manager" with the file selected: the freedesktop FileManager1 D-Bus
//! interface (Nautilus, Dolphin, Nemo, Caja, Thunar...), else the folder opened by the
//! default application without the selection.

use std::path::Path;

/// Shows `path` selected in the file manager, or opens its folder where no file manager
/// takes the D-Bus call; `name` is how the user knows the file.
pub fn reveal_in_file_manager(path: &Path, name: &str) -> Result<(), String> {
    if !path.exists() {
        return Err(format!("{name} cannot be shown: it is no longer on disk."));
    }
    match show_items(path) {
        Ok(()) => Ok(()),
        Err(error) => {
            tracing::info!(%error, "no file manager took ShowItems; opening the folder");
            let folder = path.parent().unwrap_or(path);
            super::open_in_default_app(folder, name)
        }
    }
}

fn show_items(path: &Path) -> zbus::Result<()> {
    let bus = zbus::blocking::Connection::session()?;
    bus.call_method(
        Some("org.freedesktop.FileManager1"),
        "/org/freedesktop/FileManager1",
        Some("org.freedesktop.FileManager1"),
        "ShowItems",
        &(vec![file_uri(path)], ""),
    )?;
    Ok(())
}

/// `path` as a `file://` URI, with every byte outside the unreserved set percent-encoded
/// (spaces, `#`, `%` and non-UTF-8 names included).
pub fn file_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from("file://");
    for &byte in path.as_os_str().as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_encode_what_a_uri_cannot_hold() {
        assert_eq!(
            file_uri(Path::new("/home/a/Pictures/x.png")),
            "file:///home/a/Pictures/x.png"
        );
        assert_eq!(
            file_uri(Path::new("/tmp/a b#1%/ü.png")),
            "file:///tmp/a%20b%231%25/%C3%BC.png"
        );
    }

    #[test]
    fn a_missing_file_is_said_before_anything_opens() {
        let problem = reveal_in_file_manager(Path::new("/nonexistent/distillery/x.png"), "x.png").unwrap_err();
        assert_eq!(problem, "x.png cannot be shown: it is no longer on disk.");
    }
}
