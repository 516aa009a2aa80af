//! Filling the dialog's fields: a model row with its check, the engine check, the sampling
//! defaults.

use crate::engine::model_check::ModelKind;
use crate::settings::GenerationDefaults;
use crate::ui::{ModelField, SettingsAdapter};
use slint::{ModelRc, SharedString, VecModel};

/// A model file's kind as the window names it, in the user's language.
pub(crate) fn kind_name(kind: ModelKind) -> String {
    match kind {
        ModelKind::Diffusion => crate::i18n::tr("Diffusion model"),
        ModelKind::Vae => "VAE".to_owned(),
        ModelKind::TextEncoder => crate::i18n::tr("Text encoder (LLM)"),
    }
}

/// "Found a FLUX.2 Klein set in ~/models" when a set there is offered, else nothing.
pub(super) fn detected_note(models_dir: Option<&std::path::Path>, offered: bool) -> String {
    match models_dir {
        Some(dir) if offered => crate::i18n::fill(
            &crate::i18n::tr("Found a FLUX.2 Klein set in {}"),
            &[&crate::format::display_path(dir)],
        ),
        _ => String::new(),
    }
}

pub(super) fn field(kind: ModelKind, path: &str, check: Result<String, String>) -> ModelField {
    let label = kind_name(kind);
    let (note, problem) = match check {
        Ok(note) => (note, String::new()),
        Err(problem) => (String::new(), problem),
    };
    ModelField {
        label: label.into(),
        hint: format!(".{}", kind.extension()).into(),
        path: path.into(),
        note: note.into(),
        problem: problem.into(),
    }
}

pub(super) fn show_engine_check(adapter: &SettingsAdapter, check: Result<String, String>) {
    let (version, problem) = match check {
        Ok(version) => (version, String::new()),
        Err(problem) => (String::new(), problem),
    };
    adapter.set_engine_version(version.into());
    adapter.set_engine_problem(problem.into());
}

pub(super) fn show_defaults(adapter: &SettingsAdapter, defaults: &GenerationDefaults) {
    adapter.set_steps(defaults.steps as i32);
    adapter.set_guidance(format!("{}", defaults.guidance).into());
    let sampler = crate::generation::request::SAMPLERS
        .iter()
        .position(|s| *s == defaults.sampler)
        .unwrap_or(0);
    adapter.set_sampler_index(sampler as i32);
}

pub(super) fn strings(items: &[String]) -> ModelRc<SharedString> {
    ModelRc::new(VecModel::from(items.iter().map(SharedString::from).collect::<Vec<_>>()))
}
