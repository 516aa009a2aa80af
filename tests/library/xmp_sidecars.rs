//! XMP sidecars written beside the originals when the setting is on: the settings dialog's
//! box clicked like a user, then ratings, picks and keywords changed by commands in other
//! processes reach `<original>.xmp` (read back with our reader, as the tools would), nothing
//! is written while the setting is off, and turning it off forgets what was still owed.

use crate::common;

use common::processes::{distillery, stderr};
use common::ui::{click, demo, open, settle};
use distillery::services::sidecars;
use distillery::ui::SettingsAdapter;
use slint::ComponentHandle;
use slint::platform::Key;
use std::path::PathBuf;

const LABEL: &str = "Write XMP sidecars beside the originals";

#[test]
fn the_setting_is_clicked_on_and_changes_from_other_processes_reach_the_sidecars() {
    common::init_testing_backend();
    let app = demo(6);
    let listed = distillery(&app, &["list", "--json", "--origin", "generated"], &[])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let (id, original) = (
        rows[0]["id"].as_str().unwrap().to_owned(),
        PathBuf::from(rows[0]["path"].as_str().unwrap()),
    );
    let sidecar = PathBuf::from(format!("{}.xmp", original.display()));
    let run = |args: &[&str]| {
        let output = distillery(&app, args, &[]).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    };

    // Off by default: nothing is written.
    run(&["rate", &id, "2"]);
    assert!(!sidecar.exists(), "no sidecar while the setting is off");

    let (ctx, main) = open(&app);
    common::ui::chord(&main, &[Key::Control], ",");
    let adapter = main.window.global::<SettingsAdapter>();
    assert!(adapter.get_open());
    assert!(!adapter.get_xmp_sidecars());
    // The dialog scrolls; its lower sections exist once scrolled into view, as for a user.
    let checkbox = common::ui::scroll_until_shown(&main, LABEL);
    click(&main, &checkbox, "the sidecar box");
    settle(&main);
    assert!(adapter.get_xmp_sidecars());
    ctx.db.flush_blocking().unwrap();
    assert!(
        ctx.db.call_blocking(sidecars::enabled).unwrap(),
        "saved at once, without Save"
    );

    // Other processes change the image; each command writes the sidecar before it ends.
    run(&["rate", &id, "4"]);
    let read = || distillery::xmp::parse(&std::fs::read(&sidecar).expect("the sidecar exists")).unwrap();
    assert_eq!(read().rating, Some(4));
    run(&["keyword", "add", "Places|Europe|Lisbon", &id]);
    run(&["keyword", "add", "harbour", &id]);
    run(&["mark", &id, "rejected"]);
    run(&["label", &id, "Green"]);
    let fields = read();
    assert_eq!((fields.rating, fields.rejected), (Some(4), Some(true)));
    assert_eq!(fields.label.as_deref(), Some("Green"), "the colour label travels too");
    assert_eq!(
        fields.keywords,
        vec!["Places|Europe|Lisbon".to_owned(), "harbour".to_owned()]
    );
    let text = std::fs::read_to_string(&sidecar).unwrap();
    assert!(
        text.contains("xmp:Rating=\"-1\""),
        "a reject as the other tools read it: {text}"
    );
    run(&["label", &id, "none"]);
    assert_eq!(read().label, None, "a label taken away leaves the sidecar");

    // A sidecar beside its original is not a stray to `check`.
    let checked = distillery(&app, &["check"], &[]).output().unwrap();
    assert!(checked.status.success(), "{}", stderr(&checked));

    // Off again (a click): changes are no longer written.
    click(&main, &checkbox, "the sidecar box");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert!(!ctx.db.call_blocking(sidecars::enabled).unwrap());
    let before = std::fs::read(&sidecar).unwrap();
    run(&["rate", &id, "1"]);
    assert_eq!(std::fs::read(&sidecar).unwrap(), before);
    drop(main);
    ctx.close();
}
