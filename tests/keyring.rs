//! API keys in a real desktop keyring: a private D-Bus session bus with gnome-keyring's
//! Secret Service on it (a fresh, unlocked login keyring in a temporary home). A key stored
//! there is found, a `distillery generate --provider fal` process uses it with no FAL_KEY in
//! its environment, and once forgotten it is gone. Its own test binary: it points this
//! process's environment at the private bus.

mod common;

use common::TempApp;
use common::fake_provider::FakeProvider;
use common::processes::{distillery, finish, spawn, stderr};
use common::session_bus::start_session_bus;
use common::xvfb::{KillOnDrop, require};
use distillery::generation::Provider;
use distillery::remote::keys::{self, ApiKey, KeySource};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "fal-key-from-the-keyring:4c1d";

/// gnome-keyring's Secret Service on `bus`, with a new login keyring unlocked by a password
/// given on its standard input.
fn start_keyring(home: &Path, run: &Path, bus: &str) -> KillOnDrop {
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets", "--foreground"])
        .env("HOME", home)
        .env("XDG_RUNTIME_DIR", run)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon starts");
    let mut password = daemon.stdin.take().unwrap();
    password.write_all(b"test-keyring-password").unwrap();
    drop(password);
    KillOnDrop(daemon)
}

#[test]
fn a_key_kept_in_the_keyring_is_found_used_and_forgotten() {
    require("dbus-daemon");
    require("gnome-keyring-daemon");
    let dir = tempfile::tempdir().unwrap();
    let (home, run) = (dir.path().join("home"), dir.path().join("run"));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&run).unwrap();
    // Runtime folders are private, as the keyring daemon checks.
    std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let (_bus, address) = start_session_bus(&run);
    let _keyring = start_keyring(&home, &run, &address);
    // SAFETY: this binary's only test, and no other thread has started yet.
    unsafe {
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
        std::env::set_var("XDG_RUNTIME_DIR", &run);
        std::env::set_var("HOME", &home);
        std::env::remove_var("FAL_KEY");
        std::env::remove_var("REPLICATE_API_TOKEN");
    }

    let key = ApiKey::new(KEY).unwrap();
    // The daemon takes a moment to claim its name on the bus; until then the store fails.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match keys::store(Provider::Fal, &key) {
            Ok(()) => break,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(200)),
            Err(why) => panic!("the keyring never kept the key: {why}"),
        }
    }
    let keyrings = std::fs::read_dir(home.join(".local/share/keyrings"))
        .expect("gnome-keyring made its login keyring")
        .count();
    assert!(keyrings > 0, "the key went to gnome-keyring's files");
    let (found, source) = keys::lookup(Provider::Fal).expect("the stored key is found");
    assert_eq!(found.expose(), KEY);
    assert_eq!(source, KeySource::Keyring);
    let other = keys::lookup(Provider::Replicate).expect_err("Replicate has no key");
    assert_eq!(other.keyring_problem, None, "an empty entry is not a keyring problem");

    // Another process finds it too, and sends it to fal.
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    let mut command = distillery(
        &app,
        &[
            "generate",
            "--provider",
            "fal",
            "--resolution",
            "512",
            "--prompt",
            "a key from the keyring",
        ],
        &[],
    );
    for (name, value) in fake.env() {
        if name != "FAL_KEY" && name != "REPLICATE_API_TOKEN" {
            command.env(name, value);
        }
    }
    command.env_remove("FAL_KEY").env("DBUS_SESSION_BUS_ADDRESS", &address);
    let output = finish(
        spawn(command),
        Duration::from_secs(90),
        "generate with the keyring's key",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        fake.auth_seen().iter().any(|header| header.ends_with(KEY)),
        "fal was sent the keyring's key: {:?}",
        fake.auth_seen().len()
    );

    keys::forget(Provider::Fal).expect("the key is removed");
    let gone = keys::lookup(Provider::Fal).expect_err("no key after forgetting it");
    assert_eq!(gone.keyring_problem, None);
    keys::forget(Provider::Fal).expect("forgetting twice is fine");
}
