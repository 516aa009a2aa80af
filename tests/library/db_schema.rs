//! src/db/schema.rs must describe exactly what the migrations create: every table, column,
//! type and nullability. It is what `diesel print-schema` would write; this test catches a
//! migration added without regenerating it.

use diesel::prelude::*;
use std::collections::BTreeMap;

#[derive(QueryableByName)]
struct ColumnInfo {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    sql_type: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    not_null: i32,
}

/// `table -> [(column, diesel type)]` as parsed from schema.rs.
fn declared() -> BTreeMap<String, Vec<(String, String)>> {
    let text = include_str!("../../src/db/schema.rs");
    let mut tables = BTreeMap::new();
    let mut current: Option<(String, Vec<(String, String)>)> = None;
    for line in text.lines().map(str::trim) {
        if let Some((name, _)) = line
            .split_once(" (")
            .filter(|_| line.ends_with('{') && current.is_none())
        {
            current = Some((name.to_owned(), Vec::new()));
        } else if let Some((_, columns)) = current.as_mut() {
            if let Some((column, ty)) = line.strip_suffix(',').and_then(|l| l.split_once(" -> ")) {
                columns.push((column.to_owned(), ty.to_owned()));
            } else if line == "}" {
                let (name, columns) = current.take().unwrap();
                tables.insert(name, columns);
            }
        }
    }
    tables
}

fn diesel_type(sql_type: &str, not_null: bool) -> String {
    let base = match sql_type.to_ascii_uppercase().as_str() {
        "TEXT" => "Text",
        "INTEGER" => "Integer",
        "BIGINT" => "BigInt",
        "DOUBLE" => "Double",
        "BOOLEAN" => "Bool",
        "BLOB" => "Binary",
        other => panic!("add a mapping for SQL type {other}"),
    };
    if not_null {
        base.to_owned()
    } else {
        format!("Nullable<{base}>")
    }
}

#[test]
fn schema_rs_matches_the_migrated_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = distillery::db::open_database(&dir.path().join("d.db")).unwrap().db;
    let declared = declared();
    assert_eq!(declared.len(), 17, "seventeen tables declared: {:?}", declared.keys());

    let actual = db
        .call_blocking(move |c| {
            let mut tables = BTreeMap::new();
            for table in [
                "app_settings",
                "base_models",
                "collapsed_stacks",
                "collection_media",
                "collections",
                "generation_inputs",
                "generations",
                "keywords",
                "media",
                "media_counts",
                "media_keywords",
                "media_labels",
                "member_counts",
                "missing_originals",
                "queue",
                "remote_requests",
                "xmp_pending",
            ] {
                let columns: Vec<ColumnInfo> = diesel::sql_query(format!(
                    "SELECT name, type AS sql_type, \"notnull\" AS not_null FROM pragma_table_info('{table}') ORDER BY cid"
                )).load(c)?;
                let columns = columns
                    .into_iter()
                    .map(|col| (col.name, diesel_type(&col.sql_type, col.not_null == 1)))
                    .collect::<Vec<_>>();
                tables.insert(table.to_owned(), columns);
            }
            Ok(tables)
        })
        .unwrap();
    assert_eq!(declared, actual);
}
