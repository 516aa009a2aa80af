//! The simulated engine's commands, with cn-engine's checks in cn-engine's order.

mod generate;

use crate::faults::{Fault, Faults};
use crate::picture;
use crate::wire::{self, delay_ms, get_bool, get_i64, get_str};
use serde_json::{Map, Value, json};
use std::collections::VecDeque;
use std::path::Path;
use std::thread::sleep;
use std::time::{Duration, Instant};

#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Continue,
    Quit,
}

struct Loaded {
    model_info: String,
    since: Instant,
}

pub struct SimEngine {
    model: Option<Loaded>,
    upscaler: Option<String>,
    /// Prompt conditioning cache: 16 prompts, most recent last.
    prompt_cache: VecDeque<String>,
    /// Reference latent cache: 8 entries keyed `path|mtime|size`.
    latent_cache: VecDeque<String>,
    generations: u32,
}

fn touch(cache: &mut VecDeque<String>, key: &str, capacity: usize) -> bool {
    let hit = match cache.iter().position(|k| k == key) {
        Some(at) => {
            cache.remove(at);
            true
        }
        None => false,
    };
    cache.push_back(key.to_owned());
    if cache.len() > capacity {
        cache.pop_front();
    }
    hit
}

fn basename(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned())
}

/// Sleeps forever: how a hung engine behaves (it also ignores `quit`).
fn hang() -> ! {
    loop {
        sleep(Duration::from_secs(3600));
    }
}

impl SimEngine {
    pub fn new() -> Self {
        Self {
            model: None,
            upscaler: None,
            prompt_cache: VecDeque::new(),
            latent_cache: VecDeque::new(),
            generations: 0,
        }
    }

    pub fn handle_line(&mut self, line: &str, faults: &Faults) -> Next {
        let request: Value = match serde_json::from_str(line) {
            Ok(value) => value,
            Err(error) => {
                wire::error("", Some("PARSE_ERROR"), &format!("JSON parse error: {error}"));
                return Next::Continue;
            }
        };
        let Value::Object(request) = request else {
            wire::abort_on_type_error("object")
        };
        let id = get_str(&request, "id", "");
        let Some(cmd) = request.get("cmd") else {
            wire::error(&id, None, "Missing 'cmd' field");
            return Next::Continue;
        };
        let Value::String(cmd) = cmd else {
            wire::abort_on_type_error("string")
        };
        let params = match request.get("params") {
            None => None,
            Some(Value::Object(params)) => Some(params.clone()),
            Some(_) => wire::abort_on_type_error("object"),
        };
        wire::log("INFO", &format!("command: {cmd} (id={id})"));
        match cmd.as_str() {
            "ping" => {
                if faults.has(|f| (*f == Fault::PingSilent).then_some(())) {
                    wire::log("WARN", "simulated fault: ping_silent");
                } else {
                    wire::ok(&id, json!({"status": "pong"}));
                }
            }
            "load" => self.load(&id, params.as_ref(), faults),
            "generate" => self.generate(&id, params.as_ref(), faults),
            "upscale" => self.upscale(&id, params.as_ref()),
            "status" => self.status(&id),
            "unload" => {
                self.unload();
                wire::ok(&id, json!({"status": "model_unloaded"}));
            }
            "quit" => {
                self.unload();
                wire::ok(&id, json!({"status": "quitting"}));
                return Next::Quit;
            }
            other => wire::error(&id, Some("UNKNOWN_CMD"), &format!("Unknown command: {other}")),
        }
        Next::Continue
    }

    fn unload(&mut self) {
        self.model = None;
        self.upscaler = None;
        self.prompt_cache.clear();
        self.latent_cache.clear();
    }

