//! `generate`: cn-engine's checks in its order, progress events, caches, faults and the image.

use super::{SimEngine, hang, touch};
use crate::faults::{Fault, Faults};
use crate::picture;
use crate::wire::{self, delay_ms, get_bool, get_f64_list, get_i64, get_str, get_str_list};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::{Duration, Instant};

impl SimEngine {
    pub(super) fn generate(&mut self, id: &str, params: Option<&Map<String, Value>>, faults: &Faults) {
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
