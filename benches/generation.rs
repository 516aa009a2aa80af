//! Generation panel numbers, over the real queue and the simulated engine (a child process),
//! with the main window painting like the winit backend (software renderer, 1280 × 800) over
//! a 2,000-image library:
//! - Generate → the job listed in the queue panel and painted: median and p90;
//! - the queue's commit of a finished image → the image painted first in the grid with its
//!   thumbnail: median and p90 (goal < 50 ms), beside the pipeline's own result → commit time;
//! - frames while a job streams progress (each progress update applied to the queue list
//!   and the window repainted): p50 / p95 of the update + paint.
//!
//! The UI thread here polls the queue's channels instead of sleeping in an event loop, so
//! latencies include no wake-up delay; in the app, tokio wakes Slint's loop on each message.
//!
//! Run with `cargo bench --bench generation`.

mod common;

use common::window::BenchWindow;
use common::{median, ms, options, percentile};
use distillery::app::AppContext;
use distillery::generation::GenerationRequest;
use distillery::services::job_prompts::{PromptedUpdate, follow};
use distillery::ui::{GenerationAdapter, LoadMode, MainWindow, build_main_window};
use slint::{ComponentHandle, Model};
use std::rc::Rc;
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, mpsc};

const LIBRARY: u32 = 2_000;
const ROUNDS: usize = 25;

fn settle(screen: &BenchWindow, main: &MainWindow) {
    for _ in 0..8 {
        screen.paint();
        if main.library.drain_blocking() == 0 {
            return;
        }
    }
}

fn listed(main: &MainWindow) -> usize {
    main.window.global::<GenerationAdapter>().get_queue().row_count()
}

/// Applies every queued panel update; returns how many there were.
fn apply(main: &MainWindow, panel: &mut mpsc::UnboundedReceiver<PromptedUpdate>) -> usize {
    let mut count = 0;
    while let Ok((update, prompt)) = panel.try_recv() {
        main.queue.apply(&update, prompt.as_ref());
        count += 1;
    }
    count
}

fn main() {
    let screen = BenchWindow::install();
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    distillery::app::demo_library::run(&options, &distillery::cli::DemoLibraryArgs { count: LIBRARY }).unwrap();
    let ctx = AppContext::open(&options).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let delays = [
        ("LOAD", 0),
        ("COND", 20),
        ("ENCODE", 0),
        ("STEP", 40),
        ("DECODE", 20),
        ("SAVE", 5),
    ];
    let (engine, queue) = runtime.block_on(common::sim_queue(&ctx, dir.path(), delays));

    let view = ctx.load_startup_view().unwrap();
    let main = build_main_window(&ctx.catalog(), &view, LoadMode::OnDemand).unwrap();
    main.window.show().unwrap();
    main.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    settle(&screen, &main);
    let (submitter, handle) = (queue.clone(), runtime.handle().clone());
    // As the app submits: on the runtime, returning at once.
    main.connect_generation(Rc::new(move |request: GenerationRequest| {
        let queue = submitter.clone();
        handle.spawn(async move { queue.submit(request).await });
    }));
    let (sender, mut panel) = mpsc::unbounded_channel();
    runtime.spawn(follow(ctx.catalog(), queue.subscribe(), sender));
    let form = main.window.global::<GenerationAdapter>();
    main.window
        .global::<distillery::ui::EngineAdapter>()
        .set_state(distillery::ui::EngineState::Ready);
    form.set_prompt("a paper boat on a rain puddle".into());
    form.invoke_prompt_edited();
    form.set_resolution(0);
    form.invoke_choices_changed();

    // 1. Generate → listed and painted, with the queue paused so jobs stay listed.
    runtime.block_on(queue.pause());
    let mut to_listed = Vec::new();
    for round in 0..ROUNDS {
        let started = Instant::now();
        form.invoke_generate();
        let deadline = started + Duration::from_secs(10);
        while listed(&main) <= round {
            apply(&main, &mut panel);
            assert!(Instant::now() < deadline, "the job was not listed");
            std::thread::yield_now();
        }
        screen.paint();
        to_listed.push(started.elapsed());
    }
    // Clear them out.
    let waiting: Vec<_> = runtime.block_on(ctx.db.call(distillery::db::queue::active)).unwrap();
    for job in waiting {
        runtime.block_on(queue.cancel(&job.id)).unwrap();
    }
    runtime.block_on(queue.resume());
    std::thread::sleep(Duration::from_millis(300));
    apply(&main, &mut panel);
    settle(&screen, &main);

    // 2 and 3: one job at a time; progress repaints while it runs, then commit → grid.
    let mut to_grid = Vec::new();
    let mut commits = Vec::new();
    let mut frames = Vec::new();
    let mut updates = queue.subscribe();
    for _ in 0..ROUNDS {
        form.invoke_generate();
        let update = loop {
            let started = Instant::now();
            if apply(&main, &mut panel) > 0 {
                screen.paint();
                frames.push(started.elapsed());
            }
            match updates.try_recv() {
                Ok(update) if update.media.is_some() => break update,
                Ok(_) | Err(broadcast::error::TryRecvError::Lagged(_)) => {}
                Err(broadcast::error::TryRecvError::Empty) => std::thread::yield_now(),
                Err(error) => panic!("the queue stopped: {error}"),
            }
        };
        let committed = Instant::now();
        let (media, _) = update.media.clone().unwrap();
        main.library.refresh();
        settle(&screen, &main);
        let first = main.library.item_at(0).expect("a first item");
        assert_eq!(first.id, media, "the new image is first");
        to_grid.push(committed.elapsed());
        commits.push(update.timings.map(|t| t.total).unwrap_or_default());
        // Let the panel catch up with the completion before the next round.
        while listed(&main) > 0 {
            apply(&main, &mut panel);
            std::thread::yield_now();
        }
        screen.paint();
    }

    println!("| metric | median | p90 / p95 | goal |");
    println!("|---|---|---|---|");
    println!(
        "| Generate → job listed in the queue panel and painted | {} | p90 {} | |",
        ms(median(to_listed.clone())),
        ms(percentile(&to_listed, 0.9))
    );
    println!(
        "| queue commit → new image painted first in the grid (refresh, page, thumbnail, frame) | {} | p90 {} | < 50 ms |",
        ms(median(to_grid.clone())),
        ms(percentile(&to_grid, 0.9))
    );
    println!(
        "| pipeline: engine result → row committed (512 × 512 PNG) | {} | p90 {} | |",
        ms(median(commits.clone())),
        ms(percentile(&commits, 0.9))
    );
    println!(
        "| frame while a job streams progress (apply update + full repaint, {} frames) | {} | p95 {} | |",
        frames.len(),
        ms(median(frames.clone())),
        ms(percentile(&frames, 0.95))
    );
    runtime.block_on(engine.shutdown());
}
