//! Shows one component of a .slint file in a window, as it looks in the app (Inter, the dark
//! theme, the adapters' sample data and images), and reloads it whenever a .slint file, image
//! or font under ui/ or assets/ changes:
//!
//!     cargo run --example preview -- ui/views/loupe-view.slint [LoupeView]
//!     cargo run --example preview -- ui/views/loupe-view.slint --list
//!
//! Without a component name it shows the last one the file exports. docs/live-preview.md
//! says how it works.

#[path = "preview/components.rs"]
mod components;
#[path = "preview/watch.rs"]
mod watch;

use clap::Parser;
use components::Exported;
use slint::{Timer, TimerMode};
use slint_interpreter::{ComponentDefinition, ComponentHandle, ComponentInstance};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// How often the files are checked for changes: soon enough to feel live.
const POLL: Duration = Duration::from_millis(400);

#[derive(Parser)]
#[command(about = "Shows a component of a .slint file as it looks in the app, reloading on every change")]
struct Args {
    /// The .slint file, e.g. ui/views/library-view.slint
    file: PathBuf,
    /// The exported component to show (default: the last one the file exports)
    component: Option<String>,
    /// Print the components the file exports, and exit
    #[arg(long)]
    list: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let source = match std::fs::read_to_string(&args.file) {
        Ok(source) => source,
        Err(error) => return usage_error(&format!("cannot read {}: {error}", args.file.display())),
    };
    let file = std::path::absolute(&args.file).unwrap_or(args.file.clone());
    let exported = components::exported_components(&source);
    if args.list {
        for component in &exported {
            println!("{}", component.name);
        }
        return ExitCode::SUCCESS;
    }
    let component = match choose(&exported, args.component.as_deref()) {
        Ok(component) => component.clone(),
        Err(problem) => return usage_error(&format!("{}: {problem}", args.file.display())),
    };

    let definition = match build(&file, &component) {
        Ok(definition) => definition,
        Err(errors) => {
            eprintln!(
                "preview: {} does not compile:\n{}",
                args.file.display(),
                errors.join("\n")
            );
            return ExitCode::FAILURE;
        }
    };
    let shown = match show(&definition, None) {
        Ok(instance) => RefCell::new(instance),
        Err(error) => {
            eprintln!("preview: cannot open a window: {error}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "preview: showing {}; edit and save to reload, close the window to quit",
        component.name
    );

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("ui"), root.join("assets")];
    roots.extend(file.parent().map(Path::to_path_buf));
    let mut watch = watch::Watch::new(roots);
    let timer = Timer::default();
    timer.start(TimerMode::Repeated, POLL, move || {
        if watch.changed() {
            reload(&file, &component, &shown);
        }
    });
    match slint_interpreter::run_event_loop() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("preview: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The component asked for, or the last one exported.
fn choose<'a>(exported: &'a [Exported], name: Option<&str>) -> Result<&'a Exported, String> {
    let names = || exported.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
    match name {
        None => exported
            .last()
            .ok_or_else(|| "exports no component (adapter and theme files hold only globals)".to_owned()),
        Some(name) => exported
            .iter()
            .find(|c| c.name.replace('_', "-") == name.replace('_', "-"))
            .ok_or_else(|| format!("exports no component named {name}; it exports: {}", names())),
    }
}

/// Compiles the preview of `component`, or says what is wrong with the sources.
fn build(file: &Path, component: &Exported) -> Result<ComponentDefinition, Vec<String>> {
    let result = components::compile(file, std::slice::from_ref(component));
    let errors = components::errors(&result);
    if !errors.is_empty() {
        return Err(errors);
    }
    result
        .component(&component.preview_name())
        .ok_or_else(|| vec![format!("{} no longer exports {}", file.display(), component.name)])
}

/// Opens an instance of `definition`, where `previous` was and as large, if given.
fn show(definition: &ComponentDefinition, previous: Option<&ComponentInstance>) -> Result<ComponentInstance, String> {
    let instance = definition.create().map_err(|e| e.to_string())?;
    if let Some(previous) = previous {
        instance.window().set_size(previous.window().size());
        instance.window().set_position(previous.window().position());
    }
    instance.show().map_err(|e| e.to_string())?;
    Ok(instance)
}

/// Recompiles and swaps the shown instance; on errors the last good one stays.
fn reload(file: &Path, component: &Exported, shown: &RefCell<ComponentInstance>) {
    let started = Instant::now();
    let definition = match build(file, component) {
        Ok(definition) => definition,
        Err(errors) => {
            eprintln!(
                "preview: errors; still showing the last good version:\n{}",
                errors.join("\n")
            );
            return;
        }
    };
    // The new window opens before the old one closes: the event loop ends with the last window.
    let opened = show(&definition, Some(&shown.borrow()));
    match opened {
        Ok(instance) => {
            let old = shown.replace(instance);
            let _ = old.hide();
            eprintln!("preview: reloaded in {} ms", started.elapsed().as_millis());
        }
        Err(error) => eprintln!("preview: cannot show the new version: {error}"),
    }
}

/// A problem with how the preview was asked for: said, with exit code 2.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("preview: {message}");
    ExitCode::from(2)
}
