//! The window in German, as a user with a German locale sees it: the grid, the loupe,
//! Settings (scrolled through to its end), the Export dialog and Compare carry no English
//! word, the counts and names Rust puts together included; only the user's own content
//! (prompts, file names, paths) and names (FLUX.2 Klein, VAE) stay as they are. Its own
//! test binary: the language is the process's.

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

    common::ui::chord(&main, &[Key::Control, Key::Shift], "E");
    assert!(main.window.global::<distillery::ui::ExportAdapter>().get_open());
    assert_german(&main, "Export", &own);
    common::ui::key(&main, Key::Escape);

    // C compares the current image with the next: "the best so far" and "the candidate".
    common::ui::key(&main, "c");
    assert!(main.window.global::<distillery::ui::CompareAdapter>().get_open());
    assert_german(&main, "Compare", &own);
}
