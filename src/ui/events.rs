//! What the window's controllers tell each other, as one typed channel: the grid publishes
//! the current item and culling keys, the loupe its opening and closing, Settings a repair
//! and a save; whoever cares subscribes (the info panel, the loupe, compare, the saved
//! place, the engine's settings). No controller holds another's listener hooks.

use super::CullMark;
use crate::services::model::ViewItem;
use crate::settings::CheckedSettings;
use std::cell::RefCell;
use std::rc::Rc;

/// A culling key was applied to the selection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Culled {
    /// 0 clears.
    Rating(i32),
    Status(CullMark),
}

#[derive(Debug, Clone)]
pub enum WindowEvent {
    /// The current item (when its page is loaded) or the number of selected items may
    /// have changed.
    CurrentChanged { item: Option<ViewItem>, selected: usize },
    /// A culling key was applied (after the change is shown).
    Culled(Culled),
    /// The loupe opened (true) or closed.
    LoupeOpened(bool),
    /// A repair marked or unmarked missing originals, or imported strays.
    LibraryRepaired,
    /// Settings were checked and saved.
    SettingsSaved(CheckedSettings),
    /// The library changed (images came, went or were edited): counts may differ.
    LibraryChanged,
    /// The grid shows another part of the library (a collection, keywords, all of it).
    ScopeChanged,
    /// A batch of generations, an import, an export or a library check ended.
    WorkFinished(crate::services::finished_work::FinishedWork),
}

type Subscriber = Rc<dyn Fn(&WindowEvent)>;

/// The window's event channel. Cheap to clone; every clone is the same channel. UI thread
/// only: events are delivered at once, in the order subscribers subscribed.
#[derive(Clone, Default)]
pub struct WindowEvents {
    subscribers: Rc<RefCell<Vec<Subscriber>>>,
}

impl WindowEvents {
    pub fn subscribe(&self, subscriber: impl Fn(&WindowEvent) + 'static) {
        self.subscribers.borrow_mut().push(Rc::new(subscriber));
    }

    /// Tells every subscriber. A subscriber may publish in turn (moving the selection after
    /// a cull) or subscribe; those who subscribe meanwhile hear from the next event on.
    pub fn publish(&self, event: WindowEvent) {
        let subscribers = self.subscribers.borrow().clone();
        for subscriber in subscribers {
            subscriber(&event);
        }
    }

    /// Calls `on_saved` with every saved set of settings.
    pub fn on_settings_saved(&self, on_saved: Rc<dyn Fn(&CheckedSettings)>) {
        self.subscribe(move |event| {
            if let WindowEvent::SettingsSaved(saved) = event {
                on_saved(saved);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn subscribers_hear_events_in_order_and_may_publish_in_turn() {
        let events = WindowEvents::default();
        let heard = Rc::new(RefCell::new(Vec::new()));
        let (h, again) = (heard.clone(), events.clone());
        events.subscribe(move |event| {
            h.borrow_mut().push(format!("first {event:?}"));
            if let WindowEvent::Culled(_) = event {
                again.publish(WindowEvent::LoupeOpened(false));
            }
        });
        let h = heard.clone();
        events.subscribe(move |event| h.borrow_mut().push(format!("second {event:?}")));
        events.publish(WindowEvent::Culled(Culled::Rating(3)));
        assert_eq!(
            *heard.borrow(),
            vec![
                "first Culled(Rating(3))",
                "first LoupeOpened(false)",
                "second LoupeOpened(false)",
                "second Culled(Rating(3))",
            ]
        );
        let late = Rc::new(Cell::new(0));
        let (l, inner) = (late.clone(), events.clone());
        events.subscribe(move |_| {
            let l = l.clone();
            inner.subscribe(move |_| l.set(l.get() + 1));
        });
        events.publish(WindowEvent::LibraryRepaired);
        assert_eq!(late.get(), 0, "a subscriber added during an event hears the next one");
        events.publish(WindowEvent::LibraryRepaired);
        assert!(late.get() >= 1);
    }
}
