//! Every repository function against a real SQLite file in a temporary folder.

use distillery::db::generation_inputs::{self, NewGenerationInput};
use distillery::db::generations::{self, GenerationOutcome, NewGeneration};
use distillery::db::media::{self, NewMedia};
use distillery::db::types::*;
use distillery::db::{app_settings, base_models, open_database, queue};

fn new_media(origin: Origin, generation: Option<GenerationId>) -> NewMedia {
    let id = MediaId::new();
    NewMedia {
        file_path: format!("originals/2026/11/{id}.png"),
        thumb_path: Some(format!("thumbnails/{id}_thumb.jpg")),
        file_name: "sunset.png".into(),
        media_type: MediaType::Image,
        origin,
        width: Some(1024),
        height: Some(688),
        file_size: Some(123_456),
        generation_id: generation,
        created_at: Timestamp::now(),
        content_hash: None,
        id,
    }
}

fn new_generation(model: &BaseModelId) -> NewGeneration {
    NewGeneration {
        id: GenerationId::new(),
        base_model_id: Some(model.clone()),
        provider: "local".into(),
        model_file: Some("flux2-klein-Q5_K.gguf".into()),
        prompt: Some("a lighthouse at dusk, long exposure".into()),
        width: Some(1024),
        height: Some(688),
        seed: None,
        steps: Some(4),
        guidance: Some(3.5),
        sampling_method: Some("euler".into()),
        params_json: Some(r#"{"aspect":"3:2"}"#.into()),
        status: GenerationStatus::Pending,
        created_at: Timestamp::now().as_str().to_owned(),
    }
}

#[test]
fn migrations_apply_to_an_empty_file_and_reopening_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/distillery.db");
    let first = open_database(&path).unwrap();
    assert!(first.report.created);
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count();
    assert_eq!(
        first.report.applied.len(),
        migrations,
        "every migration applied to a new file"
    );
    let models = first.db.call_blocking(base_models::list).unwrap();
    assert_eq!(
        models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        ["FLUX.2 Klein 4B", "FLUX.2 Klein 9B"]
    );
    drop(first);

    let second = open_database(&path).unwrap();
    assert!(!second.report.created);
    assert!(second.report.applied.is_empty(), "nothing to migrate the second time");
    assert!(second.report.backup.is_none());
    let pragmas = second
        .db
        .call_blocking(|c| {
            use diesel::prelude::*;
            #[derive(QueryableByName)]
            struct Mode {
                #[diesel(sql_type = diesel::sql_types::Text)]
                journal_mode: String,
            }
            #[derive(QueryableByName)]
            struct Keys {
                #[diesel(sql_type = diesel::sql_types::Integer)]
                foreign_keys: i32,
            }
            #[derive(QueryableByName)]
            struct Timeout {
                #[diesel(sql_type = diesel::sql_types::Integer)]
                timeout: i32,
            }
            let mode: Mode = diesel::sql_query("PRAGMA journal_mode").get_result(c)?;
            let keys: Keys = diesel::sql_query("PRAGMA foreign_keys").get_result(c)?;
            let timeout: Timeout = diesel::sql_query("PRAGMA busy_timeout").get_result(c)?;
            Ok((mode.journal_mode, keys.foreign_keys, timeout.timeout))
        })
        .unwrap();
    assert_eq!(pragmas, ("wal".to_owned(), 1, 15000));
}

