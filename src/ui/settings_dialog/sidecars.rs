//! The settings dialog's "Write XMP sidecars" box: shown as saved, saved as soon as it is
//! ticked (the rule itself is services/sidecars.rs).

use crate::services::Catalog;
use crate::ui::{AppWindow, LoadMode, SettingsAdapter};
use slint::ComponentHandle;

pub fn connect(window: &AppWindow, catalog: Catalog, mode: LoadMode) {
    let shown = window.as_weak();
    mode.answer(catalog.sidecars_enabled(), move |enabled| {
        if let (Some(window), Ok(on)) = (shown.upgrade(), enabled) {
            window.global::<SettingsAdapter>().set_xmp_sidecars(on);
        }
    });
    let adapter = window.global::<SettingsAdapter>();
    let saved = window.as_weak();
    adapter.on_xmp_sidecars_toggled(move |on| {
        let saved = saved.clone();
        mode.answer(catalog.set_sidecars_enabled(on), move |result| {
            if let Err(error) = result {
                tracing::warn!(%error, "the sidecar setting could not be saved");
                if let Some(window) = saved.upgrade() {
                    window.global::<SettingsAdapter>().set_xmp_sidecars(!on);
                }
            }
        });
    });
}
