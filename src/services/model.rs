//! The catalogue's vocabulary as the window uses it: ids, ratings, statuses, the items a view
//! shows and the filters that pick them. They are defined next to the tables they map
//! (`crate::db`); the window names them from here, so it depends on the services alone.

pub use crate::db::DbError;
pub use crate::db::collections::{CollectionId, CollectionName, NameTaken};
pub use crate::db::generation_inputs::GenerationInput;
pub use crate::db::generations::Generation;
pub use crate::db::keywords::{Keyword, KeywordCount};
pub use crate::db::labels::Label;
pub use crate::db::media::Media;
pub use crate::db::media_history::{CullField, CullState};
pub use crate::db::media_query::{MediaFilter, MediaSort, SearchText, StatusFilter, ViewItem, ViewSnapshot};
pub use crate::db::ownership::Ownership;
pub use crate::db::stacks::StackInfo;
pub use crate::db::types::{CullStatus, JobId, JobStatus, MediaId, Origin, Rating};
