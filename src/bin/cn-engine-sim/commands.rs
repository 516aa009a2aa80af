//! The simulated engine's commands, with cn-engine's checks in cn-engine's order.

use crate::faults::{Fault, Faults};
use crate::picture;
use crate::wire::{self, delay_ms, get_bool, get_f64_list, get_i64, get_str, get_str_list};
use serde_json::{Map, Value, json};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
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

    fn generate(&mut self, id: &str, params: Option<&Map<String, Value>>, faults: &Faults) {
        self.generations += 1;
        let faults = faults.for_generation(self.generations);
        let has = |wanted: &Fault| faults.contains(wanted);
        if self.model.is_none() {
            wire::error(id, Some("NO_MODEL"), "No model loaded");
            return;
        }
        let Some(params) = params else {
            wire::error(id, None, "Missing 'params' object");
            return;
        };
        let upscale_repeats = get_i64(params, "upscale_repeats", 0);
        if upscale_repeats < 0 {
            wire::error(id, None, "upscale_repeats must not be negative");
            return;
        }
        if upscale_repeats > 0 && self.upscaler.is_none() {
            wire::error(id, Some("NO_UPSCALER"), "No upscaler loaded");
            return;
        }
        let prompt = get_str(params, "prompt", "");
        let width = round16(get_i64(params, "width", 512));
        let height = round16(get_i64(params, "height", 512));
        let requested_seed = get_i64(params, "seed", 42);
        let sigmas = get_f64_list(params, "sigmas");
        let mut steps = get_i64(params, "steps", 20);
        match &sigmas {
            Some(sigmas) => steps = sigmas.len() as i64 - 1,
            None if steps == 20 => steps = 4,
            None => {}
        }
        let steps = steps.max(1) as u32;
        // Read for its type check only: unknown samplers fall back to euler, and every sampler
        // looks the same in a simulation.
        get_str(params, "sampling_method", "euler");
        let refs = get_str_list(params, "ref_images");
        let output = get_str(params, "output", "output.png");
        let use_prompt_cache = get_bool(params, "use_prompt_cache", true);
        let use_latent_cache = get_bool(params, "use_ref_latent_cache", true);
        get_bool(params, "increase_ref_index", false);

        let started = Instant::now();
        let mut ref_colours = Vec::new();
        for reference in &refs {
            match picture::average_colour(Path::new(reference)) {
                Ok(colour) => ref_colours.push(colour),
                Err(reason) => {
                    wire::error(
                        id,
                        Some("REF_IMAGE_LOAD_FAILED"),
                        &format!("Failed to load reference image {reference}: {reason}"),
                    );
                    return;
                }
            }
        }
        let output_path = PathBuf::from(&output);
        if let Some(dir) = output_path.parent().filter(|d| !d.as_os_str().is_empty())
            && std::fs::create_dir_all(dir).is_err()
        {
            wire::error(
                id,
                Some("OUTPUT_DIR_FAILED"),
                &format!("Failed to create output directory {}", dir.display()),
            );
            return;
        }
        let seed = if requested_seed < 0 {
            random_seed()
        } else {
            requested_seed
        };
        let reported_seed = if requested_seed < 0 && std::env::var("CN_SIM_SEED_ECHO").is_ok_and(|v| v == "1") {
            requested_seed
        } else {
            seed
        };

        // Conditioning.
        let prompt_hit = use_prompt_cache && !prompt.is_empty() && touch(&mut self.prompt_cache, &prompt, 16);
        let mut conditioning = json!({"message": if prompt_hit { "Prompt conditioning cache hit" } else { "Encoding prompt" }, "phase": "conditioning"});
        if use_prompt_cache && !prompt.is_empty() {
            conditioning["cache_hit"] = Value::Bool(prompt_hit);
        }
        wire::reply(id, "progress", conditioning);
        sleep(if prompt_hit {
            Duration::from_millis(5)
        } else {
            delay_ms("COND", 400)
        });

        // Reference latents.
        let mut latent_hits = 0;
        if use_latent_cache {
            for reference in &refs {
                if touch(&mut self.latent_cache, &latent_key(reference), 8) {
                    latent_hits += 1;
                }
            }
        }
        if !refs.is_empty() && use_latent_cache && latent_hits > 0 {
            let all = latent_hits == refs.len();
            wire::reply(
                id,
                "progress",
                json!({"cache_hit": all, "message": "Encoding reference images", "phase": "encoding"}),
            );
        }
        let misses = refs.len() - latent_hits;
        sleep(delay_ms("ENCODE", 300) * misses as u32);

        // Sampling.
        if has(&Fault::StderrFlood) {
            let noise = "x".repeat(1000);
            for i in 0..4000 {
                eprintln!("[DEBUG] sim.cpp:77 - flood {i} {noise}");
            }
        }
        let step_delay = delay_ms("STEP", 300);
        let stamp = std::env::var("CN_SIM_STAMP").is_ok_and(|v| v == "1");
        let sampling_started = Instant::now();
        wire::reply(
            id,
            "progress",
            json!({"phase": "sampling", "step": 0, "step_time_s": 0.0f32 as f64, "total_steps": steps}),
        );
        for step in 1..=steps {
            sleep(step_delay);
            let mean = (sampling_started.elapsed().as_secs_f64() / step as f64) as f32;
            let mut event =
                json!({"phase": "sampling", "step": step, "step_time_s": mean as f64, "total_steps": steps});
            if stamp {
                // For the latency benchmark only: when this line was written.
                event["message"] = Value::String(format!("sent_ns={}", unix_nanos()));
            }
            wire::reply(id, "progress", event);
            if faults.contains(&Fault::CrashGen(step)) {
                wire::log("ERROR", "simulated fault: crash_gen");
                std::process::exit(134);
            }
            if faults.contains(&Fault::HangGen(step)) {
                wire::log("WARN", "simulated fault: hang_gen");
                hang();
            }
        }
        sleep(delay_ms("DECODE", 200));
        if let Some(code) = faults.iter().find_map(|f| {
            if let Fault::ErrorGen(code) = f {
                Some(code.clone())
            } else {
                None
            }
        }) {
            wire::error(id, Some(&code), "Generation failed (simulated)");
            return;
        }
        if let Some(bytes) = faults.iter().find_map(|f| {
            if let Fault::OversizedLine(n) = f {
                Some(*n)
            } else {
                None
            }
        }) {
            wire::reply(id, "progress", json!({"message": "x".repeat(bytes), "phase": "saving"}));
        }
        wire::reply(id, "progress", json!({"message": "Saving image", "phase": "saving"}));
        sleep(delay_ms("SAVE", 50));

        let image = picture::render(&prompt, seed, width, height, &ref_colours);
        let written = if has(&Fault::MissingOutput) {
            Ok(())
        } else {
            picture::save(&image, &output_path, has(&Fault::TruncatedPng))
        };
        if let Err(reason) = written {
            wire::error(id, Some("NO_OUTPUT"), &format!("Failed to write {output}: {reason}"));
            return;
        }
        let mut upscaled = false;
        if upscale_repeats > 0 {
            for repeat in 1..=upscale_repeats {
                wire::reply(
                    id,
                    "progress",
                    json!({"message": format!("Upscaling pass {repeat}"), "phase": "upscaling"}),
                );
            }
            if let Ok(img) = image::open(&output_path) {
                let factor = 4u32.pow(upscale_repeats as u32);
                let big = image::imageops::resize(
                    &img.to_rgb8(),
                    img.width() * factor,
                    img.height() * factor,
                    image::imageops::FilterType::Nearest,
                );
                let _ = picture::save(&big, &output_path, false);
                upscaled = true;
            }
        }
        if has(&Fault::MalformedLine) {
            wire::raw_line(&format!(
                "{{\"data\":{{\"images_saved\":1,\"output\":\"{output}\",\"prompt_ca"
            ));
        }
        wire::reply(
            id,
            "result",
            json!({
                "images_saved": 1,
                "output": output,
                "prompt_cache_hit": prompt_hit,
                "ref_latent_cache_hit": latent_hits > 0,
                "seed": reported_seed,
                "success": true,
                "total_time_ms": started.elapsed().as_millis() as u64,
                "upscale_repeats": upscale_repeats,
                "upscaled": upscaled,
            }),
        );
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

/// The engine rounds sizes up to a multiple of 16.
fn round16(value: i64) -> u32 {
    let value = value.clamp(16, 8192) as u32;
    value.div_ceil(16) * 16
}

fn unix_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn latent_key(path: &str) -> String {
    let meta = std::fs::metadata(path).ok();
    let mtime = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    format!(
        "{path}|{}|{}",
        mtime.map(|d| d.as_secs()).unwrap_or(0),
        meta.map(|m| m.len()).unwrap_or(0)
    )
}

fn random_seed() -> i64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mixed = (nanos as u64 ^ (std::process::id() as u64).rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 33) as i64 & 0x7FFF_FFFF
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
