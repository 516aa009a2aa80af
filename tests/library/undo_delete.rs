//! Undoing a delete at the library level: files come back from the desktop trash (the
//! freedesktop trash, in a private XDG_DATA_HOME) and from the library's own `.trash/`,
//! with their rows and the generation references that pointed at them; an item whose place
//! is taken by another file stays deleted and says why, and nothing is overwritten.

use crate::common;

use common::TempApp;
use common::ui::demo;
use distillery::app::AppContext;
use distillery::db::media::{self, Media};
use distillery::db::media_query::{MediaSort, page};
use distillery::db::types::GenerationId;
use distillery::library::delete::delete_media;
use distillery::library::trash::{TrashPolicy, Trashed};
use distillery::library::untrash::restore_deleted;

/// Set in the child process that runs with a private desktop trash.
const CHILD: &str = "DISTILLERY_TEST_PRIVATE_TRASH";

fn items(ctx: &AppContext) -> Vec<Media> {
    let ids: Vec<_> = ctx
        .db
        .call_blocking(|c| page(c, &Default::default(), MediaSort::NewestFirst, None, 1000))
        .unwrap()
        .into_iter()
        .map(|item| item.id)
        .collect();
    let mut items = ctx.db.call_blocking(move |c| media::get_many(c, &ids)).unwrap();
    items.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    items
}

fn open(app: &TempApp) -> AppContext {
    AppContext::open(&app.options()).unwrap()
}

#[test]
fn undo_brings_files_back_from_the_desktop_trash() {
    if std::env::var_os(CHILD).is_none() {
        // Run this test again in a child whose desktop trash is a temporary folder, so the
        // user's own trash is never touched (the trash crate reads XDG_DATA_HOME).
        let xdg = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "undo_brings_files_back_from_the_desktop_trash",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .env("XDG_DATA_HOME", xdg.path())
            .status()
            .unwrap();
        assert!(status.success(), "the child test failed");
        return;
    }
    let app = demo(6);
    let ctx = open(&app);
    let before = items(&ctx);
    let doomed = vec![before[1].id.clone(), before[4].id.clone()];
    // One of them is a reference of a generation.
    let generation: GenerationId = before.iter().find_map(|m| m.generation_id.clone()).unwrap();
    common::link_as_reference(&ctx.db, &generation, &doomed[0]);
    let trash = std::path::PathBuf::from(std::env::var_os("XDG_DATA_HOME").unwrap()).join("Trash/files");

    let report = delete_media(&ctx.db, &ctx.library, doomed.clone(), TrashPolicy::Desktop).unwrap();
    assert_eq!(report.removed.len(), 2);
    assert!(report.removed.iter().all(|item| item.original == Trashed::DesktopTrash));
    assert_eq!(
        std::fs::read_dir(&trash).unwrap().count(),
        2,
        "both originals are in the desktop trash"
    );
    // Each entry says when it was deleted, so desktops can purge the trash by age.
    let infos: Vec<String> = std::fs::read_dir(trash.with_file_name("info"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    assert_eq!(infos.len(), 2);
    for info in &infos {
        let date = info
            .lines()
            .find_map(|line| line.strip_prefix("DeletionDate="))
            .unwrap_or_else(|| panic!("no DeletionDate in {info}"));
        let today = time::OffsetDateTime::now_utc().year().to_string();
        assert!(
            date.len() == 19 && date.as_bytes()[10] == b'T' && date.starts_with(&today[..3]),
            "a local YYYY-MM-DDTHH:MM:SS date: {date}"
        );
    }
    for id in &doomed {
        let id = id.clone();
        assert!(ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap().is_none());
    }

    let restored = restore_deleted(&ctx.db, &ctx.library, report.removed).unwrap();
    assert_eq!(restored.restored.len(), 2, "{:?}", restored.failed);
    assert_eq!(
        std::fs::read_dir(&trash).unwrap().count(),
        0,
        "the trash gave them back"
    );
    assert_eq!(items(&ctx), before, "the rows are as they were");
    for item in &before {
        assert!(ctx.library.resolve(&item.file_path).unwrap().is_file());
        assert!(
            ctx.library
                .resolve(item.thumb_path.as_deref().unwrap())
                .unwrap()
                .is_file()
        );
    }
    let linked: i64 = rusqlite::Connection::open(ctx.db.path())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM generation_inputs WHERE media_id = ?1",
            [doomed[0].as_str()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(linked, 1, "the reference points at the restored item again");

    // Deleted again, and the trash emptied meanwhile: nothing can come back, and it says why.
    let report = delete_media(&ctx.db, &ctx.library, doomed.clone(), TrashPolicy::Desktop).unwrap();
    let trash_root = trash.parent().unwrap().to_owned();
    std::fs::remove_dir_all(&trash_root).unwrap();
    let restored = restore_deleted(&ctx.db, &ctx.library, report.removed).unwrap();
    assert!(restored.restored.is_empty());
    assert_eq!(restored.still_deleted.len(), 2);
    assert!(
        restored.problems().contains("it is no longer in the trash"),
        "{}",
        restored.problems()
    );
    for id in &doomed {
        let id = id.clone();
        assert!(
            ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap().is_none(),
            "no row without its file"
        );
    }
}

#[test]
fn an_item_whose_place_is_taken_stays_deleted_and_nothing_is_overwritten() {
    let app = demo(4);
    let ctx = open(&app);
    let before = items(&ctx);
    let (kept_out, back) = (before[0].clone(), before[2].clone());
    let report = delete_media(
        &ctx.db,
        &ctx.library,
        vec![kept_out.id.clone(), back.id.clone()],
        TrashPolicy::LibraryOnly,
    )
    .unwrap();
    // Another file now sits where the first one was.
    let place = ctx.library.resolve(&kept_out.file_path).unwrap();
    std::fs::write(&place, b"someone else's file").unwrap();
    // And the second one's thumbnail was lost from the trash: it is made again.
    let thumb_went = report
        .removed
        .iter()
        .find(|item| item.stored.media.id == back.id)
        .and_then(|item| match &item.thumbnail {
            Some(Trashed::LibraryTrash(path)) => Some(path.clone()),
            _ => None,
        })
        .unwrap();
    std::fs::remove_file(thumb_went).unwrap();

    let restored = restore_deleted(&ctx.db, &ctx.library, report.removed).unwrap();
    assert_eq!(restored.restored.len(), 1);
    assert_eq!(restored.still_deleted.len(), 1);
    assert_eq!(
        restored.problems(),
        format!(
            "{} could not be restored: another file is in its place now",
            kept_out.file_name
        )
    );
    assert_eq!(
        std::fs::read(&place).unwrap(),
        b"someone else's file",
        "not overwritten"
    );
    let still_in_trash = match &restored.still_deleted[0].original {
        Trashed::LibraryTrash(path) => path.clone(),
        other => panic!("{other:?}"),
    };
    assert!(still_in_trash.is_file(), "the deleted original waits in the trash");
    let id = kept_out.id.clone();
    assert!(ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap().is_none());
    let id = back.id.clone();
    assert_eq!(
        ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap(),
        Some(back.clone())
    );
    let thumb = ctx.library.resolve(back.thumb_path.as_deref().unwrap()).unwrap();
    assert!(image::open(&thumb).is_ok(), "its thumbnail was made again");
}
