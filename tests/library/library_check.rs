//! `distillery check [--repair]` on a real library: healthy, it passes (exit 0); damaged in
//! every way the check knows, it is reported kind by kind and file by file (exit 1) without
//! a change; --repair fixes what can be fixed and deletes nothing.

use crate::common;

use common::ui::demo;
use common::{TempApp, distillery_bin};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn check(app: &TempApp) -> Output {
    run(app, &["check"])
}

fn run(app: &TempApp, args: &[&str]) -> Output {
    Command::new(distillery_bin())
        .args(app.args())
        .args(args)
        .output()
        .unwrap()
}

/// Every file under `root` with its size and content hash: what must not change.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(
                    path.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

fn row(stdout: &str, what: &str) -> usize {
    stdout
        .lines()
        .find(|l| l.contains(what))
        .and_then(|l| l.trim_end_matches('|').rsplit('|').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no row for {what} in {stdout}"))
}

#[test]
fn a_damaged_library_is_reported_without_changes_and_repaired_without_deleting() {
    let app = demo(12);
    let healthy = check(&app);
    let stdout = String::from_utf8_lossy(&healthy.stdout).into_owned();
    assert_eq!(
        healthy.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&healthy.stderr)
    );
    assert!(stdout.contains("(12 items)"), "{stdout}");

    // Damage it in every way the check knows.
    let root = app.library_dir();
    let originals = snapshot(&root.join("originals"));
    let (lost, _) = originals.iter().next().unwrap();
    let lost = format!("originals/{lost}");
    let lost_bytes = std::fs::read(root.join(&lost)).unwrap();
    std::fs::remove_file(root.join(&lost)).unwrap();
    std::fs::create_dir_all(root.join("originals/2020/01")).unwrap();
    image::RgbImage::from_pixel(40, 30, image::Rgb([200, 40, 90]))
        .save(root.join("originals/2020/01/stray.png"))
        .unwrap();
    let thumbnails: Vec<String> = snapshot(&root.join("thumbnails")).into_keys().collect();
    std::fs::remove_file(root.join("thumbnails").join(&thumbnails[0])).unwrap();
    let damaged = root.join("thumbnails").join(&thumbnails[1]);
    let bytes = std::fs::read(&damaged).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::create_dir_all(root.join("ref_cache")).unwrap();
    std::fs::write(root.join("ref_cache/0123abcd.png"), b"unused").unwrap();
    let before = snapshot(&root);

    let found = check(&app);
    let stdout = String::from_utf8_lossy(&found.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&found.stderr).into_owned();
    assert_eq!(found.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(row(&stdout, "original file is missing"), 1);
    assert_eq!(row(&stdout, "files in originals/"), 1);
    assert_eq!(row(&stdout, "thumbnail is missing"), 1);
    assert_eq!(row(&stdout, "thumbnails that cannot be read"), 1);
    assert_eq!(row(&stdout, "prepared references"), 1);
    for named in [
        format!("missing original: {lost}"),
        "file with no item: originals/2020/01/stray.png".to_owned(),
        format!("missing thumbnail: thumbnails/{}", thumbnails[0]),
        format!("unreadable thumbnail: thumbnails/{}", thumbnails[1]),
        "unused prepared reference: ref_cache/0123abcd.png".to_owned(),
    ] {
        assert!(stderr.contains(&named), "{named} in {stderr}");
    }
    assert!(stderr.contains("the library has 5 problems"), "{stderr}");
    assert_eq!(snapshot(&root), before, "checking changes nothing");

    // Repair: thumbnails made again, the stray file imported and set aside, the unused
    // reference set aside; the lost original cannot come back and stays reported.
    let repaired = run(&app, &["check", "--repair"]);
    let stdout = String::from_utf8_lossy(&repaired.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&repaired.stderr).into_owned();
    assert_eq!(repaired.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "repaired: 2 thumbnails made, 1 files imported, 2 files moved to lost+found/, 1 items marked missing"
        ),
        "{stderr}"
    );
    assert_eq!(row(&stdout, "original file is missing"), 1);
    for what in [
        "files in originals/",
        "thumbnail is missing",
        "thumbnails that cannot be read",
        "prepared references",
    ] {
        assert_eq!(row(&stdout, what), 0, "{what} after repair: {stdout}");
    }
    assert!(stdout.contains("(13 items)"), "the stray file became an item: {stdout}");
    // Nothing was deleted: every file is where it was or under lost+found/ (thumbnails,
    // which are made from the originals, may have been made again).
    let after = snapshot(&root);
    for file in before.keys() {
        assert!(
            after.contains_key(file) || after.contains_key(&format!("lost+found/{file}")),
            "{file} is kept"
        );
    }

    // The lost original is marked: the grid shows it as missing, the loupe says where it
    // belongs.
    assert_eq!(marked_missing(&app), 1);
    {
        common::init_testing_backend();
        let (_ctx, main) = common::ui::open(&app);
        // The oldest images are at the end of the grid (the testing backend finds only
        // what is scrolled into view).
        common::ui::scroll_to_end(&main);
        let marked = cards_marked_missing(&main);
        assert_eq!(marked.len(), 1, "one card is marked: {marked:?}");
        let index: i32 = marked[0].trim_start_matches("Image ").parse::<i32>().unwrap() - 1;
        use slint::ComponentHandle;
        main.window
            .global::<distillery::ui::LibraryAdapter>()
            .invoke_cell_pressed(index, false, false);
        main.loupe.open();
        common::ui::settle(&main);
        let error = main.window.global::<distillery::ui::LoupeAdapter>().get_error();
        assert!(
            error.contains("is missing (it belongs at originals/"),
            "the loupe explains: {error}"
        );
    }

    // The file is put back: the check reports the mark as out of date, Settings offers the
    // repair, which removes the mark, and the library is whole.
    std::fs::write(root.join(&lost), lost_bytes).unwrap();
    let stale = run(&app, &["check"]);
    assert_eq!(stale.status.code(), Some(1));
    let table = String::from_utf8_lossy(&stale.stdout);
    assert!(
        table.contains("| items marked missing whose file is back | 1 |"),
        "{table}"
    );
    assert!(
        String::from_utf8_lossy(&stale.stderr).contains(&format!("file back, still marked missing: {lost}")),
        "the file is named"
    );
    {
        let (_ctx, main) = common::ui::open(&app);
        let (found, repairable) = check_in_settings(&main);
        assert_eq!(found, "Items marked missing whose file is back: 1.");
        assert!(repairable, "the repair is offered");
        let (result, repairable) = repair_in_settings(&main);
        assert!(
            result.contains("0 marked missing.") && result.ends_with("items are whole."),
            "{result}"
        );
        assert!(!repairable);
    }
    assert_eq!(marked_missing(&app), 0);
    let whole = run(&app, &["check"]);
    assert_eq!(
        whole.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    assert_eq!(marked_missing(&app), 0);
}

fn marked_missing(app: &TempApp) -> i64 {
    // SQLite's process-wide mode is set before anything here uses SQLite (rusqlite would
    // initialise it first, while another test's first connection may be setting it).
    distillery::db::connection::multi_thread_mode();
    rusqlite::Connection::open(app.db_path())
        .unwrap()
        .query_row("SELECT count(*) FROM missing_originals", [], |row| row.get(0))
        .unwrap()
}

/// The accessible labels of grid cards marked as missing their original.
fn cards_marked_missing(main: &distillery::ui::MainWindow) -> Vec<String> {
    use i_slint_backend_testing::ElementRoot;
    main.window
        .root_element()
        .query_descendants()
        .match_predicate(|e| {
            e.accessible_description()
                .is_some_and(|d| d.contains("original file missing"))
        })
        .find_all()
        .into_iter()
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .collect()
}

#[test]
fn settings_check_library_finds_and_repairs_a_missing_thumbnail() {
    common::init_testing_backend();
    let app = demo(6);
    let thumbnails: Vec<String> = snapshot(&app.library_dir().join("thumbnails")).into_keys().collect();
    let lost = app.library_dir().join("thumbnails").join(&thumbnails[0]);
    std::fs::remove_file(&lost).unwrap();
    let (_ctx, main) = common::ui::open(&app);
    let (found, repairable) = check_in_settings(&main);
    assert_eq!(found, "Items whose thumbnail is missing: 1.");
    assert!(repairable);
    let (result, repairable) = repair_in_settings(&main);
    assert_eq!(
        result,
        "Repaired: 1 thumbnails made, 0 files imported, 0 set aside in lost+found, 0 marked missing. All 6 items are whole."
    );
    assert!(lost.is_file(), "the thumbnail was made again");
    assert!(!repairable);
}

/// Settings → Check Library: the result line and whether a repair is offered.
fn check_in_settings(main: &distillery::ui::MainWindow) -> (String, bool) {
    use distillery::ui::SettingsAdapter;
    use slint::ComponentHandle;
    let adapter = main.window.global::<SettingsAdapter>();
    adapter.invoke_open_requested();
    common::ui::settle(main);
    common::ui::scroll_to_end(main);
    common::ui::press(main, "Check Library", "Settings can check the library");
    common::ui::settle(main);
    (
        adapter.get_library_check_result().to_string(),
        adapter.get_library_repairable(),
    )
}

/// Settings → Repair after a check: the result line and whether a repair is still offered.
fn repair_in_settings(main: &distillery::ui::MainWindow) -> (String, bool) {
    use distillery::ui::SettingsAdapter;
    use slint::ComponentHandle;
    common::ui::press(main, "Repair", "a repair is offered");
    common::ui::settle(main);
    let adapter = main.window.global::<SettingsAdapter>();
    (
        adapter.get_library_check_result().to_string(),
        adapter.get_library_repairable(),
    )
}
