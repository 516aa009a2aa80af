//! `distillery list`, `rate` and `mark`: the catalogue as the grid shows it, and culling from
//! scripts, through the same services as the window's keys. Another process's window sees
//! the change within its poll (a quarter of a second).

use super::AppContext;
use crate::cli::{GlobalOptions, ListArgs, MarkArgs, RateArgs};
use crate::db::types::MediaId;
use crate::services::culling::{CullChange, cull_all_or_nothing, parse_rating, parse_status};
use crate::services::listing::{ListQuery, list as list_items};

pub fn list(global: &GlobalOptions, args: &ListArgs) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| {
        let query = ListQuery {
            view: args.filter.to_query(),
            order: args.sort,
            limit: args.limit,
        };
        let library = ctx.library.clone();
        let items = ctx.db.call_blocking(move |conn| list_items(conn, &library, &query))??;
        let mut out = std::io::stdout().lock();
        use std::io::Write;
        for item in &items {
            if args.json {
                serde_json::to_writer(&mut out, item)?;
                writeln!(out)?;
            } else {
                let prompt = item.prompt.as_deref().unwrap_or_default();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    item.id,
                    item.rating,
                    item.status.unwrap_or("none"),
                    item.path.display(),
                    prompt.lines().next().unwrap_or_default()
                )?;
            }
        }
        eprintln!("{} {}", items.len(), if items.len() == 1 { "item" } else { "items" });
        Ok(())
    })
}

pub fn rate(global: &GlobalOptions, args: &RateArgs) -> anyhow::Result<()> {
    let (ids, last) = split(&args.args);
    let rating = parse_rating(last).unwrap_or_else(|problem| usage(&problem));
    change(
        global,
        ids,
        CullChange::Rating(rating),
        &match rating.stars() {
            0 => "cleared the rating of".to_owned(),
            1 => "rated 1 star:".to_owned(),
            n => format!("rated {n} stars:"),
        },
    )
}

pub fn mark(global: &GlobalOptions, args: &MarkArgs) -> anyhow::Result<()> {
    let (ids, last) = split(&args.args);
    let status = parse_status(last).unwrap_or_else(|problem| usage(&problem));
    let done = match status {
        Some(crate::db::types::CullStatus::Selected) => "marked selected:",
        Some(crate::db::types::CullStatus::Rejected) => "marked rejected:",
        None => "cleared the status of",
    };
    change(global, ids, CullChange::Status(status), done)
}

/// A usage error: clap's message on stderr and exit code 2, as for any other bad argument.
fn usage(problem: &str) -> ! {
    clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{problem}\n")).exit()
}

/// The ids and the last argument (clap asks for at least two).
fn split(args: &[String]) -> (&[String], &str) {
    match args.split_last() {
        Some((last, ids)) => (ids, last.as_str()),
        None => (&[], ""),
    }
}

/// All or nothing: an id that is not in the library changes nothing and is named.
fn change(global: &GlobalOptions, ids: &[String], change: CullChange, done: &str) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| {
        ctx.require_writable()?;
        let unique = unique_ids(ids);
        let asked = unique.clone();
        let culled = ctx
            .db
            .call_blocking(move |conn| cull_all_or_nothing(conn, &asked, change))?;
        if let Err(missing) = culled {
            refuse_missing(&missing)?;
        }
        ctx.db.flush_blocking()?;
        let count = unique.len();
        eprintln!("{done} {count} {}", if count == 1 { "image" } else { "images" });
        Ok(())
    })
}

/// The ids as given, each once, in their first order.
pub(super) fn unique_ids(ids: &[String]) -> Vec<MediaId> {
    let mut unique: Vec<MediaId> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = MediaId::from_string(id.trim());
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    unique
}

/// The failure of an all-or-nothing change: which ids are not in the library.
pub(super) fn refuse_missing(missing: &[MediaId]) -> anyhow::Result<()> {
    let names: Vec<&str> = missing.iter().map(MediaId::as_str).collect();
    anyhow::bail!(
        "nothing was changed: {} not in this library ({})",
        if missing.len() == 1 { "1 id is" } else { "some ids are" },
        names.join(", ")
    )
}
