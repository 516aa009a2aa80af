//! The Slint side: generated components and one adapter per global of `ui/adapters/`.
//! Only this module uses slint types; callbacks send work to services and never block.

pub use distillery_ui::*;

mod compare;
mod engine_adapter;
pub mod events;
mod export_dialog;
pub mod file_drop;
pub mod first_frame;
pub mod generation_panel;
pub mod handover;
pub mod history;
pub mod import_runner;
mod info_panel;
mod key_names;
pub mod keyword_field;
mod label_picker;
mod library;
mod loupe;
pub mod marks;
pub mod model_picker;
pub mod notifier;
mod organise;
pub mod os_drop;
pub mod path_prompt;
pub mod pickers;
pub mod place;
pub mod queue_controls;
pub mod queue_panel;
mod reference_sources;
pub mod reference_tray;
pub mod session;
pub mod settings_dialog;
mod shell_adapter;
pub mod snapshot;
mod startup_view;
mod window_geometry;

pub use engine_adapter::{connect as connect_engine_status, show as show_engine_status};
pub use library::{LibraryController, LoadMode};
pub use loupe::{LoupeController, MAX_DECODED};
pub use startup_view::StartupView;
pub use window_geometry::restore_window_geometry;

use crate::services::Catalog;
use crate::services::model::MediaId;

/// Runs a closure on `target` while it lives. Adapter callbacks hold this (cloned, one per
/// callback) instead of the controller, so the window does not keep its controllers alive.
pub(crate) fn while_alive<T: 'static>(target: &std::rc::Rc<T>) -> impl Fn(&dyn Fn(&T)) + Clone + 'static {
    let weak = std::rc::Rc::downgrade(target);
    move |f: &dyn Fn(&T)| {
        if let Some(target) = weak.upgrade() {
            f(&target);
        }
    }
}

/// A callback that calls `act` on `target` while it lives: [`while_alive`] for a callback
/// without arguments.
pub(crate) fn weakly<T: 'static>(target: &std::rc::Rc<T>, act: fn(&T)) -> impl Fn() + 'static {
    let alive = while_alive(target);
    move || alive(&act)
}

/// The main window and the controllers that own its state.
pub struct MainWindow {
    pub window: AppWindow,
    pub library: std::rc::Rc<LibraryController>,
    pub info: std::rc::Rc<info_panel::InfoPanel>,
    pub loupe: std::rc::Rc<LoupeController>,
    pub queue: std::rc::Rc<queue_panel::QueuePanel>,
    pub generation: std::rc::Rc<generation_panel::GenerationPanel>,
    pub file_drop: std::rc::Rc<file_drop::FileDrop>,
    pub import: std::rc::Rc<import_runner::ImportRunner>,
    pub settings: std::rc::Rc<settings_dialog::SettingsDialog>,
    pub history: std::rc::Rc<crate::services::history::History>,
    /// What the controllers announce (the current item, culls, the loupe, settings).
    pub events: events::WindowEvents,
    pub compare: std::rc::Rc<compare::CompareController>,
    /// The app's own chooser, where the desktop has none.
    pub path_prompt: std::rc::Rc<path_prompt::PathPrompt>,
    /// The collections and keywords panel.
    pub organise: std::rc::Rc<organise::Organise>,
    pub export: std::rc::Rc<export_dialog::ExportDialog>,
}

impl MainWindow {
    /// Connects Generate and "Generate variations" to `submit` (the queue, in the app).
    pub fn connect_generation(&self, submit: generation_panel::Submit) {
        self.info.set_submit(submit.clone());
        self.generation.set_submit(submit);
    }
}

