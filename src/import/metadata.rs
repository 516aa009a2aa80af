//! Generation parameters other tools embed in their PNGs, read on import so the info panel
//! can show how an image was made: Stable Diffusion WebUI/Forge (`parameters`), ComfyUI
//! (`prompt`, else `workflow`), InvokeAI (`invokeai_metadata`) and Distillery's own chunk
//! (read back exactly). Anything unknown or malformed is ignored with a debug log.

use crate::generation::metadata::{DISTILLERY_KEYWORD, ImageMetadata, PARAMETERS_KEYWORD};
use serde_json::Value;

/// How an imported image was made, as far as its file says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmbeddedParameters {
    /// Which tool wrote it: "automatic1111", "comfyui", "invokeai" or "distillery".
    pub tool: &'static str,
    pub prompt: Option<String>,
    pub negative_prompt: Option<String>,
    pub seed: Option<i64>,
    pub steps: Option<i32>,
    pub guidance: Option<f64>,
    pub sampler: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub model: Option<String>,
    /// Distillery's own chunk, kept whole.
    pub distillery: Option<ImageMetadata>,
}

/// The parameters embedded in a PNG's text chunks, if any tool's are there and readable, as
/// written (the import checks each value against its real range: `super::plausible`).
pub fn read(png: &[u8]) -> Option<EmbeddedParameters> {
    crate::library::decode::guarded_or_none("reading embedded parameters", || parse(png))
}

fn parse(png: &[u8]) -> Option<EmbeddedParameters> {
    let chunks = crate::library::png_text::read_text_chunks(png);
    let text = |key: &str| chunks.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let parsed = text(DISTILLERY_KEYWORD)
        .and_then(distillery)
        .or_else(|| text("invokeai_metadata").and_then(invokeai))
        .or_else(|| text("prompt").and_then(comfyui_prompt))
        .or_else(|| text("workflow").and_then(comfyui_workflow))
        .or_else(|| text(PARAMETERS_KEYWORD).and_then(webui));
    if parsed.is_none() && !chunks.is_empty() {
        let keys: Vec<&str> = chunks.iter().map(|(k, _)| k.as_str()).collect();
        tracing::debug!(?keys, "no generation parameters recognised in the text chunks");
    }
    parsed
}

fn distillery(json: &str) -> Option<EmbeddedParameters> {
    let Some(meta) = ImageMetadata::from_json(json) else {
        tracing::debug!("a malformed distillery chunk was ignored");
        return None;
    };
    Some(EmbeddedParameters {
        tool: "distillery",
        prompt: Some(meta.prompt.clone()),
        negative_prompt: None,
        seed: Some(meta.seed),
        steps: Some(meta.steps as i32),
        guidance: Some(meta.guidance),
        sampler: Some(meta.sampler.clone()),
        width: Some(meta.width as i32),
        height: Some(meta.height as i32),
        model: Some(meta.model.clone()),
        distillery: Some(meta),
    })
}

/// WebUI/Forge: the prompt, an optional "Negative prompt:" part, then one line of
/// `Key: value` pairs starting with "Steps:".
pub fn webui(text: &str) -> Option<EmbeddedParameters> {
    let lines: Vec<&str> = text.lines().collect();
    let settings_at = lines.iter().rposition(|l| l.trim_start().starts_with("Steps:"));
    let body_end = settings_at.unwrap_or(lines.len());
    let negative_at = lines[..body_end]
        .iter()
        .position(|l| l.trim_start().starts_with("Negative prompt:"));
    let prompt = lines[..negative_at.unwrap_or(body_end)].join("\n").trim().to_owned();
    let negative = negative_at.map(|at| {
        let mut parts = lines[at..body_end].join("\n");
        parts.replace_range(..parts.find(':').map_or(0, |i| i + 1), "");
        parts.trim().to_owned()
    });
    let pairs = settings_at.map(|at| key_values(lines[at])).unwrap_or_default();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    };
    if prompt.is_empty() && pairs.is_empty() {
        tracing::debug!("an empty parameters chunk was ignored");
        return None;
    }
    let (width, height) = get("Size")
        .and_then(|s| s.split_once('x'))
        .map(|(w, h)| (w.trim().parse().ok(), h.trim().parse().ok()))
        .unwrap_or((None, None));
    Some(EmbeddedParameters {
        tool: "automatic1111",
        prompt: (!prompt.is_empty()).then_some(prompt),
        negative_prompt: negative.filter(|n| !n.is_empty()),
        seed: get("Seed").and_then(|v| v.parse().ok()),
        steps: get("Steps").and_then(|v| v.parse().ok()),
        guidance: get("CFG scale").and_then(|v| v.parse().ok()),
        sampler: get("Sampler").map(str::to_owned),
        width,
        height,
        model: get("Model").map(str::to_owned),
        distillery: None,
    })
}

