//! `distillery keyword add|remove|list`: keywords from scripts, through the same service as
//! the window's keyword field. All or nothing, like `rate`: an id that is not in the library
//! changes nothing and is named.

use super::AppContext;
use super::culling::{refuse_missing, unique_ids};
use crate::cli::{GlobalOptions, KeywordCommand, KeywordEditArgs};
use crate::db::keywords::{Keyword, list};
use crate::services::keywords::{KeywordChange, tag_all_or_nothing};

pub fn run(global: &GlobalOptions, command: &KeywordCommand) -> anyhow::Result<()> {
    match command {
        KeywordCommand::Add(args) => edit(global, args, true),
        KeywordCommand::Remove(args) => edit(global, args, false),
        KeywordCommand::List { json } => list_keywords(global, *json),
    }
}

fn edit(global: &GlobalOptions, args: &KeywordEditArgs, add: bool) -> anyhow::Result<()> {
    let keyword = Keyword::parse(&args.keyword)?;
    let change = if add {
        KeywordChange::Add(vec![keyword.clone()])
    } else {
        KeywordChange::Remove(vec![keyword.clone()])
    };
    AppContext::run_with(global, |ctx| {
        ctx.require_writable()?;
        let ids = unique_ids(&args.ids);
        let asked = ids.clone();
        let tagged = ctx
            .db
            .call_blocking(move |conn| tag_all_or_nothing(conn, &asked, &change))?;
        let changed = match tagged {
            Ok(tagged) => tagged.changed,
            Err(missing) => return refuse_missing(&missing),
        };
        ctx.db.flush_blocking()?;
        let images = |n: usize| format!("{n} {}", if n == 1 { "image" } else { "images" });
        let (verb, preposition) = if add { ("added", "to") } else { ("removed", "from") };
        let unchanged = ids.len() - changed;
        let already = match (unchanged, add) {
            (0, _) => String::new(),
            (n, true) => format!(" ({} had it already)", images(n)),
            (n, false) => format!(" ({} did not have it)", images(n)),
        };
        eprintln!("{verb} “{}” {preposition} {}{already}", keyword.name(), images(changed));
        Ok(())
    })
}

fn list_keywords(global: &GlobalOptions, json: bool) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| {
        let keywords = ctx.db.call_blocking(list)?;
        let mut out = std::io::stdout().lock();
        use std::io::Write;
        for keyword in &keywords {
            if json {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({"keyword": keyword.name, "images": keyword.images}),
                )?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}\t{}", keyword.images, keyword.name)?;
            }
        }
        eprintln!(
            "{} {}",
            keywords.len(),
            if keywords.len() == 1 { "keyword" } else { "keywords" }
        );
        Ok(())
    })
}