/// Builds the main window with every adapter connected to its service (Generate once there
/// is a queue to submit to: [`MainWindow::connect_generation`]).
pub fn build_main_window(
    catalog: &Catalog,
    view: &StartupView,
    mode: LoadMode,
) -> Result<MainWindow, slint::PlatformError> {
    let window = AppWindow::new()?;
    // Counts the .slint texts show are grouped as the user's language groups them.
    let thousands = crate::i18n::number_marks().thousands.to_string();
    window.global::<Numbers>().set_thousands(thousands.into());
    key_names::connect(&window);
    let path_prompt = path_prompt::connect(&window);
    shell_adapter::connect(&window, catalog.clone(), view);
    window
        .global::<ShellAdapter>()
        .set_read_only_reason(catalog.read_only_reason().unwrap_or_default().into());
    window
        .global::<SettingsAdapter>()
        .set_notify_in_background(view.ui_state.notify_in_background);
    let events = events::WindowEvents::default();
    let grid = library::connect(&window, catalog.clone(), events.clone(), view, mode.clone());
    let references = reference_tray::connect(&window, catalog.clone(), mode.clone());
    reference_sources::connect(&window, &references, &grid);
    let organise = organise::connect(&window, catalog.clone(), mode.clone(), &grid);
    let history = history::connect(&window, &grid, &references, &organise);
    let export = export_dialog::connect(&window, catalog.clone(), mode.clone(), &grid, &organise);
    let info = info_panel::connect(&window, catalog.clone(), mode.clone(), &grid, references.clone());
    let loupe = loupe::connect(
        &window,
        catalog.clone(),
        mode.clone(),
        &grid,
        view.ui_state.auto_advance,
    );
    keyword_field::connect(&window, catalog.clone(), mode.clone(), &grid);
    label_picker::connect(&window, catalog.clone(), mode.clone(), &grid);
    let compare = compare::connect(&window, catalog.clone(), mode.clone(), &grid);
    let queue = queue_panel::QueuePanel::connect(&window);
    // The status bar's history shows a finished image in the library.
    let g = std::rc::Rc::downgrade(&grid);
    window.global::<GenerationAdapter>().on_history_clicked(move |id| {
        if let Some(grid) = g.upgrade() {
            grid.go_to(MediaId::from_string(id.as_str()));
        }
    });
    let file_drop = file_drop::FileDrop::new(&window, &references);
    let import = import_runner::connect(&window, catalog.clone(), mode.clone(), &grid);
    import.tell_finished_to(events.clone());
    export.tell_finished_to(events.clone());
    let importer = std::rc::Rc::downgrade(&import);
    file_drop.set_import(std::rc::Rc::new(move |paths| {
        if let Some(import) = importer.upgrade() {
            import.start(paths);
        }
    }));
    let generation = generation_panel::connect(&window, references, catalog.clone(), &view.ui_state, mode.clone());
    let settings = settings_dialog::connect(
        &window,
        catalog.clone(),
        events.clone(),
        mode.clone(),
        view.settings_context.clone(),
    );
    settings_dialog::connect_sidecars(&window, catalog.clone(), mode.clone());
    settings_dialog::connect_hosted(&window, catalog.clone(), mode.clone());
    let (repaired_grid, defaults_for) = (std::rc::Rc::downgrade(&grid), std::rc::Rc::downgrade(&generation));
    let counted = std::rc::Rc::downgrade(&organise);
    events.subscribe(move |event| match event {
        events::WindowEvent::LibraryChanged => {
            if let Some(organise) = counted.upgrade() {
                organise.library_changed();
            }
        }
        events::WindowEvent::ScopeChanged => {
            if let Some(organise) = counted.upgrade() {
                organise.show();
            }
        }
        events::WindowEvent::LibraryRepaired => {
            if let Some(grid) = repaired_grid.upgrade() {
                grid.library_repaired();
            }
        }
        events::WindowEvent::SettingsSaved(saved) => {
            if let Some(generation) = defaults_for.upgrade() {
                generation.set_defaults(saved.defaults.clone());
            }
        }
        _ => {}
    });
    // Everyone has subscribed: the info panel, loupe and compare learn the current item.
    grid.announce_current();
    Ok(MainWindow {
        window,
        library: grid,
        info,
        loupe,
        queue,
        generation,
        file_drop,
        import,
        settings,
        history,
        compare,
        path_prompt,
        organise,
        export,
        events,
    })
}
