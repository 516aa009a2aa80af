//! Desktop notifications from the window, in Slint's testing backend with a stand-in desktop
//! (the D-Bus side runs for real in processes::notifications): finished work is told only
//! while the window is in the background and the setting allows, and a click on the
//! notification selects the work's image in the grid.

use crate::common;

use common::ui::{demo, open, press, settle};
use distillery::desktop::notifications::Note;
use distillery::ui::notifier::{self, Desktop};
use distillery::ui::{MainWindow, SettingsAdapter};
use slint::ComponentHandle;
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;

/// The stand-in desktop: whether the window is in the background, and what was sent.
struct Stand {
    background: Rc<Cell<bool>>,
    sent: Rc<RefCell<Vec<Note>>>,
}

fn connect(main: &MainWindow, ctx: &distillery::app::AppContext) -> Stand {
    let stand = Stand {
        background: Rc::new(Cell::new(true)),
        sent: Rc::default(),
    };
    let (background, sent) = (stand.background.clone(), stand.sent.clone());
    let desktop = Desktop {
        in_background: Rc::new(move |_| background.get()),
        send: Rc::new(move |note| sent.borrow_mut().push(note)),
    };
    notifier::connect(&main.window, &main.events, &main.library, ctx.catalog(), desktop);
    stand
}

fn import(main: &MainWindow, dir: &std::path::Path, name: &str, shade: u8) -> PathBuf {
    let path = dir.join(name);
    image::RgbImage::from_pixel(40, 30, image::Rgb([shade, 90, 20]))
        .save(&path)
        .unwrap();
    main.import.start(vec![path.clone()]);
    settle(main);
    path
}

#[test]
fn finished_work_is_told_in_the_background_and_a_click_shows_it_in_the_grid() {
    common::init_testing_backend();
    let app = demo(6);
    let (ctx, main) = open(&app);
    let stand = connect(&main, &ctx);
    let files = tempfile::tempdir().unwrap();

    // In front: the status bar says it, the desktop is not bothered.
    stand.background.set(false);
    import(&main, files.path(), "in-front.png", 10);
    assert!(stand.sent.borrow().is_empty());

    // In the background: one notification naming what came in.
    stand.background.set(true);
    import(&main, files.path(), "behind.png", 200);
    let note = stand.sent.borrow().last().cloned().expect("a notification");
    assert_eq!(stand.sent.borrow().len(), 1);
    assert_eq!(
        (note.title.as_str(), note.body.as_str()),
        ("Import finished", "1 imported.")
    );
    assert!(note.clickable && !note.failed);

    // The user wanders to another image; the click on the notification comes back to it.
    main.library.go_to(main.library.item_at(5).unwrap().id);
    settle(&main);
    assert_eq!(main.library.current_position(), Some(5));
    notifier::clicked(note.token);
    settle(&main);
    let current = main.library.item_at(main.library.current_position().unwrap()).unwrap();
    let row = ctx
        .db
        .call_blocking(move |c| distillery::db::media::get(c, &current.id))
        .unwrap()
        .unwrap();
    assert_eq!(row.file_name, "behind.png", "the click selects the imported image");
    // A second click on the same notification does nothing more.
    notifier::clicked(note.token);

    // A failed import says so.
    let broken = files.path().join("broken.png");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    main.import.start(vec![broken]);
    settle(&main);
    let note = stand.sent.borrow().last().cloned().unwrap();
    assert_eq!(
        (note.title.as_str(), note.body.as_str()),
        ("Import failed", "0 imported, 1 failed.")
    );
    assert!(note.failed);
}

#[test]
fn the_setting_is_a_check_box_in_settings_and_is_remembered() {
    common::init_testing_backend();
    let app = demo(2);
    let (ctx, main) = open(&app);
    let stand = connect(&main, &ctx);
    let adapter = main.window.global::<SettingsAdapter>();
    assert!(adapter.get_notify_in_background(), "on until turned off");

    press(&main, "Settings (Ctrl+,)", "the title bar opens the settings");
    settle(&main);
    let label = "Notify when work finishes in the background";
    let check_box = common::ui::scroll_until_shown(&main, label);
    common::ui::click(&main, &check_box, "the check box turns notifications off");
    settle(&main);
    assert!(!adapter.get_notify_in_background());

    let files = tempfile::tempdir().unwrap();
    import(&main, files.path(), "quiet.png", 70);
    assert!(stand.sent.borrow().is_empty(), "turned off: nothing is sent");

    // Saved: the next window starts with it off.
    drop(main);
    let view = ctx.load_startup_view().unwrap();
    assert!(!view.ui_state.notify_in_background);
    let again = distillery::ui::build_main_window(&ctx.catalog(), &view, distillery::ui::LoadMode::OnDemand).unwrap();
    assert!(!again.window.global::<SettingsAdapter>().get_notify_in_background());
}
