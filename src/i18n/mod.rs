//! The window's words that Rust puts together (counts, model names, summaries) in the
//! user's language, as the .slint texts are (lang/README.md). The catalogues are built into
//! the binary (`lang/<language>/LC_MESSAGES/distillery.po`, extracted from the `tr` and
//! `tr_n` calls); the language is the locale's, chosen as gettext and Slint choose it. The
//! command line stays English: scripts read it.

mod po;

use std::sync::OnceLock;

/// How a language writes numbers: "1,204.5" in English, "1.204,5" in German.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberMarks {
    pub thousands: char,
    pub decimal: char,
}

const ENGLISH_NUMBERS: NumberMarks = NumberMarks {
    thousands: ',',
    decimal: '.',
};

/// The bundled catalogues: (language, .po text, how it writes numbers).
const BUNDLED: &[(&str, &str, NumberMarks)] = &[(
    "de",
    include_str!("../../lang/de/LC_MESSAGES/distillery.po"),
    NumberMarks {
        thousands: '.',
        decimal: ',',
    },
)];

struct Language {
    catalogue: po::Catalogue,
    /// Which plural form `n` takes (German, like English: one for 1, another for the rest).
    plural: fn(u64) -> usize,
    numbers: NumberMarks,
}

static CHOSEN: OnceLock<Option<Language>> = OnceLock::new();

/// The locale's language among the bundled ones, from `LANGUAGE` (a list), `LC_ALL`,
/// `LC_MESSAGES` and `LANG`, in gettext's order: "de_DE.UTF-8" → "de".
pub fn locale_language(get: impl Fn(&str) -> Option<String>) -> Option<&'static str> {
    let wanted: Vec<String> = ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| get(name).filter(|value| !value.is_empty()))
        .flat_map(|value| value.split(':').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    wanted.iter().find_map(|locale| {
        let language = locale.split(['_', '.', '@']).next().unwrap_or_default();
        if language == "C" || language == "POSIX" || language == "en" {
            return Some(None);
        }
        BUNDLED
            .iter()
            .find(|(bundled, _, _)| *bundled == language)
            .map(|(bundled, _, _)| Some(*bundled))
    })?
}

/// Chooses the language for this process (`None`: English); the first call wins, and
/// without one the locale decides at the first translation. The command line chooses
/// English before anything is worded, so scripts read the same words in every locale.
pub fn use_language(language: Option<&str>) {
    let _ = CHOSEN.set(load(language));
}

fn load(language: Option<&str>) -> Option<Language> {
    let (_, text, numbers) = BUNDLED.iter().find(|(bundled, _, _)| Some(*bundled) == language)?;
    Some(Language {
        catalogue: po::parse(text),
        plural: |n| usize::from(n != 1),
        numbers: *numbers,
    })
}

fn chosen() -> Option<&'static Language> {
    CHOSEN
        .get_or_init(|| load(locale_language(|name| std::env::var(name).ok())))
        .as_ref()
}

/// How the user's language writes numbers.
pub fn number_marks() -> NumberMarks {
    chosen().map_or(ENGLISH_NUMBERS, |language| language.numbers)
}

/// `english` in the user's language.
pub fn tr(english: &'static str) -> String {
    chosen()
        .and_then(|language| language.catalogue.get(english))
        .and_then(|forms| forms.first().cloned())
        .unwrap_or_else(|| english.to_owned())
}

/// Marks `english` for the catalogue where it is written (a table the command line also
/// prints), to be put in the user's language later with [`tr`].
pub const fn later(english: &'static str) -> &'static str {
    english
}

/// The form for `n` of a message with a singular and a plural, with `{n}` replaced by
/// `shown` (the count as it is to read, "1,204").
pub fn tr_n(singular: &'static str, plural: &'static str, n: u64, shown: &str) -> String {
    let form = match chosen() {
        Some(language) => language
            .catalogue
            .get(singular)
            .and_then(|forms| forms.get((language.plural)(n)).or(forms.last()))
            .cloned(),
        None => None,
    };
    form.unwrap_or_else(|| if n == 1 { singular } else { plural }.to_owned())
        .replace("{n}", shown)
}

/// `template` with `{}` replaced by `values` in order (the translation may move them:
/// `{0}`, `{1}` name them by position). One pass: a value that itself holds braces (a file
/// named "{1}.png") is put in as it is.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|v| v.len()).sum::<usize>());
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inside = &after[..close];
        let index = if inside.is_empty() {
            next += 1;
            Some(next - 1)
        } else {
            inside.parse::<usize>().ok()
        };
        match index.and_then(|at| values.get(at)) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_picks_a_bundled_language_as_gettext_does() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        assert_eq!(locale_language(env(&[("LANG", "de_DE.UTF-8")])), Some("de"));
        assert_eq!(
            locale_language(env(&[("LANGUAGE", "fr:de"), ("LANG", "en_US.UTF-8")])),
            Some("de")
        );
        assert_eq!(locale_language(env(&[("LC_ALL", "C"), ("LANG", "de_DE.UTF-8")])), None);
        assert_eq!(locale_language(env(&[("LANG", "pt_BR.UTF-8")])), None);
        assert_eq!(locale_language(env(&[])), None);
    }

    #[test]
    fn fill_puts_values_in_order_or_by_position() {
        assert_eq!(fill("{} of {}", &["3", "12"]), "3 of 12");
        assert_eq!(fill("{1} von {0}", &["12", "3"]), "3 von 12");
        assert_eq!(fill("{} is {}", &["{1}.png", "gone"]), "{1}.png is gone");
        assert_eq!(fill("{} and {unknown} {", &["a"]), "a and {unknown} {");
    }

    #[test]
    fn every_bundled_catalogue_reads_and_has_its_plurals() {
        for (language, text, _) in BUNDLED {
            let catalogue = po::parse(text);
            assert!(catalogue.len() >= 5, "{language}: {} messages", catalogue.len());
            for (english, forms) in &catalogue {
                if english.contains("{n}") {
                    assert_eq!(forms.len(), 2, "{language}: {english:?} has both forms");
                }
            }
        }
    }
}
