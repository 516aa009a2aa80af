//! Every exported component in ui/ must open on its own in Slint's live preview: this test
//! compiles each .slint file with the interpreter, wraps each exported component that is
//! not already a Window in a generated Window, instantiates it and renders a frame.

mod common;

use slint_interpreter::ComponentHandle;
use std::path::{Path, PathBuf};

fn slint_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            slint_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "slint") {
            found.push(path);
        }
    }
}

/// `(name, inherits Window)` for each `export component` in the source.
fn exported_components(source: &str) -> Vec<(String, bool)> {
    source
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("export component "))
        .map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            (name, rest.contains("inherits Window"))
        })
        .collect()
}

#[test]
fn every_exported_component_previews_on_its_own() {
    common::init_testing_backend();
    let ui_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut files = Vec::new();
    slint_files(&ui_dir, &mut files);
    files.sort();
    assert!(files.len() >= 10, "expected the ui/ tree, found {files:?}");

    let mut previewed = Vec::new();
    let mut failures = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let components = exported_components(&source);
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        // Wrap plain components in a Window; build Windows from the file itself.
        let mut wrapper = String::new();
        for (name, is_window) in &components {
            if *is_window {
                continue;
            }
            wrapper.push_str(&format!(
                "import {{ {name} }} from \"{file_name}\";\nexport component Preview{name} inherits Window {{ width: 640px; height: 400px; {name} {{ }} }}\n"
            ));
        }
        let mut compiler = slint_interpreter::Compiler::default();
        compiler.set_style("fluent-dark".into());
        let wrapper_path = file.with_file_name("preview-wrapper.slint");
        // Files holding only globals (adapters, Theme) have nothing to preview.
        let mut results = Vec::new();
        if components.iter().any(|(_, is_window)| *is_window) {
            results.push(spin_on(compiler.build_from_path(file)));
        }
        if !wrapper.is_empty() {
            results.push(spin_on(compiler.build_from_source(wrapper, wrapper_path)));
        }
        for result in &results {
            let errors: Vec<String> = result
                .diagnostics()
                .filter(|d| d.level() == slint_interpreter::DiagnosticLevel::Error)
                .map(|d| d.to_string())
                .collect();
            if !errors.is_empty() {
                failures.push(format!("{}: {}", file.display(), errors.join("; ")));
                continue;
            }
            for name in result.component_names() {
                let definition = result.component(name).unwrap();
                match definition.create() {
                    Ok(instance) => {
                        instance.show().unwrap();
                        let frame = instance.window().take_snapshot().expect("a rendered frame");
                        assert!(frame.width() > 0 && frame.height() > 0, "{name} rendered nothing");
                        instance.hide().unwrap();
                        previewed.push(name.to_owned());
                    }
                    Err(error) => failures.push(format!("{name} in {}: {error}", file.display())),
                }
            }
        }
        let expected = components.len();
        let seen = components
            .iter()
            .filter(|(name, is_window)| {
                let wanted = if *is_window {
                    name.clone()
                } else {
                    format!("Preview{name}")
                };
                previewed
                    .iter()
                    .any(|p| p.replace('_', "-") == wanted.replace('_', "-"))
            })
            .count();
        if seen != expected {
            failures.push(format!(
                "{}: previewed {seen} of {expected} exported components",
                file.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "components that cannot preview:\n{}",
        failures.join("\n")
    );
    assert!(previewed.len() >= 10, "previewed only {previewed:?}");
}

/// Runs a future that completes without waiting on anything (the interpreter's build).
fn spin_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = std::task::Waker::noop();
    let mut context = std::task::Context::from_waker(waker);
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}
