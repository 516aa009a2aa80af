//! The engine child process and its pipes. Only the actor holds an `EngineProcess`.

use super::EngineError;
use super::lines::{EngineLine, EngineLineCodec};
use super::protocol::Request;
use futures_util::StreamExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;

/// Stderr lines kept for error messages.
pub const STDERR_TAIL_LINES: usize = 200;
/// Stderr lines buffered between the reader and the actor; beyond this, lines are dropped
/// (counted) rather than stalling the engine.
const STDERR_BUFFER: usize = 1024;

/// A running engine: its stdin, and channels fed by the stdout and stderr reader tasks.
pub struct EngineProcess {
    pub child: Child,
    stdin: ChildStdin,
    pub lines: mpsc::Receiver<EngineLine>,
    pub stderr: mpsc::Receiver<String>,
}

/// Why `binary` could not be started, in words; a missing demo engine says how to build it
/// (a source checkout built with `cargo run --bin distillery` has only the app).
pub fn spawn_reason(binary: &Path, error: &std::io::Error) -> String {
    let demo = binary
        .file_stem()
        .is_some_and(|name| name == super::bundled::DEMO_ENGINE_NAME);
    match error.kind() {
        std::io::ErrorKind::NotFound if demo => "the file does not exist. The demo engine is built beside the app by \
             `cargo build --release --bins` (scripts/run does this)"
            .into(),
        std::io::ErrorKind::NotFound => crate::i18n::tr("the file does not exist"),
        std::io::ErrorKind::PermissionDenied => crate::i18n::tr("it is not executable (permission denied)"),
        _ => error.to_string(),
    }
}

impl EngineProcess {
    /// Starts the engine with piped stdio in `workdir`.
    pub fn spawn(binary: &Path, workdir: &Path, env: &[(String, String)]) -> Result<Self, EngineError> {
        let spawn_error = |reason: String| EngineError::Spawn {
            path: binary.to_owned(),
            reason,
        };
        std::fs::create_dir_all(workdir).map_err(|e| {
            spawn_error(crate::i18n::fill(
                &crate::i18n::tr("cannot create {}: {}"),
                &[&workdir.display().to_string(), &e.to_string()],
            ))
        })?;
        let mut child = Command::new(binary)
            .current_dir(workdir)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| spawn_error(spawn_reason(binary, &e)))?;
        let (Some(stdin), Some(stdout), Some(stderr_pipe)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(spawn_error(crate::i18n::tr(
                "its standard streams could not be connected",
            )));
        };

        let (line_tx, lines) = mpsc::channel(256);
        tokio::spawn(async move {
            let mut framed = FramedRead::new(stdout, EngineLineCodec::default());
            while let Some(item) = framed.next().await {
                match item {
                    Ok(line) => {
                        if line_tx.send(line).await.is_err() {
                            break;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "reading the engine's output failed");
                        break;
                    }
                }
            }
        });

        let (err_tx, stderr) = mpsc::channel(STDERR_BUFFER);
        tokio::spawn(async move {
            let mut reader = BufReader::new(stderr_pipe);
            let mut buf = Vec::new();
            let mut dropped = 0u64;
            let mut logged = super::stderr_log::StderrLog::new(std::time::Instant::now());
            loop {
                buf.clear();
                // Bounded like stdout: a line without newline stops growing at 64 KiB.
                match read_bounded_line(&mut reader, &mut buf, 64 * 1024).await {
                    Ok(0) => break,
                    Ok(_) => {
                        let line = String::from_utf8_lossy(&buf).trim_end().to_owned();
                        logged.log(&line);
                        if err_tx.try_send(line).is_err() {
                            dropped += 1;
                        }
                    }
                    Err(_) => break,
                }
            }
            logged.finish();
            if dropped > 0 {
                tracing::debug!(dropped, "engine log lines dropped while the app was busy");
            }
        });

        Ok(Self {
            child,
            stdin,
            lines,
            stderr,
        })
    }

    /// Writes one request line.
    pub async fn send(&mut self, request: &Request) -> std::io::Result<()> {
        self.stdin.write_all(request.to_line().as_bytes()).await?;
        self.stdin.flush().await
    }

    /// Kills the process and reaps it, so no zombie is left.
    pub async fn kill(&mut self) {
        if let Err(error) = self.child.kill().await {
            tracing::debug!(%error, "killing the engine");
        }
    }
}

/// Reads up to a newline, keeping at most `max` bytes of the line (the rest is skipped).
async fn read_bounded_line<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(total);
        }
        let (chunk, found) = match available.iter().position(|b| *b == b'\n') {
            Some(at) => (&available[..=at], true),
            None => (available, false),
        };
        let keep = chunk.len().min(max.saturating_sub(buf.len()));
        buf.extend_from_slice(&chunk[..keep]);
        let used = chunk.len();
        total += used;
        reader.consume(used);
        if found {
            return Ok(total);
        }
    }
}

/// Runs `binary --version` and returns its first line (`cn-engine <version> (<commit>)`).
pub async fn engine_version(binary: &Path, limit: Duration) -> Result<String, EngineError> {
    let not_engine = |reason: String| EngineError::NotAnEngine {
        path: binary.to_owned(),
        reason,
    };
    let output = tokio::time::timeout(
        limit,
        Command::new(binary)
            .arg("--version")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .map_err(|_| not_engine(format!("--version did not answer within {} s", limit.as_secs())))?
    .map_err(|e| EngineError::Spawn {
        path: binary.to_owned(),
        reason: spawn_reason(binary, &e),
    })?;
    version_line(binary, output.status.success(), &output.stdout)
}

/// [`engine_version`] for a thread that may block (a settings check): the same answer, with
/// the binary killed if it has not answered within `limit`.
pub fn engine_version_blocking(binary: &Path, limit: Duration) -> Result<String, EngineError> {
    use std::io::Read;
    let mut child = std::process::Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| EngineError::Spawn {
            path: binary.to_owned(),
            reason: spawn_reason(binary, &e),
        })?;
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(EngineError::NotAnEngine {
                    path: binary.to_owned(),
                    reason: format!("--version did not answer within {} s", limit.as_secs()),
                });
            }
        }
    };
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        let _ = pipe.read_to_end(&mut stdout);
    }
    version_line(binary, status.success(), &stdout)
}

/// The first line of a `--version` answer, if it is cn-engine's.
fn version_line(binary: &Path, success: bool, stdout: &[u8]) -> Result<String, EngineError> {
    let text = String::from_utf8_lossy(stdout);
    let first = text.lines().next().unwrap_or("").trim().to_owned();
    if !success || !first.starts_with("cn-engine ") {
        return Err(EngineError::NotAnEngine {
            path: binary.to_owned(),
            reason: format!("--version printed {first:?}"),
        });
    }
    Ok(first)
}

#[cfg(test)]
mod spawn_reason_tests {
    use super::*;

    #[test]
    fn a_missing_demo_engine_says_how_to_build_it() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let demo = spawn_reason(Path::new("/opt/distillery/cn-engine-sim"), &missing);
        assert!(demo.starts_with("the file does not exist."), "{demo}");
        assert!(demo.contains("cargo build --release --bins"), "{demo}");
        assert_eq!(
            spawn_reason(Path::new("/opt/cn-engine"), &missing),
            "the file does not exist"
        );
        let error = EngineError::Spawn {
            path: "/opt/distillery/cn-engine-sim".into(),
            reason: demo,
        };
        assert!(error.to_string().starts_with(
            "the engine program /opt/distillery/cn-engine-sim could not be started: the file does not exist."
        ));
    }
}