#[test]
fn media_rows_are_added_rated_culled_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    let a = new_media(Origin::Import, None);
    let b = new_media(Origin::Import, None);
    let (a_id, b_id) = (a.id.clone(), b.id.clone());

    let stored = db.call_blocking(move |c| media::insert(c, &a)).unwrap();
    assert_eq!(stored.rating, Rating::UNRATED);
    assert_eq!(stored.status, None);
    assert_eq!(stored.origin, Origin::Import);
    assert_eq!(stored.created_at, stored.updated_at);
    db.call_blocking(move |c| media::insert(c, &b)).unwrap();
    assert_eq!(db.call_blocking(media::count_all).unwrap(), 2);

    let ids = vec![a_id.clone(), b_id.clone()];
    let rated = db
        .call_blocking(move |c| media::set_rating(c, &ids, Rating::new(4).unwrap()))
        .unwrap();
    assert_eq!(rated, 2);
    let ids = vec![b_id.clone()];
    db.call_blocking(move |c| media::set_status(c, &ids, Some(CullStatus::Rejected)))
        .unwrap();

    let (a_now, b_now) = {
        let (a, b) = (a_id.clone(), b_id.clone());
        db.call_blocking(move |c| Ok((media::get(c, &a)?.unwrap(), media::get(c, &b)?.unwrap())))
            .unwrap()
    };
    assert_eq!(a_now.rating.stars(), 4);
    assert_eq!(a_now.status, None);
    assert_eq!(b_now.status, Some(CullStatus::Rejected));
    assert!(b_now.updated_at >= b_now.created_at);

    let ids = vec![b_id.clone()];
    db.call_blocking(move |c| media::set_status(c, &ids, None)).unwrap();
    let b = b_id.clone();
    assert_eq!(
        db.call_blocking(move |c| media::get(c, &b)).unwrap().unwrap().status,
        None
    );

    let ids = vec![a_id.clone(), MediaId::new()];
    assert_eq!(db.call_blocking(move |c| media::delete(c, &ids)).unwrap(), 1);
    let a = a_id.clone();
    assert!(db.call_blocking(move |c| media::get(c, &a)).unwrap().is_none());
    assert_eq!(db.call_blocking(media::count_all).unwrap(), 1);
}

#[test]
fn the_schema_refuses_out_of_range_ratings_and_duplicate_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    let item = new_media(Origin::Import, None);
    let id = item.id.clone();
    let duplicate = NewMedia {
        id: MediaId::new(),
        ..item.clone()
    };
    db.call_blocking(move |c| media::insert(c, &item)).unwrap();
    assert!(
        db.call_blocking(move |c| media::insert(c, &duplicate)).is_err(),
        "one row per file"
    );
    let bad = db.call_blocking(move |c| {
        use diesel::prelude::*;
        Ok(diesel::sql_query("UPDATE media SET rating = 6 WHERE id = ?")
            .bind::<diesel::sql_types::Text, _>(id.as_str().to_owned())
            .execute(c))
    });
    assert!(bad.unwrap().is_err(), "rating 6 violates the CHECK constraint");
}

#[test]
fn generations_record_their_inputs_and_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    let model = db
        .call_blocking(|c| base_models::find_by_name(c, "FLUX.2 Klein 9B"))
        .unwrap()
        .expect("seeded");
    let model_id = model.id.clone();
    assert_eq!(
        db.call_blocking(move |c| base_models::get(c, &model_id)).unwrap(),
        Some(model.clone())
    );
    assert!(
        db.call_blocking(|c| base_models::find_by_name(c, "SDXL"))
            .unwrap()
            .is_none()
    );

    let source = new_media(Origin::Import, None);
    let source_id = source.id.clone();
    db.call_blocking(move |c| media::insert(c, &source)).unwrap();

    let request = new_generation(&model.id);
    let generation_id = request.id.clone();
    let stored = db.call_blocking(move |c| generations::insert(c, &request)).unwrap();
    assert_eq!(stored.status, GenerationStatus::Pending);
    assert_eq!(stored.guidance, Some(3.5));

    let inputs = vec![
        NewGenerationInput {
            media_id: Some(source_id.clone()),
            thumb_path: "ref_thumbnails/g/0.jpg".into(),
        },
        NewGenerationInput {
            media_id: None,
            thumb_path: "ref_thumbnails/g/1.jpg".into(),
        },
    ];
    let g = generation_id.clone();
    let recorded = db
        .call_blocking(move |c| generation_inputs::insert_all(c, &g, &inputs))
        .unwrap();
    assert_eq!(recorded.iter().map(|i| i.position).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(recorded[0].media_id.as_ref(), Some(&source_id));

    let outcome = GenerationOutcome {
        seed: 1_234_567,
        total_time_ms: 2_100,
        prompt_cache_hit: true,
        ref_latent_cache_hit: false,
    };
    let g = generation_id.clone();
    assert!(
        db.call_blocking(move |c| generations::mark_completed(c, &g, &outcome))
            .unwrap()
    );
    let g = generation_id.clone();
    let done = db.call_blocking(move |c| generations::get(c, &g)).unwrap().unwrap();
    assert_eq!(
        (done.status, done.seed, done.total_time_ms),
        (GenerationStatus::Completed, Some(1_234_567), Some(2_100))
    );
    assert_eq!(
        (done.prompt_cache_hit, done.ref_latent_cache_hit),
        (Some(true), Some(false))
    );

    let output = new_media(Origin::Generation, Some(generation_id.clone()));
    let output_id = output.id.clone();
    db.call_blocking(move |c| media::insert(c, &output)).unwrap();
    let g = generation_id.clone();
    let outputs = db.call_blocking(move |c| media::for_generation(c, &g)).unwrap();
    assert_eq!(outputs.iter().map(|m| &m.id).collect::<Vec<_>>(), [&output_id]);

    let failed = new_generation(&model.id);
    let failed_id = failed.id.clone();
    db.call_blocking(move |c| generations::insert(c, &failed)).unwrap();
    let f = failed_id.clone();
    assert!(
        db.call_blocking(move |c| generations::mark_failed(c, &f, Some(900)))
            .unwrap()
    );
    let f = failed_id.clone();
    assert_eq!(
        db.call_blocking(move |c| generations::get(c, &f))
            .unwrap()
            .unwrap()
            .status,
        GenerationStatus::Failed
    );
    assert!(
        !db.call_blocking(|c| generations::mark_failed(c, &GenerationId::new(), None))
            .unwrap()
    );
}

