//! Memory is bounded in total, not per image: four 13000 × 13000 RGBA PNGs (676 MB of pixels
//! each, under 1 MB on disk) imported on four threads decode one after another within the
//! decode budget instead of all at once (which peaked at 4.4 GB). Measured on a real
//! `distillery import` process: its peak resident memory, from the kernel.

mod common;

use common::TempApp;
use common::processes::{distillery, finish, spawn, stderr};
use std::time::Duration;

const SIDE: u32 = 13_000;
const BUDGET_MIB: u64 = 1024;
/// The process besides decoding: code, runtime, SQLite, the files' bytes.
const ALLOWANCE_MIB: u64 = 256;

/// The largest peak resident memory of any child process waited for, in bytes.
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(ok, 0);
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn four_huge_pngs_on_four_threads_stay_within_the_decode_budget() {
    let app = TempApp::new();
    let dir = app.dir.path().join("huge");
    std::fs::create_dir_all(&dir).unwrap();
    let png = {
        let pixels = image::RgbaImage::from_pixel(SIDE, SIDE, image::Rgba([30, 120, 200, 255]));
        let mut bytes = Vec::new();
        image::codecs::png::PngEncoder::new_with_quality(
            &mut bytes,
            image::codecs::png::CompressionType::Fast,
            // Rows that repeat the one above become zeros, which the fast compressor shrinks to
            // almost nothing (the files were 685 KB).
            image::codecs::png::FilterType::Up,
        )
        .write_image(pixels.as_raw(), SIDE, SIDE, image::ExtendedColorType::Rgba8)
        .map(|()| bytes)
        .unwrap()
    };
    use image::ImageEncoder as _;
    let mut paths = Vec::new();
    for n in 0..4 {
        // Different bytes, so none is taken for a duplicate of another.
        let copy = distillery::library::png_text::with_text_chunks(&png, &[("Comment", &format!("copy {n}"))]).unwrap();
        let path = dir.join(format!("huge-{n}.png"));
        std::fs::write(&path, copy).unwrap();
        paths.push(path.display().to_string());
    }
    drop(png);

    let mut args = vec!["import", "--threads", "4"];
    args.extend(paths.iter().map(String::as_str));
    let output = finish(
        spawn(distillery(
            &app,
            &args,
            &[("DISTILLERY_DECODE_BUDGET_MB", &BUDGET_MIB.to_string())],
        )),
        Duration::from_secs(600),
        "importing four huge PNGs",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("4 imported"), "{}", stderr(&output));
    let peak = children_peak_rss();
    eprintln!("peak RSS of the import: {} MiB (budget {BUDGET_MIB} MiB)", peak >> 20);
    assert!(
        peak < (BUDGET_MIB + ALLOWANCE_MIB) << 20,
        "the import peaked at {} MiB, over its {BUDGET_MIB} MiB decode budget",
        peak >> 20
    );
}
