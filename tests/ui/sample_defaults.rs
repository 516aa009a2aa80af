//! The adapters' defaults are sample data, images included, so each view previews on its own
//! (tests/ui/previews.rs). The app must replace every one of them when it builds the window:
//! over an empty library the first frame shows the empty library, none of the samples.

use crate::colours;
use crate::common;

use colours::{FrameColours, SamplePalette};
use common::TempApp;
use distillery::ui::{CompareAdapter, GenerationAdapter, InfoAdapter, LibraryAdapter, LoupeAdapter};
use slint::{ComponentHandle, Model};
use std::path::Path;

#[test]
fn the_window_shows_none_of_the_sample_data() {
    common::init_testing_backend();
    let app = TempApp::new();
    let (_ctx, main) = common::ui::open(&app);
    let window = &main.window;

    let library = window.global::<LibraryAdapter>();
    assert_eq!(library.get_total_count(), 0);
    assert_eq!(library.get_rows().row_count(), 0, "no sample grid rows");
    let loupe = window.global::<LoupeAdapter>();
    assert!(!loupe.get_has_image(), "no loupe image");
    assert_eq!(loupe.get_strip().row_count(), 0, "no sample film strip");
    assert_eq!(
        window.global::<CompareAdapter>().get_panes().row_count(),
        0,
        "no sample panes"
    );
    let info = window.global::<InfoAdapter>();
    assert!(!info.get_has_item(), "no sample details");
    let generation = window.global::<GenerationAdapter>();
    assert_eq!(generation.get_references().row_count(), 0, "no sample references");
    assert_eq!(generation.get_queue().row_count(), 0, "no sample jobs");
    assert_eq!(generation.get_history().row_count(), 0, "no sample history");

    let palette = SamplePalette::of_images_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample"));
    let frame = window.window().take_snapshot().unwrap();
    let colours = FrameColours::of(&frame, &palette);
    assert_eq!(colours.sample_pixels, 0, "the frame shows sample images");
}
