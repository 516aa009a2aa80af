//! The generation panel's Model picker: this computer's engine or a hosted model, and for a
//! hosted one whether its provider has a key (looked up off the UI thread: the keyring is
//! a D-Bus call).

use super::{AppWindow, GenerationAdapter, LoadMode};
use crate::services::hosted::{self, ModelChoice};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

/// Fills the picker and chooses the entry saved as `saved`.
pub fn fill(window: &AppWindow, saved: &str, mode: &LoadMode) {
    let adapter = window.global::<GenerationAdapter>();
    let labels: Vec<SharedString> = hosted::model_choices().iter().map(|c| c.label().into()).collect();
    adapter.set_models(ModelRc::new(VecModel::from(labels)));
    adapter.set_model(hosted::choice_index(saved) as i32);
    refresh_key_hint(window, mode);
}

/// The chosen entry.
pub fn chosen(adapter: &GenerationAdapter<'_>) -> ModelChoice {
    let choices = hosted::model_choices();
    let index = (adapter.get_model().max(0) as usize).min(choices.len() - 1);
    choices[index]
}

/// Looks up whether the chosen provider has a key and shows what to do if not. The answer
/// is dropped if the choice changed meanwhile.
pub fn refresh_key_hint(window: &AppWindow, mode: &LoadMode) {
    let adapter = window.global::<GenerationAdapter>();
    let choice = chosen(&adapter);
    if !choice.provider.is_remote() {
        adapter.set_key_hint("".into());
        return;
    }
    let weak = window.as_weak();
    let asked = adapter.get_model();
    mode.run(
        move || hosted::key_hint(choice.provider),
        move |hint| {
            let Some(window) = weak.upgrade() else { return };
            let adapter = window.global::<GenerationAdapter>();
            if adapter.get_model() == asked {
                let hint = if hint.is_empty() {
                    hint
                } else {
                    crate::format::sentence(&hint)
                };
                adapter.set_key_hint(hint.into());
            }
        },
    );
}
