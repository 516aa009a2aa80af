//! The hosted models Distillery offers, and which canonical model (`base_models`) each one
//! is, so "FLUX.2 Klein 4B" filters the same whichever provider made the image.

use crate::generation::Provider;

/// One hosted model endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteModel {
    pub provider: Provider,
    /// The endpoint for text to image, as the provider names it.
    pub id: &'static str,
    /// The endpoint that takes reference images, where it differs.
    pub edit_id: &'static str,
    /// The canonical model (`base_models.name`).
    pub base_model: &'static str,
    /// References the endpoint accepts at most.
    pub max_references: usize,
}

impl RemoteModel {
    /// The endpoint for a job with `references` reference images.
    pub fn endpoint(&self, references: usize) -> &'static str {
        if references > 0 { self.edit_id } else { self.id }
    }

    /// "FLUX.2 Klein 4B on fal", for pickers and messages.
    pub fn label(&self) -> String {
        format!("{} on {}", self.base_model, self.provider.display_name())
    }
}

/// Every hosted model offered; the first of each provider is its default.
pub const MODELS: [RemoteModel; 3] = [
    // fal's distilled Klein: 4 steps, no guidance; `/edit` takes up to 4 references.
    RemoteModel {
        provider: Provider::Fal,
        id: "fal-ai/flux-2/klein/4b",
        edit_id: "fal-ai/flux-2/klein/4b/edit",
        base_model: "FLUX.2 Klein 4B",
        max_references: 4,
    },
    RemoteModel {
        provider: Provider::Fal,
        id: "fal-ai/flux-2/klein/9b",
        edit_id: "fal-ai/flux-2/klein/9b/edit",
        base_model: "FLUX.2 Klein 9B",
        max_references: 4,
    },
    // Replicate's Klein takes references in the same endpoint (`images`, at most 5).
    RemoteModel {
        provider: Provider::Replicate,
        id: "black-forest-labs/flux-2-klein-4b",
        edit_id: "black-forest-labs/flux-2-klein-4b",
        base_model: "FLUX.2 Klein 4B",
        max_references: 5,
    },
];

/// The provider's default model.
pub fn default_for(provider: Provider) -> Option<&'static RemoteModel> {
    MODELS.iter().find(|m| m.provider == provider)
}

/// A provider's model named by its endpoint id, its canonical name or its size ("9b").
pub fn find(provider: Provider, name: &str) -> Option<&'static RemoteModel> {
    let name = name.trim();
    MODELS.iter().filter(|m| m.provider == provider).find(|m| {
        m.id.eq_ignore_ascii_case(name)
            || m.edit_id.eq_ignore_ascii_case(name)
            || m.base_model.eq_ignore_ascii_case(name)
            || m.base_model
                .to_ascii_lowercase()
                .ends_with(&format!(" {}", name.to_ascii_lowercase()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_found_by_id_name_or_size() {
        assert_eq!(find(Provider::Fal, "9b").unwrap().id, "fal-ai/flux-2/klein/9b");
        assert_eq!(
            find(Provider::Fal, "FLUX.2 Klein 4B").unwrap().id,
            "fal-ai/flux-2/klein/4b"
        );
        assert_eq!(
            find(Provider::Fal, "fal-ai/flux-2/klein/9b/edit").unwrap().base_model,
            "FLUX.2 Klein 9B"
        );
        assert!(find(Provider::Replicate, "9b").is_none());
        assert_eq!(
            default_for(Provider::Replicate).unwrap().endpoint(2),
            "black-forest-labs/flux-2-klein-4b"
        );
        assert_eq!(
            default_for(Provider::Fal).unwrap().endpoint(1),
            "fal-ai/flux-2/klein/4b/edit"
        );
        assert!(default_for(Provider::Local).is_none());
        assert_eq!(default_for(Provider::Fal).unwrap().label(), "FLUX.2 Klein 4B on fal");
    }
}
