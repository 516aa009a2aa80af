//! A private D-Bus session bus for tests that talk to desktop services (the keyring, the
//! notification server) without touching the user's own.

use super::xvfb::KillOnDrop;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// A session bus of its own at `run/bus`; returns the server and its address. It starts no
/// services on demand: the system's session configuration would start a second, locked
/// gnome-keyring the moment the test asked before its own had claimed the name.
pub fn start_session_bus(run: &Path) -> (KillOnDrop, String) {
    let config = run.join("bus.conf");
    std::fs::write(
        &config,
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=BUS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#
        .replace("BUS", &run.join("bus").display().to_string()),
    )
    .unwrap();
    let mut daemon = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon starts");
    let mut address = String::new();
    BufReader::new(daemon.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    (KillOnDrop(daemon), address.trim().to_owned())
}