    fn load(&mut self, id: &str, params: Option<&Map<String, Value>>, faults: &Faults) {
        let Some(params) = params else {
            wire::error(id, None, "Missing 'params' object");
            return;
        };
        let model = get_str(params, "model", "");
        let diffusion = get_str(params, "diffusion_model", "");
        let vae = get_str(params, "vae", "");
        let llm = get_str(params, "llm", "");
        let upscale_model = get_str(params, "upscale_model", "");
        for key in [
            "flash_attn",
            "offload_to_cpu",
            "vae_on_cpu",
            "llm_on_cpu",
            "vae_decode_only",
            "free_params_immediately",
        ] {
            get_bool(params, key, false);
        }
        get_i64(params, "n_threads", 0);
        // The old model and caches are freed first: a failed load leaves no model.
        self.unload();
        let started = Instant::now();

        if let Some(code) = faults.find(|f| {
            if let Fault::ExitOnLoad(code) = f {
                Some(*code)
            } else {
                None
            }
        }) {
            loading_noise(&diffusion, 1);
            wire::log("ERROR", "simulated fault: exit_on_load");
            std::process::exit(code);
        }
        if faults.has(|f| (*f == Fault::HangLoad).then_some(())) {
            loading_noise(&diffusion, 1);
            wire::log("WARN", "simulated fault: hang_load");
            hang();
        }
        let extra = faults
            .find(|f| if let Fault::SlowLoad(ms) = f { Some(*ms) } else { None })
            .unwrap_or(0);
        let main_model = if diffusion.is_empty() {
            model.clone()
        } else {
            diffusion.clone()
        };
        let files: Vec<&str> = [main_model.as_str(), vae.as_str(), llm.as_str()]
            .into_iter()
            .filter(|f| !f.is_empty())
            .collect();
        let total = delay_ms("LOAD", 1500) + Duration::from_millis(extra);
        for file in &files {
            loading_noise(file, 6);
            sleep(total / files.len().max(1) as u32);
        }
        if files.is_empty() {
            sleep(total);
        }

        let check_files = std::env::var("CN_SIM_CHECK_FILES").is_ok_and(|v| v == "1");
        let missing = files.iter().find(|f| check_files && !Path::new(f).exists());
        if main_model.is_empty() || missing.is_some() || faults.has(|f| (*f == Fault::FailLoad).then_some(())) {
            let what = missing.map(|m| format!(": {m}")).unwrap_or_default();
            wire::log("ERROR", &format!("failed to create context{what}"));
            wire::error(
                id,
                Some("CTX_CREATION_FAILED"),
                &format!("Failed to create model context{what}"),
            );
            return;
        }
        let model_info = basename(&main_model);
        self.model = Some(Loaded {
            model_info: model_info.clone(),
            since: Instant::now(),
        });
        if !upscale_model.is_empty() {
            self.upscaler = Some(basename(&upscale_model));
        }
        wire::ok(
            id,
            json!({
                "load_time_ms": started.elapsed().as_millis() as u64,
                "model_info": model_info,
                "status": "model_loaded",
                "upscaler_loaded": self.upscaler.is_some(),
                "upscaler_model": self.upscaler.clone().unwrap_or_default(),
            }),
        );
    }

    fn status(&self, id: &str) {
        let mut data = Map::new();
        data.insert("model_loaded".into(), Value::Bool(self.model.is_some()));
        if let Some(model) = &self.model {
            data.insert("model_info".into(), Value::String(model.model_info.clone()));
            data.insert("uptime_s".into(), json!(model.since.elapsed().as_secs()));
        }
        data.insert("upscaler_loaded".into(), Value::Bool(self.upscaler.is_some()));
        data.insert(
            "upscaler_model".into(),
            Value::String(self.upscaler.clone().unwrap_or_default()),
        );
        wire::ok(id, Value::Object(data));
    }

    fn upscale(&mut self, id: &str, params: Option<&Map<String, Value>>) {
        let Some(params) = params else {
            wire::error(id, None, "Missing 'params' object");
            return;
        };
        let input = get_str(params, "input", "");
        if input.is_empty() {
            wire::error(id, None, "Missing 'input'");
            return;
        }
        let repeats = get_i64(params, "upscale_repeats", 1);
        if repeats < 1 {
            wire::error(id, None, "upscale_repeats must be at least 1");
            return;
        }
        let factor = get_i64(params, "upscale_factor", 4);
        let per_request = get_str(params, "upscale_model", "");
        if per_request.is_empty() && self.upscaler.is_none() {
            wire::error(id, Some("NO_UPSCALER"), "No upscaler loaded");
            return;
        }
        let output = get_str(params, "output", "output_upscaled.png");
        let started = Instant::now();
        let img = match image::open(&input) {
            Ok(img) => img.to_rgb8(),
            Err(e) => {
                wire::error(
                    id,
                    Some("REF_IMAGE_LOAD_FAILED"),
                    &format!("Failed to load {input}: {e}"),
                );
                return;
            }
        };
        let mut current = img;
        for repeat in 1..=repeats {
            wire::reply(
                id,
                "progress",
                json!({"message": format!("Upscaling pass {repeat}"), "phase": "upscaling"}),
            );
            current = image::imageops::resize(
                &current,
                current.width() * 4,
                current.height() * 4,
                image::imageops::FilterType::Nearest,
            );
        }
        if let Err(reason) = picture::save(&current, Path::new(&output), false) {
            wire::error(id, Some("NO_OUTPUT"), &format!("Failed to write {output}: {reason}"));
            return;
        }
        wire::reply(
            id,
            "result",
            json!({
                "height": current.height(),
                "output": output,
                "success": true,
                "total_time_ms": started.elapsed().as_millis() as u64,
                "upscale_factor": factor,
                "upscale_repeats": repeats,
                "width": current.width(),
            }),
        );
    }
}

/// The model loader's `\r`-redrawn progress bar, written to stdout as the real library does
/// (`CN_SIM_LOAD_NOISE=0` turns it off).
fn loading_noise(file: &str, frames: usize) {
    if std::env::var("CN_SIM_LOAD_NOISE").is_ok_and(|v| v == "0") {
        return;
    }
    let mut bar = String::new();
    for frame in 1..=frames {
        let filled = frame * 50 / frames;
        bar.push_str(&format!(
            "\r  |{}{}| {}/{} - {:.2}it/s",
            "=".repeat(filled),
            " ".repeat(50 - filled),
            frame * 120,
            frames * 120,
            812.5
        ));
    }
    bar.push_str(&format!("\rloaded {}", basename(file)));
    wire::raw_line(&bar);
}
