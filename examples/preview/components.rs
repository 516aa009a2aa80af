//! The components a .slint file exports, and how each is compiled to be shown on its own: a
//! Window as it is, any other component inside ui/preview-window.slint's `PreviewWindow`,
//! which gives it the app window's size, background and font (and the loupe its sample
//! image). Shared by `cargo run --example preview` and tests/ui/previews.rs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// One `export component` of a .slint file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub name: String,
    pub is_window: bool,
}

impl Exported {
    /// The name of the compiled component that shows it: its own for a Window, its
    /// wrapper's otherwise.
    pub fn preview_name(&self) -> String {
        if self.is_window {
            self.name.clone()
        } else {
            format!("Preview{}", self.name)
        }
    }
}

/// The `export component` declarations of `source`, in the order they appear.
pub fn exported_components(source: &str) -> Vec<Exported> {
    source
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("export component "))
        .map(|rest| Exported {
            name: rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .collect(),
            is_window: rest.contains("inherits Window"),
        })
        .collect()
}

/// Where PreviewWindow lives: the wrappers find it there whatever folder the previewed
/// file is in.
pub fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")
}

/// Slint source exporting a preview of each of `components`, all exported by `file`.
pub fn wrapper_source(file: &Path, components: &[Exported]) -> String {
    let file_name = file.file_name().unwrap_or_default().to_string_lossy();
    let mut source = String::new();
    if components.iter().any(|c| !c.is_window) {
        source.push_str("import { PreviewWindow } from \"preview-window.slint\";\n");
    }
    for component in components {
        let name = &component.name;
        if component.is_window {
            source.push_str(&format!("export {{ {name} }} from \"{file_name}\";\n"));
        } else {
            source.push_str(&format!(
                "import {{ {name} }} from \"{file_name}\";\nexport component Preview{name} inherits PreviewWindow {{ {name} {{ }} }}\n"
            ));
        }
    }
    source
}

/// Compiles the previews of `components` of `file` with the app's style. The wrapper is
/// compiled as if it sat beside `file` (it is not written), so it imports the file by name.
pub fn compile(file: &Path, components: &[Exported]) -> slint_interpreter::CompilationResult {
    let mut compiler = slint_interpreter::Compiler::default();
    compiler.set_style("fluent-dark".into());
    compiler.set_include_paths(vec![ui_dir()]);
    let wrapper_path = file.with_file_name("preview-wrapper.slint");
    spin_on(compiler.build_from_source(wrapper_source(file, components), wrapper_path))
}

/// The errors of a compilation, one line each ("path:line:column: message").
pub fn errors(result: &slint_interpreter::CompilationResult) -> Vec<String> {
    result
        .diagnostics()
        .filter(|d| d.level() == slint_interpreter::DiagnosticLevel::Error)
        .map(|d| {
            let (line, column) = d.line_column();
            match d.source_file() {
                Some(path) => format!("{}:{line}:{column}: {}", path.display(), d.message()),
                None => d.message().to_owned(),
            }
        })
        .collect()
}

/// Runs a future that completes without waiting on anything (the interpreter's build,
/// which reads files synchronously).
pub fn spin_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}
