//! The translation catalogues keep up with the code: every text the Rust code marks for
//! translation (`tr`, `tr_n`, `later`) is in `lang/distillery.pot`, and every bundled
//! language translates every message of both catalogues (the window's .slint texts and
//! the Rust ones), none fuzzy, with the same placeholders. A new English sentence without
//! its German fails here, not in front of a German user (lang/README.md says how to add one).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The string literal at the start of `text` (after blanks), unescaped, and what follows it.
fn literal(text: &str) -> Option<(String, &str)> {
    let rest = text.trim_start().strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((out, &rest[at + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Every text marked for translation in `code` (a plural message gives both forms).
fn marked(code: &str) -> Vec<String> {
    let code = code.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    for call in ["tr(", "tr_n(", "later("] {
        for (at, _) in code.match_indices(call) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let Some((first, rest)) = literal(&code[at + call.len()..]) else {
                continue; // a variable: its text is marked where it is written
            };
            found.push(first);
            if call == "tr_n("
                && let Some((second, _)) = literal(rest.trim_start().strip_prefix(',').unwrap_or(rest))
            {
                found.push(second);
            }
        }
    }
    found
}

/// The quoted lines after `keyword` in a .po entry, joined and unescaped.
fn field(entry: &str, keyword: &str) -> Option<String> {
    let mut lines = entry
        .lines()
        .skip_while(|line| !line.starts_with(&format!("{keyword} \"")));
    let first = lines.next()?;
    let mut text = literal(&first[keyword.len()..])?.0;
    for line in lines.take_while(|line| line.starts_with('"')) {
        text.push_str(&literal(line)?.0);
    }
    Some(text)
}

struct Message {
    context: Option<String>,
    id: String,
    plural: Option<String>,
    translations: Vec<String>,
    fuzzy: bool,
}

fn messages(path: &Path) -> Vec<Message> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split("\n\n")
        .filter_map(|entry| {
            let id = field(entry, "msgid")?;
            let translations = match field(entry, "msgstr") {
                Some(one) => vec![one],
                None => (0..).map_while(|n| field(entry, &format!("msgstr[{n}]"))).collect(),
            };
            (!id.is_empty()).then(|| Message {
                context: field(entry, "msgctxt"),
                id,
                plural: field(entry, "msgid_plural"),
                translations,
                fuzzy: entry.lines().any(|l| l.starts_with("#,") && l.contains("fuzzy")),
            })
        })
        .collect()
}

/// `{}`, `{0}` and `{n}` in `text`, counted so a moved placeholder still matches.
fn placeholders(text: &str) -> usize {
    text.match_indices('{')
        .filter(|(at, _)| {
            let inside: String = text[at + 1..].chars().take_while(|c| *c != '}').collect();
            inside.is_empty() || inside == "n" || inside.parse::<usize>().is_ok()
        })
        .count()
}

#[test]
fn every_marked_text_is_in_the_rust_catalogue() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let catalogue: BTreeSet<String> = messages(&root().join("lang/distillery.pot"))
        .into_iter()
        .flat_map(|m| std::iter::once(m.id).chain(m.plural))
        .collect();
    let mut missing = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(root().join("src/i18n"))) {
        for text in marked(&std::fs::read_to_string(file).unwrap()) {
            if !catalogue.contains(&text) {
                missing.push(format!("{}: {text:?}", file.strip_prefix(root()).unwrap().display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in lang/distillery.pot (run scripts/extract-translations): {missing:#?}"
    );
}

#[test]
fn every_bundled_language_translates_every_message() {
    let languages: Vec<PathBuf> = std::fs::read_dir(root().join("lang"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert!(!languages.is_empty());
    for domain in ["distillery", "distillery-ui"] {
        let template = messages(&root().join(format!("lang/{domain}.pot")));
        assert!(template.len() > 10, "{domain}.pot has its messages");
        for language in &languages {
            let po = language.join(format!("LC_MESSAGES/{domain}.po"));
            let translated = messages(&po);
            let mut problems = Vec::new();
            for wanted in &template {
                let Some(found) = translated
                    .iter()
                    .find(|m| m.context == wanted.context && m.id == wanted.id && m.plural == wanted.plural)
                else {
                    problems.push(format!("missing: {:?}", wanted.id));
                    continue;
                };
                let forms = if wanted.plural.is_some() { 2 } else { 1 };
                if found.fuzzy || found.translations.len() != forms || found.translations.iter().any(String::is_empty) {
                    problems.push(format!("not translated: {:?}", wanted.id));
                    continue;
                }
                for (form, english) in found
                    .translations
                    .iter()
                    .zip([Some(&wanted.id), wanted.plural.as_ref()])
                {
                    let english = english.unwrap_or(&wanted.id);
                    if placeholders(form) != placeholders(english) {
                        problems.push(format!("placeholders differ: {english:?} → {form:?}"));
                    }
                }
            }
            assert!(problems.is_empty(), "{}: {problems:#?}", po.display());
        }
    }
}

#[test]
fn the_scanner_finds_what_it_should() {
    let code = r#"
        let a = tr("One sentence.");
        let b = crate::i18n::tr_n("{n} image", "{n} images", n, &shown);
        let c = tr_n(
            "Moved {n} file.",
            "Moved {n} files.",
            n, &shown);
        const D: &str = later("a \"quoted\" word");
        let e = attr("not this");
        let f = tr(variable);
    "#;
    assert_eq!(
        marked(code),
        [
            "One sentence.",
            "{n} image",
            "{n} images",
            "Moved {n} file.",
            "Moved {n} files.",
            "a \"quoted\" word"
        ]
    );
    assert_eq!(placeholders("{} of {n}, {1} {unknown}"), 3);
}
