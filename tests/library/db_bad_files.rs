//! A database file that is not ours, is damaged or is too new is refused with a message that
//! names it, and is never written to.

use distillery::db::{DbError, open_database};
use std::path::Path;

fn snapshot(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

fn sidecars_absent(path: &Path) -> bool {
    let wal = path.with_extension("db-wal");
    let shm = path.with_extension("db-shm");
    !wal.exists() && !shm.exists()
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("distillery.db");
    std::fs::write(&path, b"these are my holiday notes, not a database\n").unwrap();
    let before = snapshot(&path);

    let error = open_database(&path).err().expect("refused");
    assert!(matches!(error, DbError::NotSqlite { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "names the file: {message}"
    );
    assert!(message.contains("not a Distillery database"), "{message}");
    assert_eq!(snapshot(&path), before);
    assert!(sidecars_absent(&path));
}

#[test]
fn a_damaged_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("distillery.db");
    {
        let opened = open_database(&path).unwrap();
        // Enough rows to span many pages, so damage lands in table data.
        opened
            .db
            .call_blocking(|c| {
                for i in 0..300 {
                    distillery::db::app_settings::set(c, &format!("key-{i}"), &"x".repeat(200))?;
                }
                use diesel::connection::SimpleConnection;
                c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
                Ok(())
            })
            .unwrap();
    }
    let mut bytes = snapshot(&path);
    assert!(bytes.len() > 8 * 4096);
    // Scribble over pages 3.. but keep the header and schema page readable.
    for byte in &mut bytes[2 * 4096..6 * 4096] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let _ = std::fs::remove_file(path.with_extension("db-wal"));
    let _ = std::fs::remove_file(path.with_extension("db-shm"));

    let error = open_database(&path).err().expect("refused");
    assert!(matches!(error, DbError::Corrupt { .. }), "{error:?}");
    assert!(error.to_string().contains(&path.display().to_string()));
    assert!(error.to_string().contains("damaged"));
    assert_eq!(snapshot(&path), bytes, "the damaged file is left as it was");
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("distillery.db");
    {
        let opened = open_database(&path).unwrap();
        opened
            .db
            .call_blocking(|c| {
                use diesel::connection::SimpleConnection;
                c.batch_execute(
                    "INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231235959');
                     PRAGMA wal_checkpoint(TRUNCATE);",
                )?;
                Ok(())
            })
            .unwrap();
    }
    let before = snapshot(&path);
    let error = open_database(&path).err().expect("refused");
    assert!(matches!(error, DbError::NewerSchema { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("newer version of Distillery"), "{message}");
    assert!(message.contains("29991231235959"), "{message}");
    assert_eq!(snapshot(&path), before);
}

#[test]
fn another_programs_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("distillery.db");
    {
        use diesel::connection::SimpleConnection;
        let mut conn = distillery::db::connection::establish(path.to_str().unwrap()).unwrap();
        conn.batch_execute("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('bread');")
            .unwrap();
    }
    let before = snapshot(&path);
    let error = open_database(&path).err().expect("refused");
    assert!(matches!(error, DbError::ForeignDatabase { .. }), "{error:?}");
    assert_eq!(snapshot(&path), before);
    assert!(sidecars_absent(&path));
}

#[test]
fn an_empty_file_becomes_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("distillery.db");
    std::fs::write(&path, b"").unwrap();
    let opened = open_database(&path).unwrap();
    assert!(opened.report.created);
}

#[test]
fn an_unusable_data_folder_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"file").unwrap();
    let error = open_database(&blocker.join("distillery.db")).err().expect("refused");
    assert!(matches!(error, DbError::DataDir { .. }), "{error:?}");
    assert!(error.to_string().contains("not-a-folder"));
}
