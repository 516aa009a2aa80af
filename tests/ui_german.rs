//! The window in German, as a user with a German locale sees it: the grid, the loupe,
//! Settings (scrolled through to its end), the Export dialog, Compare and an import with a
//! broken file carry no English word, the counts, summaries and reasons Rust puts together
//! included; numbers are grouped the German way; the notification a finished import sends
//! is German too. Only the user's own content (prompts, file names, paths) and names
//! (FLUX.2 Klein, VAE) stay as they are. Its own test binary: the language is the process's.

mod common;

use common::ui::{demo, open, settle};
use distillery::ui::MainWindow;
use i_slint_backend_testing::{ElementHandle, ElementQuery};
use slint::ComponentHandle;
use slint::platform::Key;

/// Words of the window's English that German never uses (loanwords German keeps, such as
/// Engine, Prompt, Import and Export, are left out).
const ENGLISH: &[&str] = &[
    "the",
    "image",
    "images",
    "this",
    "of",
    "and",
    "to",
    "on",
    "with",
    "from",
    "selected",
    "rating",
    "file",
    "files",
    "settings",
    "library",
    "search",
    "queue",
    "keyword",
    "keywords",
    "collection",
    "collections",
    "cancel",
    "save",
    "not",
    "started",
    "your",
    "any",
    "date",
    "newest",
    "oldest",
    "model",
    "add",
    "remove",
    "show",
    "close",
    "choose",
    "none",
    "when",
    "drop",
    "click",
    "describe",
    "write",
    "first",
    "generate",
    "reference",
    "references",
    "is",
    "ctrl",
    "shift",
    "delete",
    "backspace",
    "could",
    "cannot",
    "failed",
    "imported",
    "exported",
    "already",
    "skipped",
    "made",
    "moved",
    "readable",
    "damaged",
    "finished",
];

/// Every label and text on screen, with the English words in it.
fn english_on_screen(main: &MainWindow, own_content: &[String]) -> Vec<(String, Vec<String>)> {
    let window = main
        .window
        .window()
        .size()
        .to_logical(main.window.window().scale_factor());
    ElementQuery::from_root(&main.window)
        .match_descendants()
        .find_all()
        .into_iter()
        .filter(|element: &ElementHandle| {
            let (at, size) = (element.absolute_position(), element.size());
            let (x, y) = (at.x + size.width / 2.0, at.y + size.height / 2.0);
            size.width > 0.0
                && size.height > 0.0
                && (0.0..window.width).contains(&x)
                && (0.0..window.height).contains(&y)
        })
        .filter_map(|element| {
            let text = [element.accessible_label(), element.accessible_description()]
                .into_iter()
                .flatten()
                .map(|text| text.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let mut text = text;
            for content in own_content {
                text = text.replace(content.as_str(), " ");
            }
            // Options, variables, paths, file names and name fields are no words to translate.
            let found: Vec<String> = text
                .split_whitespace()
                .filter(|token| !token.starts_with('-') && !token.contains(['_', '/', '.', '{']))
                .flat_map(|token| token.split(|c: char| !c.is_alphabetic()))
                .filter(|word| ENGLISH.contains(&word.to_lowercase().as_str()))
                .map(str::to_owned)
                .collect();
            (!found.is_empty()).then_some((text, found))
        })
        .collect()
}

fn assert_german(main: &MainWindow, view: &str, own_content: &[String]) {
    let english = english_on_screen(main, own_content);
    assert!(english.is_empty(), "{view}: English left on screen: {english:#?}");
}

/// The English words in a text the window or a notification shows.
fn english_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|word| ENGLISH.contains(&word.to_lowercase().as_str()))
        .collect()
}

fn write_png(path: &std::path::Path) {
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([40, (x * 3) as u8, (y * 5) as u8]))
        .save(path)
        .unwrap();
}

