//! The info panel follows the grid's current image: file details, generation parameters,
//! stars and status toggles that reach the database, and reference thumbnails that lead to
//! their source, or say it was deleted while still showing it.

use crate::common;

use common::TempApp;
use common::ui::{demo, open, settle};
use distillery::app::AppContext;
use distillery::db::generation_inputs::{self, NewGenerationInput};
use distillery::db::media_query::{MediaFilter, MediaSort};
use distillery::db::types::{CullStatus, Rating};
use distillery::db::{generations, media};
use distillery::library::delete::delete_media;
use distillery::library::trash::TrashPolicy;
use distillery::ui::{CullMark, InfoAdapter, LibraryAdapter, MainWindow};
use slint::{ComponentHandle, Model};

fn open_demo(count: u32) -> (TempApp, AppContext, MainWindow) {
    let app = demo(count);
    let (ctx, main) = open(&app);
    (app, ctx, main)
}

fn newest(ctx: &AppContext) -> Vec<media::Media> {
    common::rows_in_view(&ctx.db, MediaFilter::default(), MediaSort::NewestFirst)
}

#[test]
fn the_panel_shows_the_current_image_and_its_toggles_cull_the_selection() {
    common::init_testing_backend();
    let (_app, ctx, main) = open_demo(40);
    let grid = main.window.global::<LibraryAdapter>();
    let info = main.window.global::<InfoAdapter>();
    assert!(!info.get_has_item(), "nothing selected: the empty state");

    let items = newest(&ctx);
    let index = items
        .iter()
        .position(|m| m.generation_id.is_some())
        .expect("a generated item");
    let item = items[index].clone();
    grid.invoke_cell_pressed(index as i32, false, false);
    assert!(info.get_has_item());
    assert_eq!(info.get_file_name(), item.file_name.as_str());
    assert_eq!(
        info.get_dimensions(),
        format!("{} × {}", item.width.unwrap(), item.height.unwrap()).as_str()
    );
    assert_eq!(info.get_origin(), 0, "generated");
    let generation_id = item.generation_id.clone().unwrap();
    let generation = ctx
        .db
        .call_blocking(move |c| generations::get(c, &generation_id))
        .unwrap()
        .unwrap();
    assert!(info.get_generated());
    assert_eq!(info.get_prompt(), generation.prompt.clone().unwrap().as_str());
    assert_eq!(info.get_seed(), generation.seed.unwrap().to_string().as_str());

    // The toggles act like the keys, on every selected item, shown at once.
    grid.invoke_cell_pressed(index as i32 + 1, true, false);
    assert_eq!(info.get_selected_count(), 2);
    info.invoke_rating_chosen(4);
    info.invoke_status_chosen(CullMark::Rejected);
    assert_eq!((info.get_rating(), info.get_status()), (4, CullMark::Rejected));
    ctx.db.flush_blocking().unwrap();
    let after = newest(&ctx);
    for changed in &after[index..=index + 1] {
        assert_eq!(changed.rating, Rating::new(4).unwrap());
        assert_eq!(changed.status, Some(CullStatus::Rejected));
    }
}

#[test]
fn references_lead_to_their_source_and_survive_its_deletion() {
    common::init_testing_backend();
    let (app, ctx, main) = open_demo(30);
    let grid = main.window.global::<LibraryAdapter>();
    let info = main.window.global::<InfoAdapter>();
    let items = newest(&ctx);
    let made_at = items
        .iter()
        .position(|m| m.generation_id.is_some())
        .expect("a generated item");
    let made = items[made_at].clone();
    let source = items[(made_at + 7) % items.len()].clone();

    // `made` was generated from `source`: its reference thumbnail is kept apart, as the
    // pipeline does.
    let root = ctx.library.path().to_owned();
    std::fs::create_dir_all(root.join("ref_thumbnails")).unwrap();
    std::fs::copy(
        root.join(source.thumb_path.as_deref().unwrap()),
        root.join("ref_thumbnails/source.jpg"),
    )
    .unwrap();
    let (generation, source_id) = (made.generation_id.clone().unwrap(), source.id.clone());
    ctx.db
        .call_blocking(move |c| {
            generation_inputs::insert_all(
                c,
                &generation,
                &[NewGenerationInput {
                    media_id: Some(source_id),
                    thumb_path: "ref_thumbnails/source.jpg".into(),
                }],
            )
        })
        .unwrap();

    grid.invoke_cell_pressed(made_at as i32, false, false);
    let references = info.get_references();
    assert_eq!(references.row_count(), 1);
    let reference = references.row_data(0).unwrap();
    assert!(reference.available);
    assert_eq!(reference.thumbnail.size().width, 400, "the thumbnail is shown");
    info.invoke_reference_clicked(0);
    settle(&main);
    assert_eq!(
        main.library.selection(),
        std::slice::from_ref(&source.id),
        "the source is selected"
    );
    assert_eq!(info.get_file_name(), source.file_name.as_str());

    let (db, library, ids) = (ctx.db.clone(), ctx.library.clone(), vec![source.id.clone()]);
    delete_media(&db, &library, ids, TrashPolicy::LibraryOnly).unwrap();
    main.library.refresh();
    settle(&main);
    let made_at = newest(&ctx).iter().position(|m| m.id == made.id).unwrap();
    grid.invoke_cell_pressed(made_at as i32, false, false);
    let reference = info.get_references().row_data(0).unwrap();
    assert!(!reference.available, "the source is gone");
    assert_eq!(reference.thumbnail.size().width, 400, "its thumbnail still shows");
    info.invoke_reference_clicked(0);
    assert_eq!(
        main.library.selection(),
        std::slice::from_ref(&made.id),
        "nothing to go to"
    );
    assert!(grid.get_notice().contains("deleted"));
    drop(app);
}

