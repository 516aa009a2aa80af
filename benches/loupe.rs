//! The loupe's numbers, printed as a table: `cargo bench --bench loupe`.
//!
//! The real window component and Slint's software renderer painting into a window-sized
//! 32-bit buffer as the desktop window does (benches/common/window.rs), decoding on demand
//! (`LoadMode::OnDemand`), so each number includes the decode and the frame it waits for. Libraries are built under target/bench-loupe-* and reused.

mod common;

use common::window::{BenchWindow, key, open_window as open, settle};
use common::{median, ms, rss_mb};
use distillery::app::AppContext;
use distillery::db::media::{self, NewMedia};
use distillery::db::types::{MediaId, MediaType, Origin, Timestamp};
use distillery::ui::LoupeAdapter;
use slint::ComponentHandle;
use slint::platform::Key;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn library(count: u32) -> PathBuf {
    common::demo_library("loupe", count)
}

/// Adds a 6000 × 4000 JPEG (a camera photo's size) as the newest item, once.
fn add_large_jpeg(ctx: &AppContext, dir: &Path) -> PathBuf {
    let relative = "originals/bench/large-6000x4000.jpg";
    let path = dir.join("library").join(relative);
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let image = image::RgbImage::from_fn(6000, 4000, |x, y| {
        image::Rgb([(x / 24 % 256) as u8, (y / 16 % 256) as u8, ((x ^ y) % 256) as u8])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&image)
        .unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let item = NewMedia {
        id: MediaId::new(),
        file_path: relative.into(),
        thumb_path: None,
        file_name: "large-6000x4000.jpg".into(),
        media_type: MediaType::Image,
        origin: Origin::Import,
        width: Some(6000),
        height: Some(4000),
        file_size: Some(bytes.len() as i64),
        generation_id: None,
        created_at: Timestamp::parse("2099-01-01T00:00:00.000Z").unwrap(),
        content_hash: None,
    };
    ctx.db.call_blocking(move |c| media::insert(c, &item)).unwrap();
    path
}

fn main() {
    let screen = BenchWindow::install();
    let mut rows: Vec<(String, String, String)> = Vec::new();

    let dir = library(1000);
    let (ctx, main) = open(&screen, &dir);
    let jpeg = add_large_jpeg(&ctx, &dir);
    drop(main);
    let (_ctx, main) = open(&screen, &dir);
    let loupe = main.window.global::<LoupeAdapter>();

    // Right arrow with the next image already decoded: the key, the switch and the frame.
    main.loupe.open();
    loupe.invoke_go_to(1);
    settle(&screen, &main);
    let mut steps = Vec::new();
    for _ in 0..40 {
        let t = Instant::now();
        key(&main, Key::RightArrow);
        screen.paint();
        steps.push(t.elapsed());
        assert!(loupe.get_has_image(), "the next image was prefetched");
        settle(&screen, &main);
    }
    rows.push((
        "Right arrow → next image painted (prefetched, 1024 px long edge PNG), median of 40".into(),
        ms(median(steps)),
        "< 16 ms".into(),
    ));

    // Jumps far away: nothing decoded there yet.
    let mut cold = Vec::new();
    for k in 0..15 {
        let t = Instant::now();
        loupe.invoke_go_to(300 + k * 37);
        main.library.drain_blocking();
        main.loupe.decode_next_blocking();
        screen.paint();
        cold.push(t.elapsed());
        assert!(loupe.get_has_image());
        settle(&screen, &main);
    }
    rows.push((
        "cold open of a 1024 px PNG (not prefetched), median of 15".into(),
        ms(median(cold)),
        "< 40 ms".into(),
    ));

    // The 6000 × 4000 JPEG is the newest item (position 0).
    let mut large = Vec::new();
    for _ in 0..5 {
        loupe.invoke_go_to(500);
        settle(&screen, &main);
        let t = Instant::now();
        loupe.invoke_go_to(0);
        main.loupe.decode_next_blocking();
        screen.paint();
        large.push(t.elapsed());
        assert_eq!(loupe.get_file_name(), "large-6000x4000.jpg");
        assert!(loupe.get_has_image());
    }
    let mut full = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        distillery::library::decode::decode_file(&jpeg).unwrap();
        full.push(t.elapsed());
    }
    rows.push((
        "cold open of a 6000×4000 JPEG → screen-sized first paint, median of 5".into(),
        ms(median(large)),
        "< 200 ms".into(),
    ));
    rows.push((
        "… for comparison: a full decode of it with the image crate".into(),
        ms(median(full)),
        "".into(),
    ));

    // Walking 1,000 images: memory stays flat.
    loupe.invoke_go_to(0);
    settle(&screen, &main);
    let start = rss_mb();
    for _ in 0..999 {
        key(&main, Key::RightArrow);
        settle(&screen, &main);
    }
    let (held, peak) = main.loupe.decoded_images();
    rows.push((
        "RSS walking 1,000 images: start → end (decoded images held / most at once)".into(),
        format!("{start:.0} MB → {:.0} MB ({held} / {peak})", rss_mb()),
        "flat".into(),
    ));

    println!("\nLoupe (1280×800, software renderer)\n");
    println!("| metric | measured | goal |\n|---|---|---|");
    for (metric, value, goal) in rows {
        println!("| {metric} | {value} | {goal} |");
    }
}
