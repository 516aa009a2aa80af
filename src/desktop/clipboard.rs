//! Copying to the clipboard: one image's pixels, for pasting into an editor or a chat, or
//! several images as a file list (`text/uri-list`), for pasting into a file manager or a
//! mail.
//!
//! On X11 the clipboard is served by the app that copied, so one clipboard lives as long as
//! the process (dropping it would take the copied image away).

use std::path::Path;
use std::sync::Mutex;

static CLIPBOARD: Mutex<Option<arboard::Clipboard>> = Mutex::new(None);

/// Decodes `path` (within the decode budget) and puts its pixels on the clipboard; `name`
/// is how the user knows the file.
pub fn copy_image(path: &Path, name: &str) -> Result<(), String> {
    let decoded = crate::library::decode::decode_file(path).map_err(|problem| format!("{name} {problem}."))?;
    let rgba = decoded.image.to_rgba8();
    let (width, height) = rgba.dimensions();
    let image = arboard::ImageData {
        width: width as usize,
        height: height as usize,
        bytes: std::borrow::Cow::Owned(rgba.into_raw()),
    };
    with_clipboard(|clipboard| {
        clipboard
            .set_image(image)
            .map_err(|error| format!("{name} could not be copied ({}).", one_line(&error)))
    })
}

/// Puts `paths` on the clipboard as a list of files.
pub fn copy_files(paths: &[std::path::PathBuf]) -> Result<(), String> {
    with_clipboard(|clipboard| {
        clipboard.set().file_list(paths).map_err(|error| {
            crate::i18n::fill(
                &crate::i18n::tr("The files could not be copied ({})."),
                &[&one_line(&error).to_string()],
            )
        })
    })
}

fn with_clipboard(action: impl FnOnce(&mut arboard::Clipboard) -> Result<(), String>) -> Result<(), String> {
    let mut held = CLIPBOARD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if held.is_none() {
        *held = Some(arboard::Clipboard::new().map_err(|error| {
            crate::i18n::fill(
                &crate::i18n::tr("The clipboard cannot be used here ({})."),
                &[&one_line(&error).to_string()],
            )
        })?);
    }
    let Some(clipboard) = held.as_mut() else {
        return Err(crate::i18n::tr("The clipboard cannot be used here."));
    };
    action(clipboard)
}

fn one_line(error: &arboard::Error) -> String {
    error.to_string().lines().next().unwrap_or_default().to_owned()
}
