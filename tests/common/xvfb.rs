//! A real X server (Xvfb) for end-to-end tests: start it, find and drive windows with
//! xdotool, capture them with ImageMagick.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    /// Asks first (SIGTERM), so an X server removes its socket and lock file; a server
    /// killed outright leaves them behind, and a hundred interrupted runs used up every
    /// display number. Killed after two seconds if it has not gone.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn require(tool: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .unwrap()
        .status
        .success();
    assert!(
        found,
        "{tool} is missing: run the tests through scripts/test, which installs it"
    );
}

pub fn start_xvfb() -> (KillOnDrop, String) {
    // A display is in use while the server named in its lock file lives. Sockets and locks
    // left by servers that died (an interrupted test run) do not count: Xvfb replaces them.
    let number = (90..190)
        .find(|n| match std::fs::read_to_string(format!("/tmp/.X{n}-lock")) {
            Ok(pid) => !pid
                .trim()
                .parse::<u32>()
                .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists()),
            Err(_) => true,
        })
        .expect("a free display");
    let display = format!(":{number}");
    let server = Command::new("Xvfb")
        .args([&display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    // Up when its socket takes a connection (a stale socket refuses one).
    while std::os::unix::net::UnixStream::connect(format!("/tmp/.X11-unix/X{number}")).is_err() {
        assert!(Instant::now() < deadline, "Xvfb did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    (KillOnDrop(server), display)
}

pub fn xdotool(display: &str, args: &[&str]) -> String {
    let output = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

pub fn capture(display: &str, window: &str, path: &Path) -> image::RgbImage {
    let status = Command::new("import")
        .args(["-window", window, &format!("png:{}", path.display())])
        .env("DISPLAY", display)
        .status()
        .unwrap();
    assert!(status.success(), "import captured the window");
    image::open(path).unwrap().to_rgb8()
}

/// Waits until the window shows what `ready` looks for, capturing every 100 ms.
pub fn capture_until(
    display: &str,
    window: &str,
    path: &Path,
    what: &str,
    ready: impl Fn(&image::RgbImage) -> bool,
) -> image::RgbImage {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let image = capture(display, window, path);
        if ready(&image) {
            return image;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// PNG files anywhere under `dir` (originals are kept in year/month folders).
pub fn pngs_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                pngs_under(&path)
            } else {
                usize::from(path.extension().is_some_and(|e| e == "png"))
            }
        })
        .sum()
}
