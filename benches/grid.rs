//! The library grid on a 100k-item library: the numbers of the grid issue, printed as a table.
//! `cargo bench --bench grid`. The library is built once with `distillery demo-library` under
//! target/bench-grid-<N> and reused (GRID_BENCH_COUNT=N to change the size; delete the folder
//! to time the build again).
//!
//! UI numbers come from the real window component and Slint's software renderer painting
//! into a window-sized 32-bit buffer as the desktop window does (benches/common/window.rs),
//! loading synchronously (`LoadMode::OnDemand`), so each includes the database and
//! thumbnail work it waits for.

mod common;

use common::page_ratio::{self, filters};
use common::window::BenchWindow;
use common::{median, ms, options, rss_mb};
use distillery::app::AppContext;
use distillery::browse::PAGE_SIZE;
use distillery::db::media_query::{self, Cursor, MediaSort};
use distillery::ui::{LibraryAdapter, LoadMode, MainWindow, build_main_window};
use slint::ComponentHandle;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn args(dir: &Path) -> Vec<String> {
    vec![
        "--data-dir".into(),
        dir.join("data").display().to_string(),
        "--library".into(),
        dir.join("library").display().to_string(),
    ]
}

/// Renders and loads until nothing is missing; returns how many render passes it took.
fn settle(screen: &BenchWindow, main: &MainWindow) -> usize {
    for pass in 1..=8 {
        screen.paint();
        if main.library.drain_blocking() == 0 {
            return pass;
        }
    }
    8
}

