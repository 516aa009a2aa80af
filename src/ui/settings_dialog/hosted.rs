//! Settings → Hosted providers: each provider's key status (never the key), saving a pasted
//! key in the desktop keyring or removing it, and the jobs each provider runs at once.
//! Keyring calls are D-Bus round trips: they run on the blocking pool, never the UI thread.

use crate::generation::Provider;
use crate::services::Catalog;
use crate::services::hosted::{self, KeyStatus};
use crate::ui::{AppWindow, LoadMode, ProviderKey, ProvidersAdapter};
use slint::{ComponentHandle, ModelRc, VecModel};

const PROVIDERS: [Provider; 2] = [Provider::Fal, Provider::Replicate];

/// Connects the section's callbacks; the key lines say "looking" until the dialog opens.
pub fn connect(window: &AppWindow, catalog: Catalog, mode: LoadMode) {
    let adapter = window.global::<ProvidersAdapter>();
    let looking: Vec<ProviderKey> = PROVIDERS
        .iter()
        .map(|p| ProviderKey {
            name: p.label().into(),
            status: crate::i18n::tr("Looking for a key…").into(),
            ..Default::default()
        })
        .collect();
    adapter.set_providers(ModelRc::new(VecModel::from(looking)));
    let (weak, on) = (window.as_weak(), mode.clone());
    adapter.on_save_key(move |index, typed| {
        let Some(&provider) = PROVIDERS.get(index.max(0) as usize) else {
            return;
        };
        let typed = typed.to_string();
        change_key(&weak, &on, provider, move || hosted::store_key(provider, &typed));
    });
    let weak = window.as_weak();
    adapter.on_remove_key(move |index| {
        let Some(&provider) = PROVIDERS.get(index.max(0) as usize) else {
            return;
        };
        change_key(&weak, &mode, provider, move || hosted::forget_key(provider));
    });
    adapter.on_slots_edited(move |slots| {
        catalog
            .set_remote_slots(slots.max(1) as usize)
            .send("saving the hosted jobs at once");
    });
}

/// Fills the section as the dialog opens: the key lines (looked up off the UI thread) and
/// the jobs at once.
pub fn refresh(window: &AppWindow, catalog: &Catalog, mode: &LoadMode) {
    let weak = window.as_weak();
    mode.answer(catalog.remote_slots(), move |slots| {
        if let (Ok(slots), Some(window)) = (slots, weak.upgrade()) {
            window.global::<ProvidersAdapter>().set_slots(slots as i32);
        }
    });
    show_statuses(&window.as_weak(), mode, None);
}

/// Runs a keyring change on its own thread, then shows every provider's status again (with
/// the change's problem under its provider) and refreshes the Model picker's hint.
fn change_key(
    weak: &slint::Weak<AppWindow>,
    mode: &LoadMode,
    provider: Provider,
    change: impl FnOnce() -> Result<(), String> + Send + 'static,
) {
    let (weak, next) = (weak.clone(), mode.clone());
    mode.run(change, move |changed| {
        let problem = changed.err().map(|p| (provider, crate::format::sentence(&p)));
        show_statuses(&weak, &next, problem);
    });
}

/// Looks up every provider's key status on a thread and shows it.
fn show_statuses(weak: &slint::Weak<AppWindow>, mode: &LoadMode, problem: Option<(Provider, String)>) {
    let (weak, picker_mode) = (weak.clone(), mode.clone());
    mode.run(
        || {
            PROVIDERS
                .iter()
                .map(|&p| (p, hosted::key_status(p)))
                .collect::<Vec<(Provider, KeyStatus)>>()
        },
        move |statuses| {
            let Some(window) = weak.upgrade() else { return };
            let rows: Vec<ProviderKey> = statuses
                .into_iter()
                .map(|(provider, status)| ProviderKey {
                    name: provider.label().into(),
                    has_key: status.stored || status.from_environment,
                    stored: status.stored,
                    status: crate::format::sentence(&status.line).into(),
                    problem: problem
                        .as_ref()
                        .filter(|(p, _)| *p == provider)
                        .map(|(_, text)| text.clone())
                        .unwrap_or_default()
                        .into(),
                })
                .collect();
            window
                .global::<ProvidersAdapter>()
                .set_providers(ModelRc::new(VecModel::from(rows)));
            crate::ui::model_picker::refresh_key_hint(&window, &picker_mode);
        },
    );
}
