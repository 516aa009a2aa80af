//! Writing replies exactly as cn-engine does, and reading request fields with its strictness.

use serde_json::{Map, Value};
use std::io::Write;

/// Writes one reply line: `{"data":..,"id":..,"type":..}`, keys sorted at every level, no
/// spaces, flushed at once (the real engine's stdout is unbuffered).
pub fn reply(id: &str, kind: &str, data: Value) {
    let mut envelope = Map::new();
    envelope.insert("data".into(), sorted(data));
    envelope.insert("id".into(), Value::String(id.to_owned()));
    envelope.insert("type".into(), Value::String(kind.to_owned()));
    raw_line(&serde_json::to_string(&Value::Object(envelope)).unwrap_or_default());
}

pub fn ok(id: &str, data: Value) {
    reply(id, "ok", data);
}

pub fn error(id: &str, code: Option<&str>, message: &str) {
    let mut data = Map::new();
    if let Some(code) = code {
        data.insert("code".into(), Value::String(code.to_owned()));
    }
    data.insert("message".into(), Value::String(message.to_owned()));
    reply(id, "error", Value::Object(data));
}

/// Writes a line as is (also used for the loader's progress bar and the faults' bad lines).
pub fn raw_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

/// Re-inserts every object's keys in sorted order, whatever map serde_json was built with.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// A log line on stderr in cn-engine's format: `[LEVEL] file:line - text`.
pub fn log(level: &str, text: &str) {
    eprintln!("[{level}] sim.cpp:{} - {text}", line_number(text));
}

fn line_number(text: &str) -> u32 {
    100 + (text.len() as u32 % 400)
}

/// The real engine aborts on wrongly typed fields (an uncaught JSON type error): so does this one.
pub fn abort_on_type_error(what: &str) -> ! {
    eprintln!("terminate called after throwing an instance of 'nlohmann::json::type_error'");
    eprintln!("  what():  [json.exception.type_error.302] type must be {what}");
    std::process::exit(134)
}

pub fn get_str(params: &Map<String, Value>, key: &str, default: &str) -> String {
    match params.get(key) {
        None => default.to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(_) => abort_on_type_error("string"),
    }
}

pub fn get_i64(params: &Map<String, Value>, key: &str, default: i64) -> i64 {
    match params.get(key) {
        None => default,
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)).unwrap_or(default),
        Some(_) => abort_on_type_error("number"),
    }
}

pub fn get_bool(params: &Map<String, Value>, key: &str, default: bool) -> bool {
    match params.get(key) {
        None => default,
        Some(Value::Bool(b)) => *b,
        Some(_) => abort_on_type_error("boolean"),
    }
}

pub fn get_str_list(params: &Map<String, Value>, key: &str) -> Vec<String> {
    match params.get(key) {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => text.clone(),
                _ => abort_on_type_error("string"),
            })
            .collect(),
        Some(_) => abort_on_type_error("array"),
    }
}

pub fn get_f64_list(params: &Map<String, Value>, key: &str) -> Option<Vec<f64>> {
    match params.get(key) {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|item| item.as_f64().unwrap_or_else(|| abort_on_type_error("number")))
                .collect(),
        ),
        Some(_) => abort_on_type_error("array"),
    }
}

/// A duration from `CN_SIM_<name>_MS`, or the default.
pub fn delay_ms(name: &str, default: u64) -> std::time::Duration {
    let ms = std::env::var(format!("CN_SIM_{name}_MS"))
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default);
    std::time::Duration::from_millis(ms)
}
