//! Start-up and wiring: the only module that sees every other one.

mod catalogue;
pub mod check;
pub mod commands;
mod context;
pub mod demo_library;
mod engine_setup;
pub mod environment;
mod first_frame;
pub mod import;
mod os_drop;
mod pickers;
mod session;
pub mod snapshot;

pub use context::{AppContext, StartupView, default_data_dir, resolve_data_dir};
pub use engine_setup::{
    DEMO_MODEL, EnginePlan, apply as apply_engine_plan, plan as engine_plan, plan_for as engine_plan_for,
};

use crate::cli::GlobalOptions;
use slint::ComponentHandle;
use std::time::Instant;

/// Opens the main window and runs until it is closed. Switching to another library (in
/// Settings) closes the window and opens it again on that library; the engine keeps
/// running, with its model loaded.
pub fn run(global: &GlobalOptions, started: Instant) -> anyhow::Result<()> {
    let mut ctx = AppContext::open(global)?;
    // Slint owns this thread; services run on a small tokio runtime of their own.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("distillery-worker")
        .enable_all()
        .build()?;
    let plan = engine_setup::plan(&ctx)?;
    tracing::info!(binary = %plan.config.binary.display(), demo = plan.is_demo, "starting the engine");
    let engine = {
        let _inside = runtime.enter();
        crate::engine::EngineHandle::start(plan.config.clone())
    };
    if let Some(params) = plan.initial_load.clone() {
        let loader = engine.clone();
        runtime.spawn(async move {
            if let Err(error) = loader.load(params).await {
                tracing::warn!(%error, "the model could not be loaded");
            }
        });
    }
    let running_plan = std::rc::Rc::new(std::cell::RefCell::new(plan));
    let mut first = Some(started);
    loop {
        let services = session::Services {
            runtime: runtime.handle().clone(),
            engine: engine.clone(),
            running_plan: running_plan.clone(),
            report_first_frame: global.report_first_frame.then_some(()).and(first.take()),
        };
        let Some(folder) = session::run_window(&ctx, services)? else {
            break;
        };
        match ctx.switch_library(&folder) {
            Ok(next) => {
                // switch_library has let the old catalogue's queued writes finish.
                ctx = next;
                // The new library's catalogue may hold other engine settings.
                let after = engine_setup::plan(&ctx)?;
                let before = running_plan.replace(after.clone());
                let engine = engine.clone();
                runtime.spawn(async move { engine_setup::apply(&before, &after, &engine, None).await });
            }
            Err(error) => tracing::error!(%error, folder = %folder.display(), "could not switch to the library"),
        }
    }
    // Quit the engine (killed after 5 s if it does not), and let queued settings writes finish.
    runtime.block_on(engine.shutdown());
    ctx.db.flush_blocking()?;
    ctx.main_db.flush_blocking()?;
    Ok(())
}

/// Saved settings reach the running engine: another binary, other model files or load
/// options restart or reload it (the status bar follows); new jobs record the new model.
pub fn apply_engine_settings(
    window: &crate::ui::AppWindow,
    ctx: &AppContext,
    running: std::rc::Rc<std::cell::RefCell<EnginePlan>>,
    engine: crate::engine::EngineHandle,
    queue: std::sync::Arc<std::sync::OnceLock<crate::queue::QueueHandle>>,
    runtime: tokio::runtime::Handle,
) -> crate::ui::settings_dialog::OnSaved {
    let (weak, chosen, library) = (window.as_weak(), ctx.engine.clone(), ctx.library.clone());
    std::rc::Rc::new(move |saved| {
        let after = match engine_setup::plan_for(chosen.as_ref(), &saved.engine, &library) {
            Ok(plan) => plan,
            Err(error) => {
                tracing::error!(%error, "the new engine settings could not be planned");
                return;
            }
        };
        let before = running.replace(after.clone());
        if let Some(window) = weak.upgrade() {
            window.global::<crate::ui::EngineAdapter>().set_demo(after.is_demo);
        }
        let (engine, queue) = (engine.clone(), queue.clone());
        runtime.spawn(async move {
            engine_setup::apply(&before, &after, &engine, queue.get()).await;
        });
    })
}

/// Tells the grid about every image the queue adds to the library.
async fn forward_new_media(
    mut updates: tokio::sync::broadcast::Receiver<crate::queue::JobUpdate>,
    changed: tokio::sync::mpsc::UnboundedSender<()>,
) {
    use tokio::sync::broadcast::error::RecvError;
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

/// The generation panel's submit: to the queue on the runtime, with a problem shown in the
/// panel (the UI thread never waits for the queue).
fn submit_to_queue(
    window: &crate::ui::AppWindow,
    queue: std::sync::Arc<std::sync::OnceLock<crate::queue::QueueHandle>>,
    runtime: tokio::runtime::Handle,
) -> crate::ui::generation_panel::Submit {
    let weak = window.as_weak();
    std::rc::Rc::new(move |request| {
        let tell = |weak: &slint::Weak<crate::ui::AppWindow>, message: String| {
            let _ = weak.upgrade_in_event_loop(move |window| {
                window
                    .global::<crate::ui::GenerationAdapter>()
                    .set_message(message.into());
            });
        };
        let Some(queue) = queue.get().cloned() else {
            tell(&weak, "The queue is still starting; try again in a moment.".to_owned());
            return;
        };
        let weak = weak.clone();
        runtime.spawn(async move {
            match queue.submit(request).await {
                Ok(jobs) => tracing::info!(jobs = jobs.len(), "generation queued"),
                Err(error) => tell(&weak, format!("The request could not be queued: {error}")),
            }
        });
    })
}

/// Cancel, retry and moves from the panel's queue list, on the runtime; a problem is logged (the
/// list shows the job's state as the queue reports it).
fn act_on_job(
    queue: std::sync::Arc<std::sync::OnceLock<crate::queue::QueueHandle>>,
    runtime: tokio::runtime::Handle,
) -> crate::ui::queue_panel::OnJobAction {
    std::rc::Rc::new(move |action, job| {
        let Some(queue) = queue.get().cloned() else { return };
        runtime.spawn(async move {
            let done = match action {
                crate::ui::queue_panel::JobAction::Cancel => queue.cancel(&job).await,
                crate::ui::queue_panel::JobAction::Retry => queue.retry(&job).await,
                crate::ui::queue_panel::JobAction::MoveUp => queue.move_job(&job, true).await,
                crate::ui::queue_panel::JobAction::MoveDown => queue.move_job(&job, false).await,
            };
            if let Err(error) = done {
                tracing::warn!(%error, ?action, job = %job.as_str(), "a queue action failed");
            }
        });
    })
}
