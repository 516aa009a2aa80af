//! The generation pipeline end to end: queue, simulated engine (a real child process),
//! library files and database rows agree, whatever goes wrong.

use crate::common;

use common::engine::model;
use common::pipeline::{Pipeline, files_under};
use distillery::db::types::{GenerationStatus, JobStatus};
use distillery::db::{generations, media, queue as queue_rows};
use distillery::generation::metadata::{DISTILLERY_KEYWORD, ImageMetadata, PARAMETERS_KEYWORD};
use distillery::generation::{Aspect, GenerationRequest, ReferenceSource, Resolution};
use distillery::library::delete::delete_media;
use distillery::library::png_text::read_text_chunks;
use distillery::library::trash::TrashPolicy;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_jobs_all_complete_with_rows_files_thumbnails_and_metadata_in_agreement() {
    let mut pipeline = Pipeline::start(&[]).await;
    let request = GenerationRequest {
        count: 20,
        seed: Some(1000),
        resolution: Resolution::R512,
        aspect: Aspect::Landscape3x2,
        ..GenerationRequest::new("a field of tulips, \"overcast\"\nsecond line 🌷 שלום")
    };
    let prompt = request.prompt.clone();
    let jobs = pipeline.queue.submit(request).await.unwrap();
    assert_eq!(jobs.len(), 20);
    let done = pipeline.wait_all(&jobs).await;
    let root = pipeline.ctx.library.path().to_owned();

    for (index, job) in jobs.iter().enumerate() {
        let update = &done[job];
        assert_eq!(update.status, JobStatus::Completed, "{:?}", update.error);
        let (media_id, path) = update.media.clone().unwrap();
        let id = media_id.clone();
        let item = pipeline
            .ctx
            .db
            .call(move |c| media::get(c, &id))
            .await
            .unwrap()
            .expect("a media row");
        assert_eq!(root.join(&item.file_path), path);
        let generation_id = item.generation_id.clone().expect("linked to its generation");
        let generation = pipeline
            .ctx
            .db
            .call(move |c| generations::get(c, &generation_id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(generation.status, GenerationStatus::Completed);
        assert_eq!(
            generation.seed,
            Some(1000 + index as i64),
            "seeds count up through the batch"
        );
        assert_eq!(generation.prompt.as_deref(), Some(prompt.as_str()));
        assert_eq!((item.width, item.height), (Some(512), Some(336)));

        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(item.file_size, Some(bytes.len() as i64));
        let chunks = read_text_chunks(&bytes);
        let json = chunks
            .iter()
            .find(|(k, _)| k == DISTILLERY_KEYWORD)
            .map(|(_, v)| v)
            .expect("Distillery's chunk");
        let meta = ImageMetadata::from_json(json).unwrap();
        assert_eq!(
            (meta.prompt.as_str(), meta.seed, meta.width, meta.height),
            (prompt.as_str(), 1000 + index as i64, 512, 336)
        );
        let webui = chunks
            .iter()
            .find(|(k, _)| k == PARAMETERS_KEYWORD)
            .map(|(_, v)| v)
            .expect("the WebUI chunk");
        assert!(webui.starts_with(&prompt) && webui.contains(&format!("Seed: {}", 1000 + index)));

        let thumb = root.join(item.thumb_path.unwrap());
        let thumb_bytes = std::fs::read(&thumb).unwrap();
        assert_eq!(&thumb_bytes[..2], &[0xFF, 0xD8], "the thumbnail is a JPEG");
        let thumb = image::load_from_memory(&thumb_bytes).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (400, 400));
    }
    assert_eq!(pipeline.ctx.db.call(media::count_all).await.unwrap(), 20);
    let active = pipeline.ctx.db.call(queue_rows::active).await.unwrap();
    assert!(active.is_empty());
    assert!(
        files_under(&root.join("tmp/generation-outputs")).is_empty(),
        "no engine outputs left"
    );
    assert!(
        files_under(&root.join("tmp/finalizing")).is_empty(),
        "no unfinished markers left"
    );
    pipeline.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_are_downscaled_cached_and_recorded_with_their_thumbnails() {
    let mut pipeline = Pipeline::start(&[]).await;
    let dir = pipeline.app.dir.path().to_owned();
    let big = dir.join("big.png");
    image::RgbImage::from_fn(2000, 1000, |x, _| image::Rgb([(x % 256) as u8, 90, 200]))
        .save(&big)
        .unwrap();
    let request = GenerationRequest {
        references: vec![ReferenceSource::File(big.clone()), ReferenceSource::File(big.clone())],
        count: 2,
        ..GenerationRequest::new("variations on a theme")
    };
    let jobs = pipeline.queue.submit(request).await.unwrap();
    let done = pipeline.wait_all(&jobs).await;
    assert!(done.values().all(|u| u.status == JobStatus::Completed), "{done:?}");

    let root = pipeline.ctx.library.path().to_owned();
    let cached = files_under(&root.join("ref_cache"));
    assert_eq!(cached.len(), 1, "one cached copy per content: {cached:?}");
    let small = image::open(root.join("ref_cache").join(&cached[0])).unwrap();
    assert!(u64::from(small.width()) * u64::from(small.height()) <= 1_000_000);
    assert_eq!(small.width() / small.height(), 2, "the aspect ratio is kept");
    assert!(big.exists(), "the original is untouched");

    let (media_id, _) = done[&jobs[0]].media.clone().unwrap();
    let inputs = pipeline.inputs_of(&media_id).await;
    assert_eq!(inputs.len(), 2);
    for input in inputs {
        let thumb = image::open(root.join(&input.thumb_path)).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (400, 400));
    }
    pipeline.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_references_are_refused_at_submit_naming_the_file() {
    let mut pipeline = Pipeline::start(&[]).await;
    let dir = pipeline.app.dir.path().to_owned();
    let corrupt = dir.join("corrupt.png");
    let mut png = Vec::new();
    image::RgbImage::new(64, 64)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png.truncate(png.len() / 2);
    std::fs::write(&corrupt, &png).unwrap();
    let text = dir.join("notes.png");
    std::fs::write(&text, "just some text").unwrap();
    let bomb = dir.join("bomb.png");
    std::fs::write(&bomb, png_claiming(100_000, 100_000)).unwrap();
    let missing = dir.join("missing.png");

    for (path, words) in [
        (&corrupt, "incomplete"),
        (&text, "not an image"),
        (&bomb, "too large"),
        (&missing, "does not exist"),
        (&dir, "folder"),
    ] {
        let request = GenerationRequest {
            references: vec![ReferenceSource::File(path.clone())],
            ..GenerationRequest::new("x")
        };
        let error = pipeline.queue.submit(request).await.unwrap_err().to_string();
        assert!(error.contains(&path.display().to_string()), "names the file: {error}");
        assert!(error.contains(words), "says what is wrong ({words}): {error}");
    }
    let empty = pipeline
        .queue
        .submit(GenerationRequest::new(""))
        .await
        .unwrap_err()
        .to_string();
    assert!(empty.contains("prompt is empty"), "{empty}");
    assert!(
        pipeline
            .ctx
            .db
            .call(|c| queue_rows::recent(c, 10))
            .await
            .unwrap()
            .is_empty(),
        "nothing was queued"
    );
    let _ = &mut pipeline;
    pipeline.shutdown().await;
}

/// A small PNG file whose header claims `width` × `height` pixels (a decompression bomb's
/// first step: decoding it would allocate width × height × 3 bytes).
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_pending_and_running_jobs_leaves_nothing_behind() {
    let mut pipeline = Pipeline::start(&[("CN_SIM_STEP_MS", "120")]).await;
    let jobs = pipeline
        .queue
        .submit(GenerationRequest {
            count: 2,
            ..GenerationRequest::new("never mind")
        })
        .await
        .unwrap();
    pipeline.wait_processing(&jobs[0]).await;
    assert!(
        pipeline.queue.cancel(&jobs[1]).await.unwrap(),
        "the waiting job is cancelled"
    );
    assert!(
        pipeline.queue.cancel(&jobs[0]).await.unwrap(),
        "the running job is cancelled"
    );
    let done = pipeline.wait_all(&jobs).await;
    assert!(done.values().all(|u| u.status == JobStatus::Cancelled), "{done:?}");
    // The engine finishes the cancelled image in the background; give it time, then look.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    for job in &jobs {
        let id = job.clone();
        let row = pipeline
            .ctx
            .db
            .call(move |c| queue_rows::get(c, &id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.status, JobStatus::Cancelled);
    }
    assert_eq!(pipeline.ctx.db.call(media::count_all).await.unwrap(), 0);
    let root = pipeline.ctx.library.path().to_owned();
    for folder in ["originals", "thumbnails", "tmp/generation-outputs", "tmp/finalizing"] {
        assert!(files_under(&root.join(folder)).is_empty(), "{folder} is empty");
    }
    assert!(
        !pipeline.queue.cancel(&jobs[0]).await.unwrap(),
        "an ended job cannot be cancelled again"
    );
    pipeline.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_crash_or_hang_fails_the_job_clearly_and_the_queue_moves_on() {
    for (fault, words) in [
        ("crash_gen:2", "Engine exited unexpectedly"),
        ("hang_gen:1", "did not answer the generation"),
    ] {
        let app = common::TempApp::new();
        let faults = app.dir.path().join("faults");
        std::fs::write(&faults, fault).unwrap();
        let file = faults.display().to_string();
        let mut pipeline = Pipeline::start_in(app, &[("CN_SIM_FAULT_FILE", &file)], |config| {
            config.timeouts.silence = Duration::from_millis(800);
        })
        .await;
        let first = pipeline.queue.submit(GenerationRequest::new("unlucky")).await.unwrap();
        let done = pipeline.wait_all(&first).await;
        let update = &done[&first[0]];
        assert_eq!(update.status, JobStatus::Failed, "{fault}");
        assert!(
            update.error.as_deref().unwrap_or_default().contains(words),
            "{fault}: {:?}",
            update.error
        );
        std::fs::write(&faults, "").unwrap();

        let second = pipeline.queue.submit(GenerationRequest::new("lucky")).await.unwrap();
        let done = pipeline.wait_all(&second).await;
        assert_eq!(
            done[&second[0]].status,
            JobStatus::Completed,
            "{fault}: the queue moved on: {:?}",
            done[&second[0]].error
        );

        // A failed job can be run again.
        assert!(pipeline.queue.retry(&first[0]).await.unwrap());
        let done = pipeline.wait_all(&first).await;
        assert_eq!(
            done[&first[0]].status,
            JobStatus::Completed,
            "{fault}: the retry succeeded"
        );
        let id = first[0].clone();
        let row = pipeline
            .ctx
            .db
            .call(move |c| queue_rows::get(c, &id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.attempts, 2, "{fault}: the attempts are counted");
        pipeline.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pausing_holds_new_jobs_and_moving_changes_the_order() {
    let mut pipeline = Pipeline::start(&[]).await;
    pipeline.queue.pause().await;
    let a = pipeline.queue.submit(GenerationRequest::new("first")).await.unwrap();
    let b = pipeline.queue.submit(GenerationRequest::new("second")).await.unwrap();
    let c = pipeline.queue.submit(GenerationRequest::new("third")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = pipeline.ctx.db.call(queue_rows::active).await.unwrap();
    assert_eq!(waiting.len(), 3, "paused: nothing started");
    assert!(waiting.iter().all(|j| j.status == JobStatus::Pending));

    assert!(pipeline.queue.move_job(&c[0], true).await.unwrap());
    assert!(pipeline.queue.move_job(&c[0], true).await.unwrap());
    assert!(!pipeline.queue.move_job(&c[0], true).await.unwrap(), "already first");
    let order: Vec<_> = pipeline
        .ctx
        .db
        .call(queue_rows::active)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(order, [c[0].clone(), a[0].clone(), b[0].clone()]);

    pipeline.queue.resume().await;
    let all = [c[0].clone(), a[0].clone(), b[0].clone()];
    let done = pipeline.wait_all(&all).await;
    let mut finished: Vec<_> = done
        .values()
        .map(|u| (u.media.clone().unwrap().0, u.job_id.clone()))
        .collect();
    finished.sort();
    let run_order: Vec<_> = finished.into_iter().map(|(_, job)| job).collect();
    assert_eq!(run_order, all, "media ids are time-ordered, so they show the run order");
    pipeline.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_wait_for_the_model_instead_of_failing_while_the_engine_loads() {
    // After a crash or at start-up the queue may hold jobs before the model is in: they
    // must wait for it, not be sent to an empty engine and fail with NO_MODEL.
    let mut pipeline = Pipeline::start_without_model(&[("CN_SIM_LOAD_MS", "400")]).await;
    let jobs = pipeline.queue.submit(GenerationRequest::new("early")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = pipeline.ctx.db.call(queue_rows::active).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].status, JobStatus::Pending, "no model yet: the job waits");

    pipeline.engine.load(model()).await.expect("the model loads");
    let done = pipeline.wait_all(&jobs).await;
    let update = &done[&jobs[0]];
    assert_eq!(update.status, JobStatus::Completed, "{:?}", update.error);
    assert!(update.media.is_some());
    pipeline.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_reference_keeps_its_thumbnail_on_the_generation_that_used_it() {
    let mut pipeline = Pipeline::start(&[]).await;
    let first = pipeline
        .queue
        .submit(GenerationRequest::new("the source"))
        .await
        .unwrap();
    let source = pipeline.wait_all(&first).await[&first[0]].media.clone().unwrap().0;
    let request = GenerationRequest {
        references: vec![ReferenceSource::Media(source.clone())],
        ..GenerationRequest::new("made from the source")
    };
    let second = pipeline.queue.submit(request).await.unwrap();
    let made = pipeline.wait_all(&second).await[&second[0]].media.clone().unwrap().0;

    let root = pipeline.ctx.library.path().to_owned();
    let source_item = pipeline.ctx.db.call({
        let id = source.clone();
        move |c| media::get(c, &id)
    });
    let source_item = source_item.await.unwrap().unwrap();
    let (db, library) = (pipeline.ctx.db.clone(), pipeline.ctx.library.clone());
    let ids = vec![source.clone()];
    let report = tokio::task::spawn_blocking(move || delete_media(&db, &library, ids, TrashPolicy::LibraryOnly))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.deleted_ids(), std::slice::from_ref(&source));
    assert!(
        !root.join(&source_item.file_path).exists(),
        "the original left the library"
    );
    assert!(
        root.join(".trash").join(&source_item.file_path).exists(),
        "and is in the library's trash"
    );
    assert!(
        root.join(".trash")
            .join(source_item.thumb_path.as_deref().unwrap())
            .exists(),
        "so is its thumbnail"
    );

    let inputs = pipeline.inputs_of(&made).await;
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].media_id, None, "the link is cleared");
    assert!(
        root.join(&inputs[0].thumb_path).exists(),
        "the reference thumbnail remains"
    );
    assert!(
        pipeline
            .ctx
            .db
            .call(move |c| media::get(c, &source))
            .await
            .unwrap()
            .is_none(),
        "the row is gone"
    );
    pipeline.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unloaded_model_loads_again_by_itself_for_the_next_job() {
    use distillery::engine::EngineStatus;
    let mut pipeline = Pipeline::start(&[]).await;
    assert!(pipeline.engine.status().borrow().is_ready());
    pipeline.engine.unload().await.unwrap();
    let status = pipeline.engine.status().borrow().clone();
    assert!(
        matches!(&status, EngineStatus::Unloaded { model } if !model.is_empty()),
        "{status:?}"
    );
    assert!(status.label().starts_with("Model unloaded: "), "{}", status.label());

    let request = GenerationRequest {
        seed: Some(7),
        resolution: Resolution::R512,
        ..GenerationRequest::new("after an unload")
    };
    let jobs = pipeline.queue.submit(request).await.unwrap();
    let done = pipeline.wait_all(&jobs).await;
    assert_eq!(
        done[&jobs[0]].status,
        JobStatus::Completed,
        "{:?}",
        done[&jobs[0]].error
    );
    assert!(
        pipeline.engine.status().borrow().is_ready(),
        "the model is loaded again"
    );
    pipeline.shutdown().await;
}
