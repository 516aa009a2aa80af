//! XMP in and out: sidecars as Lightroom, darktable, digiKam, Bridge and Photo Mechanic write
//! them (fixtures written from their documented layouts) read correctly; our own packets
//! read back by our reader, in sidecars and embedded in PNG, JPEG and WebP (which still
//! decode); malformed or hostile packets refused with a reason; and `distillery import`
//! taking ratings, rejects and keywords from sidecars while never refusing an image for
//! its sidecar.

use crate::common;

use common::processes::{distillery, stderr};
use distillery::xmp::{self, XmpFields, XmpProblem};
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/xmp")
            .join(name),
    )
    .unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn each_tools_sidecar_is_read_as_that_tool_means_it() {
    let lightroom = xmp::parse(&fixture("lightroom.xmp")).unwrap();
    assert_eq!(
        lightroom,
        XmpFields {
            rating: Some(4),
            rejected: Some(false),
            selected: None,
            label: Some("Red".into()),
            // The path's parts, listed flat too by Lightroom, are not kept twice.
            keywords: strings(&["Places|Europe|Lisbon", "tram"]),
        }
    );
    let darktable = xmp::parse(&fixture("darktable.xmp")).unwrap();
    assert_eq!(darktable.rejected, Some(true), "darktable's −1 is a reject");
    assert_eq!(darktable.rating, Some(0));
    assert_eq!(
        darktable.keywords,
        strings(&["Places|Europe|Lisbon", "harbour"]),
        "darktable's own bookkeeping tags are left out"
    );
    let digikam = xmp::parse(&fixture("digikam.xmp")).unwrap();
    assert_eq!(digikam.rating, Some(3));
    assert_eq!(digikam.keywords, strings(&["Places|Europe|Lisbon", "People|Ana"]));
    let bridge = xmp::parse(&fixture("bridge.xmp")).unwrap();
    assert_eq!(bridge.rejected, Some(true), "the old xap: prefix is the same namespace");
    assert_eq!(bridge.label.as_deref(), Some("Second"));
    assert_eq!(bridge.keywords, strings(&["R&D", "café", "night & day"]));
    let photo_mechanic = xmp::parse(&fixture("photo_mechanic.xmp")).unwrap();
    assert_eq!(photo_mechanic.rating, Some(5));
    assert_eq!(photo_mechanic.keywords, strings(&["portfolio", "client   work"]));
}

#[test]
fn our_packets_read_back_in_sidecars_and_embedded_in_every_export_format() {
    let fields = XmpFields {
        rating: Some(3),
        rejected: Some(true),
        selected: Some(false),
        label: None,
        keywords: strings(&["Places|Europe|Lisbon", "tram & bus", "<script>", "naïve"]),
    };
    let generation = xmp::Generation {
        prompt: Some("a harbour at dusk, \"golden\" light & <fog>".into()),
        model: Some("FLUX.2 Klein 4B".into()),
        seed: Some(42),
        steps: Some(4),
        ..Default::default()
    };
    for generation in [None, Some(&generation)] {
        let sidecar = xmp::to_packet(&fields, generation, false);
        assert_eq!(xmp::parse(sidecar.as_bytes()).unwrap(), fields, "{sidecar}");
        // The flat list holds each keyword's last part, as darktable and Lightroom write it.
        assert!(sidecar.contains("<rdf:li>Lisbon</rdf:li>"), "{sidecar}");
        assert!(sidecar.contains("xmp:Rating=\"-1\""), "a reject is −1 for other tools");
        assert!(sidecar.contains("&lt;script&gt;"), "text is escaped, not pasted");
    }
    let rgba = image::RgbaImage::from_fn(48, 32, |x, y| image::Rgba([x as u8 * 5, y as u8 * 7, 90, 255]));
    let packet = xmp::to_packet(&fields, Some(&generation), true);
    for format in [
        image::ImageFormat::Png,
        image::ImageFormat::Jpeg,
        image::ImageFormat::WebP,
    ] {
        let mut encoded = std::io::Cursor::new(Vec::new());
        let pixels = image::DynamicImage::ImageRgba8(rgba.clone());
        let pixels = if format == image::ImageFormat::Jpeg {
            image::DynamicImage::ImageRgb8(pixels.to_rgb8())
        } else {
            pixels
        };
        pixels.write_to(&mut encoded, format).unwrap();
        let embedded = xmp::embed(encoded.get_ref(), &packet).unwrap();
        let found = xmp::extract(&embedded).unwrap_or_else(|| panic!("{format:?}: no packet found"));
        assert_eq!(xmp::parse(&found).unwrap(), fields, "{format:?}");
        let decoded =
            image::load_from_memory(&embedded).unwrap_or_else(|e| panic!("{format:?} no longer decodes: {e}"));
        assert_eq!((decoded.width(), decoded.height()), (48, 32), "{format:?}");
    }
}

