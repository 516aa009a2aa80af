//! One window over one library: the main window and the services wired to it (queue,
//! pickers, file drops, settings), until the window closes or the user switches library.

use super::{AppContext, EnginePlan};
use crate::ui::{os_drop, pickers, queue_controls};
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
    /// Files given on the command line, imported once the window is up.
    pub initial_files: Vec<PathBuf>,
}

/// What the open window does with files a later window hands it.
type ReceiveHandover = std::rc::Rc<dyn Fn(Vec<PathBuf>)>;

thread_local! {
    /// The open window's [`ReceiveHandover`] (UI thread only).
    static HANDOVER: std::cell::RefCell<Option<ReceiveHandover>> = const { std::cell::RefCell::new(None) };
}

/// Runs on the UI thread when a later window of this library handed over: the window comes to
/// the front and imports the files.
pub fn receive_handover(files: Vec<PathBuf>) {
    let receiver = HANDOVER.with(|slot| slot.borrow().clone());
    if let Some(receive) = receiver {
        receive(files);
    }
}

/// Brings the window to the front: shown, not minimised, focused (as far as the window
/// manager allows).
fn raise(window: &crate::ui::AppWindow) {
    use slint::winit_030::WinitWindowAccessor;
    let _ = window.show();
    window.window().with_winit_window(|winit| {
        winit.set_minimized(false);
        winit.focus_window();
    });
}

