use crate::db::DbError;
use crate::db::types::JobId;
use crate::engine::EngineError;
use crate::library::LibraryError;

/// What can go wrong with the queue; messages are for the user.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("{0}")]
    InvalidRequest(String),

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("reference image {}"), &[&.0.to_string()]))]
    Reference(#[source] LibraryError),

    #[error(transparent)]
    Library(#[from] LibraryError),

    #[error(transparent)]
    Db(#[from] DbError),

    #[error(transparent)]
    Engine(#[from] EngineError),

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("there is no job {}"), &[&.0.to_string()]))]
    UnknownJob(JobId),

    #[error("{}", crate::i18n::tr("the queue has stopped"))]
    Stopped,
}
