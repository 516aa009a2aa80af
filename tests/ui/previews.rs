//! Every exported component in ui/ must open on its own, as `cargo run --example preview`
//! (and Slint's editor preview) shows it: this test compiles each .slint file with the
//! interpreter, puts each exported component that is not a Window in PreviewWindow,
//! instantiates it and renders a 1280×800 frame (the info panel's taller: `frame_height`). The main views must look as they do in the
//! app: many colours (Inter's anti-aliased text, icons), and in the views that show media,
//! the sample images drawn. The numbers are printed (`-- --nocapture`); set
//! DISTILLERY_PREVIEW_SNAPSHOTS to a folder to keep the frames.

use crate::colours;
use crate::common;
use crate::components;

use colours::{FrameColours, SamplePalette};
use slint_interpreter::ComponentHandle;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The views checked for what they show: file stem, component, the fewest distinct colours
/// and the fewest pixels of sample-image colours (about a third of what they show now: the
/// loupe's and compare's images are large, the info panel's references are two 56 px tiles
/// partly below the fold). Views without media show none of those colours.
const VIEWS: [(&str, &str, usize, usize); 10] = [
    ("library-view", "LibraryView", 2000, 50_000),
    ("library-grid", "LibraryGrid", 2000, 50_000),
    ("loupe-view", "LoupeView", 1000, 200_000),
    ("compare-view", "CompareView", 1000, 200_000),
    ("info-panel", "InfoPanel", 400, 400),
    ("generation-panel", "GenerationPanel", 400, 1500),
    ("film-strip", "FilmStrip", 500, 600),
    ("queue-item", "QueueItem", 100, 0),
    ("settings-dialog", "SettingsDialog", 200, 0),
    ("app-window", "AppWindow", 2000, 50_000),
];

/// The frame's height: 800, as the window's; the info panel, a scrolling column whose only
/// images (the references) come after its rating, keywords, file and generation sections, is
/// previewed as a taller column so they are in the frame.
fn frame_height(component: &str) -> f32 {
    if component == "InfoPanel" { 1100.0 } else { 800.0 }
}

/// Set to a folder to keep each preview's frame there as a PNG, to look at.
const SNAPSHOT_DIR_VARIABLE: &str = "DISTILLERY_PREVIEW_SNAPSHOTS";

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

#[test]
fn every_exported_component_previews_on_its_own() {
    common::init_testing_backend();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let palette = SamplePalette::of_images_in(&root.join("assets/sample"));
    let mut files = Vec::new();
    slint_files(&components::ui_dir(), &mut files);
    files.sort();
    assert!(files.len() >= 10, "expected the ui/ tree, found {files:?}");

    // (file stem, component) → what its frame holds.
    let mut rendered = BTreeMap::new();
    let mut failures = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let exported = components::exported_components(&source);
        // Files holding only globals (adapters, Theme) have nothing to preview.
        if exported.is_empty() {
            continue;
        }
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let result = components::compile(file, &exported);
        let errors = components::errors(&result);
        if !errors.is_empty() {
            failures.push(format!("{}: {}", file.display(), errors.join("; ")));
            continue;
        }
        for component in &exported {
            let Some(definition) = result.component(&component.preview_name()) else {
                failures.push(format!("{}: no preview of {}", file.display(), component.name));
                continue;
            };
            match definition.create() {
                Ok(instance) => {
                    instance.show().unwrap();
                    instance
                        .window()
                        .set_size(slint::LogicalSize::new(1280.0, frame_height(&component.name)));
                    let frame = instance.window().take_snapshot().expect("a rendered frame");
                    instance.hide().unwrap();
                    if let Some(dir) = std::env::var_os(SNAPSHOT_DIR_VARIABLE) {
                        save_snapshot(&frame, &Path::new(&dir).join(format!("{stem}-{}.png", component.name)));
                    }
                    rendered.insert(
                        (stem.clone(), component.name.clone()),
                        FrameColours::of(&frame, &palette),
                    );
                }
                Err(error) => failures.push(format!("{} in {}: {error}", component.name, file.display())),
            }
        }
    }

    for ((stem, name), colours) in &rendered {
        println!(
            "{stem:>18} {name:<20} {:>6} distinct colours, {:>7} sample-image pixels",
            colours.distinct, colours.sample_pixels
        );
    }
    for (stem, name, min_distinct, min_sample_pixels) in VIEWS {
        let Some(colours) = rendered.get(&(stem.to_owned(), name.to_owned())) else {
            failures.push(format!("{name} ({stem}.slint) was not previewed"));
            continue;
        };
        if colours.distinct < min_distinct {
            failures.push(format!(
                "{name} looks blank: {} distinct colours, wanted {min_distinct}",
                colours.distinct
            ));
        }
        if colours.sample_pixels < min_sample_pixels {
            failures.push(format!(
                "{name} does not show the sample images: {} pixels of their colours, wanted {min_sample_pixels}",
                colours.sample_pixels
            ));
        }
    }
    assert!(failures.is_empty(), "previews that fail:\n{}", failures.join("\n"));
    assert!(rendered.len() >= 10, "previewed only {:?}", rendered.keys());
}

fn save_snapshot(frame: &slint::SharedPixelBuffer<slint::Rgba8Pixel>, path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let pixels = image::RgbaImage::from_raw(frame.width(), frame.height(), frame.as_bytes().to_vec()).unwrap();
    pixels.save(path).unwrap();
}