/// `Key: value, Key: "quoted, value", ...` as pairs.
fn key_values(line: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        let Some(colon) = rest.find(':') else { break };
        let key = rest[..colon].trim().to_owned();
        let mut value_start = rest[colon + 1..].trim_start();
        let value;
        if let Some(quoted) = value_start.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            value = quoted[..end].to_owned();
            value_start = quoted.get(end + 1..).unwrap_or("");
            rest = value_start.trim_start().trim_start_matches(',').trim_start();
        } else {
            let end = value_start.find(", ").unwrap_or(value_start.len());
            value = value_start[..end].trim().to_owned();
            rest = value_start.get(end + 2..).unwrap_or("").trim_start();
        }
        pairs.push((key, value));
    }
    pairs
}

/// ComfyUI's API-format graph: the sampler node's settings and the text of the prompt node
/// feeding its `positive` input.
pub fn comfyui_prompt(json: &str) -> Option<EmbeddedParameters> {
    let graph: Value = serde_json::from_str(json)
        .map_err(|e| tracing::debug!(%e, "a malformed ComfyUI prompt chunk was ignored"))
        .ok()?;
    let nodes = graph.as_object()?;
    let class = |node: &Value| {
        node.get("class_type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let sampler = nodes.values().find(|n| class(n).starts_with("KSampler"));
    let input = |node: &Value, key: &str| node.get("inputs").and_then(|i| i.get(key)).cloned();
    let linked_text = |link: Option<Value>| {
        let id = link?.get(0)?.as_str()?.to_owned();
        text_of(nodes.get(&id)?, nodes)
    };
    let prompt = sampler.and_then(|s| linked_text(input(s, "positive"))).or_else(|| {
        nodes
            .values()
            .find(|n| class(n).starts_with("CLIPTextEncode"))
            .and_then(|n| text_of(n, nodes))
    });
    let negative = sampler.and_then(|s| linked_text(input(s, "negative")));
    let latent = nodes
        .values()
        .find(|n| class(n).contains("EmptyLatentImage") || class(n).contains("EmptySD3LatentImage"));
    let model = nodes.values().find_map(|n| {
        ["ckpt_name", "unet_name"]
            .iter()
            .find_map(|k| input(n, k).and_then(|v| v.as_str().map(str::to_owned)))
    });
    if prompt.is_none() && sampler.is_none() {
        return None;
    }
    let number = |node: Option<&Value>, key: &str| node.and_then(|n| input(n, key)).and_then(|v| v.as_f64());
    Some(EmbeddedParameters {
        tool: "comfyui",
        prompt,
        negative_prompt: negative,
        seed: number(sampler, "seed")
            .or_else(|| number(sampler, "noise_seed"))
            .map(|v| v as i64),
        steps: number(sampler, "steps").map(|v| v as i32),
        guidance: number(sampler, "cfg"),
        sampler: sampler
            .and_then(|s| input(s, "sampler_name"))
            .and_then(|v| v.as_str().map(str::to_owned)),
        width: number(latent, "width").map(|v| v as i32),
        height: number(latent, "height").map(|v| v as i32),
        model,
        distillery: None,
    })
}

/// The text a prompt node holds (following one link, as some graphs route text through
/// primitive nodes).
fn text_of(node: &Value, nodes: &serde_json::Map<String, Value>) -> Option<String> {
    let inputs = node.get("inputs")?;
    for key in ["text", "text_g", "prompt"] {
        match inputs.get(key) {
            Some(Value::String(text)) => return Some(text.clone()),
            Some(Value::Array(link)) => {
                let id = link.first()?.as_str()?;
                let source = nodes.get(id)?.get("inputs")?;
                if let Some(text) = ["value", "text", "string"].iter().find_map(|k| source.get(k)?.as_str()) {
                    return Some(text.to_owned());
                }
            }
            _ => {}
        }
    }
    None
}

/// ComfyUI's UI-format workflow (when the API graph is missing): the first prompt node's text.
pub fn comfyui_workflow(json: &str) -> Option<EmbeddedParameters> {
    let workflow: Value = serde_json::from_str(json).ok()?;
    let prompt = workflow.get("nodes")?.as_array()?.iter().find_map(|node| {
        let kind = node.get("type")?.as_str()?;
        if !kind.starts_with("CLIPTextEncode") {
            return None;
        }
        node.get("widgets_values")?
            .as_array()?
            .first()?
            .as_str()
            .map(str::to_owned)
    })?;
    Some(EmbeddedParameters {
        tool: "comfyui",
        prompt: Some(prompt),
        ..Default::default()
    })
}

/// InvokeAI's `invokeai_metadata` JSON.
pub fn invokeai(json: &str) -> Option<EmbeddedParameters> {
    let meta: Value = serde_json::from_str(json)
        .map_err(|e| tracing::debug!(%e, "a malformed InvokeAI chunk was ignored"))
        .ok()?;
    let text = |key: &str| meta.get(key).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| meta.get(key).and_then(Value::as_f64);
    let model = meta
        .get("model")
        .and_then(|m| {
            m.get("name")
                .or_else(|| m.get("model_name"))
                .and_then(Value::as_str)
                .or_else(|| m.as_str())
        })
        .map(str::to_owned);
    let prompt = text("positive_prompt");
    if prompt.is_none() && number("seed").is_none() {
        return None;
    }
    Some(EmbeddedParameters {
        tool: "invokeai",
        prompt,
        negative_prompt: text("negative_prompt").filter(|n| !n.is_empty()),
        seed: number("seed").map(|v| v as i64),
        steps: number("steps").map(|v| v as i32),
        guidance: number("cfg_scale"),
        sampler: text("scheduler"),
        width: number("width").map(|v| v as i32),
        height: number("height").map(|v| v as i32),
        model,
        distillery: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webui_parameters_with_a_multiline_prompt_negative_and_quoted_values() {
        let text = "a castle on a hill,\nsunset light\nNegative prompt: blurry, low quality\nSteps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 1234567890, Size: 832x1216, Model hash: abc123, Model: juggernautXL_v9, Lora hashes: \"a: 1, b: 2\", Version: f0.0.17";
        let p = webui(text).unwrap();
        assert_eq!(p.prompt.as_deref(), Some("a castle on a hill,\nsunset light"));
        assert_eq!(p.negative_prompt.as_deref(), Some("blurry, low quality"));
        assert_eq!(p.steps, Some(28));
        assert_eq!(p.sampler.as_deref(), Some("DPM++ 2M Karras"));
        assert_eq!(p.guidance, Some(6.5));
        assert_eq!(p.seed, Some(1_234_567_890));
        assert_eq!((p.width, p.height), (Some(832), Some(1216)));
        assert_eq!(p.model.as_deref(), Some("juggernautXL_v9"));
    }

    #[test]
    fn comfyui_follows_the_sampler_to_its_positive_prompt() {
        let graph = r#"{
          "3": {"class_type": "KSampler", "inputs": {"seed": 42, "steps": 20, "cfg": 8.0, "sampler_name": "euler", "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0], "model": ["4", 0]}},
          "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
          "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 768, "batch_size": 1}},
          "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox in snow", "clip": ["4", 1]}},
          "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "watermark", "clip": ["4", 1]}}
        }"#;
        let p = comfyui_prompt(graph).unwrap();
        assert_eq!(p.prompt.as_deref(), Some("a red fox in snow"));
        assert_eq!(p.negative_prompt.as_deref(), Some("watermark"));
        assert_eq!((p.seed, p.steps, p.guidance), (Some(42), Some(20), Some(8.0)));
        assert_eq!((p.width, p.height), (Some(1024), Some(768)));
        assert_eq!(p.model.as_deref(), Some("sd_xl_base_1.0.safetensors"));
    }

    #[test]
    fn invokeai_and_malformed_chunks() {
        let p = invokeai(r#"{"positive_prompt": "雪の中の狐", "seed": 7, "steps": 30, "cfg_scale": 7.5, "width": 768, "height": 512, "scheduler": "euler", "model": {"name": "sdxl"}}"#).unwrap();
        assert_eq!(p.prompt.as_deref(), Some("雪の中の狐"));
        assert_eq!(p.model.as_deref(), Some("sdxl"));
        assert_eq!(invokeai("{not json"), None);
        assert_eq!(comfyui_prompt("[1, 2"), None);
        assert_eq!(webui(""), None);
    }
}
