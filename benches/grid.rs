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

use common::window::BenchWindow;
use common::{median, ms, options, rss_mb};
use distillery::app::AppContext;
use distillery::browse::PAGE_SIZE;
use distillery::db::media_query::{self, Bind, Cursor, MediaFilter, MediaSort, StatusFilter};
use distillery::db::types::Rating;
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

fn filters() -> Vec<MediaFilter> {
    let mut all = Vec::new();
    for stars in 0..=5u8 {
        for status in StatusFilter::ALL {
            all.push(MediaFilter {
                min_rating: Rating::new(stars).unwrap(),
                status,
                search: None,
            });
        }
    }
    all
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
    let main = build_main_window(&ctx.db, &ctx.library, &view, LoadMode::OnDemand).unwrap();
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

    // Page queries: every filter × sort, keyset page after the first, through diesel and
    // through raw rusqlite with the same SQL, interleaved in one run.
    let db_path = dir.join("data").join("distillery.db");
    let raw = rusqlite::Connection::open(&db_path).unwrap();
    let mut direct = {
        use diesel::Connection;
        diesel::SqliteConnection::establish(&db_path.display().to_string()).unwrap()
    };
    let mut threaded = Vec::new();
    let mut raw_all = Vec::new();
    let mut all_diesel = Vec::new();
    let mut worst_diesel = (Duration::ZERO, String::new());
    let mut worst_ratio = (0.0f64, String::new());
    let mut ratios = Vec::new();
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
            let mut via_diesel = Vec::new();
            let mut via_raw = Vec::new();
            for run in 0..41 {
                let (c2, f2) = (cursor.clone(), filter.clone());
                let t = Instant::now();
                ctx.db
                    .call_blocking(move |c| media_query::page(c, &f2, sort, Some(&c2), PAGE_SIZE as u32))
                    .unwrap();
                threaded.push(t.elapsed());
                let mut diesel_side = || {
                    let t = Instant::now();
                    let n = media_query::page(&mut direct, &filter, sort, Some(&cursor), PAGE_SIZE as u32)
                        .unwrap()
                        .len();
                    (t.elapsed(), n)
                };
                // Both sides write the SQL for the page first, as the app does for each page.
                let raw_side = || {
                    let t = Instant::now();
                    let (sql, binds) = media_query::page_statement(&filter, sort, Some(&cursor), PAGE_SIZE as u32);
                    let m = raw_page(&raw, &sql, &binds);
                    (t.elapsed(), m)
                };
                // Each goes first every other run, so neither gains from caches the other warmed.
                let ((d, n), (r, m)) = if run % 2 == 0 {
                    let d = diesel_side();
                    (d, raw_side())
                } else {
                    let r = raw_side();
                    (diesel_side(), r)
                };
                assert_eq!(n, m);
                via_diesel.push(d);
                via_raw.push(r);
                all_diesel.push(d);
                raw_all.push(r);
            }
            let (d, r) = (median(via_diesel), median(via_raw));
            let label = format!("{filter:?} {sort:?}");
            if d > worst_diesel.0 {
                worst_diesel = (d, label.clone());
            }
            let ratio = d.as_secs_f64() / r.as_secs_f64().max(1e-9);
            ratios.push(ratio);
            if ratio > worst_ratio.0 {
                worst_ratio = (ratio, label);
            }
        }
    }
    let above = ratios.iter().filter(|r| **r > 1.2).count();
    ratios.sort_by(f64::total_cmp);
    rows.push((
        format!(
            "page query, keyset, slowest of {} filter × sort (median of 41)",
            ratios.len()
        ),
        format!("{} ({})", ms(worst_diesel.0), worst_diesel.1),
        "< 0.5 ms".into(),
    ));
    rows.push((
        "diesel ÷ raw rusqlite, same SQL, both with cached statements, median / worst".into(),
        format!(
            "{:.2}× / {:.2}× ({}); {above} of {} above 1.2×",
            ratios[ratios.len() / 2],
            worst_ratio.0,
            worst_ratio.1,
            ratios.len()
        ),
        "≤ 1.2×".into(),
    ));
    rows.push((
        "page query, all 96 × 41 runs: diesel / raw rusqlite, median".into(),
        format!("{} / {}", ms(median(all_diesel)), ms(median(raw_all))),
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

/// The same page through rusqlite with a cached statement, reading every column by position
/// into owned values as the diesel row type does.
fn raw_page(conn: &rusqlite::Connection, sql: &str, binds: &[Bind]) -> usize {
    let mut statement = conn.prepare_cached(sql).unwrap();
    run_raw(&mut statement, binds)
}

fn run_raw(statement: &mut rusqlite::Statement<'_>, binds: &[Bind]) -> usize {
    let params: Vec<Box<dyn rusqlite::ToSql>> = binds
        .iter()
        .map(|b| match b {
            Bind::Text(t) => Box::new(t.clone()) as Box<dyn rusqlite::ToSql>,
            Bind::Int(i) => Box::new(*i),
            Bind::BigInt(i) => Box::new(*i),
        })
        .collect();
    let rows = statement
        .query_map(rusqlite::params_from_iter(params.iter()), |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i32>(1)?,
                row.get::<_, Option<i32>>(2)?,
                row.get::<_, String>(3)?,
            ))
        })
        .unwrap();
    rows.collect::<Result<Vec<_>, _>>().unwrap().len()
}