fn main() {
    let count: u32 = std::env::var("GRID_BENCH_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-grid-{count}"));
    let bin = env!("CARGO_BIN_EXE_distillery");
    let mut rows: Vec<(String, String, String)> = Vec::new();

    if !dir.join("data").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let started = Instant::now();
        let made = Command::new(bin)
            .args(args(&dir))
            .args(["demo-library", "--count", &count.to_string()])
            .status()
            .unwrap();
        assert!(made.success(), "demo-library failed");
        let took = started.elapsed();
        let du = Command::new("du")
            .args(["-sh"])
            .arg(dir.join("library"))
            .output()
            .unwrap();
        let size = String::from_utf8_lossy(&du.stdout)
            .split_whitespace()
            .next()
            .unwrap_or("?")
            .to_owned();
        rows.push((
            format!("demo-library --count {count}"),
            format!("{:.1} s, {size} on disk", took.as_secs_f64()),
            "< ~3 min".into(),
        ));
    }

    // Cold start of the real binary to a painted grid with thumbnails: `snapshot` opens the
    // database, builds the window, loads the visible page and thumbnails and renders (plus
    // writing a PNG, so this is an upper bound).
    let shot = std::env::temp_dir().join("distillery-grid-bench.png");
    let mut starts = Vec::new();
    let mut painted = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let out = Command::new(bin)
            .args(args(&dir))
            .args(["snapshot", "--out"])
            .arg(&shot)
            .args(["--size", "1280x800"])
            .output()
            .unwrap();
        assert!(out.status.success());
        starts.push(started.elapsed());
        let stderr = String::from_utf8_lossy(&out.stderr);
        let at = stderr
            .split("painted with thumbnails ")
            .nth(1)
            .and_then(|rest| rest.split(" ms").next())
            .and_then(|ms| ms.trim().parse::<f64>().ok())
            .expect("snapshot reports when it painted");
        painted.push(Duration::from_secs_f64(at / 1000.0));
    }
    rows.push((
        "cold start → grid painted with thumbnails (snapshot, from process start)".into(),
        ms(median(painted)),
        "< 300 ms".into(),
    ));
    rows.push((
        "… the same, whole process including writing the PNG".into(),
        ms(median(starts)),
        "".into(),
    ));

    // In-process: the window over the library.
    let screen = BenchWindow::install();
    let ctx = AppContext::open(&options(&dir)).unwrap();
    let started = Instant::now();
    let view = ctx.load_startup_view().unwrap();
    let main = build_main_window(&ctx.catalog(), &view, LoadMode::OnDemand).unwrap();
    main.window.show().unwrap();
    main.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    settle(&screen, &main);
    rows.push((
        "in-process: open → first grid with thumbnails".into(),
        ms(started.elapsed()),
        "".into(),
    ));
    rows.push((
        "RSS idle after start".into(),
        format!("{:.1} MB", rss_mb()),
        "< 100 MB".into(),
    ));

    // Median full repaint of the settled window.
    let frame = |main: &MainWindow| {
        settle(&screen, main);
        let samples: Vec<Duration> = (0..30)
            .map(|_| {
                let t = Instant::now();
                screen.paint();
                t.elapsed()
            })
            .collect();
        median(samples)
    };
    // GRID_BENCH_PROFILE_FRAMES=N: only render N frames and stop, for `perf record`.
    if let Some(n) = std::env::var("GRID_BENCH_PROFILE_FRAMES")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        settle(&screen, &main);
        for _ in 0..n {
            screen.paint();
        }
        return;
    }
    rows.push((
        "software-rendered frame of the grid, 1280×800 (full repaint)".into(),
        ms(frame(&main)),
        "< 5 ms".into(),
    ));

    let snapshots: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            main.window.window().take_snapshot().unwrap();
            t.elapsed()
        })
        .collect();
    rows.push((
        "… for comparison: the same frame as `take_snapshot` (a new buffer, un-premultiplied)".into(),
        ms(median(snapshots)),
        "".into(),
    ));

    // Where the frame time goes: the same window without the side panels, and with fewer,
    // larger cells.
    let shell = main.window.global::<distillery::ui::ShellAdapter>();
    shell.set_generation_panel_open(false);
    shell.set_info_panel_open(false);
    rows.push((
        "… the same frame with both side panels closed (more cells)".into(),
        ms(frame(&main)),
        "".into(),
    ));
    shell.set_generation_panel_open(true);
    shell.set_info_panel_open(true);
    let adapter = main.window.global::<LibraryAdapter>();
    adapter.set_min_rating(5);
    adapter.set_status_filter(3);
    adapter.set_status_filter(2);
    adapter.invoke_view_changed();
    let few = adapter.get_filtered_count();
    adapter.set_thumbnail_size(360.0);
    rows.push((
        format!("… the same frame over a {few}-item view at 360 px thumbnails (fewer, larger cells)"),
        ms(frame(&main)),
        "".into(),
    ));
    adapter.set_thumbnail_size(180.0);
    adapter.set_min_rating(0);
    adapter.set_status_filter(0);
    adapter.invoke_view_changed();
    settle(&screen, &main);
    let columns = adapter.get_columns().max(1) as usize;
    let grid_rows = (count as usize).div_ceil(columns);
    let reveal = |row: usize| {
        adapter.set_reveal_row(row as i32);
        adapter.set_reveal_serial(adapter.get_reveal_serial() + 1);
    };

    // Jumps to places never visited: page by OFFSET, thumbnails decoded cold.
    let mut jumps = Vec::new();
    for k in 0..5 {
        let row = grid_rows / 2 + k * 997;
        let t = Instant::now();
        reveal(row);
        settle(&screen, &main);
        jumps.push(t.elapsed());
    }
    rows.push((
        "jump to the middle → thumbnails visible".into(),
        ms(median(jumps)),
        "< 150 ms".into(),
    ));

    // Scroll top → bottom: 400 evenly spaced stops, each a screen the user lands on.
    reveal(0);
    settle(&screen, &main);
    let mut stops = Vec::new();
    let step = (grid_rows / 400).max(1);
    let mut row = 0;
    while row < grid_rows {
        let t = Instant::now();
        reveal(row);
        settle(&screen, &main);
        stops.push(t.elapsed());
        row += step;
    }
    reveal(grid_rows - 1);
    settle(&screen, &main);
    rows.push((
        format!("scroll stop (screen of new rows, {} stops top → bottom)", stops.len()),
        ms(median(stops)),
        "".into(),
    ));
    rows.push((
        "RSS after scrolling top → bottom".into(),
        format!(
            "{:.1} MB (thumbnail cache {:.1} MB)",
            rss_mb(),
            main.library.thumbnail_bytes() as f64 / 1e6
        ),
        "< 160 MB".into(),
    ));

    // Filter changes: count + first page + visible thumbnails + render.
    let mut changes = Vec::new();
    for (stars, status, sort) in [
        (3, 0, 0),
        (0, 1, 2),
        (4, 1, 0),
        (0, 0, 1),
        (2, 3, 3),
        (5, 2, 0),
        (0, 0, 0),
    ] {
        adapter.set_min_rating(stars);
        adapter.set_status_filter(status);
        adapter.set_sort(sort);
        let t = Instant::now();
        adapter.invoke_view_changed();
        settle(&screen, &main);
        changes.push(t.elapsed());
    }
    rows.push((
        "filter change → repainted grid with thumbnails".into(),
        ms(median(changes)),
        "< 50 ms".into(),
    ));
    drop(main);

    // Filtered counts, and the page query through the app's database thread.
    let mut threaded = Vec::new();
    let mut worst_count = (Duration::ZERO, String::new());
    for filter in filters() {
        let counts: Vec<Duration> = (0..15)
            .map(|_| {
                let f = filter.clone();
                let t = Instant::now();
                ctx.db.call_blocking(move |c| media_query::count(c, &f)).unwrap();
                t.elapsed()
            })
            .collect();
        let counted = median(counts);
        if counted > worst_count.0 {
            worst_count = (counted, format!("{filter:?}"));
        }
        for sort in MediaSort::ALL {
            let f = filter.clone();
            let first = ctx
                .db
                .call_blocking(move |c| media_query::page(c, &f, sort, None, PAGE_SIZE as u32))
                .unwrap();
            let Some(last) = first.last() else { continue };
            let cursor = Cursor::after(last);
            for _ in 0..11 {
                let (c2, f2) = (cursor.clone(), filter.clone());
                let t = Instant::now();
                ctx.db
                    .call_blocking(move |c| media_query::page(c, &f2, sort, Some(&c2), PAGE_SIZE as u32))
                    .unwrap();
                threaded.push(t.elapsed());
            }
        }
    }

    // Page queries: every filter × sort, keyset page after the first, through diesel and
    // through raw rusqlite with the same SQL, interleaved in one run.
    let pages = page_ratio::measure(&dir.join("data").join("distillery.db"), page_ratio::RUNS);
    let slowest = pages.slowest_diesel();
    rows.push((
        format!(
            "page query, keyset, slowest of {} filter × sort (median of {})",
            pages.combos.len(),
            page_ratio::RUNS
        ),
        format!("{} ({})", ms(slowest.diesel), slowest.label),
        "< 0.5 ms".into(),
    ));
    rows.push((
        "diesel ÷ raw rusqlite, same SQL, both with cached statements, median / worst".into(),
        pages.summary(),
        "≤ 1.2×".into(),
    ));
    rows.push((
        format!(
            "page query, all {} × {} runs: diesel / raw rusqlite, median",
            pages.combos.len(),
            page_ratio::RUNS
        ),
        format!("{} / {}", ms(median(pages.all_diesel)), ms(median(pages.all_raw))),
        "".into(),
    ));
    rows.push((
        "page query through the app's database thread (adds the channel hop), median".into(),
        ms(median(threaded)),
        "".into(),
    ));
    rows.push((
        format!("filtered count, slowest of {} filters", filters().len()),
        format!("{} ({})", ms(worst_count.0), worst_count.1),
        "< 2 ms".into(),
    ));

    println!("\nLibrary grid, {count} items ({columns} columns at 1280×800)\n");
    println!("| metric | measured | goal |\n|---|---|---|");
    for (metric, value, goal) in rows {
        println!("| {metric} | {value} | {goal} |");
    }
}
