//! Which view of the library the grid shows, and whether a new view or a live refresh of it
//! is on its way. Every view change gets a serial, so the answer of an older one is dropped;
//! a library change while one is on its way is folded into one more refresh afterwards.
//! Free of Slint, so the rules are tested on their own.

use std::cell::Cell;

#[derive(Default)]
pub(super) struct ViewState {
    /// Bumped on every view change, so late pages of an old view are dropped.
    serial: Cell<u64>,
    /// A live refresh or a new view is on its way.
    refreshing: Cell<bool>,
    /// A change came meanwhile: one more refresh after it.
    refresh_again: Cell<bool>,
}

impl ViewState {
    /// The serial of the view shown now (page loads carry it).
    pub(super) fn serial(&self) -> u64 {
        self.serial.get()
    }

    /// A new filter, sort or search: its serial. Until it is shown, a library change waits
    /// for it (a refresh now would re-read the old view and win over the new one).
    pub(super) fn start_view(&self) -> u64 {
        self.refreshing.set(true);
        self.bump()
    }

    /// A live refresh: its serial, or `None` when a view or refresh is already on its way
    /// (one more refresh then follows it).
    pub(super) fn start_refresh(&self) -> Option<u64> {
        if self.refreshing.replace(true) {
            self.refresh_again.set(true);
            return None;
        }
        Some(self.bump())
    }

    /// The answer for `serial` arrived: whether to show it (it is the latest). Nothing is on
    /// its way any more once it is.
    pub(super) fn arrived(&self, serial: u64) -> bool {
        if serial != self.serial.get() {
            return false;
        }
        self.refreshing.set(false);
        true
    }

    /// Whether a change came while the shown view or refresh was on its way (asked once).
    pub(super) fn take_refresh_again(&self) -> bool {
        self.refresh_again.replace(false)
    }

    fn bump(&self) -> u64 {
        self.serial.set(self.serial.get() + 1);
        self.serial.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_answer_is_shown() {
        let view = ViewState::default();
        let first = view.start_view();
        let second = view.start_view();
        assert!(!view.arrived(first), "an older view's answer is dropped");
        assert!(view.arrived(second));
        assert_eq!(view.serial(), second);
    }

    #[test]
    fn changes_during_a_view_or_refresh_fold_into_one_more_refresh() {
        let view = ViewState::default();
        let shown = view.start_view();
        assert_eq!(view.start_refresh(), None, "waits for the new view");
        assert_eq!(view.start_refresh(), None, "and many changes still make one");
        assert!(view.arrived(shown));
        assert!(view.take_refresh_again());
        assert!(!view.take_refresh_again(), "asked once");
        let refresh = view.start_refresh().expect("nothing on its way: refreshes now");
        assert_eq!(view.start_refresh(), None);
        assert!(view.arrived(refresh));
        assert!(view.take_refresh_again());
    }

    #[test]
    fn a_new_view_replaces_a_refresh_on_its_way() {
        let view = ViewState::default();
        let refresh = view.start_refresh().unwrap();
        let shown = view.start_view();
        assert!(!view.arrived(refresh), "the refresh of the old view is dropped");
        assert!(view.arrived(shown));
        assert!(!view.take_refresh_again());
    }
}
