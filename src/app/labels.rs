//! `distillery label ID... NAME|none`: colour labels from scripts, all or nothing, through
//! the same service as the window.

use super::AppContext;
use super::culling::{refuse_missing, unique_ids};
use crate::cli::{GlobalOptions, LabelArgs};
use crate::services::labels::{label_all_or_nothing, parse_label};

pub fn run(global: &GlobalOptions, args: &LabelArgs) -> anyhow::Result<()> {
    let (ids, last) = match args.args.split_last() {
        Some((last, ids)) => (ids, last.as_str()),
        None => (&[][..], ""),
    };
    let label = parse_label(last).unwrap_or_else(|problem| {
        clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{problem}\n")).exit()
    });
    AppContext::run_with(global, |ctx| {
        ctx.require_writable()?;
        let unique = unique_ids(ids);
        let asked = unique.clone();
        let wanted = label.clone();
        let labelled = ctx
            .db
            .call_blocking(move |conn| label_all_or_nothing(conn, &asked, wanted.as_ref()))?;
        if let Err(missing) = labelled {
            refuse_missing(&missing)?;
        }
        ctx.db.flush_blocking()?;
        let images = if unique.len() == 1 { "image" } else { "images" };
        match &label {
            Some(label) => eprintln!("labelled {} {images} “{}”", unique.len(), label.name()),
            None => eprintln!("cleared the label of {} {images}", unique.len()),
        }
        Ok(())
    })
}
