//! Embedded parameters come from any file, so every value is checked against its real range
//! before it is stored: a number outside it is dropped (never stored as −1 steps or a seed
//! of i64::MIN), a model name that looks like a path keeps only its file name or is dropped
//! (it is only ever a label, never a path to open), and texts lose control characters and
//! are cut to a sane length.

use super::metadata::EmbeddedParameters;
use crate::generation::dimensions::{Aspect, Resolution};

/// More steps than any sampler schedule uses.
const MAX_STEPS: i32 = 10_000;
/// Guidance scales in use stay far below this.
const MAX_GUIDANCE: f64 = 100.0;
/// The largest side any generator writes (JPEG and WebP stop at 65,535).
const MAX_SIDE: i32 = 65_535;
/// Prompts longer than this are cut (a page of text is ~3,000 characters).
const MAX_PROMPT_CHARS: usize = 20_000;
/// Names (model, sampler) longer than this are not names.
const MAX_NAME_CHARS: usize = 255;

/// `parameters` with every value in its range or gone.
pub fn checked(mut parameters: EmbeddedParameters) -> EmbeddedParameters {
    parameters.seed = parameters.seed.filter(|seed| *seed >= 0);
    parameters.steps = parameters.steps.filter(|steps| (1..=MAX_STEPS).contains(steps));
    parameters.guidance = parameters
        .guidance
        .filter(|guidance| guidance.is_finite() && (0.0..=MAX_GUIDANCE).contains(guidance));
    parameters.width = parameters.width.filter(|side| (1..=MAX_SIDE).contains(side));
    parameters.height = parameters.height.filter(|side| (1..=MAX_SIDE).contains(side));
    parameters.prompt = parameters.prompt.and_then(|text| clean_text(&text, MAX_PROMPT_CHARS));
    parameters.negative_prompt = parameters
        .negative_prompt
        .and_then(|text| clean_text(&text, MAX_PROMPT_CHARS));
    parameters.sampler = parameters.sampler.and_then(|name| clean_name(&name));
    parameters.model = parameters.model.and_then(|name| model_name(&name));
    if let Some(meta) = parameters.distillery.as_mut() {
        // Read back into the generation's stored choices: only values the app offers.
        if !Resolution::ALL.iter().any(|r| r.long_edge() == meta.resolution) {
            meta.resolution = 0;
        }
        if Aspect::parse(&meta.aspect).is_none() {
            meta.aspect.clear();
        }
    }
    parameters
}

/// The file name a model is known by. Tools store "SDXL/model.safetensors" (a folder of
/// their own) or a full path; "../../etc/passwd" or an absolute path is not a model name.
fn model_name(text: &str) -> Option<String> {
    let name = clean_name(text)?;
    let parts: Vec<&str> = name.split(['/', '\\']).collect();
    let absolute = name.starts_with(['/', '\\']) || name.get(1..3) == Some(":\\") || name.get(1..3) == Some(":/");
    if absolute || parts.iter().any(|part| *part == ".." || *part == ".") {
        return None;
    }
    let last = parts.last()?.trim();
    (!last.is_empty()).then(|| last.to_owned())
}

/// A one-line name: no control characters, not empty, not absurdly long.
fn clean_name(text: &str) -> Option<String> {
    let name = text.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return None;
    }
    Some(name.to_owned())
}

/// Free text: line breaks and tabs kept, other control characters dropped, cut to `limit`.
fn clean_text(text: &str, limit: usize) -> Option<String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .take(limit)
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn absurd() -> EmbeddedParameters {
        EmbeddedParameters {
            tool: "automatic1111",
            prompt: Some("a lighthouse\u{1b}[31m at dusk\n".into()),
            negative_prompt: Some("\u{0}".into()),
            seed: Some(i64::MIN),
            steps: Some(-1),
            guidance: Some(f64::NAN),
            sampler: Some("Euler a".into()),
            width: Some(0),
            height: Some(1_000_000),
            model: Some("../../etc/passwd".into()),
            distillery: None,
        }
    }

    #[test]
    fn numbers_outside_their_ranges_are_dropped() {
        let checked = checked(absurd());
        assert_eq!(checked.seed, None);
        assert_eq!(checked.steps, None);
        assert_eq!(checked.guidance, None);
        assert_eq!((checked.width, checked.height), (None, None));
        assert_eq!(checked.sampler.as_deref(), Some("Euler a"));
    }

    #[test]
    fn path_like_model_names_are_never_paths() {
        let name = |text: &str| model_name(text);
        assert_eq!(name("../../etc/passwd"), None);
        assert_eq!(name("/home/me/models/flux.gguf"), None);
        assert_eq!(name("C:\\models\\flux.gguf"), None);
        assert_eq!(
            name("SDXL/sd_xl_base_1.0.safetensors").as_deref(),
            Some("sd_xl_base_1.0.safetensors")
        );
        assert_eq!(
            name("flux-2-klein-9b-Q4_K_M.gguf").as_deref(),
            Some("flux-2-klein-9b-Q4_K_M.gguf")
        );
        assert_eq!(name("evil\nname"), None);
        assert_eq!(name(&"x".repeat(300)), None);
    }

    #[test]
    fn texts_lose_control_characters_and_keep_their_lines() {
        let checked = checked(absurd());
        assert_eq!(checked.prompt.as_deref(), Some("a lighthouse[31m at dusk"));
        assert_eq!(checked.negative_prompt, None);
        let long = clean_text(&"word ".repeat(10_000), MAX_PROMPT_CHARS).unwrap();
        assert_eq!(long.chars().count(), MAX_PROMPT_CHARS - 1); // the cut's trailing space goes
        assert_eq!(
            clean_text("line one\nline two", 100).as_deref(),
            Some("line one\nline two")
        );
    }

    #[test]
    fn plausible_values_are_kept() {
        let fine = EmbeddedParameters {
            tool: "comfyui",
            seed: Some(4_294_967_295),
            steps: Some(28),
            guidance: Some(3.5),
            width: Some(1024),
            height: Some(688),
            ..Default::default()
        };
        assert_eq!(checked(fine.clone()), fine);
    }
}
