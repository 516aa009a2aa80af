//! The cheat sheet's key chips in the user's language: Slint writes a binding's keys in
//! English ("Ctrl+Shift+E", "Delete"); German keyboards say "Strg+Umschalt+E", "Entf".

use crate::i18n::{later, tr};
use slint::ComponentHandle;

/// The names Slint's `Keys` display uses on Linux and Windows that a keyboard's language
/// may name differently; letters, digits and symbols stay as they are.
const KEY_NAMES: &[&str] = &[
    later("Ctrl"),
    later("Shift"),
    later("Alt"),
    later("Super"),
    later("Win"),
    later("Delete"),
    later("Backspace"),
    later("Return"),
    later("Escape"),
    later("Space"),
    later("Tab"),
];

/// `shown` ("Ctrl+Backspace") with each key named in the user's language.
pub fn in_language(shown: &str) -> String {
    shown
        .split('+')
        .map(|part| match KEY_NAMES.iter().find(|name| **name == part) {
            Some(name) => tr(name),
            None => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("+")
}

pub fn connect(window: &super::AppWindow) {
    window
        .global::<super::Shortcuts>()
        .on_keys_in_language(|shown| in_language(&shown).into());
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_keep_their_order_and_symbols() {
        // The unit tests run in English (scripts/test sets LANGUAGE=en).
        assert_eq!(super::in_language("Ctrl+Shift+E"), "Ctrl+Shift+E");
        assert_eq!(super::in_language("Ctrl++"), "Ctrl++");
        assert_eq!(super::in_language("Delete"), "Delete");
    }
}
