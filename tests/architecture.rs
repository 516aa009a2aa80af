//! The layers' arrows, read from the sources. The application's rules are moving out of
//! `src/ui` (into `src/services`) step by step; the lists below are what still crosses a
//! line today. A new crossing fails this test, and so does a listed one that is gone (take
//! it off the list), so the lists only shrink.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files under `root` (a folder, or one file) whose names end in `.{extension}`.
fn files_with(root: &Path, extension: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, extension, out);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    if root.is_dir() {
        walk(root, extension, &mut out);
    } else {
        out.push(root.to_path_buf());
    }
    out.sort();
    out
}

/// The Rust sources under `under` (a folder or a file of the crate).
fn sources(under: &str) -> Vec<PathBuf> {
    files_with(&Path::new(env!("CARGO_MANIFEST_DIR")).join(under), "rs")
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The code of a file without its comments (a comment may name anything).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `code` names the crate module `module` (`crate::module::…` or `crate::module;`,
/// also inside a `use crate::{…}` list).
fn names_module(code: &str, module: &str) -> bool {
    let direct = format!("crate::{module}");
    code.match_indices(&direct).any(|(at, _)| {
        let next = code[at + direct.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
    }) || code.contains("use crate::{") && {
        code.split("use crate::{").skip(1).any(|list| {
            let list = list.split('}').next().unwrap_or_default();
            list.split(',')
                .any(|item| item.trim().split("::").next() == Some(module))
        })
    }
}

fn names_slint(code: &str) -> bool {
    code.contains("slint::") || code.contains("use slint") || code.contains("distillery_ui")
}

/// The files under `under` for which `crosses` holds.
fn crossing(under: &str, crosses: impl Fn(&str) -> bool) -> BTreeSet<String> {
    sources(under)
        .iter()
        .filter(|path| crosses(&code(path)))
        .map(|path| relative(path))
        .collect()
}

fn assert_exactly(what: &str, found: BTreeSet<String>, allowed: &[&str]) {
    let allowed: BTreeSet<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
    let new: Vec<_> = found.difference(&allowed).collect();
    let gone: Vec<_> = allowed.difference(&found).collect();
    assert!(new.is_empty(), "{what}: new crossings {new:?}");
    assert!(
        gone.is_empty(),
        "{what}: no longer crossing, take off the list: {gone:?}"
    );
}

/// The layers below the window (`ui`) and the start-up wiring (`app`).
const LOWER_LAYERS: [&str; 13] = [
    "src/services",
    "src/db",
    "src/library",
    "src/engine",
    "src/queue",
    "src/generation",
    "src/import",
    "src/browse",
    "src/settings",
    "src/desktop",
    "src/logging",
    "src/xmp",
    "src/export",
];

/// Slint stays in the window's layer: nothing but `ui` names it. `app` starts the window
/// through `ui` (its event loop, the hand-over of files, quitting on a signal included).
#[test]
fn nothing_but_the_window_names_slint() {
    for layer in LOWER_LAYERS
        .iter()
        .chain(&["src/format.rs", "src/cli", "src/app", "src/main.rs"])
    {
        assert_exactly(&format!("{layer} naming Slint"), crossing(layer, names_slint), &[]);
    }
}

/// Nothing below the window reaches up into `ui` or `app`.
#[test]
fn lower_layers_never_reach_up() {
    for layer in LOWER_LAYERS {
        let up = crossing(layer, |code| names_module(code, "ui") || names_module(code, "app"));
        assert_exactly(&format!("{layer} reaching ui or app"), up, &[]);
    }
}

/// The engine knows nothing of the catalogue, the queue or the services.
#[test]
fn the_engine_knows_no_database_queue_or_services() {
    let found = crossing("src/engine", |code| {
        ["db", "queue", "services", "browse", "import"]
            .iter()
            .any(|module| names_module(code, module))
    });
    assert_exactly("src/engine naming db, queue, services, browse or import", found, &[]);
}

/// Services are the app's rules: no UI, no start-up wiring.
#[test]
fn services_stay_free_of_the_window() {
    let found = crossing("src/services", |code| {
        names_slint(code) || names_module(code, "ui") || names_module(code, "app")
    });
    assert_exactly("src/services naming the window", found, &[]);
}

/// `ui` reaching `app` (start-up wiring) and `db` (the catalogue directly, not through a
/// service): what is left to move.
#[test]
fn the_window_reaches_app_and_db_only_where_still_listed() {
    assert_exactly(
        "src/ui naming crate::app",
        crossing("src/ui", |code| names_module(code, "app")),
        &[],
    );
    assert_exactly(
        "src/ui naming crate::db",
        crossing("src/ui", |code| names_module(code, "db")),
        &[],
    );
}

/// Whether `code` names `path` (e.g. `super::actor`, `crate::engine::actor`) as a whole word.
fn names_path(code: &str, path: &str) -> bool {
    code.match_indices(path).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + path.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The first module of `graph` found on a cycle, with the cycle.
fn find_cycle(graph: &std::collections::BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        graph: &std::collections::BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == at) {
            let mut cycle = path[start..].to_vec();
            cycle.push(at.to_owned());
            return Some(cycle);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.to_owned());
        for next in graph.get(at).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(at.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(module, graph, &mut Vec::new(), &mut done))
}

/// The crate's modules (`src/x.rs` or `src/x/`) and the files of each.
fn top_modules() -> Vec<(String, Vec<PathBuf>)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: Vec<(String, Vec<PathBuf>)> = std::fs::read_dir(&src)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() || path.extension().is_some_and(|e| e == "rs"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, sources(&relative(&path)))
        })
        .filter(|(name, _)| !["lib", "main", "bin"].contains(&name.as_str()))
        .collect();
    modules.sort();
    modules
}

