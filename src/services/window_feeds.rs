//! What the window follows while it is open, beside it on the runtime: commits by other
//! processes (an import, a submit, a `distillery rate`) and the queue's finished images
//! refresh the grid; every queue update reaches the queue list with its job's prompt.

use super::catalog::Catalog;
use super::job_prompts::{PromptedUpdate, follow};
use crate::db::changes;
use crate::queue::{JobUpdate, QueueHandle};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, oneshot};

/// Sends `()` to `grid_changed` whenever the library changed, and each queue update to
/// `queue_list`, until `stop` is dropped or fired.
pub async fn follow_library(
    catalog: Catalog,
    queue: Option<QueueHandle>,
    grid_changed: mpsc::UnboundedSender<()>,
    queue_list: mpsc::UnboundedSender<PromptedUpdate>,
    stop: oneshot::Receiver<()>,
) {
    // What another process writes shows within a second.
    let mut external = changes::watch_external(catalog.database(), changes::POLL_EVERY);
    let external_changed = grid_changed.clone();
    tokio::spawn(async move {
        while external.changed().await.is_ok() {
            if external_changed.send(()).is_err() {
                return;
            }
        }
    });
    write_sidecars_while_open(&catalog, grid_changed.clone());
    let Some(queue) = queue else {
        let _ = stop.await;
        return;
    };
    let forward = forward_new_media(queue.subscribe(), grid_changed);
    let prompted = follow(catalog, queue.subscribe(), queue_list);
    tokio::select! {
        _ = stop => {}
        () = forward => {}
        () = prompted => {}
    }
}

/// Writes the XMP sidecars changes have noted (see sidecars.rs), as often as other
/// processes' changes are looked for, until the window stops following the library.
fn write_sidecars_while_open(catalog: &Catalog, window: mpsc::UnboundedSender<()>) {
    if catalog.read_only_reason().is_some() {
        return;
    }
    let (db, library) = (catalog.database().clone(), catalog.library().clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(changes::POLL_EVERY);
        while !window.is_closed() {
            tick.tick().await;
            let (db, library) = (db.clone(), library.clone());
            let written = tokio::task::spawn_blocking(move || super::sidecars::write_pending(&db, &library)).await;
            if let Ok(Err(error)) = written {
                tracing::warn!(%error, "the noted XMP sidecars could not be read");
            }
        }
    });
}

/// Tells the grid about every image the queue adds to the library.
async fn forward_new_media(mut updates: broadcast::Receiver<JobUpdate>, changed: mpsc::UnboundedSender<()>) {
    loop {
        match updates.recv().await {
            Ok(update) if update.media.is_some() => {
                if changed.send(()).is_err() {
                    return;
                }
            }
            Ok(_) => {}
            // Missed some: refresh anyway, one of them may have been an image.
            Err(RecvError::Lagged(_)) => {
                let _ = changed.send(());
            }
            Err(RecvError::Closed) => return,
        }
    }
}
