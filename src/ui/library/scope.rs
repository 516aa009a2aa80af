//! What part of the library the grid shows: all of it, one collection, or the images
//! carrying some keywords. The filter bar and the search narrow the scope further; a
//! collection's view keeps every filter, sort, stack and culling key.

use super::LibraryController;
use crate::services::model::{CollectionId, MediaFilter};
use crate::services::saved_filter::{self, SavedFilter};
use slint::ComponentHandle;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum GridScope {
    #[default]
    Library,
    Collection {
        id: CollectionId,
        name: String,
        /// A smart collection's filter as saved; `None` for a manual collection.
        saved: Option<SavedFilter>,
    },
    /// Images carrying every one of these keywords (as the user sees them).
    Keywords(Vec<String>),
}

impl GridScope {
    /// How the count bar names it: "“Client picks”", "keywords harbour + night".
    pub fn label(&self) -> Option<String> {
        match self {
            GridScope::Library => None,
            GridScope::Collection { name, .. } => Some(format!("“{name}”")),
            GridScope::Keywords(names) if names.len() == 1 => {
                Some(crate::i18n::fill(&crate::i18n::tr("keyword “{}”"), &[&names[0]]))
            }
            GridScope::Keywords(names) => Some(crate::i18n::fill(
                &crate::i18n::tr("keywords {}"),
                &[&names.join(" + ")],
            )),
        }
    }
}

/// The scope and the filter its view starts from.
#[derive(Debug, Clone, Default)]
pub(super) struct ScopeState {
    pub scope: GridScope,
    pub base: MediaFilter,
}

impl LibraryController {
    /// Shows `scope` in the grid, starting from `base` (a collection's images, a smart
    /// collection's saved filter, some keywords); the filter bar narrows it further.
    pub fn show_scope(&self, scope: GridScope, base: MediaFilter) {
        let scoped = scope != GridScope::Library;
        *self.scope.borrow_mut() = ScopeState { scope, base };
        self.adapter_do(|adapter| adapter.set_scoped(scoped));
        self.reload_view();
        self.events.publish(super::WindowEvent::ScopeChanged);
    }

    /// What the grid shows now.
    pub fn scope(&self) -> GridScope {
        self.scope.borrow().scope.clone()
    }

    /// The filter the current scope starts from.
    pub fn scope_base(&self) -> MediaFilter {
        self.scope.borrow().base.clone()
    }

    /// The filter bar's `filter` within the current scope.
    pub(super) fn within_scope(&self, filter: &MediaFilter) -> MediaFilter {
        saved_filter::both(&self.scope.borrow().base, filter)
    }

    /// What the grid shows now (scope, filter bar and search) as a smart collection saves
    /// it.
    pub fn view_as_saved_filter(&self) -> SavedFilter {
        let Some(window) = self.window.upgrade() else {
            return SavedFilter::default();
        };
        let adapter = window.global::<super::LibraryAdapter>();
        let more = super::more_filters::chosen(&adapter);
        let bar = SavedFilter {
            model: more.model,
            from: more.from,
            to: more.to,
            ..SavedFilter::from_grid_view(&super::view::grid_view_of(&adapter), &adapter.get_search_text())
        };
        match &self.scope.borrow().scope {
            GridScope::Library => bar,
            GridScope::Collection { saved: Some(saved), .. } => saved.narrowed_by(&bar),
            GridScope::Collection { id, saved: None, .. } => SavedFilter {
                collection: Some(*id),
                ..bar
            },
            GridScope::Keywords(names) => SavedFilter {
                keywords: names.clone(),
                ..bar
            },
        }
    }

    /// The filter the grid applies now (scope, filter bar and search), for an export of
    /// the view.
    pub fn view_filter(&self) -> MediaFilter {
        self.model.cache.borrow().filter()
    }

    /// The sort the grid shows now.
    pub fn view_sort(&self) -> crate::services::model::MediaSort {
        self.model.cache.borrow().sort()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_named_for_the_count_bar() {
        assert_eq!(GridScope::Library.label(), None);
        assert_eq!(
            GridScope::Keywords(vec!["harbour".into()]).label().as_deref(),
            Some("keyword “harbour”")
        );
        assert_eq!(
            GridScope::Keywords(vec!["harbour".into(), "night".into()])
                .label()
                .as_deref(),
            Some("keywords harbour + night")
        );
    }
}
