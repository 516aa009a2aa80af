//! The generation panel's queue list over the real queue and the simulated engine (a child
//! process): the running job shows its phase, steps and prompt, waiting jobs are counted and
//! listed by the first line of their prompt, Cancel reaches the queue, and finished or
//! cancelled jobs leave the list.

use crate::common;

use common::pipeline::Pipeline;
use common::ui::{entries, pump_until};
use distillery::db::media;
use distillery::db::types::JobId;
use distillery::generation::GenerationRequest;
use distillery::services::job_prompts::follow;
use distillery::ui::queue_panel::JobAction;
use distillery::ui::{GenerationAdapter, JobState, LoadMode, MainWindow, build_main_window};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The real queue and the simulated engine (with `env`) on a runtime, and a window whose
/// queue list follows them; the panel's cancel and retry are recorded in `asked`.
struct Setup {
    runtime: tokio::runtime::Runtime,
    pipeline: Pipeline,
    main: MainWindow,
    updates: mpsc::UnboundedReceiver<distillery::services::job_prompts::PromptedUpdate>,
    asked: Rc<RefCell<Vec<(JobAction, JobId)>>>,
}

fn start(env: &[(&str, &str)]) -> Setup {
    common::init_testing_backend();
    let runtime = common::runtime();
    let pipeline = runtime.block_on(Pipeline::start(env));
    let view = pipeline.ctx.load_startup_view().unwrap();
    let main = build_main_window(&pipeline.ctx.catalog(), &view, LoadMode::OnDemand).unwrap();
    main.window.show().unwrap();
    common::ui::resize(main.window.window(), 1280.0, 800.0);
    let asked: Rc<RefCell<Vec<(JobAction, JobId)>>> = Rc::default();
    let record = asked.clone();
    main.queue
        .set_on_action(Rc::new(move |action, job| record.borrow_mut().push((action, job))));
    let (sender, updates) = mpsc::unbounded_channel();
    runtime.spawn(follow(pipeline.ctx.catalog(), pipeline.queue.subscribe(), sender));
    Setup {
        runtime,
        pipeline,
        main,
        updates,
        asked,
    }
}

#[test]
fn the_queue_list_follows_the_real_queue_and_cancel_reaches_it() {
    // Slow sampling, so the running job can be watched.
    let Setup {
        runtime,
        pipeline,
        main,
        mut updates,
        asked,
    } = start(&[("CN_SIM_STEP_MS", "150")]);
    assert!(entries(&main).is_empty(), "an empty queue lists nothing");

    let first = runtime
        .block_on(pipeline.queue.submit(GenerationRequest::new("a lighthouse at dusk")))
        .unwrap();
    let second = runtime
        .block_on(
            pipeline
                .queue
                .submit(GenerationRequest::new("misty harbour\nwith a second line")),
        )
        .unwrap();

    pump_until(&main, &mut updates, "the first job sampling", |list| {
        list.len() == 2 && list[0].state == JobState::Running && list[0].phase == "Sampling" && list[0].step >= 1
    });
    let list = entries(&main);
    assert_eq!(list[0].id, first[0].as_str());
    assert_eq!(list[0].prompt, "a lighthouse at dusk");
    assert_eq!(list[0].steps, 4);
    assert_eq!(
        (list[1].state, list[1].prompt.as_str()),
        (JobState::Waiting, "misty harbour")
    );
    assert_eq!(main.window.global::<GenerationAdapter>().get_waiting_count(), 1);
    // The status bar shows the running job's phase and the queue's length.
    let status_bar = |label: &str| ElementHandle::find_by_accessible_label(&main.window, label).count();
    assert_eq!(status_bar("Generating: Sampling"), 1);
    assert_eq!(status_bar("1 in queue"), 1);

    // Cancel the waiting job with its button: the queue is asked, and the job leaves.
    common::ui::press(&main, "Cancel misty harbour", "a waiting job has a cancel button");
    assert_eq!(asked.borrow().as_slice(), &[(JobAction::Cancel, second[0].clone())]);
    assert!(runtime.block_on(pipeline.queue.cancel(&second[0])).unwrap());
    pump_until(&main, &mut updates, "the cancelled job to leave", |list| {
        list.iter().all(|e| e.id != second[0].as_str())
    });
    assert_eq!(main.window.global::<GenerationAdapter>().get_waiting_count(), 0);

    pump_until(&main, &mut updates, "the first job to finish", |list| list.is_empty());
    assert_eq!(status_bar("1 in queue"), 0, "nothing waits");
    assert_eq!(status_bar("Generating: Sampling"), 0, "nothing runs");
    assert_eq!(pipeline.ctx.db.call_blocking(media::count_all).unwrap(), 1);

    // The status bar's history names the finished image and shows it in the library.
    let form = main.window.global::<GenerationAdapter>();
    let history: Vec<_> = slint::Model::iter(&form.get_history()).collect();
    assert_eq!(history.len(), 1, "the cancelled job is not in the history");
    assert_eq!(history[0].prompt, "a lighthouse at dusk");
    assert!(history[0].took.ends_with(" s"));
    let last = ElementHandle::find_by_accessible_label(&main.window, "Recent images")
        .next()
        .expect("the status bar shows the last image");
    assert!(
        last.accessible_description()
            .unwrap()
            .starts_with("Last: a lighthouse at dusk")
    );
    main.library.refresh();
    common::ui::settle(&main);
    form.invoke_history_clicked(history[0].media_id.clone());
    assert_eq!(main.library.selection()[0].as_str(), history[0].media_id.as_str());
    runtime.block_on(pipeline.shutdown());
}

