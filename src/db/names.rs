//! The tidying rules shared by names users type for keywords and collections: surrounding
//! space trimmed, inner runs of space made one, no control characters, a bounded length,
//! and a case-folded form the two are told apart by.

/// The longest name kept (characters): longer text is a caption, not a name.
pub const MAX_NAME_CHARS: usize = 100;

/// Why typed text is not a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong,
    ControlCharacter,
}

/// `typed` tidied, and its folded (lower-case) form.
pub fn tidy(typed: &str) -> Result<(String, String), NameProblem> {
    if typed.chars().any(char::is_control) {
        return Err(NameProblem::ControlCharacter);
    }
    let name = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong);
    }
    let folded = name.to_lowercase();
    Ok((name, folded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_folded() {
        assert_eq!(
            tidy("  Lisbon   Harbour "),
            Ok(("Lisbon Harbour".into(), "lisbon harbour".into()))
        );
        assert_eq!(tidy(" \t "), Err(NameProblem::ControlCharacter));
        assert_eq!(tidy("   "), Err(NameProblem::Empty));
        assert_eq!(tidy(&"x".repeat(MAX_NAME_CHARS + 1)), Err(NameProblem::TooLong));
        assert!(tidy(&"é".repeat(MAX_NAME_CHARS)).is_ok());
    }
}
