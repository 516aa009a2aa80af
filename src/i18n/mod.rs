//! The window's words that Rust puts together (counts, model names, summaries) in the
//! user's language, as the .slint texts are (lang/README.md). The catalogues are built into
//! the binary (`lang/<language>/LC_MESSAGES/distillery.po`, extracted from the `tr` and
//! `tr_n` calls); the language is the locale's, chosen as gettext and Slint choose it. The
//! command line stays English: scripts read it.

mod po;

use std::sync::OnceLock;

/// The bundled catalogues: (language, .po text).
const BUNDLED: &[(&str, &str)] = &[("de", include_str!("../../lang/de/LC_MESSAGES/distillery.po"))];

struct Language {
    catalogue: po::Catalogue,
    /// Which plural form `n` takes (German, like English: one for 1, another for the rest).
    plural: fn(u64) -> usize,
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
            .find(|(bundled, _)| *bundled == language)
            .map(|(bundled, _)| Some(*bundled))
    })?
}

/// Chooses the language for this process (`None`: English); the first call wins, and
/// without one the locale decides at the first translation.
pub fn use_language(language: Option<&str>) {
    let _ = CHOSEN.set(load(language));
}

fn load(language: Option<&str>) -> Option<Language> {
    let (_, text) = BUNDLED.iter().find(|(bundled, _)| Some(*bundled) == language)?;
    Some(Language {
        catalogue: po::parse(text),
        plural: |n| usize::from(n != 1),
    })
}

fn chosen() -> Option<&'static Language> {
    CHOSEN
        .get_or_init(|| load(locale_language(|name| std::env::var(name).ok())))
        .as_ref()
}

/// `english` in the user's language.
pub fn tr(english: &'static str) -> String {
    chosen()
        .and_then(|language| language.catalogue.get(english))
        .and_then(|forms| forms.first().cloned())
        .unwrap_or_else(|| english.to_owned())
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
/// `{0}`, `{1}` name them by position).
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = template.to_owned();
    for (at, value) in values.iter().enumerate() {
        out = out.replace(&format!("{{{at}}}"), value);
    }
    for value in values {
        out = out.replacen("{}", value, 1);
    }
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
    }

    #[test]
    fn every_bundled_catalogue_reads_and_has_its_plurals() {
        for (language, text) in BUNDLED {
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
