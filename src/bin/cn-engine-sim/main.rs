//! `cn-engine-sim`: a drop-in stand-in for condenser.cpp's `cn-engine` that needs no GPU and
//! no model weights. It speaks the same protocol byte for byte (sorted keys, message order,
//! error codes and their check order, the loader's non-JSON noise on stdout), writes real
//! images whose content comes from the prompt and seed, and can be told to misbehave in
//! every way the real engine can (`CN_SIM_FAULT`). See ENGINE_PROTOCOL.md, section 4.
//! One addition for benchmarks: with `CN_SIM_STAMP=1`, sampling progress events carry
//! `message: "sent_ns=<unix time in ns>"` so the app's delivery latency can be measured.
//! And one for tests: with `CN_SIM_REQUEST_LOG=<file>`, every command line received is
//! appended to that file, so a test can check what the app asked for.

mod commands;
mod faults;
mod picture;
mod wire;

use std::io::BufRead;
use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!("cn-engine {}-sim (sim)", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let mut faults = faults::Faults::from_env();
    if let Some(code) = faults.exit_on_start() {
        wire::log("ERROR", "simulated fault: exit_on_start");
        std::process::exit(code);
    }
    wire::log("INFO", "cn-engine-sim ready");
    let mut engine = commands::SimEngine::new();
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let mut raw = Vec::new();
    let request_log = std::env::var_os("CN_SIM_REQUEST_LOG").map(std::path::PathBuf::from);
    loop {
        raw.clear();
        match reader.read_until(b'\n', &mut raw) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&raw);
        if line.trim().is_empty() {
            continue;
        }
        if let Some(path) = &request_log {
            log_request(path, line.trim());
        }
        faults.refresh();
        if engine.handle_line(line.trim(), &faults) == commands::Next::Quit {
            return ExitCode::SUCCESS;
        }
    }
    // Like the real engine: stdin closed, finish and exit cleanly.
    wire::log("INFO", "stdin closed, exiting");
    ExitCode::SUCCESS
}

/// Appends one received command line to the request log (a test's record).
fn log_request(path: &std::path::Path, line: &str) {
    use std::io::Write;
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| writeln!(file, "{line}"));
    if let Err(error) = written {
        wire::log("WARN", &format!("cannot write the request log: {error}"));
    }
}
