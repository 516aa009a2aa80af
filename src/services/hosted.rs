//! Hosted providers as the window sees them: the models offered beside this computer's
//! engine, and whether each provider has a key (never the key itself), kept or removed in
//! the desktop's keyring. The lookups are blocking: call them off the UI thread.

use super::catalog::{Call, Catalog};
use crate::generation::{GenerationRequest, Provider};
use crate::remote::keys::{self, ApiKey, KeySource};
use crate::remote::models::{MODELS, RemoteModel};

/// One entry of the Model picker: this computer's engine, or a hosted model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelChoice {
    pub provider: Provider,
    pub model: Option<&'static RemoteModel>,
}

impl ModelChoice {
    /// How the Model picker names it, in the user's language: "FLUX.2 Klein on this
    /// computer", "FLUX.2 Klein 4B on fal".
    pub fn label(&self) -> String {
        use crate::i18n::{fill, tr};
        match self.model {
            Some(model) => fill(&tr("{} on {}"), &[model.base_model, self.provider.display_name()]),
            None => tr("FLUX.2 Klein on this computer"),
        }
    }

    /// As the generation form is saved: "local" or the endpoint id.
    pub fn saved_name(&self) -> &'static str {
        self.model.map_or("local", |m| m.id)
    }

    /// Makes `request` run here.
    pub fn apply_to(&self, request: &mut GenerationRequest) {
        request.provider = self.provider;
        request.model = self.model.map(|m| m.id.to_owned());
    }
}

/// The picker's entries: this computer first, then every hosted model.
pub fn model_choices() -> Vec<ModelChoice> {
    let local = ModelChoice {
        provider: Provider::Local,
        model: None,
    };
    std::iter::once(local)
        .chain(MODELS.iter().map(|m| ModelChoice {
            provider: m.provider,
            model: Some(m),
        }))
        .collect()
}

/// The picker's entry saved as `name` (this computer when unknown).
pub fn choice_index(name: &str) -> usize {
    model_choices().iter().position(|c| c.saved_name() == name).unwrap_or(0)
}

/// Why a provider cannot be used now ("" when it has a key). Blocking.
pub fn key_hint(provider: Provider) -> String {
    if !provider.is_remote() {
        return String::new();
    }
    match keys::lookup(provider) {
        Ok(_) => String::new(),
        Err(missing) => missing.to_string(),
    }
}

/// The Settings line of a provider's key: where it comes from, never what it is. Blocking.
pub fn key_status(provider: Provider) -> KeyStatus {
    match keys::lookup(provider) {
        Ok((_, KeySource::Environment(variable))) => KeyStatus {
            line: crate::i18n::fill(&crate::i18n::tr("Key set by {} in the environment"), &[variable]),
            stored: false,
            from_environment: true,
        },
        Ok((_, KeySource::Keyring)) => KeyStatus {
            line: crate::i18n::tr("Key kept in the desktop keyring"),
            stored: true,
            from_environment: false,
        },
        Err(missing) => KeyStatus {
            line: match missing.keyring_problem {
                Some(problem) => crate::i18n::fill(
                    &crate::i18n::tr("No key yet ({}): set {} in Distillery's environment"),
                    &[&problem, keys::variable(provider)],
                ),
                None => crate::i18n::fill(
                    &crate::i18n::tr("No key yet: paste one here, or set {}"),
                    &[keys::variable(provider)],
                ),
            },
            stored: false,
            from_environment: false,
        },
    }
}

/// What Settings shows of one provider's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyStatus {
    pub line: String,
    /// In the keyring (so it can be removed there).
    pub stored: bool,
    pub from_environment: bool,
}

impl Catalog {
    /// Jobs each hosted provider runs at once.
    pub fn remote_slots(&self) -> Call<usize> {
        self.call(crate::queue::remote_slots)
    }

    /// Sets the jobs each hosted provider runs at once; the queue follows within a moment.
    pub fn set_remote_slots(&self, slots: usize) -> Call<()> {
        self.call(move |c| crate::queue::set_remote_slots(c, slots))
    }
}

/// Keeps a typed key in the keyring. Blocking.
pub fn store_key(provider: Provider, typed: &str) -> Result<(), String> {
    let key = ApiKey::new(typed).ok_or_else(|| crate::i18n::tr("Paste a key first"))?;
    keys::store(provider, &key)
}

/// Removes a provider's key from the keyring. Blocking.
pub fn forget_key(provider: Provider) -> Result<(), String> {
    keys::forget(provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_starts_with_this_computer_and_round_trips_its_names() {
        let choices = model_choices();
        assert_eq!(choices[0].provider, Provider::Local);
        assert_eq!(choices[0].label(), "FLUX.2 Klein on this computer");
        assert_eq!(choices.len(), 1 + MODELS.len());
        for (index, choice) in choices.iter().enumerate() {
            assert_eq!(choice_index(choice.saved_name()), index);
        }
        assert_eq!(choice_index("something old"), 0);
        let mut request = GenerationRequest::new("x");
        choices[2].apply_to(&mut request);
        assert_eq!(request.provider, Provider::Fal);
        assert_eq!(request.model.as_deref(), Some("fal-ai/flux-2/klein/9b"));
    }
}
