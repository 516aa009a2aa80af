//! `keywords` and `media_keywords`: the library's vocabulary and which images carry which
//! keyword. Keywords are matched without regard to case ("Lisbon" and "lisbon" are one);
//! the spelling first written is kept. Counts are kept by triggers (see the migration).

use super::DbError;
use super::schema::{keywords, media, media_keywords};
use super::types::{MediaId, Timestamp};
use diesel::prelude::*;

/// Ids bound in one statement, as in `media`.
const IDS_PER_STATEMENT: usize = 10_000;

/// The longest keyword kept (characters): longer text is not a keyword but a caption.
pub const MAX_KEYWORD_CHARS: usize = super::names::MAX_NAME_CHARS;

/// A keyword as written, tidied: surrounding space trimmed, inner runs of space made one.
/// Hierarchical keywords keep their `|` separators ("Places|Europe|Lisbon").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Keyword {
    name: String,
    folded: String,
}

/// Why a typed keyword is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadKeyword {
    #[error("{}", crate::i18n::tr("a keyword cannot be empty"))]
    Empty,
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("a keyword has at most {} characters"), &[&MAX_KEYWORD_CHARS.to_string()]))]
    TooLong,
    #[error("{}", crate::i18n::tr("a keyword cannot hold control characters"))]
    ControlCharacter,
}

impl Keyword {
    pub fn parse(typed: &str) -> Result<Self, BadKeyword> {
        use super::names::{NameProblem, tidy};
        let (name, folded) = tidy(typed).map_err(|problem| match problem {
            NameProblem::Empty => BadKeyword::Empty,
            NameProblem::TooLong => BadKeyword::TooLong,
            NameProblem::ControlCharacter => BadKeyword::ControlCharacter,
        })?;
        Ok(Self { name, folded })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The form keywords are told apart by (lower case).
    pub fn folded(&self) -> &str {
        &self.folded
    }
}

/// A keyword of the library and how many images carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordCount {
    pub name: String,
    pub images: i64,
}

/// The id of `keyword`, created if the library does not have it yet.
fn ensure(conn: &mut SqliteConnection, keyword: &Keyword) -> Result<i32, DbError> {
    diesel::insert_or_ignore_into(keywords::table)
        .values((
            keywords::name.eq(keyword.name()),
            keywords::folded.eq(keyword.folded()),
            keywords::created_at.eq(Timestamp::now().as_str()),
        ))
        .execute(conn)?;
    Ok(keywords::table
        .filter(keywords::folded.eq(keyword.folded()))
        .select(keywords::id)
        .first(conn)?)
}

/// The id of `keyword` if the library has it.
fn find(conn: &mut SqliteConnection, keyword: &Keyword) -> Result<Option<i32>, DbError> {
    Ok(keywords::table
        .filter(keywords::folded.eq(keyword.folded()))
        .select(keywords::id)
        .first(conn)
        .optional()?)
}

/// Gives every listed image (that exists) every listed keyword; returns how many image–keyword
/// pairs are new. One write transaction.
pub fn add(conn: &mut SqliteConnection, ids: &[MediaId], add: &[Keyword]) -> Result<usize, DbError> {
    super::transaction::write(conn, |conn| add_pairs(conn, ids, add))
}

/// [`add`] inside the caller's transaction.
fn add_pairs(conn: &mut SqliteConnection, ids: &[MediaId], add: &[Keyword]) -> Result<usize, DbError> {
    let mut added = 0;
    for keyword in add {
        let keyword_id = ensure(conn, keyword)?;
        for ids in ids.chunks(IDS_PER_STATEMENT) {
            let rows = media::table.filter(media::id.eq_any(ids)).select((
                keyword_id.into_sql::<diesel::sql_types::Integer>(),
                media::id,
                media::rating,
                media::status,
                media::created_at,
            ));
            added += diesel::insert_or_ignore_into(media_keywords::table)
                .values(rows)
                .into_columns((
                    media_keywords::keyword_id,
                    media_keywords::media_id,
                    media_keywords::rating,
                    media_keywords::status,
                    media_keywords::created_at,
                ))
                .execute(conn)?;
        }
    }
    Ok(added)
}

/// Takes every listed keyword off every listed image; returns how many pairs were removed.
/// The keywords stay in the library's vocabulary.
pub fn remove(conn: &mut SqliteConnection, ids: &[MediaId], remove: &[Keyword]) -> Result<usize, DbError> {
    super::transaction::write(conn, |conn| {
        let mut removed = 0;
        for keyword in remove {
            let Some(keyword_id) = find(conn, keyword)? else {
                continue;
            };
            for ids in ids.chunks(IDS_PER_STATEMENT) {
                removed += diesel::delete(
                    media_keywords::table
                        .filter(media_keywords::keyword_id.eq(keyword_id))
                        .filter(media_keywords::media_id.eq_any(ids)),
                )
                .execute(conn)?;
            }
        }
        Ok(removed)
    })
}

/// Each listed image's keywords (names, in alphabetical order); images without any are
/// listed with none.
pub fn of_items(conn: &mut SqliteConnection, ids: &[MediaId]) -> Result<Vec<(MediaId, Vec<String>)>, DbError> {
    let mut found: std::collections::HashMap<MediaId, Vec<String>> = std::collections::HashMap::new();
    for ids in ids.chunks(IDS_PER_STATEMENT) {
        let rows: Vec<(MediaId, String)> = media_keywords::table
            .inner_join(keywords::table)
            .filter(media_keywords::media_id.eq_any(ids))
            .select((media_keywords::media_id, keywords::name))
            .order(keywords::folded)
            .load(conn)?;
        for (id, name) in rows {
            found.entry(id).or_default().push(name);
        }
    }
    Ok(ids
        .iter()
        .map(|id| (id.clone(), found.remove(id).unwrap_or_default()))
        .collect())
}

/// Gives each listed image exactly the listed keywords (what undo puts back); images that no
/// longer exist are skipped.
pub fn set_exactly(conn: &mut SqliteConnection, sets: &[(MediaId, Vec<String>)]) -> Result<(), DbError> {
    super::transaction::write(conn, |conn| {
        for (id, names) in sets {
            diesel::delete(media_keywords::table.filter(media_keywords::media_id.eq(id))).execute(conn)?;
            let keywords: Vec<Keyword> = names.iter().filter_map(|name| Keyword::parse(name).ok()).collect();
            add_pairs(conn, std::slice::from_ref(id), &keywords)?;
        }
        Ok(())
    })
}

/// Every keyword of the library with its count of images, alphabetically.
pub fn list(conn: &mut SqliteConnection) -> Result<Vec<KeywordCount>, DbError> {
    let rows: Vec<(String, i64)> = keywords::table
        .select((keywords::name, keywords::n))
        .order(keywords::folded)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(name, images)| KeywordCount { name, images })
        .collect())
}

/// Keywords starting with `typed` (ignoring case), most used first: what the keyword field
/// offers while typing.
pub fn starting_with(conn: &mut SqliteConnection, typed: &str, limit: i64) -> Result<Vec<KeywordCount>, DbError> {
    let prefix = typed.trim().to_lowercase();
    // A range over the unique index on `folded` rather than LIKE, whose case rules are
    // ASCII-only and which cannot use that index.
    let upper = format!("{prefix}\u{10FFFF}");
    let rows: Vec<(String, i64)> = keywords::table
        .filter(keywords::folded.ge(&prefix))
        .filter(keywords::folded.lt(&upper))
        .select((keywords::name, keywords::n))
        .order((keywords::n.desc(), keywords::folded))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(name, images)| KeywordCount { name, images })
        .collect())
}
