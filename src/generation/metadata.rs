//! The parameters written into every generated PNG: a `parameters` text chunk in the
//! Stable Diffusion WebUI format (read by Civitai and most image tools), and a `distillery`
//! chunk with every parameter as JSON, which Distillery reads back exactly.

use serde::{Deserialize, Serialize};

/// PNG keyword of the WebUI-style chunk.
pub const PARAMETERS_KEYWORD: &str = "parameters";
/// PNG keyword of Distillery's own chunk.
pub const DISTILLERY_KEYWORD: &str = "distillery";

/// Everything about how an image was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageMetadata {
    pub generator: String,
    pub version: String,
    pub prompt: String,
    pub seed: i64,
    pub steps: u32,
    pub guidance: f64,
    pub sampler: String,
    pub width: u32,
    pub height: u32,
    pub model: String,
    pub resolution: u32,
    pub aspect: String,
    pub reference_count: usize,
    pub generation_id: String,
    /// Where it was made: "local", "fal" or "replicate" (older images: local).
    #[serde(default = "local")]
    pub provider: String,
}

fn local() -> String {
    "local".into()
}

impl ImageMetadata {
    /// The WebUI `parameters` text: the prompt, then one line of `Key: value` pairs.
    pub fn webui_parameters(&self) -> String {
        let sampler = match self.sampler.as_str() {
            "euler" => "Euler",
            "euler_a" => "Euler a",
            "heun" => "Heun",
            other => other,
        };
        // Hosted images name where they were made; local ones keep the line other tools know.
        let provider = match self.provider.as_str() {
            "local" | "" => String::new(),
            other => format!(", Provider: {other}"),
        };
        format!(
            "{}\nSteps: {}, Sampler: {}, CFG scale: {}, Seed: {}, Size: {}x{}, Model: {}{provider}, Version: {} {}",
            self.prompt,
            self.steps,
            sampler,
            self.guidance,
            self.seed,
            self.width,
            self.height,
            self.model,
            self.generator,
            self.version
        )
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webui_text_and_json_round_trip() {
        let meta = ImageMetadata {
            generator: "Distillery".into(),
            version: "0.1.0".into(),
            prompt: "line one\n\"quoted\" 🎨 שלום".into(),
            seed: 42,
            steps: 4,
            guidance: 3.5,
            sampler: "euler".into(),
            width: 1024,
            height: 688,
            model: "flux2-klein-Q5_K.gguf".into(),
            resolution: 1024,
            aspect: "3:2".into(),
            reference_count: 0,
            generation_id: "g".into(),
            provider: "local".into(),
        };
        assert!(meta.webui_parameters().ends_with(
            "\nSteps: 4, Sampler: Euler, CFG scale: 3.5, Seed: 42, Size: 1024x688, Model: flux2-klein-Q5_K.gguf, Version: Distillery 0.1.0"
        ));
        assert_eq!(ImageMetadata::from_json(&meta.to_json()), Some(meta.clone()));
        let hosted = ImageMetadata {
            provider: "fal".into(),
            model: "fal-ai/flux-2/klein/4b".into(),
            ..meta
        };
        assert!(
            hosted
                .webui_parameters()
                .contains("Model: fal-ai/flux-2/klein/4b, Provider: fal, Version")
        );
        let older = r#"{"generator":"Distillery","version":"0.1.0","prompt":"p","seed":1,"steps":4,"guidance":3.5,"sampler":"euler","width":8,"height":8,"model":"m","resolution":512,"aspect":"1:1","reference_count":0,"generation_id":"g"}"#;
        assert_eq!(ImageMetadata::from_json(older).unwrap().provider, "local");
    }
}
