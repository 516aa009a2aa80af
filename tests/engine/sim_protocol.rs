//! The simulated engine byte for byte, driven directly over its pipes: the exact reply
//! format, the loader's noise, error codes in cn-engine's check order, and its images.

use crate::common;

use common::engine::sim_binary;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Sim {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Sim {
    fn start(env: &[(&str, &str)], cwd: &std::path::Path) -> Self {
        let mut command = Command::new(sim_binary());
        command
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in [
            ("CN_SIM_LOAD_MS", "10"),
            ("CN_SIM_COND_MS", "1"),
            ("CN_SIM_STEP_MS", "1"),
            ("CN_SIM_DECODE_MS", "1"),
            ("CN_SIM_SAVE_MS", "1"),
            ("CN_SIM_ENCODE_MS", "1"),
        ] {
            command.env(k, v);
        }
        command.envs(env.iter().copied());
        let mut child = command.spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self { child, stdin, stdout }
    }

    fn send(&mut self, line: &str) {
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim_end_matches('\n').to_owned()
    }

    /// Reads lines up to and including the command's terminal reply.
    fn until_terminal(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.line();
            assert!(!line.is_empty() || !lines.is_empty(), "the engine closed its output");
            let terminal = line.ends_with("\"type\":\"ok\"}")
                || line.ends_with("\"type\":\"result\"}")
                || line.ends_with("\"type\":\"error\"}");
            lines.push(line);
            if terminal {
                return lines;
            }
        }
    }

    fn exit_code(mut self) -> Option<i32> {
        drop(self.stdin);
        self.child.wait().unwrap().code()
    }
}

/// Every object's keys are in sorted order, at every level.
fn keys_sorted(value: &serde_json::Value, text: &str) {
    if let serde_json::Value::Object(map) = value {
        let mut previous = "";
        for (key, child) in map {
            assert!(previous < key.as_str(), "keys out of order in {text}");
            previous = key;
            keys_sorted(child, text);
        }
    }
}

