//! One window per library: a second `distillery` window on a library that already has one
//! brings that window to the front and hands it its file arguments (a file manager's "Open
//! with", `distillery photo.png`) instead of opening beside it.
//!
//! The first window listens on a Unix socket beside the library's database; a lock file held
//! while it listens decides who is first when two start at once (the OS drops the lock when
//! a window dies, so a stale socket never blocks the next start).

use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a second window hands the first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    /// Files and folders to import, absolute.
    pub files: Vec<PathBuf>,
}

/// The outcome of trying to be a library's window.
pub enum Claim {
    /// No window had the library: this process listens for later ones until it is dropped.
    First(Listening),
    /// A window already has the library and took the files.
    HandedOver,
}

/// A handover larger than this is not one of ours.
const MAX_MESSAGE: u64 = 4 * 1024 * 1024;

/// How long a second window waits for the first to answer (it may be starting up).
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// Where the windows of the library catalogued at `database` meet: beside the database when
/// that path fits a socket address (108 bytes on Linux), else in the runtime folder under a
/// name derived from it.
pub fn socket_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(".window");
    let beside = database.with_file_name(name);
    if beside.as_os_str().len() < 100 {
        return beside;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(database.as_os_str().as_encoded_bytes());
    let short: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    dir.join(format!("distillery-{short}.window"))
}

/// Becomes the window of the library at `database`, or hands `files` to the window it has.
pub fn claim(
    database: &Path,
    files: &[PathBuf],
    on_handover: impl Fn(Handover) + Send + 'static,
) -> std::io::Result<Claim> {
    let socket = socket_path(database);
    let mut lock_name = socket.file_name().unwrap_or_default().to_os_string();
    lock_name.push(".lock");
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(socket.with_file_name(lock_name))?;
    match lock.try_lock() {
        Ok(()) => Ok(Claim::First(Listening::start(socket, lock, on_handover)?)),
        Err(std::fs::TryLockError::WouldBlock) => {
            hand_over(&socket, files)?;
            Ok(Claim::HandedOver)
        }
        Err(std::fs::TryLockError::Error(error)) => Err(error),
    }
}

/// Sends `files` to the window listening on `socket` and waits for its answer; the window
/// may still be binding its socket, so connecting is retried for a few seconds.
fn hand_over(socket: &Path, files: &[PathBuf]) -> std::io::Result<()> {
    let deadline = Instant::now() + ANSWER_WITHIN;
    let mut stream = loop {
        match UnixStream::connect(socket) {
            Ok(stream) => break stream,
            Err(error) if Instant::now() >= deadline => return Err(error),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    stream.set_read_timeout(Some(ANSWER_WITHIN))?;
    let message = Handover {
        files: files
            .iter()
            .map(|file| std::path::absolute(file).unwrap_or_else(|_| file.clone()))
            .collect(),
    };
    let mut line = serde_json::to_vec(&message).map_err(std::io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    let mut answer = String::new();
    BufReader::new(stream).take(16).read_line(&mut answer)?;
    if answer.trim() == "ok" {
        Ok(())
    } else {
        Err(std::io::Error::other("the open window did not answer"))
    }
}

/// A window listening for later ones; stops and removes its socket when dropped.
pub struct Listening {
    socket: PathBuf,
    stop: Arc<AtomicBool>,
    // Held while listening: whoever holds it is the library's window.
    _lock: std::fs::File,
}

impl Listening {
    fn start(
        socket: PathBuf,
        lock: std::fs::File,
        on_handover: impl Fn(Handover) + Send + 'static,
    ) -> std::io::Result<Self> {
        // A socket left by a window that died: nobody listens on it (we hold the lock).
        let _ = std::fs::remove_file(&socket);
        let listener = UnixListener::bind(&socket)?;
        // Polled, so that dropping this ends the thread without a connection to wake it.
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::Builder::new()
            .name("window handover".into())
            .spawn(move || {
                while !stopped.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            if let Err(error) = answer(stream, &on_handover) {
                                tracing::warn!(%error, "a handover from another window failed");
                            }
                        }
                        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(100));
                        }
                        Err(error) => {
                            tracing::warn!(%error, "the window socket stopped accepting");
                            return;
                        }
                    }
                }
            })?;
        Ok(Self {
            socket,
            stop,
            _lock: lock,
        })
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// Reads one handover from a later window and answers it.
fn answer(stream: UnixStream, on_handover: &impl Fn(Handover)) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(ANSWER_WITHIN))?;
    let mut line = String::new();
    BufReader::new(&stream).take(MAX_MESSAGE).read_line(&mut line)?;
    let handover: Handover = serde_json::from_str(line.trim()).map_err(std::io::Error::other)?;
    on_handover(handover);
    (&stream).write_all(b"ok\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_hands_its_files_to_the_first_and_the_next_start_after_it_is_first_again() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("distillery.db");
        let (got, received) = std::sync::mpsc::channel();
        let first = match claim(&database, &[], move |handover| got.send(handover).unwrap()).unwrap() {
            Claim::First(listening) => listening,
            Claim::HandedOver => panic!("nobody had the library"),
        };
        let photo = dir.path().join("photo.png");
        let second = claim(&database, std::slice::from_ref(&photo), |_| panic!("not the first")).unwrap();
        assert!(matches!(second, Claim::HandedOver));
        assert_eq!(received.recv().unwrap().files, vec![photo]);
        drop(first);
        assert!(!socket_path(&database).exists(), "the socket goes with its window");
        assert!(matches!(claim(&database, &[], |_| {}).unwrap(), Claim::First(_)));
    }

    #[test]
    fn a_long_path_meets_in_the_runtime_folder() {
        let long = PathBuf::from(format!("/{}/distillery.db", "x".repeat(120)));
        let socket = socket_path(&long);
        assert!(socket.as_os_str().len() < 108, "{}", socket.display());
        assert_eq!(socket, socket_path(&long), "every process finds the same one");
    }
}
