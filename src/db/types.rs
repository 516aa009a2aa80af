//! Typed values stored as TEXT: ids, enums and timestamps. They map to SQLite through
//! diesel so repositories never pass bare strings for things that have a meaning.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};
use std::fmt;

/// Declares a UUID-backed id stored as TEXT.
macro_rules! text_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, AsExpression, FromSqlRow)]
        #[diesel(sql_type = Text)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id (UUID v7), so ids created later sort later.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }
            /// Wraps an id read from elsewhere (a CLI argument, the engine).
            pub fn from_string(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ToSql<Text, Sqlite> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.0.as_str());
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Sqlite> for $name {
            fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                Ok(Self(<String as FromSql<Text, Sqlite>>::from_sql(value)?))
            }
        }
    };
}

/// Declares an enum stored as one of a fixed set of TEXT values.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
        #[diesel(sql_type = Text)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql<Text, Sqlite> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Sqlite> for $name {
            fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                // Parsed from the borrowed text: no String per row (the grid reads thousands).
                let text = value.read_text();
                $name::parse(text).ok_or_else(|| {
                    format!("unknown {} value {text:?} in the database", stringify!($name)).into()
                })
            }
        }
    };
}

text_id!(
    /// Identifies one item of the library (a row of `media`).
    MediaId
);
text_id!(
    /// Identifies one generation request and its parameters (a row of `generations`).
    GenerationId
);
text_id!(
    /// Identifies one reference image of a generation (a row of `generation_inputs`).
    GenerationInputId
);
text_id!(
    /// Identifies a canonical model such as "FLUX.2 Klein 9B" (a row of `base_models`).
    BaseModelId
);
text_id!(
    /// Identifies one job of the generation queue (a row of `queue`).
    JobId
);

text_enum!(
    /// How an item entered the library.
    Origin { Generation => "generation", Import => "import" }
);
text_enum!(
    /// The kind of media; only images for now.
    MediaType { Image => "image" }
);
text_enum!(
    /// A culling decision. No decision is stored as NULL.
    CullStatus { Selected => "selected", Rejected => "rejected" }
);
text_enum!(
    /// Where a generation is in its life.
    GenerationStatus { Pending => "pending", Completed => "completed", Failed => "failed" }
);
text_enum!(
    /// Where a queue job is in its life: pending -> processing -> completed | failed,
    /// or pending -> cancelled.
    JobStatus {
        Pending => "pending",
        Processing => "processing",
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

/// A star rating, 0 (unrated) to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rating(u8);

impl Rating {
    pub const UNRATED: Rating = Rating(0);
    pub const MAX: Rating = Rating(5);

    /// Returns `None` for values above 5.
    pub fn new(stars: u8) -> Option<Self> {
        (stars <= 5).then_some(Self(stars))
    }

    pub fn stars(self) -> u8 {
        self.0
    }

    /// Reads a stored value, clamping anything out of range (the schema's CHECK prevents it).
    pub(crate) fn from_db(value: i32) -> Self {
        Self(value.clamp(0, 5) as u8)
    }
}

impl From<i32> for Rating {
    fn from(value: i32) -> Self {
        Rating::from_db(value)
    }
}

/// An ISO 8601 UTC timestamp with milliseconds, e.g. `2026-11-25T12:00:00.000Z`.
/// Fixed width, so comparing the text compares the times.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(String);

const TIMESTAMP_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

impl Timestamp {
    pub fn now() -> Self {
        Self::from_datetime(time::OffsetDateTime::now_utc())
    }

    pub fn from_datetime(at: time::OffsetDateTime) -> Self {
        let utc = at.to_offset(time::UtcOffset::UTC);
        // Formatting with a fixed description cannot fail for in-range dates.
        Self(utc.format(TIMESTAMP_FORMAT).unwrap_or_default())
    }

    /// Accepts the stored form; `None` if the text is not one.
    pub fn parse(text: &str) -> Option<Self> {
        time::PrimitiveDateTime::parse(text, TIMESTAMP_FORMAT).ok()?;
        Some(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The time this names; `None` for text that is not a stored timestamp.
    pub fn to_datetime(&self) -> Option<time::OffsetDateTime> {
        time::PrimitiveDateTime::parse(&self.0, TIMESTAMP_FORMAT)
            .ok()
            .map(time::PrimitiveDateTime::assume_utc)
    }

    pub(crate) fn from_db(text: String) -> Self {
        Self(text)
    }
}

impl From<String> for Timestamp {
    /// For rows read from the database, whose CHECKed format needs no re-parsing.
    fn from(text: String) -> Self {
        Timestamp::from_db(text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_fixed_width_and_sort_as_time() {
        let early = Timestamp::from_datetime(time::macros::datetime!(2026-01-02 03:04:05.006 UTC));
        let late = Timestamp::from_datetime(time::macros::datetime!(2026-11-25 12:00:00 UTC));
        assert_eq!(early.as_str(), "2026-01-02T03:04:05.006Z");
        assert_eq!(late.as_str(), "2026-11-25T12:00:00.000Z");
        assert!(early < late);
        assert_eq!(Timestamp::parse(early.as_str()), Some(early));
        assert_eq!(Timestamp::parse("yesterday"), None);
    }

    #[test]
    fn ratings_stay_within_zero_to_five() {
        assert_eq!(Rating::new(5).map(Rating::stars), Some(5));
        assert_eq!(Rating::new(6), None);
        assert_eq!(Rating::from_db(9).stars(), 5);
    }

    #[test]
    fn enums_round_trip_their_text() {
        for status in JobStatus::ALL {
            assert_eq!(JobStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(CullStatus::parse("maybe"), None);
    }

    #[test]
    fn new_ids_sort_by_creation() {
        let first = MediaId::new();
        let second = MediaId::new();
        assert!(first < second);
    }
}