/// No two modules of the crate use each other, however far round (`import` → `library` →
/// `import` was one), and no two files of one module do (`engine::actor` and
/// `engine::handle` were): a cycle makes neither side understandable, or testable, alone.
#[test]
fn no_cycles_between_modules() {
    let modules = top_modules();
    let names: Vec<&String> = modules.iter().map(|(name, _)| name).collect();
    let mut crate_graph = std::collections::BTreeMap::new();
    for (name, files) in &modules {
        let code: String = files.iter().map(|f| code(f)).collect::<Vec<_>>().join("\n");
        let uses: BTreeSet<String> = names
            .iter()
            .filter(|other| **other != name && names_module(&code, other))
            .map(|other| (*other).clone())
            .collect();
        crate_graph.insert(name.clone(), uses);
    }
    assert_eq!(find_cycle(&crate_graph), None, "modules of the crate in a cycle");
    // The shared formatting helpers know nothing of the catalogue (the engine reached the
    // database through them once).
    assert!(
        !crate_graph["format"].contains("db"),
        "src/format.rs names the database"
    );

    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (top, files) in &modules {
        let dir = src.join(top);
        if !dir.is_dir() {
            continue;
        }
        // Each part of the module: its file or folder right under `src/<top>/`.
        let part_of = |file: &Path| -> Option<String> {
            let inside = file.strip_prefix(&dir).ok()?;
            let first = inside.components().next()?.as_os_str().to_string_lossy().into_owned();
            let name = first.trim_end_matches(".rs").to_owned();
            (name != "mod").then_some(name)
        };
        let parts: BTreeSet<String> = files.iter().filter_map(|f| part_of(f)).collect();
        let mut graph: std::collections::BTreeMap<String, BTreeSet<String>> = std::collections::BTreeMap::new();
        for file in files {
            let Some(part) = part_of(file) else { continue };
            let depth = file.strip_prefix(&dir).unwrap().components().count();
            let code = code(file);
            let mut supers = "super::".repeat(depth);
            supers.truncate(supers.len() - 2);
            for other in parts.iter().filter(|other| **other != part) {
                let named = names_path(&code, &format!("crate::{top}::{other}"))
                    || names_path(&code, &format!("{supers}::{other}"))
                    || code.split(&format!("use {supers}::{{")).skip(1).any(|list| {
                        let list = list.split('}').next().unwrap_or_default();
                        list.split(',')
                            .any(|item| item.trim().split("::").next() == Some(other.as_str()))
                    });
                if named {
                    graph.entry(part.clone()).or_default().insert(other.clone());
                }
            }
        }
        assert_eq!(find_cycle(&graph), None, "files of src/{top} in a cycle");
    }
}

/// Small files with one job: no file of the application (Rust under src/, Slint under ui/)
/// is over 400 lines.
#[test]
fn source_files_stay_small() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let over: Vec<String> = sources("src")
        .into_iter()
        .chain(files_with(&ui, "slint"))
        .filter_map(|path| {
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            (lines > 400).then(|| format!("{}: {lines} lines", relative(&path)))
        })
        .collect();
    assert!(over.is_empty(), "files over 400 lines: {over:?}");
}

