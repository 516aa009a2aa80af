//! SettingsAdapter: the Settings dialog. Opening reads the stored settings (and looks for a
//! model set in the models folder); every edited path is checked off the UI thread and the
//! result shown beside it; Save checks the whole form, stores it in one transaction and
//! tells the listeners (the engine and the generation panel), so changes apply at once.

use super::{AppWindow, LoadMode, ModelField, SettingsAdapter};
use crate::engine::model_check::{ModelKind, guess_base_model};
use crate::services::Catalog;
use crate::services::settings_form::{Loaded, Saving};
use crate::settings::{self, CheckedSettings, ModelFiles, SettingsForm};
use slint::{ComponentHandle, Model, VecModel};
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// `SettingsAdapter.engine-pick`: the engine that came with the app, the demo engine, or a
/// chosen binary.
pub(super) const PICK_CAME_WITH_APP: i32 = 0;
pub(super) const PICK_DEMO: i32 = 1;
pub(super) const PICK_BINARY: i32 = 2;

/// What a picker of the dialog picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickTarget {
    Model(ModelKind),
    EngineBinary,
    LibraryFolder,
}

/// Asks the user for one path (a native picker in the app); None when cancelled.
pub type PickPath = Rc<dyn Fn(PickTarget, Box<dyn FnOnce(Option<PathBuf>)>)>;

/// Told about a library folder the user chose.
pub type OnLibraryChosen = Rc<dyn Fn(PathBuf)>;

/// Told about every saved form.
pub type OnSaved = Rc<dyn Fn(&CheckedSettings)>;

/// What the dialog cannot change for this run, and where model sets are looked for.
#[derive(Debug, Clone)]
pub struct DialogContext {
    /// Why the stored engine choice is not the one running ("--engine demo is set …").
    pub engine_override: Option<String>,
    pub library_override: Option<String>,
    /// Looked in for a complete model set when the dialog opens (`~/Distillery/Models`).
    pub models_dir: Option<PathBuf>,
    /// The library folder in use.
    pub library_root: PathBuf,
    /// This process's claim on the library: only its owner repairs it.
    pub ownership: std::sync::Arc<crate::services::model::Ownership>,
}

pub struct SettingsDialog {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    mode: LoadMode,
    context: DialogContext,
    models: Rc<VecModel<ModelField>>,
    base_models: RefCell<Vec<String>>,
    detected: RefCell<Option<ModelFiles>>,
    /// Bumped by every edit of a field, so a late check of an older text is dropped.
    serials: [Cell<u64>; 4],
    pick: RefCell<Option<PickPath>>,
    /// Where a save and a repair are announced (the grid, the engine, the form's defaults).
    events: super::events::WindowEvents,
    on_library_chosen: RefCell<Option<OnLibraryChosen>>,
    /// The folder the open question is about.
    library_target: RefCell<Option<PathBuf>>,
}

mod fields;
mod hosted;
mod library_check;
mod library_choice;
mod sidecars;
mod wiring;

pub(crate) use fields::kind_name;
use fields::{field, show_defaults, show_engine_check, strings};
pub use hosted::connect as connect_hosted;
use library_choice::library_question;
pub use sidecars::connect as connect_sidecars;
pub use wiring::connect;

const ENGINE_FIELD: usize = 3;

impl SettingsDialog {
    /// Where paths come from when the user presses Choose….
    pub fn set_picker(&self, pick: PickPath) {
        *self.pick.borrow_mut() = Some(pick);
    }

    /// Where a library folder chosen in the dialog goes (the app switches to it).
    pub fn set_on_library_chosen(&self, chosen: OnLibraryChosen) {
        *self.on_library_chosen.borrow_mut() = Some(chosen);
        if let Some(window) = self.window.upgrade() {
            window.global::<SettingsAdapter>().set_can_switch_library(true);
        }
    }

    /// Reads the stored settings into the form and opens the dialog.
    pub fn open(self: &Rc<Self>) {
        if let Some(window) = self.window.upgrade() {
            hosted::refresh(&window, &self.catalog, &self.mode);
        }
        let catalog = self.catalog.clone();
        let models_dir = self.context.models_dir.clone();
        let this = Rc::clone(self);
        self.mode.run(
            move || catalog.read_settings(models_dir.as_deref()),
            move |loaded| match loaded {
                Ok(loaded) => this.show(loaded),
                Err(error) => tracing::error!(%error, "the settings could not be read"),
            },
        );
    }

