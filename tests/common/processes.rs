//! Running `distillery` commands as real processes beside each other on one library: spawn,
//! wait with a deadline (a hung process fails the test instead of hanging it), signal.

use super::{TempApp, distillery_bin};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The simulated engine as fast as it goes, with a step time tests can slow down.
pub const FAST: [(&str, &str); 7] = [
    ("CN_SIM_LOAD_MS", "10"),
    ("CN_SIM_COND_MS", "5"),
    ("CN_SIM_STEP_MS", "5"),
    ("CN_SIM_DECODE_MS", "5"),
    ("CN_SIM_SAVE_MS", "1"),
    ("CN_SIM_ENCODE_MS", "5"),
    ("CN_SIM_LOAD_NOISE", "0"),
];

/// `distillery --data-dir … --library … --engine demo ARGS` with the fast engine and `env`.
pub fn distillery(app: &TempApp, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(distillery_bin());
    command
        .args(app.args())
        .args(["--engine", "demo"])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    command.envs(FAST.iter().copied()).envs(env.iter().copied());
    command
}

/// A started command whose output is read as it comes (a full pipe never stalls it).
pub struct Running {
    pub child: Child,
    stdout: std::thread::JoinHandle<Vec<u8>>,
    stderr: std::thread::JoinHandle<Vec<u8>>,
    /// Lines of stdout so far, for tests that act once an image is out.
    pub lines: std::sync::mpsc::Receiver<String>,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the next stdout line up to `limit`.
    pub fn next_line(&self, limit: Duration) -> Option<String> {
        self.lines.recv_timeout(limit).ok()
    }
}

/// Starts a command with its output captured.
pub fn spawn(mut command: Command) -> Running {
    use std::io::{BufRead, Read};
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("distillery starts");
    let out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let (send, lines) = std::sync::mpsc::channel();
    let stdout = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            all.extend_from_slice(line.as_bytes());
            all.push(b'\n');
            let _ = send.send(line);
        }
        all
    });
    let stderr = std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = err.read_to_end(&mut all);
        all
    });
    Running {
        child,
        stdout,
        stderr,
        lines,
    }
}

/// Waits for a child's exit and output; kills it and fails if it runs past `limit`.
pub fn finish(mut running: Running, limit: Duration, what: &str) -> Output {
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = running.child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = running.child.kill();
            let _ = running.child.wait();
            let stderr = running.stderr.join().unwrap_or_default();
            panic!(
                "{what} still ran after {limit:?} (hung); stderr:\n{}",
                String::from_utf8_lossy(&stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: running.stdout.join().unwrap_or_default(),
        stderr: running.stderr.join().unwrap_or_default(),
    }
}

/// Sends `signal` (libc name without SIG, e.g. "TERM") to a process.
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{signal} {pid}");
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `MEDIA_ID<TAB>PATH` lines a generate printed.
pub fn result_lines(output: &Output) -> Vec<(String, String)> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let (id, path) = line.split_once('\t').expect("MEDIA_ID<TAB>PATH");
            (id.to_owned(), path.to_owned())
        })
        .collect()
}

/// Counts rows of a table with a read-only connection that never writes or checkpoints.
pub fn count_rows(db: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the database opens read-only");
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).expect("the count runs")
}
