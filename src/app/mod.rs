//! Start-up and wiring: the only module that sees every other one.

mod catalogue;
pub mod check;
pub mod collections;
pub mod commands;
mod context;
pub mod culling;
pub mod demo_library;
mod engine_setup;
pub mod environment;
pub mod export;
pub mod import;
pub mod keywords;
pub mod labels;
pub mod manuals;
mod session;
mod shutdown;
pub mod single_instance;
pub mod snapshot;

pub use crate::ui::StartupView;
pub use context::{AppContext, default_data_dir, resolve_data_dir};
pub use engine_setup::{
    DEMO_MODEL, EnginePlan, apply as apply_engine_plan, plan as engine_plan, plan_for as engine_plan_for,
};
pub use session::Running;

use crate::cli::GlobalOptions;
use std::time::Instant;

/// Opens the main window and runs until it is closed, importing `files` into its library.
/// Switching to another library (in Settings) closes the window and opens it again on that
/// library; the engine keeps running, with its model loaded. With a window already open on
/// the library, `files` go to that window instead, which comes to the front.
pub fn run(global: &GlobalOptions, files: &[std::path::PathBuf], started: Instant) -> anyhow::Result<()> {
    let mut ctx = AppContext::open(global)?;
    let mut listening = match claim_window(&ctx, files) {
        WindowClaim::HandedOver => {
            ctx.close();
            return Ok(());
        }
        WindowClaim::First(listening) => listening,
    };
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
    {
        let _inside = runtime.enter();
        shutdown::on_stop_signal(crate::ui::handover::quit_window);
    }
    let running = session::Running {
        runtime: runtime.handle().clone(),
        engine: engine.clone(),
        plan: std::rc::Rc::new(std::cell::RefCell::new(plan)),
    };
    let mut first = Some(started);
    let mut initial_files = files.to_vec();
    loop {
        let options = crate::ui::session::WindowOptions {
            report_first_frame: global.report_first_frame.then_some(()).and(first.take()),
            initial_files: std::mem::take(&mut initial_files),
        };
        let Some(folder) = session::run_window(&ctx, &running, options)? else {
            break;
        };
        match ctx.switch_library(&folder) {
            Ok(next) => {
                // switch_library has let the old catalogue's queued writes finish.
                ctx = next;
                // Later windows of the new library come here; of the old one, open on their own.
                drop(listening.take());
                listening = match claim_window(&ctx, &[]) {
                    WindowClaim::First(listening) => listening,
                    WindowClaim::HandedOver => {
                        tracing::warn!("another window has this library open too");
                        None
                    }
                };
                // The new library's catalogue may hold other engine settings.
                let after = engine_setup::plan(&ctx)?;
                let before = running.plan.replace(after.clone());
                let engine = engine.clone();
                runtime.spawn(async move { engine_setup::apply(&before, &after, &engine, None).await });
            }
            Err(error) => tracing::error!(%error, folder = %folder.display(), "could not switch to the library"),
        }
    }
    // Quit the engine (killed after 5 s if it does not), let queued writes finish and close
    // the database whole.
    runtime.block_on(engine.shutdown());
    ctx.close();
    Ok(())
}

enum WindowClaim {
    /// This is the library's window (listening for later ones, when it can).
    First(Option<single_instance::Listening>),
    /// The library's open window took the files and came to the front.
    HandedOver,
}

/// Becomes the window of `ctx`'s library, or hands `files` to the one it has.
fn claim_window(ctx: &AppContext, files: &[std::path::PathBuf]) -> WindowClaim {
    let claimed = single_instance::claim(ctx.db.path(), files, |handover| {
        crate::ui::handover::deliver(handover.files);
    });
    match claimed {
        Ok(single_instance::Claim::First(listening)) => WindowClaim::First(Some(listening)),
        Ok(single_instance::Claim::HandedOver) => {
            let what = match files.len() {
                0 => String::new(),
                1 => "; it imports the file".to_owned(),
                n => format!("; it imports the {n} files"),
            };
            eprintln!(
                "Distillery is already open on {}: brought its window to the front{what}.",
                ctx.library.path().display()
            );
            WindowClaim::HandedOver
        }
        Err(error) => {
            // A second window then opens beside the first: a client of the library's owner,
            // never a second owner.
            tracing::warn!(%error, "later windows of this library cannot be sent here");
            WindowClaim::First(None)
        }
    }
}

/// Saved settings reach the running engine: another binary, other model files or load
/// options restart or reload it (the status bar follows); new jobs record the new model.
pub fn apply_engine_settings(
    ctx: &AppContext,
    running: &session::Running,
    queue: Option<crate::queue::QueueHandle>,
) -> crate::services::ApplyEngineSettings {
    let (chosen, library) = (ctx.engine.clone(), ctx.library.clone());
    let (plan, engine, runtime) = (running.plan.clone(), running.engine.clone(), running.runtime.clone());
    std::rc::Rc::new(move |saved| {
        let after = match engine_setup::plan_for(chosen.as_ref(), &saved.engine, &library) {
            Ok(plan) => plan,
            Err(error) => {
                tracing::error!(%error, "the new engine settings could not be planned");
                return None;
            }
        };
        let demo = after.is_demo;
        let before = plan.replace(after.clone());
        let (engine, queue) = (engine.clone(), queue.clone());
        runtime.spawn(async move {
            engine_setup::apply(&before, &after, &engine, queue.as_ref()).await;
        });
        Some(demo)
    })
}
