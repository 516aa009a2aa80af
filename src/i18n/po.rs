//! Reading a gettext .po file: each message's text (singular, plural) and its translations.
//! Enough of the format for catalogues made by xgettext and msgmerge: msgctxt, msgid,
//! msgid_plural, msgstr and msgstr[n], strings over several lines, the usual escapes.
//! Fuzzy and empty translations are left out (the English shows instead).

use std::collections::HashMap;

/// Translations by English text (a plural message under its singular).
pub type Catalogue = HashMap<String, Vec<String>>;

/// The translations in `text`; anything it cannot read is skipped.
pub fn parse(text: &str) -> Catalogue {
    let mut catalogue = Catalogue::new();
    for entry in text.split("\n\n") {
        if entry
            .lines()
            .any(|line| line.starts_with("#,") && line.contains("fuzzy"))
        {
            continue;
        }
        let mut msgid = None::<String>;
        let mut forms: Vec<String> = Vec::new();
        let mut current: Option<&mut String> = None;
        let mut plain_msgid = String::new();
        for line in entry.lines().map(str::trim) {
            let (keyword, rest) = match line.split_once(' ') {
                Some((keyword, rest)) if rest.starts_with('"') => (keyword, rest),
                _ if line.starts_with('"') => ("", line),
                _ => continue,
            };
            // One quote off each end: a text may end in an escaped quote (`\"`).
            let quoted = rest.trim();
            let inner = quoted
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .unwrap_or(quoted);
            let piece = unescape(inner);
            match keyword {
                "msgid" => {
                    plain_msgid = piece;
                    current = Some(&mut plain_msgid);
                }
                "msgid_plural" | "msgctxt" => current = None,
                "" => {
                    if let Some(target) = current.as_deref_mut() {
                        target.push_str(&piece);
                    }
                }
                _ if keyword.starts_with("msgstr") => {
                    msgid.get_or_insert_with(|| plain_msgid.clone());
                    forms.push(piece);
                    current = forms.last_mut();
                }
                _ => current = None,
            }
        }
        if let Some(msgid) = msgid.filter(|id| !id.is_empty())
            && forms.iter().all(|form| !form.is_empty())
            && !forms.is_empty()
        {
            catalogue.insert(msgid, forms);
        }
    }
    catalogue
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_plural_multi_line_and_fuzzy_entries_read_as_gettext_means() {
        let catalogue = parse(
            r#"msgid ""
msgstr ""
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: src/a.rs:1
msgid "Diffusion model"
msgstr "Diffusionsmodell"

msgid "{n} image"
msgid_plural "{n} images"
msgstr[0] "{n} Bild"
msgstr[1] "{n} "
"Bilder"

#, fuzzy
msgid "Old"
msgstr "Alt"

msgid "Not yet"
msgstr ""

msgid "Say \"hi\""
msgstr "Sag \"hallo\""
"#,
        );
        assert_eq!(catalogue["Diffusion model"], ["Diffusionsmodell"]);
        assert_eq!(catalogue["{n} image"], ["{n} Bild", "{n} Bilder"]);
        assert_eq!(catalogue["Say \"hi\""], ["Sag \"hallo\""]);
        assert!(!catalogue.contains_key("Old") && !catalogue.contains_key("Not yet"));
        assert!(!catalogue.contains_key(""), "the header is no message");
    }
}