    fn show(&self, loaded: Loaded) {
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<SettingsAdapter>();
        let paths: [String; 3] = match &loaded.engine.models {
            Some(m) => m.paths().map(|p| p.display().to_string()),
            None => Default::default(),
        };
        for (at, kind) in ModelKind::ALL.into_iter().enumerate() {
            let check = if paths[at].is_empty() {
                Ok(String::new())
            } else {
                loaded.checks[at].clone()
            };
            self.models.set_row_data(at, field(kind, &paths[at], check));
        }
        let base = loaded.engine.models.as_ref().and_then(|m| m.base_model.clone());
        let base_index = base
            .and_then(|name| loaded.base_models.iter().position(|b| *b == name))
            .unwrap_or(0);
        adapter.set_base_models(strings(&loaded.base_models));
        adapter.set_base_model_index(base_index as i32);
        *self.base_models.borrow_mut() = loaded.base_models;
        self.show_detected(&adapter, loaded.detected, loaded.engine.models.as_ref());

        adapter.set_engine_pick(match loaded.engine.source {
            settings::EngineSource::CameWithApp => PICK_CAME_WITH_APP,
            settings::EngineSource::Demo => PICK_DEMO,
            settings::EngineSource::Binary(_) => PICK_BINARY,
        });
        let (bundled, bundled_problem) = match loaded.bundled_engine {
            Some(Ok(note)) => (note, String::new()),
            Some(Err(problem)) => (String::new(), problem),
            None => Default::default(),
        };
        adapter.set_bundled_engine(bundled.into());
        adapter.set_bundled_engine_problem(bundled_problem.into());
        adapter.set_demo_engine_problem(loaded.demo_engine_problem.unwrap_or_default().into());
        let binary = match &loaded.engine.source {
            settings::EngineSource::Binary(binary) => binary.display().to_string(),
            _ => String::new(),
        };
        adapter.set_engine_path(binary.into());
        show_engine_check(&adapter, loaded.engine_check.unwrap_or(Ok(String::new())));
        adapter.set_engine_override(self.context.engine_override.clone().unwrap_or_default().into());
        adapter.set_library_override(self.context.library_override.clone().unwrap_or_default().into());
        adapter.set_library_path(crate::format::display_path(&self.context.library_root).into());
        adapter.set_offload_to_cpu(loaded.engine.options.offload_to_cpu);
        adapter.set_flash_attn(loaded.engine.options.flash_attn);
        adapter.set_threads(i32::from(loaded.engine.options.threads));
        show_defaults(&adapter, &loaded.defaults);
        adapter.set_defaults_problem("".into());
        adapter.set_save_problem("".into());
        adapter.set_checking(false);
        adapter.set_library_confirming(false);
        adapter.set_library_problem("".into());
        adapter.set_library_check_result("".into());
        adapter.set_library_repairable(false);
        adapter.set_open(true);
    }

    fn show_detected(&self, adapter: &SettingsAdapter, detected: Option<ModelFiles>, current: Option<&ModelFiles>) {
        let differs = detected
            .as_ref()
            .is_some_and(|found| current.is_none_or(|c| c.paths() != found.paths()));
        adapter.set_detected(fields::detected_note(self.context.models_dir.as_deref(), differs).into());
        *self.detected.borrow_mut() = detected.filter(|_| differs);
    }

    /// The user typed or picked a path for model `at`: check it.
    fn model_path_changed(self: &Rc<Self>, at: usize, text: String) {
        let Some(kind) = ModelKind::ALL.get(at).copied() else {
            return;
        };
        self.models.set_row_data(at, field(kind, &text, Ok(String::new())));
        if at == 0 {
            self.choose_base_model_for(&text);
        }
        let serial = self.bump(at);
        let this = Rc::clone(self);
        let checked_text = text.clone();
        self.mode.run(
            move || (!checked_text.trim().is_empty()).then(|| settings::check_model_field(kind, &checked_text)),
            move |check| {
                if this.serials[at].get() != serial {
                    return;
                }
                let check = check.unwrap_or(Ok(String::new()));
                this.models.set_row_data(at, field(kind, &text, check));
            },
        );
    }

    fn choose_base_model_for(&self, diffusion: &str) {
        let Some(guess) = guess_base_model(Path::new(diffusion.trim())) else {
            return;
        };
        let Some(at) = self.base_models.borrow().iter().position(|b| b == guess) else {
            return;
        };
        if let Some(window) = self.window.upgrade() {
            window.global::<SettingsAdapter>().set_base_model_index(at as i32);
        }
    }

    /// The user typed or picked an engine binary: run its `--version`.
    fn engine_path_changed(self: &Rc<Self>, text: String) {
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<SettingsAdapter>();
        adapter.set_engine_path(text.clone().into());
        show_engine_check(&adapter, Ok(String::new()));
        let serial = self.bump(ENGINE_FIELD);
        let this = Rc::clone(self);
        self.mode.run(
            move || settings::check_engine_binary(&text),
            move |check| {
                if this.serials[ENGINE_FIELD].get() != serial {
                    return;
                }
                if let Some(window) = this.window.upgrade() {
                    show_engine_check(&window.global::<SettingsAdapter>(), check);
                }
            },
        );
    }

    fn bump(&self, field: usize) -> u64 {
        let serial = self.serials[field].get() + 1;
        self.serials[field].set(serial);
        serial
    }

