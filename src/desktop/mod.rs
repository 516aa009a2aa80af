//! The desktop around the app: opening a file in its default application, showing it in the
//! file manager, putting an image on the clipboard, telling of finished work. Each call
//! blocks (a D-Bus round trip, a decode), so callers run them off the UI thread (the
//! notifier has a thread of its own); each failure is a sentence for the user.

/// The app's id on the desktop: the desktop entry's name (`APP_ID.desktop`), the AppStream
/// id, the window's Wayland app id and X11 class. Docks, notifications and software centres
/// match the running app to its entry by it.
pub const APP_ID: &str = "app.distillery.Distillery";
/// The icon's name in the icon theme.
pub const ICON: &str = "distillery";

pub mod chooser;
mod clipboard;
mod launch;
pub mod notifications;
mod reveal;

pub use clipboard::{copy_files, copy_image};
pub use launch::{OPENER, open_in_default_app, open_with};
pub use reveal::{file_uri, reveal_in_file_manager};