#[test]
fn reuse_fills_the_generation_panel_with_the_images_prompt_and_size() {
    common::init_testing_backend();
    let (_app, ctx, main) = open_demo(12);
    let grid = main.window.global::<LibraryAdapter>();
    let form = main.window.global::<distillery::ui::GenerationAdapter>();
    let shell = main.window.global::<distillery::ui::ShellAdapter>();
    shell.invoke_toggle_generation_panel();
    settle(&main);
    assert!(!shell.get_generation_panel_open());

    // A generated image that is not square, so the aspect has to come back too.
    let items = newest(&ctx);
    let index = items
        .iter()
        .position(|m| m.generation_id.is_some() && m.width != m.height)
        .expect("a generated, non-square demo image");
    let generation_id = items[index].generation_id.clone().unwrap();
    let generation = ctx
        .db
        .call_blocking(move |c| generations::get(c, &generation_id))
        .unwrap()
        .unwrap();
    grid.invoke_cell_pressed(index as i32, false, false);
    settle(&main);

    common::ui::press(&main, "Reuse prompt and settings", "a generated image offers reuse");
    settle(&main);
    assert!(shell.get_generation_panel_open(), "the panel opens");
    assert_eq!(form.get_prompt(), generation.prompt.clone().unwrap().as_str());
    assert!(!form.get_prompt_blank());
    assert_eq!(
        form.get_dimensions(),
        format!("{} × {}", generation.width.unwrap(), generation.height.unwrap()).as_str(),
        "resolution and aspect give the image's size"
    );
}

#[test]
fn clear_and_the_action_row_work_by_pointer_and_never_fail_silently() {
    use common::ui::press;
    common::init_testing_backend();
    let (_app, ctx, main) = open_demo(6);
    let grid = main.window.global::<LibraryAdapter>();
    let info = main.window.global::<InfoAdapter>();
    let items = newest(&ctx);
    grid.invoke_cell_pressed(0, false, false);
    settle(&main);

    // Selected | Rejected | Clear, clicked as a user clicks.
    press(&main, "Rejected", "the Rejected toggle");
    assert_eq!(info.get_status(), CullMark::Rejected);
    press(&main, "Clear", "the Clear toggle");
    assert_eq!(info.get_status(), CullMark::None);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(newest(&ctx)[0].status, None, "cleared in the library");

    // The file is gone from disk behind the app's back: each action says so.
    let path = ctx.library.resolve(&items[0].file_path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let name = items[0].file_name.as_str().to_owned();
    press(&main, "Show in file manager", "the reveal button");
    assert_eq!(
        grid.get_notice(),
        format!("{name} cannot be shown: it is no longer on disk.").as_str()
    );
    press(&main, "Open in default app", "the open button");
    assert_eq!(
        grid.get_notice(),
        format!("{name} could not be opened: it is no longer on disk.").as_str()
    );
    grid.set_notice("".into());
    press(&main, "Copy image", "the copy button");
    assert!(
        grid.get_notice().starts_with(name.as_str()),
        "copying a missing file says why: {}",
        grid.get_notice()
    );

    // Delete asks first, as the Delete key does.
    assert!(!grid.get_delete_confirming());
    press(&main, "Move to trash", "the delete button");
    assert!(grid.get_delete_confirming(), "the delete is confirmed first");
}