#[test]
fn malformed_and_hostile_packets_are_refused_with_a_reason() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", fixture("lightroom.xmp")[..300].to_vec(), "not well-formed"),
        ("not XML", b"\x00\x01binary\xff".to_vec(), "no RDF description"),
        (
            "a rating of 7",
            br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="7"/></rdf:RDF></x:xmpmeta>"#.to_vec(),
            "rating “7”",
        ),
        (
            "an entity bomb",
            br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag><rdf:li>&b;</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"#.to_vec(),
            "unknown entity",
        ),
        ("five MiB", vec![b' '; 5 * 1024 * 1024], "larger than 4 MiB"),
    ];
    for (what, bytes, reason) in cases {
        let problem = xmp::parse(&bytes).expect_err(what).to_string();
        assert!(problem.contains(reason), "{what}: {problem}");
    }
    assert!(matches!(xmp::parse(b"<a><b></a>"), Err(XmpProblem::Malformed(_))));
    // Deep nesting and many keywords stay bounded.
    let deep = format!(
        r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag>{}</rdf:Bag></dc:subject>{}{}</rdf:Description></rdf:RDF>"#,
        "<rdf:li>k</rdf:li>".repeat(50_000),
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    assert_eq!(xmp::parse(deep.as_bytes()).unwrap().keywords, strings(&["k"]));
    // Embedded lengths that lie are not followed.
    let mut lying = vec![0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF];
    lying.extend_from_slice(b"http://ns.adobe.com/xap/1.0/\0<x");
    assert_eq!(xmp::extract(&lying), None);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xF0]);
    png.extend_from_slice(b"iTXtXML:com.adobe.xmp\0");
    assert_eq!(xmp::extract(&png), None);
}

#[test]
fn import_takes_ratings_rejects_and_keywords_from_sidecars_and_never_refuses_an_image_for_one() {
    let app = common::TempApp::new();
    let source = tempfile::tempdir().unwrap();
    let write_image = |name: &str, shade: u8| {
        let path = source.path().join(name);
        image::RgbImage::from_pixel(40, 30, image::Rgb([shade, 80, 120]))
            .save(&path)
            .unwrap();
        path
    };
    // darktable's name (photo.png.xmp), Lightroom's (photo.xmp), embedded only, a broken sidecar.
    write_image("harbour.png", 10);
    std::fs::write(source.path().join("harbour.png.xmp"), fixture("darktable.xmp")).unwrap();
    write_image("tram.jpg", 60);
    std::fs::write(source.path().join("tram.xmp"), fixture("lightroom.xmp")).unwrap();
    let embedded = source.path().join("ana.png");
    {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(20, 20, image::Rgb([1, 2, 3])))
            .write_to(&mut bytes, image::ImageFormat::Png)
            .unwrap();
        let packet = String::from_utf8(fixture("digikam.xmp")).unwrap();
        std::fs::write(&embedded, xmp::embed(bytes.get_ref(), &packet).unwrap()).unwrap();
    }
    write_image("broken.png", 200);
    std::fs::write(source.path().join("broken.png.xmp"), &fixture("lightroom.xmp")[..200]).unwrap();

    let output = distillery(&app, &["import", source.path().to_str().unwrap()], &[])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("4 imported"), "{err}");
    assert!(
        err.contains("broken.png: imported, but its sidecar broken.png.xmp was not read: the XMP is not well-formed"),
        "{err}"
    );
    assert!(!err.contains("colour label"), "the label is kept: {err}");
    let listed = distillery(&app, &["list", "--json", "--sort", "name"], &[])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let by_name = |name: &str| rows.iter().find(|row| row["file_name"] == name).unwrap().clone();
    assert_eq!(by_name("harbour.png")["status"], "rejected");
    assert_eq!(by_name("tram.jpg")["rating"], 4);
    assert_eq!(by_name("tram.jpg")["label"], "Red", "Lightroom's colour label is kept");
    assert!(by_name("ana.png")["label"].is_null());
    assert_eq!(by_name("ana.png")["rating"], 3);
    assert_eq!(by_name("broken.png")["rating"], 0);
    let keywords = distillery(&app, &["keyword", "list"], &[]).output().unwrap();
    let keywords = String::from_utf8_lossy(&keywords.stdout).to_string();
    for line in ["3\tPlaces|Europe|Lisbon", "1\tharbour", "1\ttram", "1\tPeople|Ana"] {
        assert!(keywords.lines().any(|l| l == line), "{line:?} in {keywords}");
    }
    // Search finds a hierarchical keyword by any of its parts.
    let found = distillery(&app, &["list", "--search", "europe"], &[]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&found.stdout).lines().count(), 3);
}
