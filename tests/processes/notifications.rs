//! Desktop notifications for real: the window under Xvfb on a private D-Bus session bus,
//! where this test serves `org.freedesktop.Notifications` itself. A script's generate run by
//! the window while it is in the background is told (app, entry, category, words); the
//! server's click selects that image (and asks the window manager, absent here, to raise
//! the window); in front, nothing is told. The window's X11 class is the desktop entry's name.
//! Needs Xvfb, xdotool, xprop and dbus-daemon (`scripts/test` installs them).

use crate::common;

use common::TempApp;
use common::processes::{FAST, count_rows, distillery, finish, result_lines, spawn};
use common::session_bus::start_session_bus;
use common::xvfb::{KillOnDrop, require, start_xvfb, xdotool};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::zvariant::OwnedValue;

const PATH: &str = "/org/freedesktop/Notifications";

/// One Notify call as the server received it.
#[derive(Debug, Clone)]
struct Received {
    app_name: String,
    app_icon: String,
    summary: String,
    body: String,
    actions: Vec<String>,
    hints: HashMap<String, OwnedValue>,
}

/// A notification server that keeps what it is sent.
struct Server {
    received: Arc<Mutex<Vec<Received>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut received = self.received.lock().unwrap();
        received.push(Received {
            app_name,
            app_icon,
            summary,
            body,
            actions,
            hints,
        });
        // Ids from 1, as servers number them.
        received.len() as u32
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("test".into(), "distillery tests".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

fn hint(received: &Received, name: &str) -> String {
    let value = received.hints.get(name).unwrap_or_else(|| panic!("no {name} hint"));
    match &**value {
        zbus::zvariant::Value::Str(text) => text.to_string(),
        zbus::zvariant::Value::U8(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

fn wait_for(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A script's generate beside the window; the new image's id.
fn generate(app: &TempApp, prompt: &str) -> String {
    let script = finish(
        spawn(distillery(app, &["generate", "--prompt", prompt], &[])),
        Duration::from_secs(60),
        "a script's generate beside the window",
    );
    assert_eq!(
        script.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&script.stderr)
    );
    result_lines(&script).remove(0).0
}

#[test]
fn work_finished_in_the_background_is_told_and_the_click_shows_it() {
    for tool in ["Xvfb", "xdotool", "xprop", "dbus-daemon"] {
        require(tool);
    }
    let app = TempApp::new();
    let run = tempfile::tempdir().unwrap();
    let (_bus, address) = start_session_bus(run.path());
    let received = Arc::new(Mutex::new(Vec::<Received>::new()));
    let server = zbus::blocking::connection::Builder::address(address.as_str())
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at(
            PATH,
            Server {
                received: received.clone(),
            },
        )
        .unwrap()
        .build()
        .unwrap();

    let (_xvfb, display) = start_xvfb();
    let child = Command::new(common::distillery_bin())
        .args(app.args())
        .args(["--engine", "demo"])
        .envs(FAST.iter().copied())
        .env("DISPLAY", &display)
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("distillery starts");
    let _window_process = KillOnDrop(child);
    let window = xdotool(&display, &["search", "--sync", "--name", "^Distillery$"]);
    let window = window.lines().next().unwrap().to_owned();
    let class = Command::new("xprop")
        .args(["-display", &display, "-id", &window, "WM_CLASS"])
        .output()
        .unwrap();
    // WM_CLASS is (instance, class); docks match the class to the entry's StartupWMClass.
    // (Slint gives winit the app id as the class and leaves the instance empty.)
    let class = String::from_utf8_lossy(&class.stdout).trim().to_owned();
    assert!(
        class.ends_with(r#", "app.distillery.Distillery""#),
        "the class docks match to app.distillery.Distillery.desktop: {class}"
    );

    // Xvfb has no window manager: nothing gives the new window the focus, so it is in the
    // background as far as the window system says.
    let first = generate(&app, "a lighthouse at dusk");
    let second = generate(&app, "a harbour at noon");
    let count = || received.lock().unwrap().len();
    wait_for("two notifications", Duration::from_secs(20), || count() == 2);
    let told = received.lock().unwrap()[0].clone();
    assert_eq!(told.app_name, "Distillery");
    assert_eq!(told.app_icon, "distillery");
    assert_eq!(
        (told.summary.as_str(), told.body.as_str()),
        ("Generation finished", "1 image made.")
    );
    assert_eq!(told.actions, ["default", "Show"]);
    assert_eq!(hint(&told, "desktop-entry"), "app.distillery.Distillery");
    assert_eq!(hint(&told, "category"), "transfer.complete");
    assert_eq!(hint(&told, "urgency"), "1");

    // The grid's newest image is the second; a click on the first notification selects the
    // first and brings the window to the front.
    let current_is = |id: &str| {
        count_rows(
            &app.db_path(),
            &format!("SELECT count(*) FROM app_settings WHERE key = 'ui.current_item' AND value = '\"{id}\"'"),
        ) == 1
    };
    assert!(!current_is(&first));
    server
        .emit_signal(
            None::<()>,
            PATH,
            "org.freedesktop.Notifications",
            "ActionInvoked",
            &(1u32, "default"),
        )
        .unwrap();
    wait_for(
        "the clicked notification's image selected",
        Duration::from_secs(20),
        || current_is(&first),
    );

    // In front (the user clicks into it: without a window manager, the window's own request
    // to be raised goes unanswered): a finished batch is left to the window's status bar.
    xdotool(&display, &["windowfocus", "--sync", &window]);
    let third = generate(&app, "a field of poppies");
    assert_ne!(third, second);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(count(), 2, "nothing is told while the window has the focus");
}
