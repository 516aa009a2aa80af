//! The filter bar's More filters: the model and the days shown. They narrow the view for
//! this window only (not kept across starts); days are read as the command line's `--from`
//! and `--to` are, and a day that is not one is said under the fields, not applied.

use super::{LibraryAdapter, LibraryController};
use crate::services::model::MediaFilter;
use crate::services::saved_filter::SavedFilter;
use slint::{ModelRc, SharedString, VecModel};

/// The first model choice: no model filter.
const ANY_MODEL: &str = crate::i18n::later("Any model");

/// The model and days the popup describes, as a smart collection saves them.
pub(super) fn chosen(adapter: &LibraryAdapter) -> SavedFilter {
    use slint::Model;
    let index = usize::try_from(adapter.get_model_index()).unwrap_or(0);
    let model = (index > 0)
        .then(|| adapter.get_model_choices().row_data(index))
        .flatten()
        .map(|name| name.to_string());
    let day = |typed: SharedString| Some(typed.trim().to_owned()).filter(|d| !d.is_empty());
    SavedFilter {
        model,
        from: day(adapter.get_from_day()),
        to: day(adapter.get_to_day()),
        ..SavedFilter::default()
    }
}

/// `filter` narrowed by the popup's model and days; a problem with the days is shown and
/// the days are left out.
pub(super) fn narrow(adapter: &LibraryAdapter, filter: MediaFilter) -> MediaFilter {
    let wanted = chosen(adapter);
    let (model, created, problem) = match wanted.to_filter() {
        Ok(more) => (more.model, more.created, String::new()),
        Err(problem) => (
            wanted.model.clone(),
            Default::default(),
            crate::format::capitalised(&problem.to_string()),
        ),
    };
    adapter.set_days_problem(crate::format::with_full_stop(&problem).into());
    MediaFilter {
        model,
        created,
        ..filter
    }
}

impl LibraryController {
    /// Reads the models in use again for the popup, keeping the one chosen.
    pub(super) fn load_model_choices(&self) {
        self.run_query(self.catalog.model_names(), |this, names| {
            let Ok(names) = names else { return };
            this.adapter_do(|adapter| {
                let chosen = chosen(adapter).model;
                let mut choices: Vec<SharedString> = vec![crate::i18n::tr(ANY_MODEL).into()];
                choices.extend(names.iter().map(|n| SharedString::from(n.as_str())));
                let index = chosen
                    .and_then(|c| choices.iter().position(|n| n.as_str() == c))
                    .unwrap_or(0);
                adapter.set_model_choices(ModelRc::new(VecModel::from(choices)));
                adapter.set_model_index(index as i32);
            });
        });
    }
}

/// Sets the popup's first state: any model, no days.
pub(super) fn reset(adapter: &LibraryAdapter) {
    adapter.set_model_choices(ModelRc::new(VecModel::from(vec![SharedString::from(crate::i18n::tr(
        ANY_MODEL,
    ))])));
    adapter.set_model_index(0);
    adapter.set_from_day("".into());
    adapter.set_to_day("".into());
    adapter.set_days_problem("".into());
}
