//! Start-up benchmark: time from spawning `distillery` to its first painted frame, and its
//! resident memory at that moment, on an empty library, under Xvfb. Median of N runs
//! (default 7; `STARTUP_RUNS=N`). Run with `cargo bench --bench startup`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::var("STARTUP_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(7);
    let number = (150..250)
        .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
        .expect("a free display");
    let display = format!(":{number}");
    let mut xvfb = Command::new("Xvfb")
        .args([&display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (apt-get install xvfb)");
    while !Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
        std::thread::sleep(Duration::from_millis(20));
    }

    let mut wall_ms = Vec::new();
    let mut inner_ms = Vec::new();
    let mut rss_kb = Vec::new();
    for run in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_distillery"))
            .args(["--report-first-frame", "--data-dir"])
            .arg(dir.path().join("data"))
            .arg("--library")
            .arg(dir.path().join("library"))
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .env("RUST_LOG", "warn")
            .stderr(Stdio::piped())
            .spawn()
            .expect("distillery runs");
        let reader = BufReader::new(child.stderr.take().unwrap());
        let mut report = None;
        for line in reader.lines() {
            let line = line.unwrap();
            if line.starts_with("first-frame-ms") {
                report = Some((line, started.elapsed().as_secs_f64() * 1000.0));
            }
        }
        child.wait().unwrap();
        let (line, wall) = report.expect("distillery reported its first frame");
        let fields: Vec<&str> = line.split_whitespace().collect();
        let inner: f64 = fields[1].parse().unwrap();
        let rss: f64 = fields[3].parse().unwrap();
        // The first run warms the page cache; report it but keep it out of the median.
        eprintln!(
            "run {run}: first frame {inner:.1} ms after main, spawn to first frame {wall:.1} ms, RSS {:.1} MB",
            rss / 1024.0
        );
        if run > 0 || runs == 1 {
            wall_ms.push(wall);
            inner_ms.push(inner);
            rss_kb.push(rss);
        }
    }
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    println!(
        "startup (median of {}): first frame {:.1} ms after main; spawn to first frame {:.1} ms; RSS after first frame {:.1} MB",
        inner_ms.len(),
        median(&mut inner_ms),
        median(&mut wall_ms),
        median(&mut rss_kb) / 1024.0
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}
