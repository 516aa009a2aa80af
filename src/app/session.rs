//! One window over one library: the services it works with are started first (the queue
//! recovers what an interrupted run left before the window opens), then handed whole to the
//! window, and the queue is stopped after it closes.

use super::{AppContext, EnginePlan};
use crate::engine::EngineHandle;
use crate::queue::QueueHandle;
use crate::services::Services;
use crate::ui::session::WindowOptions;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// What outlives a window: the runtime, the engine and the plan it runs.
pub struct Running {
    pub runtime: tokio::runtime::Handle,
    pub engine: EngineHandle,
    pub plan: Rc<RefCell<EnginePlan>>,
}

/// Runs the main window over `ctx`'s library until it closes; returns the library folder
/// the user chose to switch to, if that is why it closed.
pub fn run_window(ctx: &AppContext, running: &Running, options: WindowOptions) -> anyhow::Result<Option<PathBuf>> {
    let view = ctx.load_startup_view()?;
    let queue = start_queue(ctx, running);
    let services = Services {
        catalog: ctx.catalog(),
        runtime: running.runtime.clone(),
        engine: running.engine.clone(),
        apply_engine_settings: super::apply_engine_settings(ctx, running, queue.as_ref().ok().cloned()),
        queue,
        demo_engine: running.plan.borrow().is_demo,
    };
    let chosen = crate::ui::session::run(&services, &view, options)?;
    // No new jobs; the running one gets a moment to finish, else the next start takes it.
    if let Ok(queue) = &services.queue {
        running.runtime.block_on(queue.shutdown(super::shutdown::JOB_GRACE));
    }
    Ok(chosen)
}

/// The queue, started before the window so the window opens on a settled queue; or why
/// Generate has none. A read-only library runs no queue: nothing may be generated into it
/// (or recovered).
fn start_queue(ctx: &AppContext, running: &Running) -> Result<QueueHandle, String> {
    if let Some(reason) = ctx.library.read_only_reason() {
        return Err(reason);
    }
    let model_label = running
        .plan
        .borrow()
        .initial_load
        .as_ref()
        .map(|p| p.model_label())
        .unwrap_or_default();
    let start = QueueHandle::start(
        ctx.db.clone(),
        ctx.library.clone(),
        running.engine.clone(),
        model_label,
        ctx.ownership.clone(),
    );
    match running.runtime.block_on(start) {
        Ok((queue, _)) => Ok(queue),
        Err(error) => {
            tracing::error!(%error, "the generation queue could not start");
            Err("The generation queue could not start; the log says why.".to_owned())
        }
    }
}
