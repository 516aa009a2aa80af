//! The page query through diesel against the same SQL through raw rusqlite: every filter ×
//! sort, the keyset page after the first, interleaved in one run so both see the same machine.

use super::median;
use distillery::browse::PAGE_SIZE;
use distillery::db::media_query::{self, Bind, Cursor, MediaFilter, MediaSort, StatusFilter};
use distillery::db::types::Rating;
use std::path::Path;
use std::time::{Duration, Instant};

/// Runs per filter × sort. Each is a median of this many, and the worst of 96 medians is
/// what the goal is checked against: with 41 runs, the worst moved between 1.14× and 1.19×
/// from run to run on this machine for the same build; 101 runs cost about a second more.
pub const RUNS: usize = 101;

/// Every rating × status filter the filter bar offers (search aside).
pub fn filters() -> Vec<MediaFilter> {
    let mut all = Vec::new();
    for stars in 0..=5u8 {
        for status in StatusFilter::ALL {
            all.push(MediaFilter {
                min_rating: Rating::new(stars).unwrap(),
                status,
                search: None,
                ..Default::default()
            });
        }
    }
    all
}

/// One filter × sort: medians of its runs.
#[derive(Clone)]
pub struct Combo {
    pub label: String,
    pub rows: usize,
    pub diesel: Duration,
    pub raw: Duration,
}

impl Combo {
    pub fn ratio(&self) -> f64 {
        self.diesel.as_secs_f64() / self.raw.as_secs_f64().max(1e-9)
    }
}

pub struct Report {
    pub combos: Vec<Combo>,
    /// Every run of every combination, for the overall medians.
    pub all_diesel: Vec<Duration>,
    pub all_raw: Vec<Duration>,
}

impl Report {
    pub fn slowest_diesel(&self) -> &Combo {
        self.combos.iter().max_by_key(|c| c.diesel).unwrap()
    }

    pub fn worst_ratio(&self) -> &Combo {
        self.combos
            .iter()
            .max_by(|a, b| a.ratio().total_cmp(&b.ratio()))
            .unwrap()
    }

    pub fn median_ratio(&self) -> f64 {
        let mut ratios: Vec<f64> = self.combos.iter().map(Combo::ratio).collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }

    pub fn above(&self, limit: f64) -> usize {
        self.combos.iter().filter(|c| c.ratio() > limit).count()
    }

    /// "1.05× / 1.12× (worst combination); 0 of 96 above 1.2×".
    pub fn summary(&self) -> String {
        let worst = self.worst_ratio();
        format!(
            "{:.2}× / {:.2}× ({}); {} of {} above 1.2×",
            self.median_ratio(),
            worst.ratio(),
            worst.label,
            self.above(1.2),
            self.combos.len()
        )
    }
}

/// Runs each filter × sort's second page `runs` times through both drivers.
pub fn measure(db_path: &Path, runs: usize) -> Report {
    // The app's kind of connection first: SQLite's process-wide mode is set by the first one.
    let mut direct = distillery::db::connection::establish(&db_path.display().to_string()).unwrap();
    assert!(
        distillery::db::connection::multi_thread_mode(),
        "SQLite was initialised before the app's connection"
    );
    let raw = rusqlite::Connection::open(db_path).unwrap();
    let mut report = Report {
        combos: Vec::new(),
        all_diesel: Vec::new(),
        all_raw: Vec::new(),
    };
    for filter in filters() {
        for sort in MediaSort::ALL {
            let first = media_query::page(&mut direct, &filter, sort, None, PAGE_SIZE as u32).unwrap();
            let Some(last) = first.last() else { continue };
            let cursor = Cursor::after(last);
            let mut via_diesel = Vec::new();
            let mut via_raw = Vec::new();
            let mut rows = 0;
            for run in 0..runs {
                let mut diesel_side = || {
                    let t = Instant::now();
                    let n = media_query::page(&mut direct, &filter, sort, Some(&cursor), PAGE_SIZE as u32)
                        .unwrap()
                        .len();
                    (t.elapsed(), n)
                };
                // Both sides write the SQL for the page first, as the app does for each page.
                let raw_side = || {
                    let t = Instant::now();
                    let (sql, binds) = media_query::page_statement(&filter, sort, Some(&cursor), PAGE_SIZE as u32);
                    let m = raw_page(&raw, &sql, &binds);
                    (t.elapsed(), m)
                };
                // Each goes first every other run, so neither gains from caches the other warmed.
                let ((d, n), (r, m)) = if run % 2 == 0 {
                    let d = diesel_side();
                    (d, raw_side())
                } else {
                    let r = raw_side();
                    (diesel_side(), r)
                };
                assert_eq!(n, m);
                rows = n;
                via_diesel.push(d);
                via_raw.push(r);
            }
            report.all_diesel.extend(&via_diesel);
            report.all_raw.extend(&via_raw);
            report.combos.push(Combo {
                label: format!("{}★+ {:?} {:?}", filter.min_rating.stars(), filter.status, sort),
                rows,
                diesel: median(via_diesel),
                raw: median(via_raw),
            });
        }
    }
    report
}

/// The same page through rusqlite with a cached statement, reading every column by position
/// into owned values as the diesel row type does.
pub fn raw_page(conn: &rusqlite::Connection, sql: &str, binds: &[Bind]) -> usize {
    let mut statement = conn.prepare_cached(sql).unwrap();
    let params: Vec<Box<dyn rusqlite::ToSql>> = binds
        .iter()
        .map(|b| match b {
            Bind::Text(t) => Box::new(t.clone()) as Box<dyn rusqlite::ToSql>,
            Bind::Int(i) => Box::new(*i),
            Bind::BigInt(i) => Box::new(*i),
        })
        .collect();
    let rows = statement
        .query_map(rusqlite::params_from_iter(params.iter()), |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i32>(1)?,
                row.get::<_, Option<i32>>(2)?,
                row.get::<_, String>(3)?,
            ))
        })
        .unwrap();
    rows.collect::<Result<Vec<_>, _>>().unwrap().len()
}
