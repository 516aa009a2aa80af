//! Connects the dialog's callbacks to its controller.

use super::fields::{field, show_defaults, strings};
use super::{DialogContext, PickTarget, SettingsDialog};
use crate::engine::model_check::ModelKind;
use crate::services::Catalog;
use crate::settings::GenerationDefaults;
use crate::ui::{AppWindow, LoadMode, SettingsAdapter};
use slint::{ComponentHandle, ModelRc, VecModel};
use std::cell::RefCell;
use std::rc::Rc;

/// Connects the dialog: Ctrl+, and the title bar open it.
pub fn connect(
    window: &AppWindow,
    catalog: Catalog,
    events: crate::ui::events::WindowEvents,
    mode: LoadMode,
    context: DialogContext,
) -> Rc<SettingsDialog> {
    let models = Rc::new(VecModel::from(
        ModelKind::ALL
            .into_iter()
            .map(|kind| field(kind, "", Ok(String::new())))
            .collect::<Vec<_>>(),
    ));
    let adapter = window.global::<SettingsAdapter>();
    adapter.set_models(ModelRc::from(models.clone()));
    adapter.set_app_version(env!("CARGO_PKG_VERSION").into());
    adapter.set_samplers(strings(&crate::generation::request::SAMPLERS.map(str::to_owned)));
    adapter.set_open(false);
    adapter.set_can_switch_library(false);
    let dialog = Rc::new(SettingsDialog {
        window: window.as_weak(),
        catalog,
        mode,
        context,
        models,
        base_models: RefCell::new(Vec::new()),
        detected: RefCell::new(None),
        serials: Default::default(),
        pick: RefCell::new(None),
        events,
        on_library_chosen: RefCell::new(None),
        library_target: RefCell::new(None),
    });
    let weak = Rc::downgrade(&dialog);
    let with = move |act: fn(&Rc<SettingsDialog>)| {
        let weak = weak.clone();
        move || {
            if let Some(dialog) = weak.upgrade() {
                act(&dialog);
            }
        }
    };
    adapter.on_open_requested(with(|d| {
        let Some(window) = d.window.upgrade() else { return };
        if !window.global::<SettingsAdapter>().get_open() {
            d.open();
        }
    }));
    adapter.on_save_requested(with(|d| d.save()));
    adapter.on_use_detected(with(|d| d.use_detected()));
    adapter.on_choose_engine(with(|d| d.pick(PickTarget::EngineBinary)));
    adapter.on_choose_library(with(|d| d.pick(PickTarget::LibraryFolder)));
    adapter.on_library_confirmed(with(|d| d.library_confirmed()));
    adapter.on_check_library(with(|d| d.check_library(false)));
    adapter.on_repair_library(with(|d| d.check_library(true)));
    adapter.on_library_cancelled(with(|d| {
        d.library_target.borrow_mut().take();
        if let Some(window) = d.window.upgrade() {
            window.global::<SettingsAdapter>().set_library_confirming(false);
        }
    }));
    adapter.on_engine_pick_changed(with(|d| {
        let Some(window) = d.window.upgrade() else { return };
        let adapter = window.global::<SettingsAdapter>();
        if adapter.get_engine_pick() == super::PICK_BINARY && !adapter.get_engine_path().is_empty() {
            d.engine_path_changed(adapter.get_engine_path().to_string());
        }
    }));
    adapter.on_reset_defaults(with(|d| {
        let Some(window) = d.window.upgrade() else { return };
        let adapter = window.global::<SettingsAdapter>();
        show_defaults(&adapter, &GenerationDefaults::default());
        adapter.set_defaults_problem("".into());
    }));
    let w = window.as_weak();
    adapter.on_cancel_requested(move || {
        if let Some(window) = w.upgrade() {
            let adapter = window.global::<SettingsAdapter>();
            adapter.set_library_confirming(false);
            adapter.set_open(false);
        }
    });
    let w = window.as_weak();
    adapter.on_restart_engine(move || {
        if let Some(window) = w.upgrade() {
            window.global::<crate::ui::EngineAdapter>().invoke_restart_requested();
        }
    });
    let weak = Rc::downgrade(&dialog);
    adapter.on_model_path_edited(move |at, text| {
        if let Some(dialog) = weak.upgrade() {
            dialog.model_path_changed(at.max(0) as usize, text.to_string());
        }
    });
    let weak = Rc::downgrade(&dialog);
    adapter.on_choose_model(move |at| {
        if let (Some(dialog), Some(kind)) = (weak.upgrade(), ModelKind::ALL.get(at.max(0) as usize)) {
            dialog.pick(PickTarget::Model(*kind));
        }
    });
    let weak = Rc::downgrade(&dialog);
    adapter.on_engine_path_edited(move |text| {
        if let Some(dialog) = weak.upgrade() {
            dialog.engine_path_changed(text.to_string());
        }
    });
    dialog
}
