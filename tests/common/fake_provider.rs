//! A fake hosted provider on 127.0.0.1 that speaks fal's queue API and Replicate's
//! predictions API as their documentation describes, with faults injected on demand.
//!
//! Point Distillery at it with `DISTILLERY_FAL_URL = base()` and
//! `DISTILLERY_REPLICATE_URL = base() + "/v1"`. Every connection gets its own thread, so a
//! hung call holds up nothing else.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The kinds of call, for counting and for aiming faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Submit,
    Status,
    Result,
    Cancel,
    Download,
}

/// A fault served instead of the normal answer.
#[derive(Debug, Clone)]
pub enum Fault {
    /// An error status with a JSON `detail`, and `Retry-After` when given.
    Status {
        code: u16,
        retry_after: Option<u32>,
        detail: String,
    },
    /// Accepts the call and never answers.
    Hang,
    /// A 200 whose body is not JSON.
    Malformed,
    /// The download's `Content-Length` promises more than is sent.
    Truncated,
    /// The request fails at the provider (fal: COMPLETED + error; Replicate: failed).
    Fails(String),
    /// The result is gone (404 on fal's result, `data_removed` on Replicate).
    Expired,
    /// A status value the API does not document.
    UnknownStatus(String),
}

struct Request {
    created: Instant,
    cancelled: bool,
    seed: i64,
}

#[derive(Default)]
struct State {
    requests: HashMap<String, Request>,
    counts: HashMap<Route, usize>,
    faults: HashMap<Route, VecDeque<Fault>>,
    /// Request-wide faults, applied to every request created after they were set.
    request_fault: Option<Fault>,
    failing: HashMap<String, Fault>,
    submit_bodies: Vec<serde_json::Value>,
    /// Authorization headers seen on downloads (there should be none).
    download_auth: usize,
    /// Every Authorization header seen, to check the key.
    auth_seen: Vec<String>,
    next_id: u64,
    /// How long a new request waits in the provider's queue before it runs.
    queued_for: Duration,
    /// Requests created and not yet downloaded, and the most there were at once.
    active: std::collections::HashSet<String>,
    max_active: usize,
}

/// A running fake provider; it stops when dropped.
pub struct FakeProvider {
    port: u16,
    /// What each connection's thread serves from (the test reads and steers it here).
    server: Server,
}

impl FakeProvider {
    /// Starts a fake provider that accepts only `key`.
    pub fn start(key: &str) -> Self {
        Self::start_on(key, 0)
    }

