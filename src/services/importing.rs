//! Importing from the window: the same import as `distillery import`, into this catalogue.
//! Blocking (it copies files): the window runs it on a thread of its own.

use super::catalog::Catalog;
use crate::import::{ImportOptions, ImportReport, Progress, import};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

impl Catalog {
    /// Imports the files and folders `picked` (folders recursively); `on_progress` hears
    /// each file as it is done, from the import's threads. Stops early when `cancel` is set.
    pub fn import(
        &self,
        picked: &[PathBuf],
        cancel: &AtomicBool,
        on_progress: &(dyn Fn(&Progress) + Sync),
    ) -> ImportReport {
        import(
            self.database(),
            self.library(),
            picked,
            ImportOptions::default(),
            cancel,
            on_progress,
        )
    }
}
