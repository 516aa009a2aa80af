//! `distillery check [--repair]`: the library against its catalogue. The summary table goes
//! to stdout, each problem (naming its file) to stderr; with --repair what can be fixed is
//! fixed first and the library checked again. The exit code is 1 when a problem remains.

use super::AppContext;
use crate::cli::{CheckArgs, GlobalOptions};
use crate::services::repair::check_and_repair;

pub fn run(global: &GlobalOptions, args: &CheckArgs) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| check(ctx, args))
}

fn check(ctx: &AppContext, args: &CheckArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let (report, repaired) = check_and_repair(&ctx.db, &ctx.library, args.repair, &ctx.ownership)?;
    if let Some(repaired) = repaired {
        eprintln!(
            "repaired: {} thumbnails made, {} files imported, {} files moved to {}/, {} items marked missing",
            repaired.thumbnails_made,
            repaired.imported,
            repaired.set_aside,
            crate::services::repair::LOST_AND_FOUND,
            repaired.marked_missing
        );
        for (file, reason) in &repaired.failed {
            eprintln!("not repaired: {file}: {reason}");
        }
    }
    let lists = [
        ("missing original", &report.missing_originals),
        ("file with no item", &report.orphan_originals),
        ("missing thumbnail", &report.missing_thumbnails),
        ("unreadable thumbnail", &report.corrupt_thumbnails),
        ("unused prepared reference", &report.orphan_references),
        ("file back, still marked missing", &report.stale_marks),
    ];
    for (what, files) in lists {
        for file in files {
            eprintln!("{what}: {file}");
        }
    }
    println!(
        "| check of {} ({} items) | found |",
        ctx.library.path().display(),
        report.items
    );
    println!("|---|---|");
    for (what, count) in report.rows() {
        println!("| {what} | {count} |");
    }
    eprintln!("checked in {:.1} s", started.elapsed().as_secs_f64());
    match report.problems() {
        0 => Ok(()),
        1 => anyhow::bail!("the library has 1 problem"),
        n => anyhow::bail!("the library has {n} problems"),
    }
}
