//! Tracing to stderr (filtered by RUST_LOG) and to a log file (in the state folder, see
//! `location`), rotated by size while the app runs.

pub mod location;
mod rotating;

pub use rotating::{KEPT_FILES, ROTATE_AT_BYTES, RotatingFile};

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

/// Starts logging. Stderr shows warnings and Distillery's own progress unless RUST_LOG says
/// otherwise; the file keeps Distillery's debug lines for bug reports. Returns the log file's
/// path, or `None` (with a warning on stderr) if it could not be opened.
pub fn init(log_dir: Option<&Path>) -> Option<PathBuf> {
    let stderr_filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn,distillery=info"));
    let stderr_layer = fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_filter(stderr_filter);

    let (file_layer, file_path, file_error) = match log_dir.map(open_log_file) {
        Some(Ok((file, path))) => {
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(Mutex::new(file))
                .with_filter(EnvFilter::new("info,distillery=debug"));
            (Some(layer), Some(path), None)
        }
        Some(Err(error)) => (None, None, Some(error)),
        None => (None, None, None),
    };

    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(file_layer)
        .try_init();
    if let Some(error) = file_error {
        tracing::warn!(%error, "logging to stderr only");
    }
    file_path
}

fn open_log_file(dir: &Path) -> Result<(RotatingFile, PathBuf), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the log folder {}: {e}", dir.display()))?;
    let path = dir.join("distillery.log");
    let file = RotatingFile::open(&path).map_err(|e| format!("cannot open the log file {}: {e}", path.display()))?;
    Ok((file, path))
}
