//! The Export dialog, worked like a user in the testing backend: Ctrl+Shift+E opens it on
//! the selection; the destination, format and metadata are chosen; Export writes the
//! copies (and the status bar says so, with "Show in Folder"); a second export of the whole
//! view never overwrites; a bad name template turns Export off; a destination inside the
//! library is refused in the dialog; a collection's "Export…" exports its images.

use crate::common;

use common::TempApp;
use common::processes::distillery;
use common::ui::{chord, click, demo, open, press, settle};
use distillery::ui::{ExportAdapter, LibraryAdapter, MainWindow, OrganiseAdapter};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};
use std::path::Path;

fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn select_first(main: &MainWindow, n: usize) {
    let cell = |i: usize| {
        ElementHandle::find_by_accessible_label(&main.window, &format!("Image {i}"))
            .next()
            .unwrap()
    };
    click(main, &cell(1), "the first image");
    let window = main.window.window();
    window.dispatch_event(WindowEvent::KeyPressed {
        text: Key::Shift.into(),
    });
    click(main, &cell(n), "the last image");
    window.dispatch_event(WindowEvent::KeyReleased {
        text: Key::Shift.into(),
    });
    settle(main);
}

fn collection(app: &TempApp, args: &[&str]) {
    let mut all = vec!["collection"];
    all.extend_from_slice(args);
    let output = distillery(app, &all, &[]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_export_dialog_exports_the_selection_the_view_and_a_collection() {
    common::init_testing_backend();
    let app = demo(12);
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("picks");
    let (ctx, main) = open(&app);
    let export = main.window.global::<ExportAdapter>();

    select_first(&main, 3);
    chord(&main, &[Key::Control, Key::Shift], "E");
    assert!(export.get_open(), "Ctrl+Shift+E opens the dialog");
    assert_eq!(export.get_scope(), 0, "the selection first");
    assert_eq!(export.get_selection_text(), "The selection (3 images)");
    assert_eq!(export.get_view_text(), "This view (12 images)");
    export.set_folder(folder.display().to_string().into());
    export.set_metadata(2);
    press(&main, "Start the export", "the Export button");
    settle(&main);
    assert!(!export.get_open(), "the dialog closes");
    assert!(!export.get_running(), "on demand, the export has finished");
    let written = files_in(&folder);
    assert_eq!(written.len(), 3, "{written:?}");
    assert!(
        written.iter().all(|name| name.ends_with(".jpg")),
        "JPEG by default: {written:?}"
    );
    assert!(
        export.get_summary().starts_with("3 exported to "),
        "{}",
        export.get_summary()
    );
    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Show the exported files in the file manager")
            .next()
            .is_some(),
        "the summary offers Show in Folder"
    );
    // Stripped: no prompt in the copies.
    for name in &written {
        let bytes = std::fs::read(folder.join(name)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("xmpmeta"),
            "{name} carries no XMP"
        );
    }

    // The whole view, as PNG: twelve more files, none overwritten.
    chord(&main, &[Key::Control, Key::Shift], "E");
    press(&main, "This view (12 images)", "the view choice");
    export.set_format(0);
    export.invoke_template_edited();
    settle(&main);
    assert!(
        export.get_name_example().ends_with(".png"),
        "{}",
        export.get_name_example()
    );
    press(&main, "Start the export", "the Export button");
    settle(&main);
    assert_eq!(files_in(&folder).len(), 15, "nothing was overwritten");
    assert_eq!(files_in(&folder).iter().filter(|n| n.ends_with(".png")).count(), 12);

    // A template that cannot name files turns Export off and says why.
    chord(&main, &[Key::Control, Key::Shift], "E");
    export.set_name_template("{dat}".into());
    export.invoke_template_edited();
    settle(&main);
    assert!(!export.get_name_ok());
    assert!(
        export.get_name_example().contains("not a name field"),
        "{}",
        export.get_name_example()
    );
    export.set_name_template("{name}".into());
    export.invoke_template_edited();

    // A destination inside the library is refused in the dialog, which stays open.
    export.set_folder(app.library_dir().join("exports").display().to_string().into());
    press(&main, "Start the export", "the Export button");
    settle(&main);
    assert!(export.get_open(), "the dialog is still open");
    assert!(
        export.get_problem().contains("inside the library"),
        "{}",
        export.get_problem()
    );
    press(&main, "Cancel", "the dialog's Cancel");
    settle(&main);
    assert!(!export.get_open());

    // A collection's "Export…" exports its images.
    let ids: Vec<String> = {
        let output = distillery(&app, &["list", "--limit", "2"], &[]).output().unwrap();
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect()
    };
    collection(&app, &["create", "Client"]);
    collection(&app, &["add", "Client", &ids[0], &ids[1]]);
    let organise = main.window.global::<OrganiseAdapter>();
    main.organise.reload();
    settle(&main);
    organise.invoke_export_requested(0);
    settle(&main);
    assert!(export.get_open());
    assert_eq!(export.get_view_text(), "“Client” (2 images)");
    assert_eq!(export.get_scope(), 1);
    let client = out.path().join("client");
    export.set_folder(client.display().to_string().into());
    press(&main, "Start the export", "the Export button");
    settle(&main);
    assert_eq!(files_in(&client).len(), 2);
    drop(main);
    ctx.close();

    // The last export's choices are offered again after a restart.
    let (ctx, main) = open(&app);
    let export = main.window.global::<ExportAdapter>();
    assert_eq!(export.get_folder(), client.display().to_string().as_str());
    assert_eq!((export.get_format(), export.get_metadata()), (0, 2), "PNG, nothing");
    assert_eq!(export.get_name_template(), "{name}");
    let _ = main.window.global::<LibraryAdapter>();
    drop(main);
    ctx.close();
}