#[test]
fn a_failed_job_shows_its_error_and_can_be_retried_or_removed() {
    let Setup {
        runtime,
        pipeline,
        main,
        mut updates,
        asked,
    } = start(&[("CN_SIM_FAULT", "error_gen:GENERATION_FAILED")]);

    let job = runtime
        .block_on(pipeline.queue.submit(GenerationRequest::new("neon street at night")))
        .unwrap();
    runtime
        .block_on(pipeline.queue.submit(GenerationRequest::new("a second failure")))
        .unwrap();
    pump_until(&main, &mut updates, "both jobs to fail", |list| {
        list.len() == 2 && list.iter().all(|e| e.state == JobState::Failed)
    });
    assert_eq!(main.window.global::<GenerationAdapter>().get_failed_count(), 2);
    let failed = &entries(&main)[0];
    assert!(!failed.error.is_empty(), "the error is shown");
    assert_eq!(main.window.global::<GenerationAdapter>().get_waiting_count(), 0);

    common::ui::press(&main, "Retry neon street at night", "a failed job has a retry button");
    assert_eq!(asked.borrow().as_slice(), &[(JobAction::Retry, job[0].clone())]);

    // Remove only drops it from the list: nothing is asked of the queue.
    common::ui::press(
        &main,
        "Remove neon street at night",
        "a failed job can be removed from the list",
    );
    assert_eq!(entries(&main).len(), 1);
    assert_eq!(asked.borrow().len(), 1);

    // Clear failed empties the list of failures at once.
    common::ui::press(&main, "Clear failed jobs", "failures can be cleared together");
    assert!(entries(&main).is_empty());
    assert_eq!(main.window.global::<GenerationAdapter>().get_failed_count(), 0);
    assert_eq!(asked.borrow().len(), 1, "clearing asks nothing of the queue");
    runtime.block_on(pipeline.shutdown());
}

#[test]
fn pause_holds_waiting_jobs_and_resume_runs_them() {
    let Setup {
        runtime,
        pipeline,
        main,
        mut updates,
        ..
    } = start(&[("CN_SIM_STEP_MS", "100")]);
    let (queue, handle) = (pipeline.queue.clone(), runtime.handle().clone());
    main.queue.set_on_pause(Rc::new(move |paused| {
        let queue = queue.clone();
        handle.block_on(async move {
            if paused {
                queue.pause().await;
            } else {
                queue.resume().await;
            }
        });
    }));

    runtime
        .block_on(pipeline.queue.submit(GenerationRequest::new("first")))
        .unwrap();
    pump_until(&main, &mut updates, "the first job running", |list| {
        list.len() == 1 && list[0].state == JobState::Running
    });
    common::ui::press(&main, "Pause queue", "the queue has a pause button");
    assert!(main.window.global::<GenerationAdapter>().get_paused());
    runtime
        .block_on(pipeline.queue.submit(GenerationRequest::new("second")))
        .unwrap();
    pump_until(
        &main,
        &mut updates,
        "the running job to finish, the new one to wait",
        |list| list.len() == 1 && list[0].prompt == "second" && list[0].state == JobState::Waiting,
    );
    std::thread::sleep(Duration::from_millis(400));
    pump_until(&main, &mut updates, "the paused queue to hold", |list| {
        list.len() == 1 && list[0].state == JobState::Waiting
    });

    common::ui::press(&main, "Resume queue", "a paused queue has a resume button");
    pump_until(&main, &mut updates, "the held job to run and finish", |list| {
        list.is_empty()
    });
    assert_eq!(pipeline.ctx.db.call_blocking(media::count_all).unwrap(), 2);
    runtime.block_on(pipeline.shutdown());
}

