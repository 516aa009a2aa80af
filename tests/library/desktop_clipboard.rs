//! "Copy image" puts the decoded pixels on a real X11 clipboard (Xvfb), where another
//! client reads them back at full size; several images go as a file list.

use crate::common;

use common::xvfb::{require, start_xvfb};

const CHILD: &str = "DISTILLERY_TEST_CLIPBOARD";

#[test]
fn an_image_copied_to_the_clipboard_reads_back_with_its_pixels() {
    if std::env::var_os(CHILD).is_some() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("copied.png");
        let mut picture = image::RgbaImage::new(64, 48);
        for (x, y, pixel) in picture.enumerate_pixels_mut() {
            *pixel = image::Rgba([(x * 4) as u8, (y * 5) as u8, 200, 255]);
        }
        picture.save(&path).unwrap();
        distillery::desktop::copy_image(&path, "copied.png").unwrap();
        // Another clipboard client (arboard's own, as a pasting app would be).
        let pasted = arboard::Clipboard::new().unwrap().get_image().unwrap();
        assert_eq!((pasted.width, pasted.height), (64, 48));
        let at = |x: usize, y: usize| &pasted.bytes[(y * 64 + x) * 4..(y * 64 + x) * 4 + 4];
        assert_eq!(at(10, 7), &[40, 35, 200, 255]);
        // A file that is not an image says so instead of copying nothing.
        let text = dir.path().join("notes.png");
        std::fs::write(&text, b"hello").unwrap();
        let problem = distillery::desktop::copy_image(&text, "notes.png").unwrap_err();
        assert!(problem.starts_with("notes.png "), "{problem}");
        // Several images: a list of files (text/uri-list), as a file manager pastes them.
        let second = dir.path().join("second image.png");
        picture.save(&second).unwrap();
        distillery::desktop::copy_files(&[path.clone(), second.clone()]).unwrap();
        let files = arboard::Clipboard::new().unwrap().get().file_list().unwrap();
        assert_eq!(files, vec![path, second]);
        return;
    }
    require("Xvfb");
    let (_server, display) = start_xvfb();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "an_image_copied_to_the_clipboard_reads_back_with_its_pixels",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .status()
        .unwrap();
    assert!(status.success(), "the clipboard child failed");
}
