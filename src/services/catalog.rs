//! The catalogue as the window sees it: one handle over the library's database and folder.
//! Every question or change the window asks of the catalogue is a method here (grouped by
//! job in the files beside this one) that returns a [`Call`]: plain Rust values come back,
//! and the window never writes SQL or sends closures to the database thread itself.

use crate::db::{Database, DbError};
use crate::library::LibraryRoot;
use diesel::SqliteConnection;

/// The library's catalogue: its database (owned by the database thread) and its folder.
/// Cheap to clone; every clone talks to the same database thread.
#[derive(Clone)]
pub struct Catalog {
    db: Database,
    library: LibraryRoot,
}

type Work<T> = Box<dyn FnOnce(&mut SqliteConnection) -> Result<T, DbError> + Send>;

/// A question or change for the catalogue, not yet sent. The window's event loop awaits
/// [`Call::answer`]; the headless snapshot and tests, which must not defer, [`Call::wait`].
/// Calls run on the database thread in the order they are sent.
#[must_use = "a call does nothing until it is answered, waited for or sent"]
pub struct Call<T> {
    db: Database,
    work: Work<T>,
}

impl<T: Send + 'static> Call<T> {
    /// Runs the call on the database thread and resolves with its answer.
    pub async fn answer(self) -> Result<T, DbError> {
        self.db.call(self.work).await
    }

    /// Runs the call and waits for it. Never from a window callback in the interactive
    /// window (it would freeze while the database is busy).
    pub fn wait(self) -> Result<T, DbError> {
        self.db.call_blocking(self.work)
    }

    /// Sends the call and forgets it; a failure is logged as `what` failing. For saves whose
    /// outcome nobody can act on (a panel's open state). Still in order with other calls.
    pub fn send(self, what: &'static str) {
        let work = self.work;
        self.db.spawn(what, move |conn| work(conn).map(|_| ()));
    }
}

impl Catalog {
    pub fn new(db: Database, library: LibraryRoot) -> Self {
        Self { db, library }
    }

    /// The library's folder (where originals and thumbnails are).
    pub fn library(&self) -> &LibraryRoot {
        &self.library
    }

    /// Why nothing may change in this library, when it opened read-only.
    pub fn read_only_reason(&self) -> Option<String> {
        self.library.read_only_reason()
    }

    pub fn is_read_only(&self) -> bool {
        self.library.is_read_only()
    }

    /// A call running `work` over the catalogue's connection (for the service files).
    pub(super) fn call<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut SqliteConnection) -> Result<T, DbError> + Send + 'static,
    ) -> Call<T> {
        Call {
            db: self.db.clone(),
            work: Box::new(work),
        }
    }

    /// The database handle, for the services that move files and rows together (delete,
    /// untrash, import), which run on blocking threads.
    pub(super) fn database(&self) -> &Database {
        &self.db
    }
}
