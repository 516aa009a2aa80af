//! Native file pickers (through the desktop's portal), run on the runtime so the window
//! keeps painting while the dialog is open.

use crate::ui::reference_tray::PickFiles;
use std::path::PathBuf;
use std::rc::Rc;

/// Extensions of the formats Distillery decodes.
pub const IMAGE_EXTENSIONS: [&str; 8] = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"];

/// Image files for the generation panel's references; none when the user cancels or no
/// picker is available (the failure is logged).
pub fn reference_images(runtime: tokio::runtime::Handle) -> PickFiles {
    Rc::new(move |chosen_files| {
        let task = runtime.spawn(async {
            let chosen = rfd::AsyncFileDialog::new()
                .set_title("Add reference images")
                .add_filter("Images", &IMAGE_EXTENSIONS)
                .pick_files()
                .await;
            chosen
                .map(|files| files.iter().map(|f| f.path().to_owned()).collect::<Vec<PathBuf>>())
                .unwrap_or_default()
        });
        let _ = slint::spawn_local(async move {
            chosen_files(task.await.unwrap_or_default());
        });
    })
}
