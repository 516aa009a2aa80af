//! One window over one library: the main window and the services wired to it (queue,
//! pickers, file drops, settings), until the window closes or the user switches library.

use super::{AppContext, EnginePlan, os_drop, pickers};
use slint::ComponentHandle;
use std::path::PathBuf;
use std::time::Instant;

/// What outlives a window: the runtime, the engine and the plan it runs.
pub struct Services {
    pub runtime: tokio::runtime::Handle,
    pub engine: crate::engine::EngineHandle,
    pub running_plan: std::rc::Rc<std::cell::RefCell<EnginePlan>>,
    /// Print the time to the first frame and quit (`--report-first-frame`).
    pub report_first_frame: Option<Instant>,
}

/// Runs the main window over `ctx`'s library until it closes; returns the library folder
/// the user chose to switch to, if that is why it closed.
pub fn run_window(ctx: &AppContext, services: Services) -> anyhow::Result<Option<PathBuf>> {
    let Services {
        runtime,
        engine,
        running_plan,
        report_first_frame,
    } = services;
    let view = ctx.load_startup_view()?;
    let main = crate::ui::build_main_window(
        &ctx.db,
        &ctx.library,
        &view,
        crate::ui::LoadMode::Background(runtime.clone()),
    )?;
    let window = &main.window;
    crate::ui::restore_window_geometry(window, view.ui_state.window);
    crate::ui::place::restore(&main, &view.ui_state);
    crate::ui::place::remember(&main, &ctx.db);
    if let Some(started) = report_first_frame {
        super::first_frame::report_and_quit(window, started);
    }

    crate::ui::connect_engine_status(window, engine.status(), &runtime);
    window
        .global::<crate::ui::EngineAdapter>()
        .set_demo(running_plan.borrow().is_demo);
    let (restarter, restart_runtime) = (engine.clone(), runtime.clone());
    window
        .global::<crate::ui::EngineAdapter>()
        .on_restart_requested(move || {
            let engine = restarter.clone();
            restart_runtime.spawn(async move { engine.restart().await });
        });
    let model_label = running_plan
        .borrow()
        .initial_load
        .as_ref()
        .map(|p| p.model_label())
        .unwrap_or_default();
    // A library chosen in Settings: the window closes and opens again on it.
    let switch_to = std::rc::Rc::new(std::cell::RefCell::new(None::<PathBuf>));
    let (chosen, weak) = (switch_to.clone(), window.as_weak());
    main.settings.set_on_library_chosen(std::rc::Rc::new(move |folder| {
        *chosen.borrow_mut() = Some(folder);
        if let Some(window) = weak.upgrade() {
            let _ = window.hide();
        }
    }));
    // The queue recovers what an interrupted run left and carries on with waiting jobs. It
    // runs until the window closes (the generation panel will submit to it). Every finished
    // image refreshes the grid.
    // Generate hands requests to the queue once it has started (recovery runs first).
    let queue_ready = std::sync::Arc::new(std::sync::OnceLock::<crate::queue::QueueHandle>::new());
    os_drop::connect(window.window(), main.file_drop.clone());
    main.generation.references.set_picker(pickers::picker(
        runtime.clone(),
        pickers::Pick::ImageFiles,
        "Add reference images",
    ));
    main.import.set_pickers(
        pickers::picker(runtime.clone(), pickers::Pick::ImageFiles, "Import images"),
        pickers::picker(runtime.clone(), pickers::Pick::Folders, "Import folders"),
    );
    main.settings.set_picker(pickers::settings_picker(runtime.clone()));
    main.settings.add_on_saved(super::apply_engine_settings(
        window,
        ctx,
        running_plan,
        engine.clone(),
        queue_ready.clone(),
        runtime.clone(),
    ));
    main.connect_generation(super::submit_to_queue(window, queue_ready.clone(), runtime.clone()));
    main.queue
        .set_on_action(super::act_on_job(queue_ready.clone(), runtime.clone()));
    main.queue.set_on_pause({
        let (queue, runtime) = (queue_ready.clone(), runtime.clone());
        std::rc::Rc::new(move |paused| {
            let Some(queue) = queue.get().cloned() else { return };
            runtime.spawn(async move {
                if paused {
                    queue.pause().await;
                } else {
                    queue.resume().await;
                }
            });
        })
    });
    // The panel's queue list follows the queue's updates (with each job's prompt).
    let (job_updates, mut shown_updates) =
        tokio::sync::mpsc::unbounded_channel::<crate::ui::queue_panel::PromptedUpdate>();
    let panel = main.queue.clone();
    let _ = slint::spawn_local(async move {
        while let Some((update, prompt)) = shown_updates.recv().await {
            panel.apply(&update, prompt.as_deref());
        }
    });
    let (stop_queue, queue_stopped) = tokio::sync::oneshot::channel::<()>();
    let (library_changed, library_changes) = tokio::sync::mpsc::unbounded_channel();
    main.library.follow_changes(library_changes);
    let (db, library, queue_engine) = (ctx.db.clone(), ctx.library.clone(), engine.clone());
    let panel_db = ctx.db.clone();
    runtime.spawn(async move {
        match crate::queue::QueueHandle::start(db, library, queue_engine, model_label).await {
            Ok((queue, _)) => {
                let _ = queue_ready.set(queue.clone());
                let forward = super::forward_new_media(queue.subscribe(), library_changed);
                let follow = crate::ui::queue_panel::follow(panel_db, queue.subscribe(), job_updates);
                tokio::select! {
                    _ = queue_stopped => {}
                    () = forward => {}
                    () = follow => {}
                }
            }
            Err(error) => tracing::error!(%error, "the generation queue could not start"),
        }
    });

    window.run()?;
    drop(stop_queue);
    let chosen = switch_to.borrow_mut().take();
    Ok(chosen)
}
