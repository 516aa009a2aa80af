//! Batch exploration: the generation panel's Images count (1–8) goes with every Generate and
//! is remembered; "Generate variations" on a generated image (info panel or thumbnail menu)
//! queues that many new images with the image's own parameters and new seeds; an imported
//! image says it has none.

use crate::common;

use common::ui::{demo, open, press, settle};
use distillery::db::generations;
use distillery::generation::GenerationRequest;
use distillery::ui::{EngineAdapter, EngineState, GenerationAdapter, LibraryAdapter, MainWindow};
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::Rc;

fn recorded(main: &MainWindow) -> Rc<RefCell<Vec<GenerationRequest>>> {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let into = sent.clone();
    main.connect_generation(Rc::new(move |request| into.borrow_mut().push(request)));
    sent
}

#[test]
fn variations_repeat_an_images_parameters_with_new_seeds() {
    common::init_testing_backend();
    let app = demo(12);
    let (ctx, main) = open(&app);
    let sent = recorded(&main);
    let library = main.window.global::<LibraryAdapter>();
    let form = main.window.global::<GenerationAdapter>();
    form.set_count(3);
    form.invoke_choices_changed();

    let rows = common::rows_in_view(
        &ctx.db,
        distillery::db::media_query::MediaFilter::default(),
        distillery::db::media_query::MediaSort::NewestFirst,
    );
    let generated = rows
        .iter()
        .position(|m| m.generation_id.is_some())
        .expect("a generated item");
    let imported = rows
        .iter()
        .position(|m| m.generation_id.is_none())
        .expect("an imported item");

    // An imported image has no settings to vary (its menu says so; the info panel shows no
    // generation section for it).
    library.invoke_cell_pressed(imported as i32, false, false);
    settle(&main);
    library.invoke_context_requested(imported as i32);
    library.invoke_variations_requested();
    assert!(sent.borrow().is_empty());
    assert_eq!(
        library.get_notice(),
        "This image was not generated here: there are no settings to vary."
    );

    library.invoke_cell_pressed(generated as i32, false, false);
    settle(&main);
    let generation_id = rows[generated].generation_id.clone().unwrap();
    let generation = ctx
        .db
        .call_blocking(move |c| generations::get(c, &generation_id))
        .unwrap()
        .expect("its generation row");

    press(&main, "Generate variations", "the info panel offers variations");
    let request = sent.borrow().last().cloned().expect("a request was sent");
    assert_eq!(request.prompt, generation.prompt.clone().unwrap());
    assert_eq!(request.count, 3, "as many as the panel's Images");
    assert_eq!(request.seed, None, "new seeds, drawn per image by the queue");
    assert_eq!(request.steps as i32, generation.steps.unwrap_or(4));
    assert_eq!(request.guidance, generation.guidance.unwrap_or(3.5));
    let (width, height) = distillery::generation::dimensions(request.resolution, request.aspect);
    assert_eq!(
        (width as i32, height as i32),
        (generation.width.unwrap(), generation.height.unwrap()),
        "the same size"
    );
    assert_eq!(library.get_notice(), "Queued 3 variations of this image.");

    // The thumbnail's menu does the same for the right-clicked image.
    library.invoke_context_requested(generated as i32);
    library.invoke_variations_requested();
    assert_eq!(sent.borrow().len(), 2);

    // Generate itself makes the panel's count of images.
    main.window.global::<EngineAdapter>().set_state(EngineState::Ready);
    form.set_prompt("a kite over the dunes".into());
    form.invoke_prompt_edited();
    settle(&main);
    form.invoke_generate();
    assert_eq!(sent.borrow().last().unwrap().count, 3);
    ctx.db.flush_blocking().unwrap();
    drop((ctx, main));

    let (_ctx, main) = open(&app);
    assert_eq!(main.window.global::<GenerationAdapter>().get_count(), 3, "remembered");
}