    fn pick(self: &Rc<Self>, target: PickTarget) {
        let Some(pick) = self.pick.borrow().clone() else { return };
        let this = Rc::clone(self);
        pick(
            target,
            Box::new(move |chosen| {
                let Some(path) = chosen else { return };
                let text = path.display().to_string();
                match target {
                    PickTarget::Model(kind) => {
                        let at = ModelKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
                        this.model_path_changed(at, text);
                    }
                    PickTarget::EngineBinary => this.engine_path_changed(text),
                    PickTarget::LibraryFolder => this.library_chosen(path),
                }
            }),
        );
    }

    /// A folder was picked as the library: say what it holds and ask before switching.
    fn library_chosen(self: &Rc<Self>, folder: PathBuf) {
        let this = Rc::clone(self);
        let inspected = folder.clone();
        self.mode.run(
            move || crate::library::identity::inspect(&inspected),
            move |contents| {
                let Some(window) = this.window.upgrade() else { return };
                let adapter = window.global::<SettingsAdapter>();
                match library_question(&folder, &this.context.library_root, &contents) {
                    Ok((question, explanation)) => {
                        *this.library_target.borrow_mut() = Some(folder);
                        adapter.set_library_problem("".into());
                        adapter.set_library_question(question.into());
                        adapter.set_library_explanation(explanation.into());
                        adapter.set_library_confirming(true);
                    }
                    Err(problem) => adapter.set_library_problem(problem.into()),
                }
            },
        );
    }

    fn library_confirmed(&self) {
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<SettingsAdapter>();
        adapter.set_library_confirming(false);
        let Some(folder) = self.library_target.borrow_mut().take() else {
            return;
        };
        adapter.set_open(false);
        if let Some(chosen) = self.on_library_chosen.borrow().clone() {
            chosen(folder);
        }
    }

    fn use_detected(self: &Rc<Self>) {
        let Some(found) = self.detected.borrow_mut().take() else {
            return;
        };
        for (at, path) in found.paths().into_iter().enumerate() {
            self.model_path_changed(at, path.display().to_string());
        }
        if let Some(window) = self.window.upgrade() {
            window.global::<SettingsAdapter>().set_detected("".into());
        }
    }

    fn form(&self, adapter: &SettingsAdapter) -> SettingsForm {
        let path = |at: usize| self.models.row_data(at).map(|f| f.path.to_string()).unwrap_or_default();
        let samplers = crate::generation::request::SAMPLERS;
        SettingsForm {
            models: [path(0), path(1), path(2)],
            base_model: self
                .base_models
                .borrow()
                .get(adapter.get_base_model_index().max(0) as usize)
                .cloned(),
            engine: match adapter.get_engine_pick() {
                PICK_DEMO => settings::EnginePick::Demo,
                PICK_BINARY => settings::EnginePick::Binary,
                _ => settings::EnginePick::CameWithApp,
            },
            engine_path: adapter.get_engine_path().to_string(),
            options: settings::EngineOptions {
                offload_to_cpu: adapter.get_offload_to_cpu(),
                flash_attn: adapter.get_flash_attn(),
                threads: u16::try_from(adapter.get_threads().max(0)).unwrap_or(u16::MAX),
            },
            steps: adapter.get_steps(),
            guidance: adapter.get_guidance().to_string(),
            sampler: samplers
                .get(adapter.get_sampler_index().max(0) as usize)
                .unwrap_or(&samplers[0])
                .to_string(),
        }
    }

    /// Checks and stores the form; closes the dialog and tells the listeners when it was
    /// saved, else shows what stops it.
    fn save(self: &Rc<Self>) {
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<SettingsAdapter>();
        if adapter.get_checking() {
            return;
        }
        let form = self.form(&adapter);
        adapter.set_checking(true);
        adapter.set_save_problem("".into());
        let catalog = self.catalog.clone();
        let this = Rc::clone(self);
        self.mode.run(
            move || catalog.save_settings(&form),
            move |saved: Result<CheckedSettings, Saving>| this.saved(saved),
        );
    }

    fn saved(&self, saved: Result<CheckedSettings, Saving>) {
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<SettingsAdapter>();
        adapter.set_checking(false);
        match saved {
            Ok(checked) => {
                adapter.set_open(false);
                tracing::info!(engine = ?checked.engine.source, models = checked.engine.models.is_some(), "settings saved");
                self.events.publish(super::events::WindowEvent::SettingsSaved(checked));
            }
            Err(Saving::Problems(problems)) => {
                for (at, kind) in ModelKind::ALL.into_iter().enumerate() {
                    let Some(row) = self.models.row_data(at) else { continue };
                    if let Some(problem) = &problems.models[at] {
                        self.models
                            .set_row_data(at, field(kind, &row.path, Err(problem.clone())));
                    }
                }
                if let Some(problem) = &problems.engine {
                    show_engine_check(&adapter, Err(problem.clone()));
                }
                adapter.set_defaults_problem(problems.defaults.clone().unwrap_or_default().into());
                adapter.set_save_problem(problems.summary().into());
            }
            Err(Saving::Failed(error)) => {
                let said = crate::i18n::fill(&crate::i18n::tr("The settings could not be saved: {}"), &[&error]);
                adapter.set_save_problem(said.into());
            }
        }
    }
}