    /// As [`start`](Self::start), on a chosen port (0: any free one).
    pub fn start_on(key: &str, port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("a local port");
        let port = listener.local_addr().unwrap().port();
        let mut png = Vec::new();
        image::RgbImage::from_fn(96, 64, |x, y| image::Rgb([(x * 2) as u8, (y * 3) as u8, 140]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let server = Server {
            base: format!("http://127.0.0.1:{port}"),
            state: Arc::new(Mutex::new(State::default())),
            stop: Arc::new(AtomicBool::new(false)),
            delay: Arc::new(Mutex::new(Duration::ZERO)),
            key: key.to_owned(),
            image: Arc::new(png),
        };
        let fake = Self {
            port,
            server: server.clone(),
        };
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if server.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let server = server.clone();
                std::thread::spawn(move || server.serve(stream));
            }
        });
        fake
    }

    pub fn base(&self) -> String {
        self.server.base.clone()
    }

    /// The environment that points Distillery at this server, with both keys set.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("DISTILLERY_FAL_URL".into(), self.base()),
            ("DISTILLERY_REPLICATE_URL".into(), format!("{}/v1", self.base())),
            ("FAL_KEY".into(), self.server.key.clone()),
            ("REPLICATE_API_TOKEN".into(), self.server.key.clone()),
            ("DISTILLERY_REMOTE_BACKOFF_MS".into(), "50".into()),
        ]
    }

    pub fn set_delay(&self, delay: Duration) {
        *self.server.delay.lock().unwrap() = delay;
    }

    /// Keeps each new request waiting in the queue for `wait` (fal: IN_QUEUE with a
    /// position; Replicate: starting) before it runs; within the delay set above.
    pub fn set_queue_wait(&self, wait: Duration) {
        self.server.state.lock().unwrap().queued_for = wait;
    }

    /// Serves `fault` for the next `times` calls of `route`.
    pub fn fail_next(&self, route: Route, fault: Fault, times: usize) {
        let mut state = self.server.state.lock().unwrap();
        let queue = state.faults.entry(route).or_default();
        for _ in 0..times {
            queue.push_back(fault.clone());
        }
    }

    /// Makes every request created from now on end with `fault` (Fails, Expired,
    /// UnknownStatus).
    pub fn every_request(&self, fault: Option<Fault>) {
        self.server.state.lock().unwrap().request_fault = fault;
    }

    pub fn count(&self, route: Route) -> usize {
        self.server
            .state
            .lock()
            .unwrap()
            .counts
            .get(&route)
            .copied()
            .unwrap_or(0)
    }

    pub fn submit_bodies(&self) -> Vec<serde_json::Value> {
        self.server.state.lock().unwrap().submit_bodies.clone()
    }

    pub fn download_auth(&self) -> usize {
        self.server.state.lock().unwrap().download_auth
    }

    pub fn auth_seen(&self) -> Vec<String> {
        self.server.state.lock().unwrap().auth_seen.clone()
    }

    /// The most requests that were waiting for their download at once.
    pub fn max_active(&self) -> usize {
        self.server.state.lock().unwrap().max_active
    }

    pub fn cancelled(&self) -> usize {
        self.server
            .state
            .lock()
            .unwrap()
            .requests
            .values()
            .filter(|r| r.cancelled)
            .count()
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the stop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// The fake's state and settings, shared by the connection threads.
#[derive(Clone)]
struct Server {
    base: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    /// Time from submit to a finished image.
    delay: Arc<Mutex<Duration>>,
    key: String,
    image: Arc<Vec<u8>>,
}

/// One parsed request.
struct Call {
    method: String,
    path: String,
    auth: Option<String>,
    body: Vec<u8>,
}

impl Server {
    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let Some(call) = read_call(&stream) else { return };
        let route = route_of(&call);
        let Some(route) = route else {
            return respond(stream, 404, &[], br#"{"detail":"Not Found"}"#);
        };
        let fault = {
            let mut state = self.state.lock().unwrap();
            *state.counts.entry(route).or_default() += 1;
            if route == Route::Download && call.auth.is_some() {
                state.download_auth += 1;
            }
            if route == Route::Download {
                let name = call.path.trim_start_matches("/files/").trim_start_matches("/delivery/");
                let id = name.split(['/', '.']).next().unwrap_or_default().to_owned();
                state.active.remove(&id);
            }
            if let Some(auth) = &call.auth {
                state.auth_seen.push(auth.clone());
            }
            state.faults.get_mut(&route).and_then(|q| q.pop_front())
        };
        let fal = !call.path.starts_with("/v1/") && !call.path.starts_with("/delivery/");
        if route != Route::Download {
            let expected = if fal {
                format!("Key {}", self.key)
            } else {
                format!("Bearer {}", self.key)
            };
            if call.auth.as_deref() != Some(expected.as_str()) {
                let body = if fal {
                    br#"{"detail":"No user found for Key ID and Secret"}"#.to_vec()
                } else {
                    br#"{"title":"Unauthenticated","detail":"You did not pass an authentication token","status":401}"#
                        .to_vec()
                };
                return respond(stream, 401, &[], &body);
            }
        }
        match fault {
            Some(Fault::Status {
                code,
                retry_after,
                detail,
            }) => {
                let header = retry_after.map(|s| format!("Retry-After: {s}"));
                let body = serde_json::json!({ "detail": detail }).to_string();
                return respond(stream, code, header.as_slice(), body.as_bytes());
            }
            Some(Fault::Hang) => {
                while !self.stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(50));
                }
                return;
            }
            Some(Fault::Malformed) => return respond(stream, 200, &[], b"{\"status\": \"IN_QUE"),
            Some(Fault::Truncated) => return respond_truncated(stream, &self.image),
            _ => {}
        }
        if fal {
            self.fal(stream, route, &call)
        } else {
            self.replicate(stream, route, &call)
        }
    }

    fn create(&self, body: &[u8], seed_at: &[&str]) -> String {
        let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let mut seed = &json;
        for key in seed_at {
            seed = &seed[*key];
        }
        let mut state = self.state.lock().unwrap();
        state.next_id += 1;
        let id = format!("req{:04}{}", state.next_id, std::process::id());
        let fault = state.request_fault.clone();
        if let Some(fault) = fault {
            state.failing.insert(id.clone(), fault);
        }
        state.submit_bodies.push(json.clone());
        state.active.insert(id.clone());
        state.max_active = state.max_active.max(state.active.len());
        state.requests.insert(
            id.clone(),
            Request {
                created: Instant::now(),
                cancelled: false,
                seed: seed.as_i64().unwrap_or(0),
            },
        );
        id
    }

    /// (done, cancelled, seed, fault) of a request; None when unknown.
    fn progress(&self, id: &str) -> Option<(bool, bool, i64, Option<Fault>)> {
        let delay = *self.delay.lock().unwrap();
        let state = self.state.lock().unwrap();
        let request = state.requests.get(id)?;
        Some((
            request.created.elapsed() >= delay,
            request.cancelled,
            request.seed,
            state.failing.get(id).cloned(),
        ))
    }

    /// Whether request `id` still waits in the queue, with its place in it (from 1).
    fn queue_position(&self, id: &str) -> Option<usize> {
        let state = self.state.lock().unwrap();
        let request = state.requests.get(id)?;
        let waits = |r: &Request| !r.cancelled && r.created.elapsed() < state.queued_for;
        waits(request).then(|| {
            state
                .requests
                .values()
                .filter(|other| waits(other) && other.created <= request.created)
                .count()
        })
    }

    fn cancel(&self, id: &str) -> bool {
        let mut state = self.state.lock().unwrap();
        match state.requests.get_mut(id) {
            Some(request) => {
                request.cancelled = true;
                true
            }
            None => false,
        }
    }

    fn fal(&self, stream: TcpStream, route: Route, call: &Call) {
        let segments: Vec<&str> = call.path.trim_start_matches('/').split('/').collect();
        match route {
            Route::Submit => {
                let id = self.create(&call.body, &["seed"]);
                let app = format!("{}/{}/{}", self.base, segments[0], segments[1]);
                let requests = format!("{app}/requests/{id}");
                let body = serde_json::json!({
                    "status": "IN_QUEUE", "request_id": id, "queue_position": 0,
                    "response_url": requests, "status_url": format!("{requests}/status"),
                    "cancel_url": format!("{requests}/cancel"),
                });
                respond(stream, 200, &[], body.to_string().as_bytes())
            }
            Route::Status => {
                let id = segments[segments.len() - 2];
                let Some((done, cancelled, _, fault)) = self.progress(id) else {
                    return respond(stream, 404, &[], br#"{"detail":"Request not found"}"#);
                };
                let body = match (cancelled, done, fault) {
                    (true, _, _) => serde_json::json!({"status": "COMPLETED", "error": "Request was cancelled"}),
                    (_, false, _) if let Some(position) = self.queue_position(id) => {
                        serde_json::json!({"status": "IN_QUEUE", "queue_position": position})
                    }
                    (_, false, _) => serde_json::json!({"status": "IN_PROGRESS", "logs": null}),
                    (_, true, Some(Fault::Fails(message))) => {
                        serde_json::json!({"status": "COMPLETED", "error": message, "error_type": "runner_disconnected"})
                    }
                    (_, true, Some(Fault::UnknownStatus(status))) => serde_json::json!({"status": status}),
                    (_, true, _) => {
                        serde_json::json!({"status": "COMPLETED", "logs": null, "metrics": {"inference_time": 0.5}})
                    }
                };
                let code = if body["status"] == "COMPLETED" { 200 } else { 202 };
                respond(stream, code, &[], body.to_string().as_bytes())
            }
            Route::Result => {
                let id = segments[segments.len() - 1];
                match self.progress(id) {
                    None | Some((_, _, _, Some(Fault::Expired))) => {
                        respond(stream, 404, &[], br#"{"detail":"Request not found"}"#)
                    }
                    Some((_, _, seed, _)) => {
                        let body = serde_json::json!({
                            "images": [{"url": format!("{}/files/{id}.png", self.base), "width": 96, "height": 64, "content_type": "image/png"}],
                            "seed": seed, "has_nsfw_concepts": [false], "timings": {},
                        });
                        respond(stream, 200, &[], body.to_string().as_bytes())
                    }
                }
            }
            Route::Cancel => {
                let id = segments[segments.len() - 2];
                if self.cancel(id) {
                    respond(stream, 202, &[], br#"{"status":"CANCELLATION_REQUESTED"}"#)
                } else {
                    respond(stream, 404, &[], br#"{"status":"NOT_FOUND"}"#)
                }
            }
            Route::Download => respond_png(stream, &self.image),
        }
    }

    fn replicate(&self, stream: TcpStream, route: Route, call: &Call) {
        let segments: Vec<&str> = call.path.trim_start_matches('/').split('/').collect();
        match route {
            Route::Submit => {
                let id = self.create(&call.body, &["input", "seed"]);
                respond(stream, 201, &[], self.prediction(&id).to_string().as_bytes())
            }
            Route::Status | Route::Result => {
                let id = segments[2];
                if self.progress(id).is_none() {
                    return respond(
                        stream,
                        404,
                        &[],
                        br#"{"title":"Not Found","detail":"Prediction not found","status":404}"#,
                    );
                }
                respond(stream, 200, &[], self.prediction(id).to_string().as_bytes())
            }
            Route::Cancel => {
                let id = segments[2];
                self.cancel(id);
                respond(stream, 200, &[], self.prediction(id).to_string().as_bytes())
            }
            Route::Download => respond_png(stream, &self.image),
        }
    }

    fn prediction(&self, id: &str) -> serde_json::Value {
        let (done, cancelled, _, fault) = self.progress(id).unwrap_or((false, false, 0, None));
        let get = format!("{}/v1/predictions/{id}", self.base);
        let mut output = serde_json::Value::Null;
        let mut error = serde_json::Value::Null;
        let mut removed = false;
        let status = match (cancelled, done, fault) {
            (true, _, _) => "canceled".to_owned(),
            (_, false, _) if self.queue_position(id).is_some() => "starting".to_owned(),
            (_, false, _) => "processing".to_owned(),
            (_, true, Some(Fault::Fails(message))) => {
                error = message.into();
                "failed".to_owned()
            }
            (_, true, Some(Fault::UnknownStatus(status))) => status,
            (_, true, Some(Fault::Expired)) => {
                removed = true;
                "succeeded".to_owned()
            }
            (_, true, _) => {
                output = serde_json::json!([format!("{}/delivery/{id}/out-0.png", self.base)]);
                "succeeded".to_owned()
            }
        };
        serde_json::json!({
            "id": id, "model": "black-forest-labs/flux-2-klein-4b", "version": "hidden",
            "status": status, "output": output, "error": error, "logs": "", "data_removed": removed,
            "urls": {"get": get, "cancel": format!("{get}/cancel"), "web": format!("https://replicate.com/p/{id}")},
        })
    }
}

fn route_of(call: &Call) -> Option<Route> {
    let path = call.path.as_str();
    let method = call.method.as_str();
    if path.starts_with("/files/") || path.starts_with("/delivery/") {
        return Some(Route::Download);
    }
    if let Some(rest) = path.strip_prefix("/v1/") {
        return match (method, rest.split('/').collect::<Vec<_>>().as_slice()) {
            ("POST", ["models", _, _, "predictions"]) => Some(Route::Submit),
            ("GET", ["predictions", _]) => Some(Route::Status),
            ("POST", ["predictions", _, "cancel"]) => Some(Route::Cancel),
            _ => None,
        };
    }
    match method {
        "POST" => Some(Route::Submit),
        "PUT" if path.ends_with("/cancel") => Some(Route::Cancel),
        "GET" if path.ends_with("/status") => Some(Route::Status),
        "GET" if path.contains("/requests/") => Some(Route::Result),
        _ => None,
    }
}

fn read_call(stream: &TcpStream) -> Option<Call> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.split('?').next()?.to_owned();
    let mut length = 0usize;
    let mut auth = None;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "authorization" => auth = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Call {
        method,
        path,
        auth,
        body,
    })
}

fn respond(mut stream: TcpStream, code: u16, headers: &[String], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {code} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(code),
        body.len()
    );
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn respond_png(mut stream: TcpStream, png: &[u8]) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        png.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(png);
}

fn respond_truncated(mut stream: TcpStream, png: &[u8]) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        png.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&png[..png.len() / 2]);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
