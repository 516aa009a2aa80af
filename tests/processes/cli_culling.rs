//! `distillery list`, `rate` and `mark` as scripts use them: real processes on a real
//! library, the same rows the grid would show, all-or-nothing changes, usage errors with
//! exit code 2, and two culling processes at once.

use crate::common;

use common::processes::{distillery, stderr};
use common::ui::demo;
use serde_json::Value;

fn run(app: &common::TempApp, args: &[&str]) -> std::process::Output {
    distillery(app, args, &[]).output().expect("distillery runs")
}

fn listed(app: &common::TempApp, args: &[&str]) -> Vec<Value> {
    let output = run(app, &[&["list", "--json"], args].concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

#[test]
fn list_rate_and_mark_cull_from_a_script() {
    let app = demo(30);
    let all = listed(&app, &[]);
    assert_eq!(all.len(), 30);
    for item in &all {
        for field in ["id", "path", "file_name", "rating", "status", "prompt", "created_at"] {
            assert!(item.get(field).is_some(), "{field} in {item}");
        }
        assert!(std::path::Path::new(item["path"].as_str().unwrap()).is_file());
    }
    // Newest first, as the grid.
    let dates: Vec<&str> = all.iter().map(|i| i["created_at"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(listed(&app, &["--limit", "4"]).len(), 4);

    let ids: Vec<&str> = all.iter().take(3).map(|i| i["id"].as_str().unwrap()).collect();
    let rated = run(&app, &[&["rate"], &ids[..2], &["5"]].concat());
    assert_eq!(rated.status.code(), Some(0), "{}", stderr(&rated));
    assert!(stderr(&rated).contains("rated 5 stars: 2 images"), "{}", stderr(&rated));
    let five: Vec<String> = listed(&app, &["--min-rating", "5"])
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids[..2].iter().all(|id| five.contains(&(*id).to_owned())));

    let marked = run(&app, &["mark", ids[2], "rejected"]);
    assert_eq!(marked.status.code(), Some(0), "{}", stderr(&marked));
    let rejected = listed(&app, &["--status", "rejected"]);
    assert!(rejected.iter().any(|i| i["id"] == ids[2]));
    assert!(rejected.iter().all(|i| i["status"] == "rejected"));
    let cleared = run(&app, &["mark", ids[2], "none"]);
    assert_eq!(cleared.status.code(), Some(0));
    assert!(
        listed(&app, &["--status", "rejected"])
            .iter()
            .all(|i| i["id"] != ids[2])
    );

    // By name, A to Z; the plain form is tab-separated with the path in the fourth column.
    let names: Vec<String> = listed(&app, &["--sort", "name"])
        .iter()
        .map(|i| i["file_name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    let plain = run(&app, &["list", "--limit", "1"]);
    let line = String::from_utf8(plain.stdout).unwrap();
    let columns: Vec<&str> = line.trim_end().split('\t').collect();
    assert!(
        columns.len() >= 4 && std::path::Path::new(columns[3]).is_file(),
        "{line}"
    );
}

#[test]
fn an_unknown_id_changes_nothing_and_bad_values_are_usage_errors() {
    let app = demo(5);
    let all = listed(&app, &[]);
    let known = all[0]["id"].as_str().unwrap();
    let before = all[0]["rating"].clone();
    let target = if before == 3 { "4" } else { "3" };
    let refused = run(&app, &["rate", known, "no-such-id", target]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("nothing was changed: 1 id is not in this library (no-such-id)"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(listed(&app, &[])[0]["rating"], before, "all or nothing");

    for args in [
        vec!["rate", known, "7"],
        vec!["mark", known, "maybe"],
        vec!["rate", known],
        vec!["list", "--sort", "size"],
    ] {
        let output = run(&app, &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn two_processes_culling_at_once_both_land() {
    let app = demo(40);
    let all = listed(&app, &[]);
    let ids: Vec<String> = all.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    let (first, second) = ids.split_at(20);
    let rate = |ids: &[String], stars: &str| {
        let mut args: Vec<&str> = vec!["rate"];
        args.extend(ids.iter().map(String::as_str));
        args.push(stars);
        distillery(&app, &args, &[]).spawn().expect("distillery starts")
    };
    let (mut a, mut b) = (rate(first, "2"), rate(second, "4"));
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    let after = listed(&app, &[]);
    for item in &after {
        let id = item["id"].as_str().unwrap().to_owned();
        let wanted = if first.contains(&id) { 2 } else { 4 };
        assert_eq!(item["rating"], wanted, "{id}");
    }
}
