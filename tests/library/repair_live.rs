//! Repair beside live work: Settings → Repair (and `check --repair` in the owner) while the
//! queue writes new images must never take a brand-new original for a stray, and a client
//! process may not repair at all.

use crate::common;

use common::pipeline::Pipeline;
use distillery::generation::GenerationRequest;
use distillery::services::repair::{RepairError, check_and_repair};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repairs_in_a_loop_while_six_images_are_made_move_nothing_and_mark_nothing() {
    let mut pipeline = Pipeline::start(&[("CN_SIM_STEP_MS", "20")]).await;
    let jobs = pipeline
        .queue
        .submit(GenerationRequest {
            count: 6,
            ..GenerationRequest::new("repaired around")
        })
        .await
        .unwrap();
    let (db, library, ownership) = (
        pipeline.ctx.db.clone(),
        pipeline.ctx.library.clone(),
        pipeline.ctx.ownership.clone(),
    );
    let done = Arc::new(AtomicBool::new(false));
    let stop = done.clone();
    let repairs = tokio::task::spawn_blocking(move || {
        let mut rounds = 0;
        let mut changed = Vec::new();
        while !stop.load(Ordering::SeqCst) {
            let (_, repaired) = check_and_repair(&db, &library, true, &ownership).expect("the owner repairs");
            let repaired = repaired.expect("a repair ran");
            if repaired.set_aside + repaired.imported + repaired.marked_missing > 0 {
                changed.push(repaired);
            }
            rounds += 1;
        }
        (rounds, changed)
    });
    let ended = pipeline.wait_all(&jobs).await;
    done.store(true, Ordering::SeqCst);
    let (rounds, changed) = repairs.await.unwrap();
    assert!(rounds >= 3, "repairs ran beside the generation ({rounds})");
    assert!(changed.is_empty(), "a repair touched live work: {changed:?}");
    assert!(ended.values().all(|u| u.media.is_some()), "every image was stored");
    let root = pipeline.ctx.library.path().to_owned();
    assert!(!root.join("lost+found").exists(), "nothing was set aside");
    let (found, _) = tokio::task::block_in_place(|| {
        check_and_repair(&pipeline.ctx.db, &pipeline.ctx.library, false, &pipeline.ctx.ownership)
    })
    .unwrap();
    assert_eq!(found.problems(), 0, "{found:?}");
    assert_eq!(found.items, 6);
    pipeline.shutdown().await;
}

#[test]
fn a_process_that_does_not_own_the_library_may_check_but_not_repair() {
    let app = common::TempApp::new();
    let owner = distillery::app::AppContext::open(&app.options()).unwrap();
    assert!(owner.ownership.is_owner());
    let client = distillery::app::AppContext::open(&app.options()).unwrap();
    assert!(!client.ownership.is_owner(), "the library has one owner");
    let refused = check_and_repair(&client.db, &client.library, true, &client.ownership);
    assert!(
        matches!(&refused, Err(RepairError::NotOwner { owner }) if owner.contains(&std::process::id().to_string())),
        "{:?}",
        refused.map(|_| ())
    );
    let (found, repaired) = check_and_repair(&client.db, &client.library, false, &client.ownership).unwrap();
    assert_eq!((found.problems(), repaired), (0, None));
    owner.close();
    assert!(
        client.ownership.try_take().unwrap(),
        "the client owns the library once the owner closed it"
    );
    client.close();
}
