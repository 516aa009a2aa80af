//! Engines that ship with the app. A package puts them in a `bin` folder of the app's
//! resources (spec section 10): `/usr/lib/distillery/bin/` beside `/usr/bin/distillery` on
//! Linux (the .deb and the AppImage's `usr/` tree), `resources/bin/` beside the executable on
//! Windows, `Contents/Resources/bin/` in a macOS bundle. A development build has the demo
//! engine next to itself in `target/<profile>/`.

use std::path::{Path, PathBuf};

const REAL_ENGINE: &str = "cn-engine";
/// The demo engine's program name.
pub(crate) const DEMO_ENGINE_NAME: &str = "cn-engine-sim";
const DEMO_ENGINE: &str = DEMO_ENGINE_NAME;

fn exe_name(stem: &str) -> String {
    format!("{stem}{}", std::env::consts::EXE_SUFFIX)
}

/// The folders that may hold bundled engines for an app installed as `exe`, most specific
/// first.
pub fn resource_bin_dirs(exe: &Path) -> Vec<PathBuf> {
    let Some(dir) = exe.parent() else { return Vec::new() };
    let mut dirs = vec![dir.join("resources").join("bin")];
    if let Some(above) = dir.parent() {
        dirs.push(above.join("lib").join("distillery").join("bin"));
        dirs.push(above.join("Resources").join("bin"));
    }
    dirs
}

/// The first bundled `stem` among `exe`'s resource folders.
fn find_bundled(exe: &Path, stem: &str) -> Option<PathBuf> {
    let name = exe_name(stem);
    resource_bin_dirs(exe)
        .into_iter()
        .map(|dir| dir.join(&name))
        .find(|candidate| candidate.is_file())
}

/// A real `cn-engine` shipped with the app installed as `exe`, if the package has one.
pub fn bundled_engine_for(exe: &Path) -> Option<PathBuf> {
    find_bundled(exe, REAL_ENGINE)
}

/// A real `cn-engine` shipped with the running app, if the package has one.
pub fn bundled_engine_path() -> Option<PathBuf> {
    std::env::current_exe().ok().and_then(|exe| bundled_engine_for(&exe))
}

/// The demo engine of the app installed as `exe`: the bundled one, else `cn-engine-sim` next
/// to the executable. Cargo's test and bench executables live one folder deeper
/// (`target/<profile>/deps/`), so from there it is the one in the folder above.
pub fn demo_engine_for(exe: &Path) -> PathBuf {
    if let Some(bundled) = find_bundled(exe, DEMO_ENGINE) {
        return bundled;
    }
    let name = exe_name(DEMO_ENGINE);
    let beside = exe.with_file_name(&name);
    let in_deps = exe
        .parent()
        .filter(|dir| dir.ends_with("deps"))
        .and_then(|deps| deps.parent());
    match in_deps {
        Some(above) if !beside.exists() => above.join(name),
        _ => beside,
    }
}

/// Why the running app's demo engine cannot run (its file is missing: a source checkout built
/// with `cargo run --bin distillery` has only the app), or `None` when it is there.
pub fn demo_engine_problem() -> Option<String> {
    demo_engine_problem_for(&std::env::current_exe().ok()?)
}

fn demo_engine_problem_for(exe: &Path) -> Option<String> {
    let path = demo_engine_for(exe);
    (!path.is_file()).then(|| {
        format!(
            "The demo engine is missing: {} does not exist. It is built beside the app by \
             `cargo build --release --bins` (scripts/run does this).",
            path.display()
        )
    })
}

/// The demo engine of the running app.
pub fn demo_engine_path() -> std::io::Result<PathBuf> {
    Ok(demo_engine_for(&std::env::current_exe()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_demo_engine_is_named_with_how_to_build_it() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("distillery");
        touch(&exe);
        let problem = demo_engine_problem_for(&exe).unwrap();
        assert!(
            problem.starts_with(&format!(
                "The demo engine is missing: {} does not exist.",
                dir.path().join("cn-engine-sim").display()
            )),
            "{problem}"
        );
        assert!(problem.contains("cargo build --release --bins"));
        touch(&dir.path().join("cn-engine-sim"));
        assert_eq!(demo_engine_problem_for(&exe), None);
    }

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"").unwrap();
    }

    #[test]
    fn finds_the_engines_of_a_linux_install() {
        let root = tempfile::tempdir().unwrap();
        let exe = root.path().join("usr/bin/distillery");
        touch(&exe);
        assert_eq!(bundled_engine_for(&exe), None, "no engine packaged");
        assert_eq!(
            demo_engine_for(&exe),
            root.path().join("usr/bin").join(exe_name(DEMO_ENGINE))
        );

        let lib = root.path().join("usr/lib/distillery/bin");
        touch(&lib.join(exe_name(REAL_ENGINE)));
        touch(&lib.join(exe_name(DEMO_ENGINE)));
        assert_eq!(bundled_engine_for(&exe), Some(lib.join(exe_name(REAL_ENGINE))));
        assert_eq!(demo_engine_for(&exe), lib.join(exe_name(DEMO_ENGINE)));
    }

    #[test]
    fn finds_the_engines_of_windows_and_macos_layouts() {
        let root = tempfile::tempdir().unwrap();
        let windows = root.path().join("Distillery/distillery.exe");
        let engine = root.path().join("Distillery/resources/bin").join(exe_name(REAL_ENGINE));
        touch(&engine);
        assert_eq!(bundled_engine_for(&windows), Some(engine));

        let mac = root.path().join("Distillery.app/Contents/MacOS/distillery");
        let engine = root
            .path()
            .join("Distillery.app/Contents/Resources/bin")
            .join(exe_name(REAL_ENGINE));
        touch(&engine);
        assert_eq!(bundled_engine_for(&mac), Some(engine));
    }

    #[test]
    fn a_folder_named_like_the_engine_is_not_one() {
        let root = tempfile::tempdir().unwrap();
        let exe = root.path().join("usr/bin/distillery");
        std::fs::create_dir_all(root.path().join("usr/lib/distillery/bin").join(exe_name(REAL_ENGINE))).unwrap();
        assert_eq!(bundled_engine_for(&exe), None);
    }

    #[test]
    fn test_executables_find_the_demo_engine_of_their_profile() {
        let root = tempfile::tempdir().unwrap();
        let exe = root.path().join("target/debug/deps/cli-1234");
        assert_eq!(
            demo_engine_for(&exe),
            root.path().join("target/debug").join(exe_name(DEMO_ENGINE))
        );
    }
}