#[test]
fn the_main_views_are_german_through_and_through() {
    distillery::i18n::use_language(Some("de"));
    common::init_testing_backend();
    let app = demo(8);
    let (ctx, main) = open(&app);
    slint::select_bundled_translation("de").expect("German is bundled");
    settle(&main);
    // The user's own words: prompts, file names and the library's path stay as they are.
    let mut own: Vec<String> = common::rows_in_view(&ctx.db, Default::default(), Default::default())
        .into_iter()
        .map(|item| item.file_name)
        .collect();
    own.extend(
        ctx.db
            .call_blocking(|c| {
                use diesel::prelude::*;
                use distillery::db::schema::generations;
                Ok(generations::table
                    .select(generations::prompt)
                    .load::<Option<String>>(c)?)
            })
            .unwrap()
            .into_iter()
            .flatten(),
    );
    own.push(app.library_dir().display().to_string());
    own.sort_by_key(|text| std::cmp::Reverse(text.len()));

    assert_german(&main, "the grid", &own);
    // The .slint texts group counts as German does ("Bild 1.204 von 12.000.000").
    let numbers = main.window.global::<distillery::ui::Numbers>();
    assert_eq!(numbers.invoke_grouped(7), "7");
    assert_eq!(numbers.invoke_grouped(1_204), "1.204");
    assert_eq!(numbers.invoke_grouped(12_000_007), "12.000.007");

    main.library.go_to(main.library.item_at(0).unwrap().id);
    main.loupe.open();
    settle(&main);
    assert_german(&main, "the loupe with the info panel", &own);
    common::ui::key(&main, Key::Escape);

    common::ui::press(&main, "Einstellungen (Strg+,)", "the title bar opens the settings");
    settle(&main);
    for _ in 0..12 {
        assert_german(&main, "Settings", &own);
        common::ui::wheel(&main, -150.0);
    }
    common::ui::key(&main, Key::Escape);

    // The cheat sheet's key chips: Slint writes "Ctrl+Shift+E"; German keyboards say
    // "Strg+Umschalt+E".
    common::ui::chord(&main, &[Key::Shift], "?");
    assert!(
        main.window
            .global::<distillery::ui::ShellAdapter>()
            .get_shortcuts_open()
    );
    let chips: Vec<String> = ElementQuery::from_root(&main.window)
        .match_descendants()
        .find_all()
        .into_iter()
        .filter_map(|element| element.accessible_label().map(|label| label.to_string()))
        .filter(|label| label.starts_with("Strg+"))
        .collect();
    assert!(!chips.is_empty(), "the sheet names Ctrl as Strg");
    for _ in 0..8 {
        assert_german(&main, "the shortcut sheet", &own);
        common::ui::wheel(&main, -150.0);
    }
    common::ui::key(&main, Key::Escape);

    common::ui::chord(&main, &[Key::Control, Key::Shift], "E");
    assert!(main.window.global::<distillery::ui::ExportAdapter>().get_open());
    assert_german(&main, "Export", &own);
    common::ui::key(&main, Key::Escape);

    // C compares the current image with the next: "the best so far" and "the candidate".
    common::ui::key(&main, "c");
    assert!(main.window.global::<distillery::ui::CompareAdapter>().get_open());
    assert_german(&main, "Compare", &own);
    common::ui::key(&main, Key::Escape);

    // An import with a broken file: the summary in the status bar and the reason in its
    // details are worded in German (Rust puts both together).
    let files = tempfile::tempdir().unwrap();
    let (good, broken) = (files.path().join("hafen.png"), files.path().join("kaputt.png"));
    write_png(&good);
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let picked = vec![good, broken];
    main.import.set_pickers(
        std::rc::Rc::new(move |give| give(picked.clone())),
        std::rc::Rc::new(|give| give(Vec::new())),
    );
    common::ui::chord(&main, &[Key::Control, Key::Shift], "I");
    settle(&main);
    let adapter = main.window.global::<distillery::ui::ImportAdapter>();
    assert_eq!(adapter.get_summary(), "1 importiert, 1 fehlgeschlagen");
    own.extend([
        "hafen.png".to_owned(),
        "kaputt.png".to_owned(),
        files.path().display().to_string(),
    ]);
    own.sort_by_key(|text| std::cmp::Reverse(text.len()));
    assert_german(&main, "the status bar after an import", &own);
    common::ui::press(&main, "Importdetails anzeigen", "the status bar shows the details");
    settle(&main);
    use slint::Model;
    let details: Vec<String> = adapter.get_details().iter().map(|d| d.to_string()).collect();
    assert_eq!(details.len(), 1, "{details:?}");
    assert!(details[0].contains("kaputt.png"), "{details:?}");
    assert!(
        english_words(&details[0].replace(&files.path().display().to_string(), "")).is_empty(),
        "{details:?}"
    );
    assert_german(&main, "the import's details", &own);
}

/// What Rust words outside the window's views: counts, sizes and times the German way, and
/// the notifications of finished work.
#[test]
fn numbers_summaries_and_notifications_are_german() {
    use distillery::services::finished_work::FinishedWork;
    distillery::i18n::use_language(Some("de"));
    assert_eq!(distillery::format::grouped(1_204), "1.204");
    assert_eq!(distillery::format::file_size(1_432_000), "1,4 MB");
    assert_eq!(distillery::format::duration_ms(3_240), "3,2 s");
    assert_eq!(distillery::format::images_translated(1_204), "1.204 Bilder");

    let mut report = distillery::import::ImportReport::default();
    for n in 0..1_204 {
        report
            .imported
            .push((format!("/p/{n}.png").into(), distillery::db::types::MediaId::new()));
    }
    report.failed.push(("/p/x.png".into(), "kaputt".into()));
    let told = FinishedWork::import(&report).expect("an import with images is told");
    assert_eq!(told.body, "1.204 importiert, 1 fehlgeschlagen.");
    for text in [&told.title, &told.body] {
        assert!(english_words(text).is_empty(), "{text}");
    }
    let failed_check = FinishedWork::check(Err("die Datenbank ist gesperrt".into()));
    for text in [&failed_check.title, &failed_check.body] {
        assert!(english_words(text).is_empty(), "{text}");
    }
    let status = distillery::engine::EngineStatus::Loading.label();
    assert!(english_words(&status).is_empty(), "{status}");
}