/// Every colour of the window comes from `Theme` (ui/theme.slint), so the look is tuned in
/// one place: no other .slint file writes a colour literal.
#[test]
fn every_colour_comes_from_the_theme() {
    let files = files_with(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ui"), "slint");
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("theme.slint")) {
        for (at, line) in code(file).lines().enumerate() {
            let literal = line.match_indices('#').any(|(i, _)| {
                let hex: String = line[i + 1..].chars().take_while(char::is_ascii_hexdigit).collect();
                [3, 4, 6, 8].contains(&hex.len())
            });
            if literal {
                found.push(format!("{}:{}: {}", relative(file), at + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "colours outside the theme: {found:#?}");
}

/// Every length and duration of the window comes from `Theme` too: no other .slint file
/// writes a length literal (`12px`, `1phx`, or in `rem`, `pt`, `cm`, `mm`, `in`) or a
/// duration (`180ms`, `1s`), except a zero, which is no size.
#[test]
fn every_length_comes_from_the_theme() {
    let files = files_with(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ui"), "slint");
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("theme.slint")) {
        for (at, line) in code(file).lines().enumerate() {
            let literals = length_literals(line);
            if !literals.is_empty() {
                found.push(format!(
                    "{}:{}: {} in {}",
                    relative(file),
                    at + 1,
                    literals.join(", "),
                    line.trim()
                ));
            }
        }
    }
    assert!(found.is_empty(), "lengths or durations outside the theme: {found:#?}");
}

/// The length literals of a line of Slint other than zero: a number with a length unit
/// right after it. Digits inside a name (`space-2`, `text-2xs`) are not numbers.
fn length_literals(line: &str) -> Vec<String> {
    const UNITS: [&str; 9] = ["px", "phx", "rem", "pt", "cm", "mm", "in", "ms", "s"];
    let chars: Vec<char> = line.chars().collect();
    let run = |from: usize, take: fn(char) -> bool| from + chars[from..].iter().take_while(|c| take(**c)).count();
    let mut found = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_alphabetic() || c == '_' {
            at = run(at, |c| c.is_alphanumeric() || c == '_' || c == '-');
        } else if c.is_ascii_digit() || (c == '.' && chars.get(at + 1).is_some_and(char::is_ascii_digit)) {
            let unit_at = run(at, |c| c.is_ascii_digit() || c == '.');
            let end = run(unit_at, char::is_alphabetic);
            let number: String = chars[at..unit_at].iter().collect();
            let unit: String = chars[unit_at..end].iter().collect();
            if UNITS.contains(&unit.as_str()) && !number.parse::<f64>().is_ok_and(|n| n == 0.0) {
                found.push(number + &unit);
            }
            at = end;
        } else {
            at += 1;
        }
    }
    found
}

/// The README, the crate's documentation and the code tell one story: the README carries
/// docs/layers.md word for word, src/lib.rs includes it, and every file and folder the
/// README's feature map names exists.
#[test]
fn the_readme_map_and_layers_match_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |file: &str| std::fs::read_to_string(root.join(file)).unwrap();
    let (readme, layers) = (read("README.md"), read("docs/layers.md"));
    assert!(
        readme.contains(&layers),
        "README.md must carry docs/layers.md word for word"
    );
    assert!(read("src/lib.rs").contains("include_str!(\"../docs/layers.md\")"));

    let map = readme
        .split("### Where each feature lives")
        .nth(1)
        .and_then(|rest| rest.split("### From X to Y").next())
        .expect("the README has a feature map");
    let mut named = 0;
    let mut missing = Vec::new();
    for token in map.split('`').skip(1).step_by(2) {
        let path = token.split_whitespace().next().unwrap_or_default();
        if !(path.ends_with(".rs") || path.ends_with(".slint") || path.ends_with('/')) {
            continue;
        }
        named += 1;
        let found = ["", "ui/", "src/", "src/ui/"]
            .iter()
            .any(|base| root.join(format!("{base}{path}")).exists());
        if !found {
            missing.push(path.to_owned());
        }
    }
    assert!(named >= 40, "the map names only {named} files");
    assert!(
        missing.is_empty(),
        "the README's map names files that do not exist: {missing:?}"
    );
}

#[test]
fn the_cycle_finder_finds_long_cycles_and_only_cycles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut graph: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
        for (from, to) in edges {
            graph.entry((*from).to_owned()).or_default().insert((*to).to_owned());
        }
        graph
    };
    let cycle = find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])).unwrap();
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4);
    assert_eq!(find_cycle(&graph(&[("a", "b"), ("a", "c"), ("b", "c")])), None);
    assert!(names_path("use super::handle::X;", "super::handle"));
    assert!(!names_path("use super::super::handle::X;", "super::handle"));
    assert!(!names_path("use super::handles::X;", "super::handle"));
}

#[test]
fn the_module_matcher_reads_use_lists_and_paths() {
    assert!(names_module("use crate::db::media;", "db"));
    assert!(names_module("let x = crate::db::open();", "db"));
    assert!(names_module("use crate::{db, format};", "db"));
    assert!(!names_module("use crate::dbx::y;", "db"));
    assert!(!names_module("use crate::format;", "db"));
}

#[test]
fn the_length_and_duration_finder_reads_units_and_skips_names_and_zero() {
    assert_eq!(
        length_literals("x: -3px; w: parent.width - 2 * Theme.space-2 + 12px; r: 1.5px; s: .5rem; k: n * 1phx;"),
        ["3px", "12px", "1.5px", ".5rem", "1phx"]
    );
    assert_eq!(
        length_literals("y: 0px; z: 0.0px; f: Theme.text-2xs; for star in 5: Image { }"),
        Vec::<String>::new()
    );
    assert_eq!(
        length_literals("d: 2in; e: 3mm; g: 4cm; h: 10pt; p: 100%; t: 180ms; u: -1s; v: 0ms;"),
        ["2in", "3mm", "4cm", "10pt", "180ms", "1s"]
    );
}
