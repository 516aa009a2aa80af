//! The grid's page query alone: every filter × sort, through diesel and through raw rusqlite
//! with the same SQL, on the grid bench's 100k library. `cargo bench --bench page_query`.
//! Prints every combination's ratio, worst first (PAGE_QUERY_RUNS=N runs each, default page_ratio::RUNS).

mod common;

use common::page_ratio;

fn main() {
    let count: u32 = std::env::var("GRID_BENCH_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("PAGE_QUERY_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(page_ratio::RUNS)
        .max(1);
    let dir = common::demo_library("grid", count);
    let report = page_ratio::measure(&dir.join("data").join("distillery.db"), runs);
    let mut combos = report.combos.clone();
    combos.sort_by(|a, b| b.ratio().total_cmp(&a.ratio()));
    println!("\nPage query on {count} items, median of {runs}, worst ratio first\n");
    println!("| filter × sort | rows | diesel | rusqlite | ratio |\n|---|---|---|---|---|");
    for c in &combos {
        println!(
            "| {} | {} | {} | {} | {:.2}× |",
            c.label,
            c.rows,
            micros(c.diesel),
            micros(c.raw),
            c.ratio()
        );
    }
    println!("\n{}", report.summary());
}

fn micros(d: std::time::Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}
