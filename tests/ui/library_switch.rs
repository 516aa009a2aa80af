//! Switching libraries (real SQLite files and folders in a temp dir): a new folder starts an
//! empty catalogue of its own, going back finds the first library's items and ratings as
//! they were, a moved library keeps its catalogue, the engine and window settings go with the
//! switch, and the next start opens the library chosen last. In the window: the folder
//! picked in Settings is described and switched to only after a confirmation.

use crate::common;

use common::ui::{demo, open, press, settle};
use distillery::app::AppContext;
use distillery::db::media;
use distillery::settings::{self, EngineOptions};
use distillery::ui::SettingsAdapter;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

fn count(ctx: &AppContext) -> i64 {
    ctx.db.call_blocking(media::count_all).unwrap()
}

#[test]
fn each_library_keeps_its_own_catalogue_and_the_settings_go_along() {
    let app = demo(5);
    let first = AppContext::open(&app.options()).unwrap();
    assert_eq!(count(&first), 5);
    let options = EngineOptions {
        offload_to_cpu: false,
        flash_attn: true,
        threads: 3,
    };
    first
        .db
        .call_blocking(move |c| settings::set_engine_options(c, &options))
        .unwrap();
    let a_rating = first
        .db
        .call_blocking(|c| {
            use distillery::db::media_query::{MediaFilter, MediaSort, page};
            let id = page(c, &MediaFilter::default(), MediaSort::NewestFirst, None, 1)?[0]
                .id
                .clone();
            media::set_rating(
                c,
                std::slice::from_ref(&id),
                distillery::db::types::Rating::new(4).unwrap(),
            )?;
            Ok(id)
        })
        .unwrap();

    // A new, empty folder: a new library with an empty catalogue, the settings carried.
    let second_root = app.dir.path().join("second");
    let second = first.switch_library(&second_root).unwrap();
    assert_eq!(count(&second), 0, "a new library starts empty");
    assert_ne!(second.db.path(), first.db.path());
    assert!(second_root.join(".distillery-library").is_file());
    assert_eq!(second.db.call_blocking(settings::engine_options).unwrap(), options);
    assert_eq!(
        first.library.path(),
        app.library_dir(),
        "the first library's folder is untouched"
    );
    assert!(app.library_dir().join("originals").is_dir());

    // The next start (no --library) opens the library chosen last.
    let plain = distillery::cli::GlobalOptions {
        data_dir: Some(app.data_dir()),
        ..Default::default()
    };
    let reopened = AppContext::open(&plain).unwrap();
    assert_eq!(reopened.library.path(), second_root);
    assert_eq!(count(&reopened), 0);

    // Back to the first: its items and ratings as they were.
    let back = reopened.switch_library(&app.library_dir()).unwrap();
    assert_eq!(count(&back), 5);
    assert_eq!(back.db.path(), first.db.path(), "the data folder's own catalogue");
    let rating = back
        .db
        .call_blocking(move |c| media::get(c, &a_rating))
        .unwrap()
        .unwrap()
        .rating;
    assert_eq!(rating.stars(), 4);
    drop((first, second, reopened, back));

    // A moved library is recognised by its marker and keeps its catalogue.
    let moved = app.dir.path().join("moved-library");
    std::fs::rename(app.library_dir(), &moved).unwrap();
    let mut options = app.options();
    options.library = Some(moved.clone());
    let after_move = AppContext::open(&options).unwrap();
    assert_eq!(count(&after_move), 5);
}

fn picker(answer: PathBuf) -> distillery::ui::settings_dialog::PickPath {
    Rc::new(move |_, chosen| chosen(Some(answer.clone())))
}

#[test]
fn a_folder_chosen_in_settings_is_described_and_switched_to_after_a_confirmation() {
    common::init_testing_backend();
    let app = demo(2);
    let (_ctx, main) = open(&app);
    let chosen = Rc::new(RefCell::new(Vec::<PathBuf>::new()));
    let into = chosen.clone();
    main.settings
        .set_on_library_chosen(Rc::new(move |folder| into.borrow_mut().push(folder)));
    let adapter = main.window.global::<SettingsAdapter>();
    let choose = |main: &distillery::ui::MainWindow, folder: PathBuf| {
        main.settings.set_picker(picker(folder));
        adapter.invoke_open_requested();
        settle(main);
        common::ui::scroll_to_end(main);
        press(main, "Choose the library folder", "the library can be changed");
        settle(main);
    };

    // A file cannot be a library; the open library is already open.
    let file = app.dir.path().join("notes.txt");
    std::fs::write(&file, b"x").unwrap();
    choose(&main, file);
    assert_eq!(
        adapter.get_library_problem(),
        format!(
            "{} cannot be a library: it is a file, not a folder",
            distillery::format::display_path(&app.dir.path().join("notes.txt"))
        )
    );
    assert!(!adapter.get_library_confirming());
    choose(&main, app.library_dir());
    assert!(adapter.get_library_problem().ends_with("is the library already open"));

    // A folder with other files: asked first, and Cancel changes nothing.
    let photos = app.dir.path().join("photos");
    std::fs::create_dir(&photos).unwrap();
    std::fs::write(photos.join("holiday.jpg"), b"x").unwrap();
    choose(&main, photos.clone());
    assert!(adapter.get_library_confirming());
    assert!(adapter.get_library_question().starts_with("Start a new library in "));
    assert!(
        adapter
            .get_library_explanation()
            .starts_with("The folder already holds 1 other item. Distillery adds its own folders")
    );
    settle(&main);
    // Escape declines the question (it has the keyboard while it is open).
    common::ui::key(&main, slint::platform::Key::Escape);
    settle(&main);
    assert!(!adapter.get_library_confirming());
    assert!(chosen.borrow().is_empty());
    assert!(adapter.get_open(), "back in the dialog");

    // Confirmed: the dialog closes and the app is told to switch.
    press(&main, "Choose the library folder", "the library can be changed");
    settle(&main);
    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Switch Library")
            .next()
            .is_some()
    );
    press(&main, "Switch Library", "the question can be accepted");
    settle(&main);
    assert_eq!(*chosen.borrow(), vec![photos.clone()]);
    assert!(!adapter.get_open());
    assert!(
        photos.join("holiday.jpg").is_file(),
        "nothing in the folder was touched"
    );
}
