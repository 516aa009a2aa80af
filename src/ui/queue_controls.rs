//! The window's hold on the generation queue: Generate submits to it, the queue list's
//! cancel, retry, move and pause act on it. Each runs on the runtime; a problem comes back
//! as the generation panel's message or in the log (the UI thread never waits for the queue).

use super::generation_panel::Submit;
use super::queue_panel::{JobAction, OnJobAction};
use super::{AppWindow, GenerationAdapter};
use crate::queue::QueueHandle;
use slint::ComponentHandle;
use std::rc::Rc;
use tokio::runtime::Handle;

/// Generate: the request goes to the queue; a refusal is shown in the panel.
pub fn submit_to(window: &AppWindow, queue: QueueHandle, runtime: Handle) -> Submit {
    let weak = window.as_weak();
    Rc::new(move |request| {
        let (queue, weak) = (queue.clone(), weak.clone());
        runtime.spawn(async move {
            match queue.submit(request).await {
                Ok(jobs) => tracing::info!(jobs = jobs.len(), "generation queued"),
                Err(error) => {
                    let message = crate::i18n::fill(
                        &crate::i18n::tr("The request could not be queued: {}"),
                        &[&error.to_string()],
                    );
                    let _ = weak.upgrade_in_event_loop(move |window| {
                        window.global::<GenerationAdapter>().set_message(message.into());
                    });
                }
            }
        });
    })
}

/// Generate where no queue runs (a read-only library, or a queue that could not start): the
/// reason, never a job.
pub fn refuse(window: &AppWindow, reason: String) -> Submit {
    let weak = window.as_weak();
    Rc::new(move |_request| {
        if let Some(window) = weak.upgrade() {
            window.global::<GenerationAdapter>().set_message(reason.clone().into());
        }
    })
}

/// Cancel, retry and moves from the queue list; a problem is logged (the list shows the
/// job's state as the queue reports it).
pub fn act_on_jobs(queue: QueueHandle, runtime: Handle) -> OnJobAction {
    Rc::new(move |action, job| {
        let queue = queue.clone();
        runtime.spawn(async move {
            let done = match action {
                JobAction::Cancel => queue.cancel(&job).await,
                JobAction::Retry => queue.retry(&job).await,
                JobAction::MoveUp => queue.move_job(&job, true).await,
                JobAction::MoveDown => queue.move_job(&job, false).await,
            };
            if let Err(error) = done {
                tracing::warn!(%error, ?action, job = %job.as_str(), "a queue action failed");
            }
        });
    })
}

/// The queue list's pause switch.
pub fn pause(queue: QueueHandle, runtime: Handle) -> Rc<dyn Fn(bool)> {
    Rc::new(move |paused| {
        let queue = queue.clone();
        runtime.spawn(async move {
            if paused {
                queue.pause().await;
            } else {
                queue.resume().await;
            }
        });
    })
}
