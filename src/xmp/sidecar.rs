//! Where an image's sidecar is: `photo.jpg.xmp` (darktable, digiKam) or `photo.xmp`
//! (Lightroom, Bridge, Capture One), in either case of the extension.

use std::path::{Path, PathBuf};

/// The sidecars that may belong to `image`, the more specific first (`photo.jpg.xmp` names
/// one file; `photo.xmp` may be shared by `photo.jpg` and `photo.png`). Only those that exist.
pub fn sidecars_of(image: &Path) -> Vec<PathBuf> {
    let Some(name) = image.file_name() else {
        return Vec::new();
    };
    let mut candidates = Vec::new();
    for extension in ["xmp", "XMP"] {
        let mut full = name.to_os_string();
        full.push(".");
        full.push(extension);
        candidates.push(image.with_file_name(full));
    }
    for extension in ["xmp", "XMP"] {
        candidates.push(image.with_extension(extension));
    }
    let mut found: Vec<PathBuf> = Vec::new();
    for candidate in candidates {
        if candidate != image && candidate.is_file() && !found.contains(&candidate) {
            found.push(candidate);
        }
    }
    found
}

/// The sidecar Distillery writes for `image`: `photo.png.xmp`, which names one file and is
/// read by darktable, digiKam and Lightroom alike.
pub fn sidecar_for_writing(image: &Path) -> PathBuf {
    let mut name = image.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".xmp");
    image.with_file_name(name)
}
