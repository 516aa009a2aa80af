//! Native file pickers (through the desktop's portal), run on the runtime so the window
//! keeps painting while the dialog is open. A cancelled or unavailable picker gives nothing.

use crate::import::IMAGE_EXTENSIONS;
use crate::ui::reference_tray::PickFiles;
use std::path::PathBuf;
use std::rc::Rc;

/// What a picker picks.
#[derive(Debug, Clone, Copy)]
pub enum Pick {
    ImageFiles,
    Folders,
}

/// A picker titled `title`, answering on the UI thread.
pub fn picker(runtime: tokio::runtime::Handle, pick: Pick, title: &'static str) -> PickFiles {
    Rc::new(move |chosen| {
        let task = runtime.spawn(async move {
            let dialog = rfd::AsyncFileDialog::new().set_title(title);
            let handles = match pick {
                Pick::ImageFiles => dialog.add_filter("Images", &IMAGE_EXTENSIONS).pick_files().await,
                Pick::Folders => dialog.pick_folders().await,
            };
            handles
                .map(|files| files.iter().map(|f| f.path().to_owned()).collect::<Vec<PathBuf>>())
                .unwrap_or_default()
        });
        let _ = slint::spawn_local(async move {
            chosen(task.await.unwrap_or_default());
        });
    })
}

/// The Settings dialog's picker: one model file (by its extension), the engine binary, or a
/// library folder.
pub fn settings_picker(runtime: tokio::runtime::Handle) -> crate::ui::settings_dialog::PickPath {
    use crate::ui::settings_dialog::PickTarget;
    Rc::new(move |target, chosen| {
        let task = runtime.spawn(async move {
            let dialog = rfd::AsyncFileDialog::new();
            let handle = match target {
                PickTarget::Model(kind) => {
                    dialog
                        .set_title(format!("Choose the {}", kind.label()))
                        .add_filter(kind.label(), &[kind.extension()])
                        .pick_file()
                        .await
                }
                PickTarget::EngineBinary => dialog.set_title("Choose the cn-engine binary").pick_file().await,
                PickTarget::LibraryFolder => dialog.set_title("Choose a library folder").pick_folder().await,
            };
            handle.map(|h| h.path().to_owned())
        });
        let _ = slint::spawn_local(async move {
            chosen(task.await.ok().flatten());
        });
    })
}
