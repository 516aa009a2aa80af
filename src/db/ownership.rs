//! Which process owns a library: the one holding an OS advisory lock on `<database>.lock`.
//!
//! Only the owner runs the queue, start-up recovery, migrations, repair and deletes of
//! library files; every other process on the same library is a client that reads and writes
//! rows. The OS drops the lock when the owner exits or dies, so a crash never leaves a library
//! without an owner: the next process to try takes it (and recovers what the crash left).
//!
//! The lock is `flock`-style (`File::try_lock`): held per open file, so two `Ownership`s in
//! one process exclude each other exactly as two processes do, which the tests rely on.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A process's claim on one library database: held or not, and taken when it can be.
#[derive(Debug)]
pub struct Ownership {
    lock_path: PathBuf,
    held: Mutex<Option<File>>,
}

impl Ownership {
    /// The claim on the database at `database` (not taken yet).
    pub fn for_database(database: &Path) -> Self {
        let mut name = database.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        Self {
            lock_path: database.with_file_name(name),
            held: Mutex::new(None),
        }
    }

    /// Takes the lock if no other process holds it; true if this process is the owner now.
    /// An error means the lock file itself cannot be opened (a read-only data folder).
    pub fn try_take(&self) -> std::io::Result<bool> {
        let mut held = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if held.is_some() {
            return Ok(true);
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock_path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(false),
            Err(TryLockError::Error(error)) => return Err(error),
        }
        // Who owns the library, for the messages of other processes. Informational only.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        *held = Some(file);
        Ok(true)
    }

    /// Whether this process holds the lock.
    pub fn is_owner(&self) -> bool {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some()
    }

    /// Gives the lock up (the library can then be owned by another process).
    pub fn release(&self) {
        let file = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        // Closing the file releases the lock; unlock first so it is gone even if a
        // duplicated descriptor of it lives on in a child process.
        if let Some(file) = file {
            let _ = file.unlock();
        }
    }

    /// The process id the current owner wrote into the lock file, if it can be read.
    pub fn owner_pid(&self) -> Option<u32> {
        let mut text = String::new();
        File::open(&self.lock_path).ok()?.read_to_string(&mut text).ok()?;
        text.trim().parse().ok()
    }

    /// Names the owner for a message: "another Distillery (process 1234)".
    pub fn describe_owner(&self) -> String {
        match self.owner_pid() {
            Some(pid) => format!("another Distillery (process {pid})"),
            None => "another Distillery".to_owned(),
        }
    }

    /// The lock file.
    pub fn lock_path(&self) -> &Path {
        &self.lock_path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_owner_at_a_time_and_the_next_takes_over_when_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("distillery.db");
        let first = Ownership::for_database(&db);
        let second = Ownership::for_database(&db);
        assert!(first.try_take().unwrap());
        assert!(first.try_take().unwrap(), "taking a held lock again keeps it");
        assert!(!second.try_take().unwrap(), "a second claim must wait");
        assert!(!second.is_owner());
        assert_eq!(second.owner_pid(), Some(std::process::id()));
        first.release();
        assert!(!first.is_owner());
        assert!(second.try_take().unwrap(), "the lock is free once its owner let go");
        assert_eq!(second.lock_path(), dir.path().join("distillery.db.lock"));
    }

    #[test]
    fn dropping_the_owner_frees_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("distillery.db");
        {
            let owner = Ownership::for_database(&db);
            assert!(owner.try_take().unwrap());
        }
        assert!(Ownership::for_database(&db).try_take().unwrap());
    }
}
