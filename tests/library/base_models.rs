//! One model filter for images made here and by hosted providers: a local job made with a
//! FLUX.2 Klein file is stored under the same canonical model ("FLUX.2 Klein 9B") that a
//! hosted FLUX.2 Klein 9B job is, so the grid's model box and `list --model` find both.

use crate::common::TempApp;
use distillery::db::base_models;
use distillery::generation::GenerationRequest;
use distillery::library::LibraryRoot;

fn submit(app: &TempApp, model_file: &str) -> Option<String> {
    let db = app.database();
    let library = LibraryRoot::open(&app.library_dir()).unwrap();
    let request = GenerationRequest::new("a lighthouse at dusk");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let jobs = runtime
        .block_on(distillery::queue::submit(
            &db,
            &library,
            request,
            Some(model_file.to_owned()),
        ))
        .unwrap();
    assert_eq!(jobs.len(), 1);
    db.call_blocking(|conn| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Named {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            name: Option<String>,
        }
        let newest: Named = diesel::sql_query(
            "SELECT b.name AS name FROM generations g LEFT JOIN base_models b ON b.id = g.base_model_id \
             ORDER BY g.rowid DESC LIMIT 1",
        )
        .get_result(conn)?;
        Ok(newest.name)
    })
    .unwrap()
}

#[test]
fn a_local_klein_file_is_stored_under_its_canonical_model() {
    let app = TempApp::new();
    assert_eq!(
        submit(&app, "flux-2-klein-9b-Q4_K_M.gguf").as_deref(),
        Some("FLUX.2 Klein 9B")
    );
    assert_eq!(
        submit(&app, "FLUX.2-klein-4B-Q8_0.gguf").as_deref(),
        Some("FLUX.2 Klein 4B")
    );
    // A file that does not say which model it is keeps its file name as the model.
    assert_eq!(submit(&app, "my-finetune.gguf"), None);
    let db = app.database();
    assert!(db.call_blocking(base_models::list).unwrap().len() >= 2);
}
