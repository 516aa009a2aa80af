//! `distillery collection …`: collections from scripts, through the same services as the
//! window's collections list. Adding and removing are all or nothing, like `rate`.

use super::AppContext;
use super::culling::{refuse_missing, unique_ids};
use crate::cli::{CollectionCommand, CollectionEditArgs, FilterArgs, GlobalOptions};
use crate::db::collections::{self as stored, CollectionName, CollectionRow};
use crate::services::collections::{
    CollectionProblem, MembershipChange, change_membership_all_or_nothing, find, summaries,
};
use crate::services::saved_filter::SavedFilter;
use std::io::Write;

pub fn run(global: &GlobalOptions, command: &CollectionCommand) -> anyhow::Result<()> {
    match command {
        CollectionCommand::Create { name } => create(global, name, None),
        CollectionCommand::Save { name, filter } => create(global, name, Some(filter)),
        CollectionCommand::Add(args) => membership(global, args, MembershipChange::Add),
        CollectionCommand::Remove(args) => membership(global, args, MembershipChange::Remove),
        CollectionCommand::Rename { name, new_name } => rename(global, name, new_name),
        CollectionCommand::Delete { name } => delete(global, name),
        CollectionCommand::List { json } => list(global, *json),
    }
}

fn images(n: impl Into<i64>) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { "image" } else { "images" })
}

/// The collection called `name`, or the reason there is none.
fn existing(ctx: &AppContext, name: &str) -> anyhow::Result<CollectionRow> {
    let name = CollectionName::parse(name)?;
    Ok(ctx.db.call_blocking(move |conn| find(conn, &name))??)
}

fn create(global: &GlobalOptions, name: &str, smart: Option<&FilterArgs>) -> anyhow::Result<()> {
    let name = CollectionName::parse(name)?;
    AppContext::run_with(global, |ctx| {
        ctx.require_writable()?;
        let saved = match smart {
            None => None,
            Some(filter) => Some(smart_filter(ctx, filter)?),
        };
        let json = saved.as_ref().map(SavedFilter::to_json);
        let stored_name = name.clone();
        ctx.db
            .call_blocking(move |conn| stored::create(conn, &stored_name, json.as_deref()))??;
        ctx.db.flush_blocking()?;
        match saved {
            None => eprintln!("made the collection “{}”", name.name()),
            Some(saved) => {
                let filter = saved.to_filter()?;
                let matching = ctx
                    .db
                    .call_blocking(move |conn| crate::db::media_query::count(conn, &filter))?;
                eprintln!("saved the smart collection “{}”: {} now", name.name(), images(matching));
            }
        }
        Ok(())
    })
}

/// The filter a smart collection saves. Inside a manual collection it keeps the collection's
/// id (so a later rename does not break it); a smart collection cannot be nested.
fn smart_filter(ctx: &AppContext, filter: &FilterArgs) -> anyhow::Result<SavedFilter> {
    let query = filter.to_query();
    let mut saved = query.filter;
    saved.to_filter()?;
    if let Some(within) = &query.collection {
        let row = existing(ctx, within)?;
        if row.smart_filter.is_some() {
            anyhow::bail!(
                "a smart collection can be saved within a manual collection only, and “{}” is smart",
                row.name
            );
        }
        saved.collection = Some(row.id);
    }
    Ok(saved)
}

fn membership(global: &GlobalOptions, args: &CollectionEditArgs, change: MembershipChange) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| {
        ctx.require_writable()?;
        let row = existing(ctx, &args.name)?;
        let ids = unique_ids(&args.ids);
        let asked = ids.clone();
        let moved = ctx
            .db
            .call_blocking(move |conn| change_membership_all_or_nothing(conn, row.id, &asked, change))??;
        if !moved.missing.is_empty() {
            return refuse_missing(&moved.missing);
        }
        ctx.db.flush_blocking()?;
        let unchanged = ids.len() - moved.changed.len();
        let (verb, preposition) = match change {
            MembershipChange::Add => ("added", "to"),
            MembershipChange::Remove => ("removed", "from"),
        };
        let note = match (unchanged, change) {
            (0, _) => String::new(),
            (n, MembershipChange::Add) => format!(" ({} in it already)", images(n as i64)),
            (n, MembershipChange::Remove) => format!(" ({} not in it)", images(n as i64)),
        };
        eprintln!(
            "{verb} {} {preposition} “{}”{note}",
            images(moved.changed.len() as i64),
            row.name
        );
        Ok(())
    })
}

fn rename(global: &GlobalOptions, name: &str, new_name: &str) -> anyhow::Result<()> {
    let new_name = CollectionName::parse(new_name)?;
    AppContext::run_with(global, |ctx| {
        ctx.require_writable()?;
        let row = existing(ctx, name)?;
        let to = new_name.clone();
        if !ctx.db.call_blocking(move |conn| stored::rename(conn, row.id, &to))?? {
            return Err(CollectionProblem::Gone.into());
        }
        ctx.db.flush_blocking()?;
        eprintln!("renamed “{}” to “{}”", row.name, new_name.name());
        Ok(())
    })
}

fn delete(global: &GlobalOptions, name: &str) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| {
        ctx.require_writable()?;
        let row = existing(ctx, name)?;
        let id = row.id;
        if !ctx.db.call_blocking(move |conn| stored::delete(conn, id))? {
            return Err(CollectionProblem::Gone.into());
        }
        ctx.db.flush_blocking()?;
        match row.smart_filter {
            Some(_) => eprintln!("deleted the smart collection “{}”", row.name),
            None => eprintln!(
                "deleted the collection “{}” (its {} stay in the library)",
                row.name,
                images(row.images)
            ),
        }
        Ok(())
    })
}

fn list(global: &GlobalOptions, json: bool) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| {
        let listed = ctx.db.call_blocking(summaries)?;
        let mut out = std::io::stdout().lock();
        for collection in &listed {
            let kind = if collection.smart { "smart" } else { "manual" };
            if json {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({
                        "collection": collection.name,
                        "kind": kind,
                        "images": collection.images,
                        "problem": collection.problem,
                    }),
                )?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}\t{kind}\t{}", collection.images, collection.name)?;
            }
            if let Some(problem) = &collection.problem {
                eprintln!("“{}”: {problem}", collection.name);
            }
        }
        eprintln!(
            "{} {}",
            listed.len(),
            if listed.len() == 1 { "collection" } else { "collections" }
        );
        Ok(())
    })
}
