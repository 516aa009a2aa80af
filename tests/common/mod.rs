//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod corpus;
pub mod engine;
pub mod fake_provider;
pub mod package;
pub mod pipeline;
pub mod processes;
pub mod session_bus;
pub mod ui;
pub mod xvfb;

/// Installs Slint's testing backend with the software renderer on this test thread, so
/// windows can be created, clicked and snapshotted without a display.
pub fn init_testing_backend() {
    let backend = i_slint_backend_testing::TestingBackend::new(i_slint_backend_testing::TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    });
    slint::platform::set_platform(Box::new(backend)).expect("one testing backend per test thread");
}

/// A small tokio runtime for tests that drive the queue or the engine from a UI test thread.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A fresh data folder and library folder under one temporary directory.
pub struct TempApp {
    pub dir: tempfile::TempDir,
}

impl TempApp {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn library_dir(&self) -> PathBuf {
        self.dir.path().join("library")
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join("distillery.db")
    }

    /// The library's database, opened in this process (after the processes under test have
    /// written it: while open here, this process may own the library).
    pub fn database(&self) -> distillery::db::Database {
        distillery::db::open_database(&self.db_path())
            .expect("the library's database opens")
            .db
    }

    pub fn options(&self) -> distillery::cli::GlobalOptions {
        distillery::cli::GlobalOptions {
            library: Some(self.library_dir()),
            data_dir: Some(self.data_dir()),
            ..Default::default()
        }
    }

    /// Command-line arguments selecting this app's folders.
    pub fn args(&self) -> Vec<String> {
        vec![
            "--data-dir".into(),
            self.data_dir().display().to_string(),
            "--library".into(),
            self.library_dir().display().to_string(),
        ]
    }
}

/// The built `distillery` binary.
pub fn distillery_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_distillery"))
}

/// The whole rows of a grid view, in the view's order (grid pages hold only what the grid
/// draws; tests compare file names and paths too).
pub fn rows_in_view(
    db: &distillery::db::Database,
    filter: distillery::db::media_query::MediaFilter,
    sort: distillery::db::media_query::MediaSort,
) -> Vec<distillery::db::media::Media> {
    use distillery::db::{media, media_query};
    db.call_blocking(move |c| {
        media_query::page(c, &filter, sort, None, 1_000_000)?
            .into_iter()
            .map(|item| Ok(media::get(c, &item.id)?.expect("a listed item has a row")))
            .collect()
    })
    .unwrap()
}

/// Records `media` as a reference image of `generation` (as a generation that used it would),
/// so deleting and restoring it can be checked against the link.
pub fn link_as_reference(
    db: &distillery::db::Database,
    generation: &distillery::db::types::GenerationId,
    media: &distillery::db::types::MediaId,
) {
    let (generation, media) = (generation.clone(), media.clone());
    db.call_blocking(move |c| {
        distillery::db::generation_inputs::insert_all(
            c,
            &generation,
            &[distillery::db::generation_inputs::NewGenerationInput {
                media_id: Some(media),
                thumb_path: "ref_thumbnails/reference.jpg".into(),
            }],
        )
    })
    .unwrap();
}
