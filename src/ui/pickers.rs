//! File pickers: the desktop's portal (through rfd), else zenity or kdialog, else the app's
//! own path prompt, so a chooser always appears. The search and the picker run on the runtime
//! so the window keeps painting while it is open; a cancelled picker gives nothing.

use crate::desktop::chooser::{Choose, Chooser, find_chooser, run_program};
use crate::import::IMAGE_EXTENSIONS;
use crate::ui::path_prompt::PathPrompt;
use crate::ui::reference_tray::PickFiles;
use std::path::PathBuf;
use std::rc::Rc;

/// What a picker picks.
#[derive(Debug, Clone, Copy)]
pub enum Pick {
    ImageFiles,
    Folders,
}

/// How a chooser answered: with paths (none when cancelled), or not at all (no chooser here,
/// or it would not run): then the app asks itself.
enum Answer {
    Chosen(Vec<PathBuf>),
    AskInApp,
}

/// Runs the best chooser for `choose`; `portal` is the rfd dialog for the portal case.
async fn choose_with<F>(choose: Choose, title: String, portal: impl FnOnce() -> F) -> Answer
where
    F: std::future::Future<Output = Vec<PathBuf>>,
{
    let chooser = tokio::task::spawn_blocking(find_chooser)
        .await
        .unwrap_or(Chooser::BuiltIn);
    match chooser {
        Chooser::Portal => Answer::Chosen(portal().await),
        Chooser::Program { kind, path } => {
            let ran = tokio::task::spawn_blocking(move || run_program(kind, &path, &choose, &title)).await;
            match ran {
                Ok(Ok(paths)) => Answer::Chosen(paths),
                Ok(Err(problem)) => {
                    tracing::warn!(%problem, "the chooser program failed; asking in the app");
                    Answer::AskInApp
                }
                Err(_) => Answer::AskInApp,
            }
        }
        Chooser::BuiltIn => Answer::AskInApp,
    }
}

fn images(many: bool) -> Choose {
    Choose::Files {
        filter: crate::i18n::tr("Images"),
        extensions: IMAGE_EXTENSIONS.iter().map(|e| (*e).to_owned()).collect(),
        many,
    }
}

/// A picker titled `title`, answering on the UI thread.
pub fn picker(runtime: tokio::runtime::Handle, pick: Pick, title: &'static str, prompt: Rc<PathPrompt>) -> PickFiles {
    Rc::new(move |chosen| {
        let choose = match pick {
            Pick::ImageFiles => images(true),
            Pick::Folders => Choose::Folders { many: true },
        };
        let asked = choose.clone();
        let title = crate::i18n::tr(title);
        let shown = title.clone();
        let task = runtime.spawn(choose_with(choose, title.clone(), move || async move {
            let dialog = rfd::AsyncFileDialog::new().set_title(&shown);
            let handles = match pick {
                Pick::ImageFiles => {
                    dialog
                        .add_filter(crate::i18n::tr("Images"), &IMAGE_EXTENSIONS)
                        .pick_files()
                        .await
                }
                Pick::Folders => dialog.pick_folders().await,
            };
            handles
                .map(|files| files.iter().map(|f| f.path().to_owned()).collect::<Vec<PathBuf>>())
                .unwrap_or_default()
        }));
        let prompt = prompt.clone();
        let _ = slint::spawn_local(async move {
            match task.await {
                Ok(Answer::Chosen(paths)) => chosen(paths),
                Ok(Answer::AskInApp) | Err(_) => prompt.ask(&title, asked, chosen),
            }
        });
    })
}

/// The Settings dialog's picker: one model file (by its extension), the engine binary, or a
/// library folder.
pub fn settings_picker(
    runtime: tokio::runtime::Handle,
    prompt: Rc<PathPrompt>,
) -> crate::ui::settings_dialog::PickPath {
    use crate::ui::settings_dialog::PickTarget;
    Rc::new(move |target, chosen| {
        let (title, choose) = match &target {
            PickTarget::Model(kind) => (
                crate::i18n::fill(
                    &crate::i18n::tr("Choose the {}"),
                    &[&crate::ui::settings_dialog::kind_name(*kind)],
                ),
                Choose::Files {
                    filter: crate::ui::settings_dialog::kind_name(*kind),
                    extensions: vec![kind.extension().to_owned()],
                    many: false,
                },
            ),
            PickTarget::EngineBinary => (
                crate::i18n::tr("Choose the cn-engine binary"),
                Choose::Files {
                    filter: crate::i18n::tr("Programs"),
                    extensions: Vec::new(),
                    many: false,
                },
            ),
            PickTarget::LibraryFolder => (
                crate::i18n::tr("Choose a library folder"),
                Choose::Folders { many: false },
            ),
        };
        let (asked, shown_title) = (choose.clone(), title.clone());
        let task = runtime.spawn(choose_with(choose, title.clone(), move || async move {
            let dialog = rfd::AsyncFileDialog::new().set_title(&title);
            let handle = match target {
                PickTarget::Model(kind) => dialog.add_filter(kind.label(), &[kind.extension()]).pick_file().await,
                PickTarget::EngineBinary => dialog.pick_file().await,
                PickTarget::LibraryFolder => dialog.pick_folder().await,
            };
            handle.map(|h| h.path().to_owned()).into_iter().collect()
        }));
        let prompt = prompt.clone();
        let _ = slint::spawn_local(async move {
            let first = |paths: Vec<PathBuf>| paths.into_iter().next();
            match task.await {
                Ok(Answer::Chosen(paths)) => chosen(first(paths)),
                Ok(Answer::AskInApp) | Err(_) => {
                    prompt.ask(&shown_title, asked, Box::new(move |paths| chosen(first(paths))))
                }
            }
        });
    })
}
