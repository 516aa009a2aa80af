//! `distillery label`: colour labels from scripts, all or nothing, shown by `list --json`,
//! kept in exports' XMP, and a usage error for text that is not a label.

use crate::common;

use common::TempApp;
use common::processes::distillery;

fn run(app: &TempApp, args: &[&str]) -> std::process::Output {
    distillery(app, args, &[]).output().unwrap()
}

fn labels(app: &TempApp) -> Vec<(String, Option<String>)> {
    let output = run(app, &["list", "--json"]);
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                row["id"].as_str().unwrap().to_owned(),
                row["label"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn labels_are_given_and_taken_all_or_nothing() {
    let app = common::ui::demo(6);
    let ids: Vec<String> = labels(&app).into_iter().map(|(id, _)| id).collect();
    let given = run(&app, &["label", &ids[0], &ids[1], "  Red "]);
    assert!(given.status.success(), "{}", String::from_utf8_lossy(&given.stderr));
    assert!(String::from_utf8_lossy(&given.stderr).contains("labelled 2 images “Red”"));
    let now = labels(&app);
    assert_eq!(now.iter().filter(|(_, l)| l.as_deref() == Some("Red")).count(), 2);

    // An id that is not in the library changes nothing.
    let refused = run(&app, &["label", &ids[2], "01NOTANID", "Blue"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("nothing was changed"));
    assert_eq!(labels(&app), now);

    // Text that is not a label is a usage error.
    let bad = run(&app, &["label", &ids[2], " "]);
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stderr));

    // An export with XMP carries the label.
    let out = tempfile::tempdir().unwrap();
    let exported = run(
        &app,
        &[
            "export",
            "--out",
            out.path().to_str().unwrap(),
            "--format",
            "png",
            "--metadata",
            "xmp",
            "--id",
            &ids[0],
        ],
    );
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let file = std::fs::read_dir(out.path()).unwrap().next().unwrap().unwrap().path();
    let bytes = std::fs::read(&file).unwrap();
    let packet = distillery::xmp::extract(&bytes).expect("the copy carries XMP");
    assert_eq!(distillery::xmp::parse(&packet).unwrap().label.as_deref(), Some("Red"));

    let cleared = run(&app, &["label", &ids[0], "none"]);
    assert!(cleared.status.success());
    assert_eq!(labels(&app).iter().filter(|(_, l)| l.is_some()).count(), 1);
}
