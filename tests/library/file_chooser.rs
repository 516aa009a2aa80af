//! A file chooser everywhere: with no desktop portal the app finds zenity or kdialog, and
//! with neither it asks for paths itself (checking them before anything is imported), so
//! "Import Files…" never does nothing.

use crate::common;

use common::ui::{click, open};
use distillery::desktop::chooser::{Choose, Chooser, ProgramKind, find_chooser};
use distillery::ui::PathPromptAdapter;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Set in the child that looks for a chooser with no session bus and a chosen `PATH`.
const CHILD: &str = "DISTILLERY_TEST_NO_PORTAL";

#[test]
fn without_a_portal_zenity_is_found_and_without_any_chooser_the_app_asks() {
    if let Some(expected) = std::env::var_os(CHILD) {
        let found = find_chooser();
        match expected.to_str().unwrap() {
            "zenity" => assert!(
                matches!(
                    &found,
                    Chooser::Program {
                        kind: ProgramKind::Zenity,
                        ..
                    }
                ),
                "{found:?}"
            ),
            _ => assert_eq!(found, Chooser::BuiltIn),
        }
        return;
    }
    let bin = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let zenity = bin.path().join("zenity");
    std::fs::write(&zenity, "#!/bin/sh\nexit 1\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&zenity, std::fs::Permissions::from_mode(0o755)).unwrap();
    for (path, expected) in [(bin.path(), "zenity"), (empty.path(), "built-in")] {
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "without_a_portal_zenity_is_found_and_without_any_chooser_the_app_asks",
                "--nocapture",
            ])
            .env(CHILD, expected)
            // No session bus: no portal.
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/distillery-test-bus")
            .env("PATH", path)
            .status()
            .unwrap();
        assert!(status.success(), "the child looking for a chooser ({expected}) failed");
    }
}

#[test]
fn the_built_in_prompt_checks_typed_paths_and_hands_them_on() {
    common::init_testing_backend();
    let app = common::ui::demo(2);
    let (_ctx, main) = open(&app);
    let files = tempfile::tempdir().unwrap();
    let photo = files.path().join("photo one.png");
    std::fs::write(&photo, b"not read here").unwrap();
    let chosen: Rc<RefCell<Option<Vec<PathBuf>>>> = Rc::default();
    let ask = |chosen: &Rc<RefCell<Option<Vec<PathBuf>>>>| {
        let answer = chosen.clone();
        main.path_prompt.ask(
            "Import images",
            Choose::Files {
                filter: "Images".into(),
                extensions: vec!["png".into()],
                many: true,
            },
            Box::new(move |paths| *answer.borrow_mut() = Some(paths)),
        );
    };
    let adapter = main.window.global::<PathPromptAdapter>();
    let choose = || {
        let button = ElementHandle::find_by_accessible_label(&main.window, "Choose")
            .next()
            .expect("the prompt's Choose button");
        common::ui::settle(&main);
        click(&main, &button, "Choose");
    };

    ask(&chosen);
    assert!(adapter.get_open(), "the prompt shows");
    let missing = files.path().join("nope.png");
    adapter.set_text(format!("{}\n{}", photo.display(), missing.display()).into());
    choose();
    assert_eq!(
        adapter.get_problem(),
        format!("{} does not exist.", missing.display()).as_str(),
        "a wrong path is named, and nothing is taken"
    );
    assert!(adapter.get_open() && chosen.borrow().is_none());

    adapter.set_text(format!("  {}\n", photo.display()).into());
    choose();
    assert!(!adapter.get_open());
    assert_eq!(chosen.borrow().clone(), Some(vec![photo.clone()]));

    // Cancel gives nothing, and says so to the caller.
    *chosen.borrow_mut() = None;
    ask(&chosen);
    let cancel = ElementHandle::find_by_accessible_label(&main.window, "Cancel")
        .next()
        .expect("the prompt's Cancel button");
    common::ui::settle(&main);
    click(&main, &cancel, "Cancel");
    assert!(!adapter.get_open());
    assert_eq!(chosen.borrow().clone(), Some(Vec::new()));
}
