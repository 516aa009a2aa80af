//! File names from a template: `{date}_{counter}_{prompt}` → `2026-12-03_0001_a_harbour_at_dusk`.
//! Fields: date, time, seed, prompt (its first words), counter, name (the original's file
//! name without extension), id, rating. Whatever the fields hold, the result is one safe
//! file name: no separators, no control characters, not empty, at most 150 bytes.

/// The fields a template can use, for one image.
#[derive(Debug, Clone, Default)]
pub struct NameFields {
    /// Local date `YYYY-MM-DD` and time `HHMMSS` the image was made.
    pub date: String,
    pub time: String,
    pub seed: Option<i64>,
    pub prompt: Option<String>,
    /// 1-based position in the export.
    pub counter: usize,
    pub name: String,
    pub id: String,
    pub rating: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Date,
    Time,
    Seed,
    Prompt,
    Counter,
    Name,
    Id,
    Rating,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameTemplate {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("“{}” is not a name field: use date, time, seed, prompt, counter, name, id or rating"), &[&format!("{{{}}}", .0)]))]
    UnknownField(String),
    #[error("{}", crate::i18n::tr("a “{” is not closed"))]
    Unclosed,
    #[error(
        "{}",
        crate::i18n::tr("a name template cannot hold “/” or “\\”: files are written into the chosen folder")
    )]
    Separator,
    #[error("{}", crate::i18n::tr("the name template is empty"))]
    Empty,
}

/// The longest name written (bytes, before the extension): every common file system takes it.
const MAX_NAME_BYTES: usize = 150;
/// Words of the prompt a name takes.
const PROMPT_WORDS: usize = 6;

impl NameTemplate {
    pub const DEFAULT: &'static str = "{date}_{counter}_{prompt}";

    pub fn parse(typed: &str) -> Result<Self, TemplateProblem> {
        if typed.contains(['/', '\\']) {
            return Err(TemplateProblem::Separator);
        }
        if typed.trim().is_empty() {
            return Err(TemplateProblem::Empty);
        }
        let mut pieces = Vec::new();
        let mut rest = typed;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_owned()));
            }
            let close = rest[open..].find('}').ok_or(TemplateProblem::Unclosed)? + open;
            let field = &rest[open + 1..close];
            pieces.push(match field.trim().to_ascii_lowercase().as_str() {
                "date" => Piece::Date,
                "time" => Piece::Time,
                "seed" => Piece::Seed,
                "prompt" => Piece::Prompt,
                "counter" => Piece::Counter,
                "name" => Piece::Name,
                "id" => Piece::Id,
                "rating" => Piece::Rating,
                _ => return Err(TemplateProblem::UnknownField(field.to_owned())),
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Ok(Self { pieces })
    }

    /// The file name (without extension) for `fields`.
    pub fn render(&self, fields: &NameFields) -> String {
        let mut name = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => name.push_str(text),
                Piece::Date => name.push_str(&fields.date),
                Piece::Time => name.push_str(&fields.time),
                Piece::Seed => {
                    if let Some(seed) = fields.seed {
                        name.push_str(&seed.to_string());
                    }
                }
                Piece::Prompt => name.push_str(&prompt_words(fields.prompt.as_deref().unwrap_or(&fields.name))),
                Piece::Counter => name.push_str(&format!("{:04}", fields.counter)),
                Piece::Name => name.push_str(&fields.name),
                Piece::Id => name.push_str(&fields.id),
                Piece::Rating => name.push_str(&fields.rating.to_string()),
            }
        }
        safe_file_name(&name, &fields.id)
    }
}

/// The prompt's first words, joined by `_`, letters and digits only.
fn prompt_words(prompt: &str) -> String {
    prompt
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(PROMPT_WORDS)
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// `name` made safe as one file name; `fallback` when nothing is left.
fn safe_file_name(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut cleaned = cleaned.trim().trim_matches('.').trim_end_matches(['_', ' ']).to_owned();
    while cleaned.len() > MAX_NAME_BYTES {
        cleaned.pop();
    }
    if cleaned.is_empty() {
        fallback.to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> NameFields {
        NameFields {
            date: "2026-12-03".into(),
            time: "214502".into(),
            seed: Some(42),
            prompt: Some("A harbour at dusk, golden light; boats / nets & fog".into()),
            counter: 7,
            name: "IMG_0001".into(),
            id: "01abc".into(),
            rating: 4,
        }
    }

    #[test]
    fn templates_render_safe_names() {
        let t = NameTemplate::parse(NameTemplate::DEFAULT).unwrap();
        assert_eq!(t.render(&fields()), "2026-12-03_0007_a_harbour_at_dusk_golden_light");
        let t = NameTemplate::parse("{name}-{seed}-{rating}stars {time}").unwrap();
        assert_eq!(t.render(&fields()), "IMG_0001-42-4stars 214502");
        let t = NameTemplate::parse("..{prompt}..").unwrap();
        let odd = NameFields {
            prompt: Some("\u{7}:*?".into()),
            ..fields()
        };
        assert_eq!(t.render(&odd), "01abc", "nothing usable left: the id");
        let long = NameFields {
            name: "é".repeat(200),
            ..fields()
        };
        assert!(NameTemplate::parse("{name}").unwrap().render(&long).len() <= 150);
    }

    #[test]
    fn bad_templates_are_named() {
        assert_eq!(
            NameTemplate::parse("{dat}"),
            Err(TemplateProblem::UnknownField("dat".into()))
        );
        assert_eq!(NameTemplate::parse("{date"), Err(TemplateProblem::Unclosed));
        assert_eq!(NameTemplate::parse("a/{date}"), Err(TemplateProblem::Separator));
        assert_eq!(NameTemplate::parse("  "), Err(TemplateProblem::Empty));
    }
}