#[test]
fn deleting_a_source_image_keeps_the_input_row_with_a_null_media_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    let model = db
        .call_blocking(|c| base_models::find_by_name(c, "FLUX.2 Klein 4B"))
        .unwrap()
        .unwrap();
    let source = new_media(Origin::Import, None);
    let source_id = source.id.clone();
    let request = new_generation(&model.id);
    let generation_id = request.id.clone();
    let (s, g) = (source_id.clone(), generation_id.clone());
    db.call_blocking(move |c| {
        media::insert(c, &source)?;
        generations::insert(c, &request)?;
        generation_inputs::insert_all(
            c,
            &g,
            &[NewGenerationInput {
                media_id: Some(s),
                thumb_path: "ref_thumbnails/x.jpg".into(),
            }],
        )
    })
    .unwrap();

    let ids = vec![source_id];
    db.call_blocking(move |c| media::delete(c, &ids)).unwrap();
    let g = generation_id.clone();
    let inputs = db
        .call_blocking(move |c| generation_inputs::for_generation(c, &g))
        .unwrap();
    assert_eq!(inputs.len(), 1, "the input row survives its source");
    assert_eq!(inputs[0].media_id, None, "and no longer points at it");
    assert_eq!(inputs[0].thumb_path, "ref_thumbnails/x.jpg", "its thumbnail is kept");

    // An output's link to a generation also survives: media.generation_id is cleared only
    // if the generation goes, and a generation cannot be pointed at by a missing model.
    let bad = new_generation(&BaseModelId::new());
    assert!(
        db.call_blocking(move |c| generations::insert(c, &bad)).is_err(),
        "foreign keys are enforced"
    );
}

