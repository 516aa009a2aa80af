//! Settings → Library → Check Library: the same check as `distillery check`, off the UI
//! thread, with its finding in a sentence and a Repair that deletes nothing.

use super::SettingsDialog;
use crate::library::check::CheckReport;
use crate::services::finished_work::FinishedWork;
use crate::ui::SettingsAdapter;
use slint::ComponentHandle;
use std::rc::Rc;

impl SettingsDialog {
    /// Checks (and with `repair`, first repairs) the open library.
    pub(super) fn check_library(self: &Rc<Self>, repair: bool) {
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<SettingsAdapter>();
        adapter.set_library_checking(true);
        let (catalog, root) = (self.catalog.clone(), self.context.library_root.clone());
        let ownership = self.context.ownership.clone();
        let this = Rc::clone(self);
        self.mode.run(
            move || catalog.check_library(&root, repair, &ownership),
            move |checked| {
                let Some(window) = this.window.upgrade() else { return };
                let adapter = window.global::<SettingsAdapter>();
                adapter.set_library_checking(false);
                match checked {
                    Ok((found, repaired)) => {
                        // Missing originals cannot come back, but a repair marks them in the grid
                        // (and takes the mark off those whose file is back).
                        let repairable = found.problems() > 0;
                        adapter.set_library_repairable(repairable);
                        let finding = format!("{}{}", repaired.clone().unwrap_or_default(), summary(&found));
                        adapter.set_library_check_result(finding.clone().into());
                        this.tell(FinishedWork::check(Ok((finding, found.problems()))));
                        if repaired.is_some() {
                            this.events.publish(crate::ui::events::WindowEvent::LibraryRepaired);
                        }
                    }
                    Err(error) => {
                        adapter.set_library_repairable(false);
                        adapter.set_library_check_result(
                            crate::i18n::fill(&crate::i18n::tr("The check could not run: {}"), &[&error.to_string()])
                                .into(),
                        );
                        this.tell(FinishedWork::check(Err(error.to_string())));
                    }
                }
            },
        );
    }

    fn tell(&self, told: FinishedWork) {
        self.events.publish(crate::ui::events::WindowEvent::WorkFinished(told));
    }
}

/// "All 1,204 items are whole.", or the problems by kind ("Items whose thumbnail is missing: 2.").
pub(super) fn summary(found: &CheckReport) -> String {
    if found.problems() == 0 {
        return crate::i18n::tr_n(
            "The {n} item is whole.",
            "All {n} items are whole.",
            found.items as u64,
            &crate::format::grouped(found.items as i64),
        );
    }
    let parts: Vec<String> = found
        .rows()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{}: {}", crate::i18n::tr(what), crate::format::grouped(n as i64)))
        .collect();
    crate::format::sentence(&parts.join("; "))
}
