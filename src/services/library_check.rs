//! Settings → Check Library: the same check (and repair) as `distillery check`, with what a
//! repair did in one sentence. Blocking: it reads the whole library folder.

use super::catalog::Catalog;
use crate::db::Ownership;
use crate::library::LibraryRoot;
use crate::library::check::CheckReport;
use crate::services::repair::check_and_repair;
use std::path::Path;

impl Catalog {
    /// Checks the library at `root` (with `repair`, repairs it first, as its owner); answers
    /// with the findings and, after a repair, what it did.
    pub fn check_library(
        &self,
        root: &Path,
        repair: bool,
        ownership: &Ownership,
    ) -> Result<(CheckReport, Option<String>), String> {
        let library = LibraryRoot::open(root).map_err(|e| e.to_string())?;
        let (found, done) =
            check_and_repair(self.database(), &library, repair, ownership).map_err(|e| e.to_string())?;
        let repaired = done.map(|done| {
            let count = |n: usize| crate::format::grouped(n as i64);
            crate::i18n::fill(
                &crate::i18n::tr(
                    "Repaired: {} thumbnails made, {} files imported, {} set aside in lost+found, {} marked missing. ",
                ),
                &[
                    &count(done.thumbnails_made),
                    &count(done.imported),
                    &count(done.set_aside),
                    &count(done.marked_missing),
                ],
            )
        });
        Ok((found, repaired))
    }
}
