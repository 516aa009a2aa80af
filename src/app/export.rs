//! `distillery export`: the export service from the command line. Each written file is
//! printed to stdout ("MEDIA_ID<TAB>PATH"); progress, problems and the summary go to stderr.
//! Ctrl+C stops before the next file is named: what was written stays, nothing is partial.

use super::AppContext;
use super::culling::unique_ids;
use crate::cli::{ExportArgs, GlobalOptions};
use crate::db::media_query::MediaSort;
use crate::export::{ExportOptions, ExportSize};
use crate::services::exporting::{ExportOutcome, export, view_ids};
use crate::services::listing::resolve;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn run(global: &GlobalOptions, args: &ExportArgs) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| {
        let query = args.filter.to_query();
        let asked = unique_ids(&args.ids);
        let ids = ctx.db.call_blocking(move |conn| {
            let filter = match resolve(conn, &query)? {
                Ok(filter) => filter,
                Err(problem) => return Ok(Err(problem)),
            };
            let mut ids = view_ids(conn, &filter, MediaSort::NewestFirst)?;
            if !asked.is_empty() {
                let wanted: std::collections::HashSet<_> = asked.iter().cloned().collect();
                ids.retain(|id| wanted.contains(id));
            }
            Ok(Ok(ids))
        })??;
        if ids.is_empty() {
            anyhow::bail!("no image matches: nothing was exported");
        }
        let options = ExportOptions {
            folder: args.out.clone(),
            format: args.format,
            size: args.long_edge.map_or(ExportSize::Original, ExportSize::LongEdge),
            quality: args.quality,
            names: args.names.clone(),
            metadata: args.metadata,
        };
        let cancel = Arc::new(AtomicBool::new(false));
        let stopper = cancel.clone();
        super::shutdown::on_stop_signal_outside_runtime(move || stopper.store(true, Ordering::SeqCst));
        let summary = export(
            &ctx.db,
            &ctx.library,
            &ids,
            &options,
            &cancel,
            &|progress| match &progress.outcome {
                ExportOutcome::Written(path) => {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{}\t{}", progress.id, path.display());
                    let _ = out.flush();
                }
                ExportOutcome::Failed(reason) => eprintln!("{}: {reason}", progress.id),
            },
        )?;
        eprintln!("{}.", summary.summary_to(&args.out.display().to_string()));
        if summary.cancelled {
            anyhow::bail!("the export was cancelled");
        }
        if !summary.failed.is_empty() {
            anyhow::bail!("{} could not be exported", summary.failed.len());
        }
        Ok(())
    })
}
