//! Undo latency on a 100,000-item demo library (`UNDO_BENCH_COUNT` to change): from the
//! Ctrl+Z key to the database written back and the grid's next frame painted, through the
//! real window and Slint's software renderer (benches/common/window.rs), loading on demand.
//! Also the database side of undoing a rating on 10,000 items and of bringing 100 deleted
//! items back from the library's trash. Prints a table. The library is built once under
//! target/bench-undo-N and is left as it was (every edit is undone).

mod common;

use common::window::{BenchWindow, key, open_window as open, settle};
use common::{median, ms};
use distillery::db::media_history::{self, CullField};
use distillery::db::media_query::{MediaSort, page};
use distillery::db::types::Rating;
use distillery::db::{media, media_history::CullState};
use distillery::library::delete::delete_media;
use distillery::library::trash::TrashPolicy;
use distillery::library::untrash::restore_deleted;
use distillery::ui::{LibraryAdapter, MainWindow};
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn library(count: u32) -> PathBuf {
    common::demo_library("undo", count)
}

/// Ctrl+Z, timed to the painted frame.
fn timed_undo(screen: &BenchWindow, main: &MainWindow) -> Duration {
    let window = main.window.window();
    let t = Instant::now();
    window.dispatch_event(WindowEvent::KeyPressed {
        text: Key::Control.into(),
    });
    key(main, "z");
    window.dispatch_event(WindowEvent::KeyReleased {
        text: Key::Control.into(),
    });
    settle(screen, main);
    let took = t.elapsed();
    assert!(main.history.is_idle());
    took
}

fn main() {
    let count: u32 = std::env::var("UNDO_BENCH_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let screen = BenchWindow::install();
    let dir = library(count);
    let (ctx, main) = open(&screen, &dir);
    main.library.set_trash_policy(TrashPolicy::LibraryOnly);
    let adapter = main.window.global::<LibraryAdapter>();
    let mut rows: Vec<(String, Duration)> = Vec::new();

    // A rating on the current image, then Ctrl+Z: 21 times.
    adapter.invoke_cell_pressed(0, false, false);
    settle(&screen, &main);
    let mut undos = Vec::new();
    for n in 0..21 {
        key(&main, ["3", "5", "1"][n % 3]);
        settle(&screen, &main);
        undos.push(timed_undo(&screen, &main));
    }
    rows.push(("Ctrl+Z of a rating (1 image) → frame painted".into(), median(undos)));

    // Reject 24 images (a row range), then Ctrl+Z.
    let mut undos = Vec::new();
    for _ in 0..11 {
        adapter.invoke_cell_pressed(0, false, false);
        adapter.invoke_cell_pressed(23, false, true);
        key(&main, "x");
        settle(&screen, &main);
        undos.push(timed_undo(&screen, &main));
    }
    rows.push(("Ctrl+Z of a reject (24 images) → frame painted".into(), median(undos)));

    // Delete the current image (confirmed), then Ctrl+Z: files back from .trash, row back.
    let mut undos = Vec::new();
    for _ in 0..11 {
        adapter.invoke_cell_pressed(2, false, false);
        key(&main, Key::Delete);
        key(&main, Key::Return);
        settle(&screen, &main);
        undos.push(timed_undo(&screen, &main));
    }
    rows.push(("Ctrl+Z of a delete (1 image) → frame painted".into(), median(undos)));
    drop(main);

    // The database side of bigger edits.
    let ids: Vec<_> = ctx
        .db
        .call_blocking(|c| page(c, &Default::default(), MediaSort::NewestFirst, None, 10_000))
        .unwrap()
        .into_iter()
        .map(|item| item.id)
        .collect();
    let (mut undos, mut edits) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let ids = ids.clone();
        let t = Instant::now();
        let before: Vec<CullState> = ctx
            .db
            .call_blocking(move |c| {
                let before = media_history::cull_states(c, &ids)?;
                media::set_rating(c, &ids, Rating::new(2).unwrap())?;
                Ok(before)
            })
            .unwrap();
        edits.push(t.elapsed());
        let t = Instant::now();
        ctx.db
            .call_blocking(move |c| media_history::restore_cull_states(c, &before, CullField::Rating))
            .unwrap();
        undos.push(t.elapsed());
    }
    rows.push((
        "rating 10,000 images, noting their state for undo (database)".into(),
        median(edits),
    ));
    rows.push(("undo of that rating (database)".into(), median(undos)));

    let hundred: Vec<_> = ids.iter().skip(100).take(100).cloned().collect();
    let mut undos = Vec::new();
    for _ in 0..5 {
        let report = delete_media(&ctx.db, &ctx.library, hundred.clone(), TrashPolicy::LibraryOnly).unwrap();
        assert_eq!(report.removed.len(), 100);
        let t = Instant::now();
        let restored = restore_deleted(&ctx.db, &ctx.library, report.removed).unwrap();
        undos.push(t.elapsed());
        assert_eq!(restored.restored.len(), 100, "{:?}", restored.failed);
    }
    rows.push(("undo of a delete of 100 images (files + rows)".into(), median(undos)));

    println!("\nUndo on {count} items (release, medians)\n");
    println!("| what | median |\n|---|---|");
    for (what, took) in rows {
        println!("| {what} | {} |", ms(took));
    }
}
