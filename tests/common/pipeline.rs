//! A whole generation pipeline (database, library, simulated engine, queue) in a temp dir.
#![allow(dead_code)]

use super::TempApp;
use super::engine::{fast_config, model};
use distillery::app::AppContext;
use distillery::db::generation_inputs::{self, GenerationInput};
use distillery::db::media;
use distillery::db::types::{JobId, JobStatus};
use distillery::engine::EngineHandle;
use distillery::queue::{JobUpdate, QueueHandle};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::broadcast;

pub struct Pipeline {
    pub app: TempApp,
    pub ctx: AppContext,
    pub engine: EngineHandle,
    pub queue: QueueHandle,
    pub updates: broadcast::Receiver<JobUpdate>,
}

impl Pipeline {
    pub async fn start(env: &[(&str, &str)]) -> Self {
        Self::start_in(TempApp::new(), env, |_| {}).await
    }

    pub async fn start_in(
        app: TempApp,
        env: &[(&str, &str)],
        tune: impl FnOnce(&mut distillery::engine::EngineConfig),
    ) -> Self {
        Self::build(app, env, tune, true).await
    }

    /// A pipeline whose engine has started but has no model yet: load it with `engine.load`.
    pub async fn start_without_model(env: &[(&str, &str)]) -> Self {
        Self::build(TempApp::new(), env, |_| {}, false).await
    }

    async fn build(
        app: TempApp,
        env: &[(&str, &str)],
        tune: impl FnOnce(&mut distillery::engine::EngineConfig),
        load: bool,
    ) -> Self {
        // Opening blocks (the database is read and migrated): off the async worker.
        let ctx = tokio::task::block_in_place(|| AppContext::open(&app.options())).expect("the app opens");
        let mut config = fast_config(app.dir.path(), env);
        tune(&mut config);
        let engine = EngineHandle::start(config);
        if load {
            engine.load(model()).await.expect("the model loads");
        }
        let (queue, _) = QueueHandle::start(
            ctx.db.clone(),
            ctx.library.clone(),
            engine.clone(),
            "flux2-klein-Q5_K.gguf".into(),
            ctx.ownership.clone(),
        )
        .await
        .expect("the queue starts");
        let updates = queue.subscribe();
        Self {
            app,
            ctx,
            engine,
            queue,
            updates,
        }
    }

    /// The reference inputs recorded for the generation that made `media_id`.
    pub async fn inputs_of(&self, media_id: &distillery::db::types::MediaId) -> Vec<GenerationInput> {
        let id = media_id.clone();
        let item = self.ctx.db.call(move |c| media::get(c, &id)).await.unwrap().unwrap();
        let generation = item.generation_id.expect("a generated item");
        self.ctx
            .db
            .call(move |c| generation_inputs::for_generation(c, &generation))
            .await
            .unwrap()
    }

    /// Waits until every job in `jobs` has ended; returns each one's final update.
    pub async fn wait_all(&mut self, jobs: &[JobId]) -> HashMap<JobId, JobUpdate> {
        let mut done = HashMap::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while done.len() < jobs.len() {
            let update = tokio::time::timeout_at(deadline, self.updates.recv())
                .await
                .expect("jobs finish in time")
                .expect("the queue is alive");
            if update.is_final() && jobs.contains(&update.job_id) {
                done.insert(update.job_id.clone(), update);
            }
        }
        done
    }

    /// Waits for the next image stored by the queue; returns its id.
    pub async fn updates_until_media(&mut self) -> distillery::db::types::MediaId {
        loop {
            let update = tokio::time::timeout(Duration::from_secs(20), self.updates.recv())
                .await
                .expect("an image in time")
                .expect("the queue is alive");
            if let Some((media_id, _)) = update.media {
                return media_id;
            }
        }
    }

    /// Waits until `job` reports processing.
    pub async fn wait_processing(&mut self, job: &JobId) {
        loop {
            let update = tokio::time::timeout(Duration::from_secs(20), self.updates.recv())
                .await
                .unwrap()
                .unwrap();
            if &update.job_id == job && update.status == JobStatus::Processing && update.phase.is_some() {
                return;
            }
        }
    }

    pub async fn shutdown(self) -> TempApp {
        self.engine.shutdown().await;
        self.app
    }
}

/// Every file under `dir`, relative, sorted.
pub fn files_under(dir: &std::path::Path) -> Vec<String> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
