use super::DbError;
use diesel::SqliteConnection;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut SqliteConnection) + Send>;

enum Message {
    Run(Job),
    /// Checkpoint, close the connection and end the thread; answered once it is closed.
    Close(std::sync::mpsc::Sender<()>),
}

/// A cloneable handle to the database thread, which alone owns the SQLite connection.
///
/// Jobs run one at a time in the order they were sent, so a job sent after another sees its
/// writes. The thread ends when the last handle is dropped.
#[derive(Clone)]
pub struct Database {
    jobs: mpsc::Sender<Message>,
    path: PathBuf,
}

impl Database {
    /// Starts the database thread around an open, migrated connection.
    pub(crate) fn start(mut conn: SqliteConnection, path: PathBuf) -> Self {
        let (jobs, inbox) = mpsc::channel::<Message>();
        std::thread::Builder::new()
            .name("database".into())
            .spawn(move || {
                for message in inbox {
                    match message {
                        Message::Run(job) => job(&mut conn),
                        Message::Close(closed) => {
                            super::close::checkpoint(&mut conn);
                            drop(conn);
                            let _ = closed.send(());
                            tracing::debug!("database closed");
                            return;
                        }
                    }
                }
                tracing::debug!("database thread finished");
            })
            .expect("the OS can start the database thread");
        Self { jobs, path }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on the database thread and resolves with its result.
    pub async fn call<T, F>(&self, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteConnection) -> Result<T, DbError> + Send + 'static,
    {
        let path = self.path.clone();
        self.send(work)?
            .await
            .map_err(|_| DbError::WorkerGone)?
            .map_err(|error| error.naming(&path))
    }

    /// Runs `work` on the database thread and waits for it. For the command line and start-up
    /// only: never call this from a UI callback.
    pub fn call_blocking<T, F>(&self, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteConnection) -> Result<T, DbError> + Send + 'static,
    {
        self.send(work)?
            .blocking_recv()
            .map_err(|_| DbError::WorkerGone)?
            .map_err(|error| error.naming(&self.path))
    }

    /// Runs `work` without waiting for it; a failure is logged. For writes whose outcome the
    /// caller cannot act on (saving a panel's open state).
    pub fn spawn<F>(&self, what: &'static str, work: F)
    where
        F: FnOnce(&mut SqliteConnection) -> Result<(), DbError> + Send + 'static,
    {
        let path = self.path.clone();
        let job: Job = Box::new(move |conn| {
            if let Err(error) = work(conn) {
                let error = error.naming(&path);
                tracing::error!(%error, "{what} failed");
            }
        });
        if self.jobs.send(Message::Run(job)).is_err() {
            tracing::error!("{what} was dropped: the database thread has stopped");
        }
    }

    /// Waits until every job sent before this call has finished.
    pub fn flush_blocking(&self) -> Result<(), DbError> {
        self.call_blocking(|_| Ok(()))
    }

    /// Lets every job sent before this call finish, folds the write-ahead log into the
    /// database file and closes the connection. Later calls on any clone fail with
    /// [`DbError::WorkerGone`]. Closing twice is harmless.
    pub fn close_blocking(&self) {
        let (closed, wait) = std::sync::mpsc::channel();
        if self.jobs.send(Message::Close(closed)).is_ok() {
            let _ = wait.recv();
        }
    }

    fn send<T, F>(&self, work: F) -> Result<oneshot::Receiver<Result<T, DbError>>, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteConnection) -> Result<T, DbError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // The caller may have gone away; then nobody wants the answer.
            let _ = reply.send(work(conn));
        });
        self.jobs.send(Message::Run(job)).map_err(|_| DbError::WorkerGone)?;
        Ok(answer)
    }
}
