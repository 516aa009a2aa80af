//! LibraryAdapter: the library's size and location.

use super::{AppWindow, LibraryAdapter};
use crate::app::StartupView;
use slint::ComponentHandle;

pub fn connect(window: &AppWindow, view: &StartupView) {
    let adapter = window.global::<LibraryAdapter>();
    adapter.set_total_count(i32::try_from(view.total_count).unwrap_or(i32::MAX));
    adapter.set_library_root(display_path(&view.library_root).into());
}

/// Shows paths under the home folder as `~/...`, which is shorter and what users recognise.
fn display_path(path: &std::path::Path) -> String {
    let home = directories::UserDirs::new().map(|dirs| dirs.home_dir().to_owned());
    match home.as_deref().and_then(|home| path.strip_prefix(home).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    }
}
