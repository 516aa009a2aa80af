//! One window over one library, served by one [`Services`] value: the window is built on the
//! services' catalogue, its Generate, queue list, engine controls, pickers and file drops are
//! wired to them, and it runs until it closes or the user switches library.

use super::{LoadMode, StartupView, engine_adapter, handover, os_drop, pickers, queue_controls};
use crate::services::job_prompts::PromptedUpdate;
use crate::services::{ApplyEngineSettings, Services};
use slint::ComponentHandle;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// What this start of the window asks beyond its library.
#[derive(Default)]
pub struct WindowOptions {
    /// Print the time to the first frame and quit (`--report-first-frame`).
    pub report_first_frame: Option<Instant>,
    /// Files given on the command line, imported once the window is up.
    pub initial_files: Vec<PathBuf>,
}

/// Runs the main window until it closes; returns the library folder the user chose to switch
/// to in Settings, if that is why it closed.
pub fn run(services: &Services, view: &StartupView, options: WindowOptions) -> anyhow::Result<Option<PathBuf>> {
    let Services {
        catalog,
        runtime,
        engine,
        queue,
        demo_engine,
        apply_engine_settings,
    } = services;
    let main = super::build_main_window(catalog, view, LoadMode::Background(runtime.clone()))?;
    // The desktop entry's name: Wayland compositors and X11 docks match the window to its
    // entry (the icon, the name, "Open with") by it. Set once the platform exists (the
    // first component makes it) and before the window shows.
    if let Err(error) = slint::set_xdg_app_id(crate::desktop::APP_ID) {
        tracing::warn!(%error, "the window's application id could not be set");
    }
    let window = &main.window;
    super::notifier::connect(
        window,
        &main.events,
        &main.library,
        catalog.clone(),
        super::notifier::Desktop::real(),
    );
    super::restore_window_geometry(window, view.ui_state.window);
    super::place::restore(&main, &view.ui_state);
    super::place::remember(&main, catalog);
    if let Some(started) = options.report_first_frame {
        super::first_frame::report_and_quit(window, started);
    }

    engine_adapter::connect(window, engine.status(), runtime);
    engine_adapter::connect_controls(window, engine, runtime);
    window.global::<super::EngineAdapter>().set_demo(*demo_engine);
    connect_engine_settings(&main, apply_engine_settings.clone());

    // A library chosen in Settings: the window closes and opens again on it.
    let switch_to = Rc::new(RefCell::new(None::<PathBuf>));
    let (chosen, weak) = (switch_to.clone(), window.as_weak());
    main.settings.set_on_library_chosen(Rc::new(move |folder| {
        *chosen.borrow_mut() = Some(folder);
        if let Some(window) = weak.upgrade() {
            let _ = window.hide();
        }
    }));
    connect_pickers(&main, runtime);
    os_drop::connect(window, main.file_drop.clone());

    match queue {
        Ok(queue) => {
            main.connect_generation(queue_controls::submit_to(window, queue.clone(), runtime.clone()));
            main.queue
                .set_on_action(queue_controls::act_on_jobs(queue.clone(), runtime.clone()));
            main.queue
                .set_on_pause(queue_controls::pause(queue.clone(), runtime.clone()));
        }
        Err(reason) => main.connect_generation(queue_controls::refuse(window, reason.clone())),
    }
    // The grid follows the library's changes; the queue list follows the queue's updates.
    let (queue_updates, mut shown_updates) = mpsc::unbounded_channel::<PromptedUpdate>();
    let (panel, events) = (main.queue.clone(), main.events.clone());
    let _ = slint::spawn_local(async move {
        let mut batch = crate::services::finished_work::BatchTally::default();
        while let Some((update, words)) = shown_updates.recv().await {
            panel.apply(&update, words.as_ref());
            if let Some(told) = batch.apply(&update) {
                events.publish(super::events::WindowEvent::WorkFinished(told));
            }
        }
    });
    let (grid_changed, grid_changes) = mpsc::unbounded_channel();
    main.library.follow_changes(grid_changes);
    let (stop_following, stop) = oneshot::channel::<()>();
    runtime.spawn(crate::services::window_feeds::follow_library(
        catalog.clone(),
        queue.as_ref().ok().cloned(),
        grid_changed,
        queue_updates,
        stop,
    ));

    handover::receive_in(window, Rc::downgrade(&main.import));
    if !options.initial_files.is_empty() {
        main.import.start(options.initial_files);
    }

    window.run()?;
    handover::release();
    drop(stop_following);
    let chosen = switch_to.borrow_mut().take();
    Ok(chosen)
}

/// Saved settings reach the engine through `apply`; the status bar follows whether the
/// demo engine runs.
pub fn connect_engine_settings(main: &super::MainWindow, apply: ApplyEngineSettings) {
    let weak = main.window.as_weak();
    main.events.on_settings_saved(Rc::new(move |saved| {
        if let (Some(demo), Some(window)) = (apply(saved), weak.upgrade()) {
            window.global::<super::EngineAdapter>().set_demo(demo);
        }
    }));
}

/// The file choosers of references, import and Settings (the app's own prompt where the
/// desktop has none).
fn connect_pickers(main: &super::MainWindow, runtime: &tokio::runtime::Handle) {
    let prompt = main.path_prompt.clone();
    main.generation.references.set_picker(pickers::picker(
        runtime.clone(),
        pickers::Pick::ImageFiles,
        crate::i18n::later("Add reference images"),
        prompt.clone(),
    ));
    main.import.set_pickers(
        pickers::picker(
            runtime.clone(),
            pickers::Pick::ImageFiles,
            crate::i18n::later("Import images"),
            prompt.clone(),
        ),
        pickers::picker(
            runtime.clone(),
            pickers::Pick::Folders,
            crate::i18n::later("Import folders"),
            prompt.clone(),
        ),
    );
    main.export.set_picker(pickers::picker(
        runtime.clone(),
        pickers::Pick::Folders,
        crate::i18n::later("Export to"),
        prompt.clone(),
    ));
    main.settings
        .set_picker(pickers::settings_picker(runtime.clone(), prompt));
}