#[test]
fn queue_jobs_move_through_their_lifecycle_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    let model = db
        .call_blocking(|c| base_models::find_by_name(c, "FLUX.2 Klein 4B"))
        .unwrap()
        .unwrap();
    let mut jobs = Vec::new();
    for priority in [0, 0, 5] {
        let request = new_generation(&model.id);
        let job = db
            .call_blocking(move |c| {
                let g = generations::insert(c, &request)?;
                queue::insert(c, &g.id, priority)
            })
            .unwrap();
        assert_eq!(job.status, JobStatus::Pending);
        jobs.push(job);
    }
    let next = db.call_blocking(queue::next_pending).unwrap().unwrap();
    assert_eq!(next.id, jobs[2].id, "higher priority first");

    let first = jobs[2].id.clone();
    let f = first.clone();
    assert!(db.call_blocking(move |c| queue::mark_processing(c, &f)).unwrap());
    let f = first.clone();
    assert!(
        !db.call_blocking(move |c| queue::mark_processing(c, &f)).unwrap(),
        "only a pending job starts"
    );
    let active = db.call_blocking(queue::active).unwrap();
    assert_eq!(
        active.iter().map(|j| &j.id).collect::<Vec<_>>(),
        [&jobs[2].id, &jobs[0].id, &jobs[1].id]
    );
    let f = first.clone();
    let running = db.call_blocking(move |c| queue::get(c, &f)).unwrap().unwrap();
    assert_eq!(running.status, JobStatus::Processing);
    assert!(running.started_at.is_some());

    let f = first.clone();
    assert!(db.call_blocking(move |c| queue::finish(c, &f, None)).unwrap());
    let f = first.clone();
    assert!(
        !db.call_blocking(move |c| queue::cancel_pending(c, &f)).unwrap(),
        "a finished job cannot be cancelled"
    );

    let second = jobs[0].id.clone();
    let s = second.clone();
    assert!(db.call_blocking(move |c| queue::cancel_pending(c, &s)).unwrap());
    let third = jobs[1].id.clone();
    let t = third.clone();
    db.call_blocking(move |c| queue::mark_processing(c, &t)).unwrap();
    let t = third.clone();
    assert!(
        db.call_blocking(move |c| queue::finish(c, &t, Some("Engine exited unexpectedly (code 134)")))
            .unwrap()
    );

    let statuses = db
        .call_blocking(move |c| Ok([&first, &second, &third].map(|id| queue::get(c, id).unwrap().unwrap())))
        .unwrap();
    assert_eq!(
        statuses.iter().map(|j| j.status).collect::<Vec<_>>(),
        [JobStatus::Completed, JobStatus::Cancelled, JobStatus::Failed]
    );
    assert_eq!(
        statuses[2].error_message.as_deref(),
        Some("Engine exited unexpectedly (code 134)")
    );
    assert!(db.call_blocking(queue::next_pending).unwrap().is_none());
}

#[test]
fn settings_store_json_values_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    assert_eq!(
        db.call_blocking(|c| app_settings::get::<u32>(c, "thumb_size")).unwrap(),
        None
    );
    db.call_blocking(|c| app_settings::set(c, "thumb_size", &180u32))
        .unwrap();
    db.call_blocking(|c| app_settings::set(c, "thumb_size", &220u32))
        .unwrap();
    assert_eq!(
        db.call_blocking(|c| app_settings::get::<u32>(c, "thumb_size")).unwrap(),
        Some(220)
    );
    let wrong_type = db.call_blocking(|c| app_settings::get::<String>(c, "thumb_size"));
    assert!(matches!(wrong_type, Err(distillery::db::DbError::BadSetting { .. })));
    assert!(db.call_blocking(|c| app_settings::remove(c, "thumb_size")).unwrap());
    assert!(!db.call_blocking(|c| app_settings::remove(c, "thumb_size")).unwrap());
}

#[test]
fn the_database_answers_async_callers_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let count = runtime.block_on(db.call(media::count_all)).unwrap();
    assert_eq!(count, 0);
}

#[test]
fn an_older_database_is_backed_up_before_it_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("distillery.db");
    {
        let opened = open_database(&path).unwrap();
        // Turn it into a database of the previous version: the last migration undone.
        opened
            .db
            .call_blocking(|c| {
                use diesel::connection::SimpleConnection;
                c.batch_execute(
                    "ALTER TABLE queue DROP COLUMN attempts;
                     DELETE FROM __diesel_schema_migrations WHERE version = '20261125130000';
                     INSERT INTO app_settings (key, value) VALUES ('marker', '\"kept\"');",
                )?;
                Ok(())
            })
            .unwrap();
    }
    let reopened = open_database(&path).unwrap();
    assert_eq!(reopened.report.applied, ["20261125130000"]);
    let backup = reopened.report.backup.clone().expect("a backup was made");
    assert!(
        backup
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains("before-20261125130000")
    );
    drop(reopened);
    let copy = open_database(&backup).unwrap();
    let kept = copy
        .db
        .call_blocking(|c| app_settings::get::<String>(c, "marker"))
        .unwrap();
    assert_eq!(kept.as_deref(), Some("kept"), "the backup holds the data as it was");
}