#[test]
fn waiting_jobs_move_sooner_or_later_and_run_in_the_new_order() {
    let Setup {
        runtime,
        pipeline,
        main,
        mut updates,
        asked,
    } = start(&[]);
    runtime.block_on(pipeline.queue.pause());
    for prompt in ["one", "two", "three"] {
        runtime
            .block_on(pipeline.queue.submit(GenerationRequest::new(prompt)))
            .unwrap();
    }
    pump_until(&main, &mut updates, "three waiting jobs", |list| list.len() == 3);
    let order = |main: &MainWindow| entries(main).iter().map(|e| e.prompt.to_string()).collect::<Vec<_>>();
    let list = entries(&main);
    assert!(!list[0].can_move_up && list[0].can_move_down);
    assert!(list[2].can_move_up && !list[2].can_move_down);

    common::ui::press(&main, "Move three sooner", "a waiting job can move sooner");
    assert_eq!(order(&main), ["one", "three", "two"]);
    common::ui::press(&main, "Move three sooner", "and again");
    assert_eq!(order(&main), ["three", "one", "two"]);
    common::ui::press(&main, "Move one later", "a waiting job can move later");
    assert_eq!(order(&main), ["three", "two", "one"]);
    // The queue is asked for the same moves, in order.
    let moves = asked.borrow().clone();
    assert_eq!(
        moves.iter().map(|(action, _)| *action).collect::<Vec<_>>(),
        [JobAction::MoveUp, JobAction::MoveUp, JobAction::MoveDown]
    );
    for (action, job) in moves {
        assert!(
            runtime
                .block_on(pipeline.queue.move_job(&job, action == JobAction::MoveUp))
                .unwrap()
        );
    }

    runtime.block_on(pipeline.queue.resume());
    pump_until(&main, &mut updates, "all three to run", |list| list.is_empty());
    let made: Vec<String> = common::rows_in_view(
        &pipeline.ctx.db,
        distillery::db::media_query::MediaFilter::default(),
        distillery::db::media_query::MediaSort::OldestFirst,
    )
    .into_iter()
    .map(|m| {
        let generation = m.generation_id.unwrap();
        pipeline
            .ctx
            .db
            .call_blocking(move |c| distillery::db::generations::get(c, &generation))
            .unwrap()
            .unwrap()
            .prompt
            .unwrap()
    })
    .collect();
    assert_eq!(made, ["three", "two", "one"], "the queue ran them in the order shown");
    runtime.block_on(pipeline.shutdown());
}

/// Finds the one element labelled `label`.
fn element(main: &MainWindow, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .unwrap_or_else(|| panic!("nothing labelled {label:?}"))
}

/// Left edge and right edge of `element`.
fn span(element: &ElementHandle) -> (f32, f32) {
    let x = element.absolute_position().x;
    (x, x + element.size().width)
}

#[test]
fn a_crash_is_one_sentence_in_the_queue_its_log_lines_are_in_the_details_and_the_panel_keeps_its_width() {
    let Setup {
        runtime,
        pipeline,
        main,
        mut updates,
        ..
    } = start(&[("CN_SIM_FAULT", "crash_gen:1")]);
    main.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    let panel = element(&main, "Generation");
    let (left, right) = span(&panel);
    assert_eq!(right - left, 320.0, "the panel's own width");

    runtime
        .block_on(pipeline.queue.submit(GenerationRequest::new("a lighthouse at dusk")))
        .unwrap();
    pump_until(&main, &mut updates, "the job to fail", |list| {
        list.len() == 1 && list[0].state == JobState::Failed
    });
    let failed = entries(&main).remove(0);
    assert!(
        failed.error.starts_with("Engine exited unexpectedly") && failed.error.ends_with('.'),
        "one sentence: {}",
        failed.error
    );
    assert!(
        !failed.error.contains('\n') && !failed.error.contains("[INFO]"),
        "{}",
        failed.error
    );
    assert!(
        failed.error_details.contains("Last engine messages"),
        "the engine's last words are kept for the details: {}",
        failed.error_details
    );

    common::ui::settle(&main);
    assert_eq!(
        span(&element(&main, "Generation")),
        (left, right),
        "the panel did not widen"
    );
    for control in [
        "Pause queue",
        "Clear failed jobs",
        "Retry a lighthouse at dusk",
        "Remove a lighthouse at dusk",
        // The request scrolls above the queue; its first control stands for it (the aspect
        // row is scrolled out of view at this height since the Model picker came first).
        "Model and where it runs",
        "Images per generate",
    ] {
        let (from, to) = span(&element(&main, control));
        assert!(
            from >= left && to <= right + 0.5,
            "{control} is inside the panel: {from}..{to} in {left}..{right}"
        );
    }

    // The details: a click away, with the log lines, selectable to copy.
    common::ui::press(
        &main,
        "Details of the failure of a lighthouse at dusk",
        "a failed job's details open",
    );
    let details = element(&main, "Details of the failure");
    assert!(
        details
            .accessible_value()
            .is_some_and(|text| text.contains("Last engine messages")),
        "{:?}",
        details.accessible_value()
    );
    common::ui::press(&main, "Close the details", "the details close");
    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Details of the failure")
            .next()
            .is_none()
    );
    runtime.block_on(pipeline.shutdown());
}