/// Runs the main window over `ctx`'s library until it closes; returns the library folder
/// the user chose to switch to, if that is why it closed.
pub fn run_window(ctx: &AppContext, services: Services) -> anyhow::Result<Option<PathBuf>> {
    let Services {
        runtime,
        engine,
        running_plan,
        report_first_frame,
        initial_files,
    } = services;
    let view = ctx.load_startup_view()?;
    let catalog = ctx.catalog();
    let model_label = running_plan
        .borrow()
        .initial_load
        .as_ref()
        .map(|p| p.model_label())
        .unwrap_or_default();
    // The queue starts before the window: it recovers what an interrupted run left first,
    // so the window opens on a settled queue and Generate always has one to submit to. A
    // read-only library runs no queue: nothing may be generated into it (or recovered).
    let queue = match ctx.library.read_only_reason() {
        Some(_) => None,
        None => {
            let start = crate::queue::QueueHandle::start(
                ctx.db.clone(),
                ctx.library.clone(),
                engine.clone(),
                model_label,
                ctx.ownership.clone(),
            );
            match runtime.block_on(start) {
                Ok((queue, _)) => Some(queue),
                Err(error) => {
                    tracing::error!(%error, "the generation queue could not start");
                    None
                }
            }
        }
    };
    let main = crate::ui::build_main_window(&catalog, &view, crate::ui::LoadMode::Background(runtime.clone()))?;
    let window = &main.window;
    crate::ui::restore_window_geometry(window, view.ui_state.window);
    crate::ui::place::restore(&main, &view.ui_state);
    crate::ui::place::remember(&main, &catalog);
    if let Some(started) = report_first_frame {
        crate::ui::first_frame::report_and_quit(window, started);
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
    let (unloader, unload_runtime) = (engine.clone(), runtime.clone());
    window
        .global::<crate::ui::EngineAdapter>()
        .on_unload_requested(move || {
            let engine = unloader.clone();
            unload_runtime.spawn(async move {
                if let Err(error) = engine.unload().await {
                    tracing::warn!(%error, "unloading the model failed");
                }
            });
        });
    // A library chosen in Settings: the window closes and opens again on it.
    let switch_to = std::rc::Rc::new(std::cell::RefCell::new(None::<PathBuf>));
    let (chosen, weak) = (switch_to.clone(), window.as_weak());
    main.settings.set_on_library_chosen(std::rc::Rc::new(move |folder| {
        *chosen.borrow_mut() = Some(folder);
        if let Some(window) = weak.upgrade() {
            let _ = window.hide();
        }
    }));
    os_drop::connect(window.window(), main.file_drop.clone());
    let prompt = main.path_prompt.clone();
    main.generation.references.set_picker(pickers::picker(
        runtime.clone(),
        pickers::Pick::ImageFiles,
        "Add reference images",
        prompt.clone(),
    ));
    main.import.set_pickers(
        pickers::picker(
            runtime.clone(),
            pickers::Pick::ImageFiles,
            "Import images",
            prompt.clone(),
        ),
        pickers::picker(
            runtime.clone(),
            pickers::Pick::Folders,
            "Import folders",
            prompt.clone(),
        ),
    );
    main.settings
        .set_picker(pickers::settings_picker(runtime.clone(), prompt));
    main.events.on_settings_saved(super::apply_engine_settings(
        window,
        ctx,
        running_plan,
        engine.clone(),
        queue.clone(),
        runtime.clone(),
    ));
    match (&queue, ctx.library.read_only_reason()) {
        (Some(queue), _) => {
            main.connect_generation(queue_controls::submit_to(window, queue.clone(), runtime.clone()));
            main.queue
                .set_on_action(queue_controls::act_on_jobs(queue.clone(), runtime.clone()));
            main.queue
                .set_on_pause(queue_controls::pause(queue.clone(), runtime.clone()));
        }
        (None, Some(reason)) => main.connect_generation(queue_controls::refuse(window, reason)),
        (None, None) => main.connect_generation(queue_controls::refuse(
            window,
            "The generation queue could not start; the log says why.".to_owned(),
        )),
    }
    // The panel's queue list follows the queue's updates (with each job's prompt).
    let (job_updates, mut shown_updates) =
        tokio::sync::mpsc::unbounded_channel::<crate::services::job_prompts::PromptedUpdate>();
    let panel = main.queue.clone();
    let _ = slint::spawn_local(async move {
        while let Some((update, prompt)) = shown_updates.recv().await {
            panel.apply(&update, prompt.as_deref());
        }
    });
    let (stop_queue, queue_stopped) = tokio::sync::oneshot::channel::<()>();
    let (library_changed, library_changes) = tokio::sync::mpsc::unbounded_channel();
    main.library.follow_changes(library_changes);
    let (db, panel_catalog, running_queue) = (ctx.db.clone(), catalog.clone(), queue.clone());
    runtime.spawn(async move {
        // What another process writes (an import, a submit, a cancel) shows within a second.
        let mut external = crate::db::changes::watch_external(&db, crate::db::changes::POLL_EVERY);
        let grid_changed = library_changed.clone();
        tokio::spawn(async move {
            while external.changed().await.is_ok() {
                if grid_changed.send(()).is_err() {
                    return;
                }
            }
        });
        let Some(queue) = running_queue else {
            let _ = queue_stopped.await;
            return;
        };
        // Every finished image refreshes the grid; the queue list follows every update.
        let forward = super::forward_new_media(queue.subscribe(), library_changed);
        let follow = crate::services::job_prompts::follow(panel_catalog, queue.subscribe(), job_updates);
        tokio::select! {
            _ = queue_stopped => {}
            () = forward => {}
            () = follow => {}
        }
    });

    let (raised, importer) = (window.as_weak(), std::rc::Rc::downgrade(&main.import));
    HANDOVER.with(|slot| {
        *slot.borrow_mut() = Some(std::rc::Rc::new(move |files: Vec<PathBuf>| {
            if let Some(window) = raised.upgrade() {
                raise(&window);
            }
            if let Some(import) = importer.upgrade().filter(|_| !files.is_empty()) {
                import.start(files);
            }
        }));
    });
    if !initial_files.is_empty() {
        main.import.start(initial_files);
    }

    window.run()?;
    HANDOVER.with(|slot| slot.borrow_mut().take());
    drop(stop_queue);
    // No new jobs; the running one gets a moment to finish, else the next start takes it.
    if let Some(queue) = &queue {
        runtime.block_on(queue.shutdown(super::shutdown::JOB_GRACE));
    }
    let chosen = switch_to.borrow_mut().take();
    Ok(chosen)
}
