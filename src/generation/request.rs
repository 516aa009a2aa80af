//! A generation request as the user makes it, and the parameters stored with each job.

use super::{Aspect, Provider, Resolution};
use crate::db::types::MediaId;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Spec 8.5 defaults.
pub const DEFAULT_STEPS: u32 = 4;
pub const DEFAULT_GUIDANCE: f64 = 3.5;
pub const DEFAULT_SAMPLER: &str = "euler";
/// The samplers the engine offers for FLUX.2 Klein.
pub const SAMPLERS: [&str; 3] = ["euler", "euler_a", "heun"];
/// Seeds are drawn from 0..2^31−1, the range every engine build accepts.
pub const MAX_SEED: i64 = 0x7FFF_FFFF;
/// More images than this in one submit is almost certainly a typo.
pub const MAX_COUNT: u32 = 100;

/// Where a reference image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceSource {
    /// An item of the library.
    Media(MediaId),
    /// A file anywhere (dropped from the file manager, or `--ref` on the command line).
    File(PathBuf),
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationRequest {
    pub prompt: String,
    pub resolution: Resolution,
    pub aspect: Aspect,
    pub references: Vec<ReferenceSource>,
    /// Images to make; each gets its own job and seed.
    pub count: u32,
    /// The first image's seed; the others follow it. Random when `None`.
    pub seed: Option<i64>,
    pub steps: u32,
    pub guidance: f64,
    pub sampler: String,
    /// Where the images are made.
    pub provider: Provider,
    /// A hosted provider's model (its endpoint id, canonical name or size, e.g. "9b"); the
    /// provider's default when `None`. The local engine uses its loaded model.
    pub model: Option<String>,
}

impl GenerationRequest {
    pub fn new(prompt: impl Into<String>) -> Self {
        Self {
            prompt: prompt.into(),
            resolution: Resolution::default(),
            aspect: Aspect::default(),
            references: Vec::new(),
            count: 1,
            seed: None,
            steps: DEFAULT_STEPS,
            guidance: DEFAULT_GUIDANCE,
            sampler: DEFAULT_SAMPLER.to_owned(),
            provider: Provider::Local,
            model: None,
        }
    }

    /// Checks what can be checked without touching files; the message is for the user.
    pub fn validate(&self) -> Result<(), String> {
        if self.prompt.trim().is_empty() {
            return Err(crate::i18n::tr("the prompt is empty: describe what you want to see"));
        }
        if !(1..=MAX_COUNT).contains(&self.count) {
            return Err(crate::i18n::fill(
                &crate::i18n::tr("the number of images must be 1 to {}, not {}"),
                &[&MAX_COUNT.to_string(), &self.count.to_string()],
            ));
        }
        if let Some(seed) = self.seed
            && !(0..=MAX_SEED).contains(&seed)
        {
            return Err(crate::i18n::fill(
                &crate::i18n::tr("the seed must be 0 to {}, not {}"),
                &[&MAX_SEED.to_string(), &seed.to_string()],
            ));
        }
        if !(1..=150).contains(&self.steps) {
            return Err(crate::i18n::fill(
                &crate::i18n::tr("steps must be 1 to 150, not {}"),
                &[&self.steps.to_string()],
            ));
        }
        if !SAMPLERS.contains(&self.sampler.as_str()) {
            return Err(crate::i18n::fill(
                &crate::i18n::tr("unknown sampler {} (euler, euler_a or heun)"),
                &[&format!("{:?}", self.sampler)],
            ));
        }
        Ok(())
    }

    /// The seed of the `index`-th image: the given seed counted up (wrapping in range), or
    /// a fresh random one.
    pub fn seed_for(&self, index: u32) -> i64 {
        match self.seed {
            Some(seed) => (seed + i64::from(index)) % (MAX_SEED + 1),
            None => random_seed(),
        }
    }
}

fn random_seed() -> i64 {
    let id = uuid::Uuid::new_v4();
    (id.as_u128() as i64).rem_euclid(MAX_SEED + 1)
}

/// What is stored in `generations.params_json`: everything needed to run the job again and
/// to describe it, beyond the table's own columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredParams {
    pub resolution: u32,
    pub aspect: String,
    /// The prepared references, relative to the library root (`ref_cache/<hash>.png`).
    pub references: Vec<String>,
    /// Shared by the images of one submit.
    pub batch: String,
    /// Position in the batch, from 0.
    pub batch_index: u32,
}

impl StoredParams {
    /// The parameters stored with `generation`; `None` for a row without them (imported
    /// images, older rows) or one that cannot be read.
    pub fn of(generation: &crate::db::generations::Generation) -> Option<Self> {
        serde_json::from_str(generation.params_json.as_deref()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_validated_with_clear_messages() {
        let mut request = GenerationRequest::new("  ");
        assert!(request.validate().unwrap_err().contains("prompt is empty"));
        request.prompt = "a kite over dunes".into();
        assert!(request.validate().is_ok());
        request.count = 0;
        assert!(request.validate().is_err());
        request.count = 3;
        request.seed = Some(-4);
        assert!(request.validate().unwrap_err().contains("seed"));
        request.seed = Some(MAX_SEED);
        assert_eq!(request.seed_for(0), MAX_SEED);
        assert_eq!(request.seed_for(1), 0, "seeds wrap within range");
        request.seed = None;
        for i in 0..50 {
            assert!((0..=MAX_SEED).contains(&request.seed_for(i)));
        }
    }
}
