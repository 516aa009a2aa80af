//! EngineAdapter: the status bar's engine dot and label follow the engine manager's status;
//! an error shows its message on a click, with a restart; a loaded model can be unloaded.

use super::{AppWindow, EngineAdapter, EngineState};
use crate::engine::{EngineHandle, EngineStatus};
use slint::ComponentHandle;
use tokio::sync::watch;

/// Mirrors every status change into the window (on the UI thread).
pub fn connect(window: &AppWindow, mut status: watch::Receiver<EngineStatus>, runtime: &tokio::runtime::Handle) {
    show(window, &status.borrow());
    let weak = window.as_weak();
    runtime.spawn(async move {
        while status.changed().await.is_ok() {
            let current = status.borrow_and_update().clone();
            let shown = weak.upgrade_in_event_loop(move |window| show(&window, &current));
            if shown.is_err() {
                break;
            }
        }
    });
}

/// The status bar's Restart and Unload act on `engine`, on the runtime.
pub fn connect_controls(window: &AppWindow, engine: &EngineHandle, runtime: &tokio::runtime::Handle) {
    let adapter = window.global::<EngineAdapter>();
    let (restarter, restart_runtime) = (engine.clone(), runtime.clone());
    adapter.on_restart_requested(move || {
        let engine = restarter.clone();
        restart_runtime.spawn(async move { engine.restart().await });
    });
    let (unloader, unload_runtime) = (engine.clone(), runtime.clone());
    adapter.on_unload_requested(move || {
        let engine = unloader.clone();
        unload_runtime.spawn(async move {
            if let Err(error) = engine.unload().await {
                tracing::warn!(%error, "unloading the model failed");
            }
        });
    });
}

/// Shows `status`: the dot, a short label, and for an error its message in full.
pub fn show(window: &AppWindow, status: &EngineStatus) {
    let adapter = window.global::<EngineAdapter>();
    adapter.set_state(state(status));
    // Only between jobs: unloading under a running job would fail it.
    adapter.set_can_unload(matches!(status, EngineStatus::Ready { .. }));
    match status {
        EngineStatus::Error { message } => {
            adapter.set_label(crate::i18n::tr("Engine error").into());
            adapter.set_message(crate::format::sentence(message).into());
        }
        EngineStatus::Recovering { message } => {
            adapter.set_label(crate::i18n::tr("Engine error — restarting…").into());
            adapter.set_message(
                crate::i18n::fill(
                    &crate::i18n::tr("{} The engine is starting again."),
                    &[&crate::format::sentence(message)],
                )
                .into(),
            );
        }
        _ => {
            adapter.set_label(status.label().into());
            adapter.set_message("".into());
        }
    }
}

fn state(status: &EngineStatus) -> EngineState {
    match status {
        EngineStatus::Stopped => EngineState::Stopped,
        EngineStatus::Starting => EngineState::Starting,
        EngineStatus::Idle | EngineStatus::Unloaded { .. } => EngineState::Idle,
        EngineStatus::Loading => EngineState::Loading,
        EngineStatus::Ready { .. } | EngineStatus::Busy { .. } => EngineState::Ready,
        EngineStatus::Recovering { .. } | EngineStatus::Error { .. } => EngineState::Error,
    }
}
