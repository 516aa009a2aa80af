//! Where a generation runs: the local engine, or a hosted provider.

/// Where a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Provider {
    /// The engine on this computer.
    #[default]
    Local,
    /// fal's queue API (fal.ai).
    Fal,
    /// Replicate's predictions API (replicate.com).
    Replicate,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Local, Provider::Fal, Provider::Replicate];

    /// As stored in `generations.provider` and typed after `--provider`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Local => "local",
            Provider::Fal => "fal",
            Provider::Replicate => "replicate",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The name people know it by, for messages and the queue's labels.
    pub fn display_name(self) -> &'static str {
        match self {
            Provider::Local => "this computer",
            Provider::Fal => "fal",
            Provider::Replicate => "Replicate",
        }
    }

    /// The queue's label of where a job runs.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Local => crate::i18n::later("This computer"),
            Provider::Fal => "fal",
            Provider::Replicate => "Replicate",
        }
    }

    pub fn is_remote(self) -> bool {
        self != Provider::Local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for provider in Provider::ALL {
            assert_eq!(Provider::parse(provider.as_str()), Some(provider));
        }
        assert_eq!(Provider::parse(" FAL "), Some(Provider::Fal));
        assert_eq!(Provider::parse("openai"), None);
    }
}