fn json_lines(lines: &[String]) -> Vec<serde_json::Value> {
    lines
        .iter()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn version_ping_and_the_exact_reply_format() {
    let out = Command::new(sim_binary()).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("cn-engine {}-sim (sim)\n", env!("CARGO_PKG_VERSION"))
    );

    let dir = tempfile::tempdir().unwrap();
    let mut sim = Sim::start(&[], dir.path());
    sim.send(r#"{"cmd":"ping","id":"health-1"}"#);
    assert_eq!(sim.line(), r#"{"data":{"status":"pong"},"id":"health-1","type":"ok"}"#);
    sim.send("");
    sim.send(r#"{"cmd":"ping"}"#);
    assert_eq!(
        sim.line(),
        r#"{"data":{"status":"pong"},"id":"","type":"ok"}"#,
        "a missing id is echoed as empty"
    );
    sim.send(r#"{"cmd":"status","id":"s"}"#);
    assert_eq!(
        sim.line(),
        r#"{"data":{"model_loaded":false,"upscaler_loaded":false,"upscaler_model":""},"id":"s","type":"ok"}"#
    );
    sim.send("{not json");
    let error = sim.line();
    assert!(
        error.starts_with(r#"{"data":{"code":"PARSE_ERROR","message":"#)
            && error.ends_with(r#""id":"","type":"error"}"#),
        "{error}"
    );
    sim.send(r#"{"cmd":"dance","id":"d"}"#);
    assert_eq!(
        sim.line(),
        r#"{"data":{"code":"UNKNOWN_CMD","message":"Unknown command: dance"},"id":"d","type":"error"}"#
    );
    sim.send(r#"{"id":"x"}"#);
    assert_eq!(
        sim.line(),
        r#"{"data":{"message":"Missing 'cmd' field"},"id":"x","type":"error"}"#,
        "no code for a missing cmd"
    );
    sim.send(r#"{"cmd":"quit","id":"q"}"#);
    assert_eq!(sim.line(), r#"{"data":{"status":"quitting"},"id":"q","type":"ok"}"#);
    assert_eq!(sim.exit_code(), Some(0));
}

#[test]
fn load_prints_non_json_noise_then_its_reply() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = Sim::start(&[], dir.path());
    sim.send(r#"{"cmd":"load","id":"l","params":{"diffusion_model":"/m/flux2-klein-Q5_K.gguf","vae":"/m/ae.safetensors","llm":"/m/qwen.gguf","vae_decode_only":false}}"#);
    let lines = sim.until_terminal();
    assert!(lines.len() >= 4, "noise lines come first: {lines:?}");
    assert!(
        lines[..lines.len() - 1]
            .iter()
            .all(|l| !l.starts_with('{') && l.contains('\r'))
    );
    let reply: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    keys_sorted(&reply, lines.last().unwrap());
    assert_eq!(reply["data"]["model_info"], "flux2-klein-Q5_K.gguf");
    assert_eq!(reply["data"]["status"], "model_loaded");
    assert!(reply["data"]["load_time_ms"].is_u64());

    let mut quiet = Sim::start(&[("CN_SIM_LOAD_NOISE", "0")], dir.path());
    quiet.send(r#"{"cmd":"load","id":"l","params":{"model":"/m/one-file.gguf"}}"#);
    assert!(quiet.line().starts_with(r#"{"data":{"load_time_ms":"#));
    quiet.send(r#"{"cmd":"load","id":"l2","params":{}}"#);
    assert!(
        quiet.line().contains(r#""code":"CTX_CREATION_FAILED""#),
        "a load with no model file fails"
    );
    quiet.send(r#"{"cmd":"load","id":"l3"}"#);
    assert_eq!(
        quiet.line(),
        r#"{"data":{"message":"Missing 'params' object"},"id":"l3","type":"error"}"#
    );

    let mut strict = Sim::start(&[("CN_SIM_LOAD_NOISE", "0"), ("CN_SIM_CHECK_FILES", "1")], dir.path());
    strict.send(r#"{"cmd":"load","id":"l","params":{"diffusion_model":"/nowhere/model.gguf"}}"#);
    assert!(strict.line().contains("CTX_CREATION_FAILED"));
}

#[test]
fn generate_checks_in_cn_engines_order_and_streams_progress() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = Sim::start(&[("CN_SIM_LOAD_NOISE", "0")], dir.path());
    let out = dir.path().join("o/gen.png").display().to_string();
    let generate = format!(
        r#"{{"cmd":"generate","id":"g","params":{{"prompt":"a lighthouse","width":1000,"height":680,"seed":77,"steps":4,"output":"{out}"}}}}"#
    );

    sim.send(&generate);
    assert!(sim.line().contains(r#""code":"NO_MODEL""#), "no model is checked first");
    sim.send(r#"{"cmd":"generate","id":"g"}"#);
    assert!(
        sim.line().contains(r#""code":"NO_MODEL""#),
        "even before missing params"
    );
    sim.send(r#"{"cmd":"load","id":"l","params":{"diffusion_model":"/m/klein.gguf"}}"#);
    sim.line();
    sim.send(r#"{"cmd":"generate","id":"g"}"#);
    assert_eq!(
        sim.line(),
        r#"{"data":{"message":"Missing 'params' object"},"id":"g","type":"error"}"#
    );
    sim.send(r#"{"cmd":"generate","id":"g","params":{"upscale_repeats":1}}"#);
    assert!(sim.line().contains("NO_UPSCALER"));
    let bad_ref = dir.path().join("bad.png");
    std::fs::write(&bad_ref, b"not a png").unwrap();
    sim.send(&format!(
        r#"{{"cmd":"generate","id":"g","params":{{"ref_images":["{}"],"output":"/proc/nope/x.png"}}}}"#,
        bad_ref.display()
    ));
    assert!(
        sim.line().contains("REF_IMAGE_LOAD_FAILED"),
        "refs are checked before the output folder"
    );
    sim.send(r#"{"cmd":"generate","id":"g","params":{"output":"/proc/nope/x.png"}}"#);
    assert!(sim.line().contains("OUTPUT_DIR_FAILED"));

    sim.send(&generate);
    let lines = sim.until_terminal();
    let replies = json_lines(&lines);
    for (value, text) in replies.iter().zip(&lines) {
        keys_sorted(value, text);
    }
    let phases: Vec<String> = replies[..replies.len() - 1]
        .iter()
        .map(|v| v["data"]["phase"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        phases,
        [
            "conditioning",
            "sampling",
            "sampling",
            "sampling",
            "sampling",
            "sampling",
            "saving"
        ]
    );
    assert_eq!(
        lines[1],
        r#"{"data":{"phase":"sampling","step":0,"step_time_s":0.0,"total_steps":4},"id":"g","type":"progress"}"#
    );
    assert_eq!(replies[0]["data"]["cache_hit"], false);
    let result = &replies.last().unwrap()["data"];
    assert_eq!(result["seed"], 77);
    assert_eq!(result["output"], out.as_str());
    assert_eq!(result["images_saved"], 1);
    assert_eq!(result["success"], true);
    let first = std::fs::read(&out).unwrap();
    let image = image::load_from_memory(&first).unwrap();
    assert_eq!(
        (image.width(), image.height()),
        (1008, 688),
        "sizes round up to multiples of 16"
    );

    sim.send(&generate);
    let replies = json_lines(&sim.until_terminal());
    assert_eq!(
        replies[0]["data"]["cache_hit"], true,
        "the prompt cache hits the second time"
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        first,
        "the same request gives the same bytes"
    );

    let jpeg = dir.path().join("o/gen.jpg").display().to_string();
    sim.send(&format!(
        r#"{{"cmd":"generate","id":"j","params":{{"prompt":"x","seed":-1,"output":"{jpeg}"}}}}"#
    ));
    let replies = json_lines(&sim.until_terminal());
    let seed = replies.last().unwrap()["data"]["seed"].as_i64().unwrap();
    assert!(
        (0..=i64::from(i32::MAX)).contains(&seed),
        "a random seed is drawn and reported: {seed}"
    );
    let bytes = std::fs::read(&jpeg).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], ".jpg output is JPEG");
    assert_eq!(
        image::load_from_memory(&bytes).unwrap().width(),
        512,
        "the default size is 512"
    );

    let mut echo = Sim::start(&[("CN_SIM_LOAD_NOISE", "0"), ("CN_SIM_SEED_ECHO", "1")], dir.path());
    echo.send(r#"{"cmd":"load","id":"l","params":{"model":"/m/k.gguf"}}"#);
    echo.line();
    echo.send(
        r#"{"cmd":"generate","id":"e","params":{"prompt":"x","seed":-1,"width":64,"height":64,"output":"e.png"}}"#,
    );
    let replies = json_lines(&echo.until_terminal());
    assert_eq!(
        replies.last().unwrap()["data"]["seed"],
        -1,
        "like the real engine, -1 is echoed"
    );
    assert!(
        dir.path().join("e.png").exists(),
        "relative outputs land in the working directory"
    );
}

#[test]
fn references_are_cached_and_drawn_as_stripes() {
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("ref.png");
    image::RgbImage::from_pixel(40, 40, image::Rgb([250, 10, 10]))
        .save(&reference)
        .unwrap();
    let mut sim = Sim::start(&[("CN_SIM_LOAD_NOISE", "0")], dir.path());
    sim.send(r#"{"cmd":"load","id":"l","params":{"model":"/m/k.gguf"}}"#);
    sim.line();
    let out = dir.path().join("r.png").display().to_string();
    let request = format!(
        r#"{{"cmd":"generate","id":"r","params":{{"prompt":"p","seed":1,"width":96,"height":64,"ref_images":["{}"],"output":"{out}"}}}}"#,
        reference.display()
    );
    sim.send(&request);
    let first = json_lines(&sim.until_terminal());
    assert!(
        first.iter().all(|v| v["data"]["phase"] != "encoding"),
        "no encoding event without a cache hit"
    );
    assert_eq!(first.last().unwrap()["data"]["ref_latent_cache_hit"], false);
    sim.send(&request);
    let second = json_lines(&sim.until_terminal());
    let encoding = second
        .iter()
        .find(|v| v["data"]["phase"] == "encoding")
        .expect("an encoding event on a hit");
    assert_eq!(encoding["data"]["cache_hit"], true);
    assert_eq!(second.last().unwrap()["data"]["ref_latent_cache_hit"], true);
    let image = image::open(&out).unwrap().to_rgb8();
    let stripe = image.get_pixel(96 / 3 + 1, 32);
    assert!(
        stripe[0] > 150 && stripe[1] < 120,
        "the reference's red shows as a stripe: {stripe:?}"
    );
}

#[test]
fn wrong_types_abort_like_the_real_engine_and_eof_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = Sim::start(&[], dir.path());
    sim.send(r#"{"cmd":"ping","id":5}"#);
    assert_eq!(sim.exit_code(), Some(134));
    let mut sim = Sim::start(&[], dir.path());
    sim.send("[1,2,3]");
    assert_eq!(sim.exit_code(), Some(134));
    let sim = Sim::start(&[], dir.path());
    assert_eq!(sim.exit_code(), Some(0), "stdin EOF ends the engine cleanly");
}

#[test]
fn upscale_works_without_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("small.png");
    image::RgbImage::from_pixel(8, 6, image::Rgb([1, 2, 3]))
        .save(&input)
        .unwrap();
    let mut sim = Sim::start(&[], dir.path());
    sim.send(&format!(
        r#"{{"cmd":"upscale","id":"u","params":{{"input":"{}"}}}}"#,
        input.display()
    ));
    assert!(sim.line().contains("NO_UPSCALER"));
    sim.send(&format!(
        r#"{{"cmd":"upscale","id":"u","params":{{"input":"{}","upscale_model":"/m/x4.gguf","output":"big.png"}}}}"#,
        input.display()
    ));
    let replies = json_lines(&sim.until_terminal());
    let result = &replies.last().unwrap()["data"];
    assert_eq!(
        (result["width"].as_u64(), result["height"].as_u64()),
        (Some(32), Some(24))
    );
    assert_eq!(image::open(dir.path().join("big.png")).unwrap().width(), 32);
}
