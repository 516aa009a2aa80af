//! Where the user was: the current item and whether the loupe was open, remembered as they
//! change and restored at the next start (the interactive window only: snapshots and tests
//! leave the saved place alone).

use super::MainWindow;
use super::events::WindowEvent;
use crate::services::Catalog;
use crate::services::model::MediaId;
use crate::settings::UiState;
use std::rc::Rc;

/// Saves the current item and the loupe's state whenever they change.
pub fn remember(main: &MainWindow, catalog: &Catalog) {
    let saver = catalog.clone();
    main.events.subscribe(move |event| match event {
        WindowEvent::CurrentChanged { item, .. } => {
            let id = item.as_ref().map(|i| i.id.as_str().to_owned());
            saver.save_current_item(id).send("remembering the current image");
        }
        WindowEvent::LoupeOpened(open) => saver.save_loupe_open(*open).send("remembering the view"),
        _ => {}
    });
}

/// Selects the saved item (if it is still in the view) and reopens the loupe on it.
pub fn restore(main: &MainWindow, state: &UiState) {
    let loupe = Rc::downgrade(&main.loupe);
    let reopen = state.loupe_open;
    let open_loupe = move || {
        if reopen && let Some(loupe) = loupe.upgrade() {
            loupe.open();
        }
    };
    match &state.current_item {
        Some(id) => main
            .library
            .go_to_then(MediaId::from_string(id.as_str()), false, move |_| open_loupe()),
        None => open_loupe(),
    }
}
