//! The log file, rotated by size while the app runs: a long session or a chatty engine
//! never grows it past [`ROTATE_AT_BYTES`], and at most [`KEPT_FILES`] files are kept
//! (`distillery.log`, `.1`, `.2`). Several processes may log into the same folder; one that
//! finds the file already rotated by another simply reopens it.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A log file larger than this is moved aside.
pub const ROTATE_AT_BYTES: u64 = 10 * 1024 * 1024;
/// The current file and the rotated ones.
pub const KEPT_FILES: usize = 3;

pub struct RotatingFile {
    path: PathBuf,
    file: File,
    /// The file's size as far as we know (other processes may append too).
    size: u64,
    limit: u64,
    /// Bytes written since we last looked whether another process rotated the file.
    since_look: u64,
}

impl RotatingFile {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        Self::open_with_limit(path, ROTATE_AT_BYTES)
    }

    pub fn open_with_limit(path: &Path, limit: u64) -> std::io::Result<Self> {
        let file = append(path)?;
        let size = file.metadata()?.len();
        let mut log = Self {
            path: path.to_owned(),
            file,
            size,
            limit,
            since_look: 0,
        };
        if log.size > limit {
            log.rotate()?;
        }
        Ok(log)
    }

    /// `distillery.log.N`.
    pub fn numbered(path: &Path, n: usize) -> PathBuf {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        let ours = self.file.metadata()?.ino();
        let at_path = std::fs::metadata(&self.path).map(|m| m.ino()).ok();
        // Another process moved it aside already: just follow to the new file.
        if at_path == Some(ours) {
            let _ = std::fs::remove_file(Self::numbered(&self.path, KEPT_FILES - 1));
            for n in (1..KEPT_FILES - 1).rev() {
                let _ = std::fs::rename(Self::numbered(&self.path, n), Self::numbered(&self.path, n + 1));
            }
            std::fs::rename(&self.path, Self::numbered(&self.path, 1))?;
        }
        self.file = append(&self.path)?;
        self.size = self.file.metadata()?.len();
        Ok(())
    }
}

fn append(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new().create(true).append(true).open(path)
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Other processes append to the same file and may rotate it: now and then learn its
        // real size, and follow a rotation to the new file so rotated files stop growing.
        if self.since_look > (self.limit / 16).min(64 * 1024) {
            self.since_look = 0;
            if let Ok(ours) = self.file.metadata() {
                self.size = ours.len();
                if std::fs::metadata(&self.path).map(|m| m.ino()).ok() != Some(ours.ino())
                    && let Ok(file) = append(&self.path)
                {
                    self.size = file.metadata().map_or(0, |m| m.len());
                    self.file = file;
                }
            }
        }
        if self.size + buf.len() as u64 > self.limit {
            // Learn what other processes wrote before deciding; a failed rotation keeps
            // writing where we are rather than losing the line.
            self.size = self.file.metadata().map_or(self.size, |m| m.len());
            if self.size + buf.len() as u64 > self.limit
                && let Err(error) = self.rotate()
            {
                self.size = 0;
                eprintln!("distillery: the log file could not be rotated: {error}");
            }
        }
        let written = self.file.write(buf)?;
        self.size += written as u64;
        self.since_look += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_while_running_and_keeps_three_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("distillery.log");
        let mut log = RotatingFile::open_with_limit(&path, 1000).unwrap();
        let line = [b'x'; 99];
        for _ in 0..200 {
            log.write_all(&line).unwrap();
            log.write_all(b"\n").unwrap();
        }
        let sizes: Vec<u64> = (0..KEPT_FILES)
            .map(|n| {
                let at = if n == 0 {
                    path.clone()
                } else {
                    RotatingFile::numbered(&path, n)
                };
                std::fs::metadata(at).unwrap().len()
            })
            .collect();
        assert!(sizes.iter().all(|size| *size <= 1000), "{sizes:?}");
        assert!(sizes[1] >= 900 && sizes[2] >= 900, "{sizes:?}");
        assert!(!RotatingFile::numbered(&path, KEPT_FILES).exists());
    }

    #[test]
    fn two_writers_on_one_file_follow_each_others_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("distillery.log");
        let mut first = RotatingFile::open_with_limit(&path, 1000).unwrap();
        let mut second = RotatingFile::open_with_limit(&path, 1000).unwrap();
        for _ in 0..100 {
            first.write_all(&[b'a'; 49]).unwrap();
            first.write_all(b"\n").unwrap();
            second.write_all(&[b'b'; 49]).unwrap();
            second.write_all(b"\n").unwrap();
        }
        for n in 0..KEPT_FILES {
            let at = if n == 0 {
                path.clone()
            } else {
                RotatingFile::numbered(&path, n)
            };
            let size = std::fs::metadata(&at).unwrap().len();
            // At most one look's worth (62 bytes here) beyond the limit.
            assert!(size <= 1100, "{} is {size} bytes", at.display());
        }
    }
}
