//! Ending cleanly when asked to by the system: SIGTERM (logout, `kill`, a service manager),
//! SIGINT (Ctrl+C) and SIGHUP (a closed terminal) all lead to the same orderly stop as
//! closing the window or a command finishing: no new jobs, the running one given a moment,
//! the engine quit, the database checkpointed and closed.

use std::time::Duration;

/// How long a stop waits for a running job to finish before leaving it for the next start
/// (which finishes it if its image arrived, or runs it again).
pub const JOB_GRACE: Duration = Duration::from_secs(5);

/// Calls `stop` on the first SIGTERM, SIGINT or SIGHUP. A second one ends the process at
/// once (exit code 130), for someone who does not want to wait. Call inside the runtime.
pub fn on_stop_signal(stop: impl FnOnce() + Send + 'static) {
    tokio::spawn(async move {
        let Some(which) = next_stop_signal().await else { return };
        tracing::info!(signal = which, "stopping on a signal");
        eprintln!("Stopping ({which}); press Ctrl+C again to quit at once.");
        stop();
        if next_stop_signal().await.is_some() {
            std::process::exit(130);
        }
    });
}

/// Waits for the next stop signal and names it; `None` if signals cannot be watched.
async fn next_stop_signal() -> Option<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).ok()?;
    let mut int = signal(SignalKind::interrupt()).ok()?;
    let mut hup = signal(SignalKind::hangup()).ok()?;
    tokio::select! {
        _ = term.recv() => Some("SIGTERM"),
        _ = int.recv() => Some("SIGINT"),
        _ = hup.recv() => Some("SIGHUP"),
    }
}

/// [`on_stop_signal`] for a command that runs without a tokio runtime: the signals are
/// watched on a thread of their own.
pub fn on_stop_signal_outside_runtime(stop: impl FnOnce() + Send + 'static) {
    let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        runtime.block_on(async move {
            on_stop_signal(stop);
            std::future::pending::<()>().await;
        });
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "signals cannot be watched; Ctrl+C ends the command at once");
    }
}
