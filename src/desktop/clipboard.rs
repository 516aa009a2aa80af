//! Copying an image's pixels to the clipboard, for pasting into an editor or a chat.
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
    let mut held = CLIPBOARD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if held.is_none() {
        *held = Some(
            arboard::Clipboard::new()
                .map_err(|error| format!("The clipboard cannot be used here ({error}).", error = one_line(&error)))?,
        );
    }
    let Some(clipboard) = held.as_mut() else {
        return Err("The clipboard cannot be used here.".to_owned());
    };
    clipboard
        .set_image(image)
        .map_err(|error| format!("{name} could not be copied ({}).", one_line(&error)))
}

fn one_line(error: &arboard::Error) -> String {
    error.to_string().lines().next().unwrap_or_default().to_owned()
}
