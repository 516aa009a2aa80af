//! The import tests' image corpora, made here in Rust (no downloads, no tools beyond the
//! repository): photographs' stand-ins in every layout an importer meets, and the bad and
//! awkward paths it must refuse, skip or load. Each file comes with what the import must do
//! with it, so the tests read expectations from code, not from a manifest on disk.
//!
//! Benchmarks include this file too (`bulk`).

use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use std::path::{Path, PathBuf};

/// A picture with the look of a photograph for codecs: smooth light, edges and grain (a pure
/// gradient would compress, and decode, unrealistically fast).
pub fn photo(width: u32, height: u32, seed: u64) -> RgbImage {
    let base = distillery::library::synthetic::render("corpus photograph", seed as i64, width, height, &[]);
    RgbImage::from_fn(width, height, |x, y| {
        let Rgb([r, g, b]) = *base.get_pixel(x, y);
        let mut grain = ((u64::from(x) * 0x9E37_79B9) ^ (u64::from(y) * 0x85EB_CA6B) ^ seed).wrapping_mul(0xC2B2_AE35);
        grain ^= grain >> 29;
        let jitter = |v: u8, shift: u32| v.saturating_add(((grain >> shift) & 15) as u8).saturating_sub(8);
        // A few hard-edged shapes, as objects in a scene.
        let shape = (x / 97 + y / 61 + seed as u32).is_multiple_of(7) as u8 * 40;
        Rgb([
            jitter(r, 0).saturating_sub(shape),
            jitter(g, 8),
            jitter(b, 16).saturating_add(shape),
        ])
    })
}

pub fn png_bytes(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    bytes
}

pub fn jpeg_bytes(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 88)
        .encode_image(image)
        .unwrap();
    bytes
}

/// An APP1 segment with a minimal EXIF block holding only the orientation, inserted after SOI.
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    exif.extend_from_slice(&1u16.to_be_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_be_bytes());
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // padding, no next IFD
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// One file of the photos corpus and what its import must give.
pub struct Photo {
    pub file: String,
    /// Width and height as shown (EXIF orientation applied).
    pub display: (u32, u32),
    /// EXIF orientation; for 3, 6 and 8 the upright picture has a red block at the middle of
    /// its left edge.
    pub orientation: u16,
    /// The tool whose generation parameters the file embeds.
    pub tool: Option<&'static str>,
}

/// The seed files of the fuzz test: small valid files in layouts the encoders here cannot
/// write (progressive JPEG, lossy WebP, TIFF variants).
fn committed_seed(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz-seeds")
            .join(name),
    )
    .unwrap()
}

/// Writes the photos corpus into `dir` (made fresh each time; about a second).
pub fn photos(dir: &Path) -> Vec<Photo> {
    std::fs::create_dir_all(dir).unwrap();
    let mut made = Vec::new();
    let mut put = |file: &str, bytes: &[u8], display: (u32, u32), orientation: u16, tool: Option<&'static str>| {
        std::fs::write(dir.join(file), bytes).unwrap();
        made.push(Photo {
            file: file.into(),
            display,
            orientation,
            tool,
        });
    };
    for (n, (w, h)) in [
        (1024, 1024),
        (1024, 768),
        (683, 1024),
        (1536, 864),
        (3000, 500),
        (400, 2400),
        (64, 48),
    ]
    .into_iter()
    .enumerate()
    {
        put(
            &format!("photo-{w}x{h}.png"),
            &png_bytes(&photo(w, h, n as u64)),
            (w, h),
            1,
            None,
        );
    }
    put(
        "camera-6000x4000.jpg",
        &jpeg_bytes(&photo(6000, 4000, 11)),
        (6000, 4000),
        1,
        None,
    );
    put(
        "photo-1280x853.jpg",
        &jpeg_bytes(&photo(1280, 853, 12)),
        (1280, 853),
        1,
        None,
    );

    // Upright: a red block at the middle of the left edge. Stored turned so that applying
    // the orientation brings it back.
    let upright = {
        let mut image = photo(960, 640, 13);
        for y in 640 * 2 / 5..640 * 3 / 5 {
            for x in 0..960 / 12 {
                image.put_pixel(x, y, Rgb([235, 10, 10]));
            }
        }
        image
    };
    for (orientation, stored) in [
        (3u16, image::imageops::rotate180(&upright)),
        (6, image::imageops::rotate270(&upright)),
        (8, image::imageops::rotate90(&upright)),
    ] {
        let jpeg = with_exif_orientation(&jpeg_bytes(&stored), orientation);
        put(
            &format!("exif-orientation-{orientation}.jpg"),
            &jpeg,
            (960, 640),
            orientation,
            None,
        );
    }

    let grey16 = image::ImageBuffer::<image::Luma<u16>, Vec<u16>>::from_fn(800, 600, |x, y| {
        image::Luma([((x * 81 + y * 37) % 65536) as u16])
    });
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(
            &grey16
                .as_raw()
                .iter()
                .flat_map(|v| v.to_be_bytes())
                .collect::<Vec<u8>>(),
            800,
            600,
            image::ExtendedColorType::L16,
        )
        .unwrap();
    put("grey-16bit.png", &bytes, (800, 600), 1, None);
    let grey = image::DynamicImage::ImageRgb8(photo(640, 480, 14)).to_luma8();
    let mut bytes = Vec::new();
    grey.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    put("grey.png", &bytes, (640, 480), 1, None);
    let mut bytes = Vec::new();
    grey.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
        .unwrap();
    put("grey.jpg", &bytes, (640, 480), 1, None);
    // RGBA with transparent corners and a soft edge.
    let base = photo(600, 600, 15);
    let rgba = RgbaImage::from_fn(600, 600, |x, y| {
        let (dx, dy) = (x as f32 - 300.0, y as f32 - 300.0);
        let alpha = (255.0 * (1.0 - ((dx * dx + dy * dy).sqrt() - 260.0) / 40.0)).clamp(0.0, 255.0) as u8;
        let Rgb([r, g, b]) = *base.get_pixel(x, y);
        Rgba([r, g, b, alpha])
    });
    let mut bytes = Vec::new();
    rgba.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    put("transparent-corners.png", &bytes, (600, 600), 1, None);
    let mut bytes = Vec::new();
    rgba.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::WebP)
        .unwrap();
    put("lossless-alpha.webp", &bytes, (600, 600), 1, None);
    for (name, size) in [
        ("progressive.jpg", (48, 32)),
        ("lossy.webp", (48, 32)),
        ("palette.gif", (48, 32)),
        ("rgb.bmp", (48, 32)),
        ("strip-lzw.tif", (48, 32)),
        ("tiled.tif", (48, 32)),
    ] {
        put(&format!("small-{name}"), &committed_seed(name), size, 1, None);
    }

    // Parameters other tools embed.
    let with = |seed: u64, chunks: &[(&str, &str)]| {
        distillery::library::png_text::with_text_chunks(&png_bytes(&photo(512, 512, seed)), chunks).unwrap()
    };
    put(
        "a1111.png",
        &with(
            20,
            &[(
                "parameters",
                "a lighthouse at dusk, volumetric light\nNegative prompt: blurry, low quality\n\
                 Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 3141592653, Size: 512x512, \
                 Model: sd_xl_base_1.0",
            )],
        ),
        (512, 512),
        1,
        Some("automatic1111"),
    );
    let comfy_prompt = r#"{"3":{"class_type":"KSampler","inputs":{"seed":42424242,"steps":20,"cfg":3.5,
        "sampler_name":"euler","positive":["6",0],"negative":["7",0],"latent_image":["5",0],"model":["4",0]}},
        "4":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"SDXL/sd_xl_base_1.0.safetensors"}},
        "5":{"class_type":"EmptyLatentImage","inputs":{"width":512,"height":512,"batch_size":1}},
        "6":{"class_type":"CLIPTextEncode","inputs":{"text":"a red fox in fresh snow","clip":["4",1]}},
        "7":{"class_type":"CLIPTextEncode","inputs":{"text":"watermark","clip":["4",1]}}}"#;
    put(
        "comfyui.png",
        &with(21, &[("prompt", comfy_prompt), ("workflow", r#"{"nodes":[]}"#)]),
        (512, 512),
        1,
        Some("comfyui"),
    );
    let invoke = r#"{"positive_prompt":"夕暮れの灯台、霧の海","negative_prompt":"","seed":987654321,
        "steps":30,"cfg_scale":7.0,"scheduler":"euler","width":512,"height":512,
        "model":{"name":"juggernaut-xl","base":"sdxl"}}"#;
    put(
        "invokeai.png",
        &with(22, &[("invokeai_metadata", invoke)]),
        (512, 512),
        1,
        Some("invokeai"),
    );
    made
}

/// What an import must do with a bad or awkward path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A valid image in an awkward place or shape: it imports.
    Load,
    /// Refused with a clear reason.
    Reject,
    /// Left out quietly by a folder import.
    Skip,
    /// Either, as long as nothing crashes or hangs.
    Any,
    /// Unreadable to anyone but root.
    RejectUnlessRoot,
    SkipUnlessRoot,
}

/// One entry of the bad corpus; `path` is relative to the corpus folder and may hold bytes
/// that are not UTF-8.
pub struct Bad {
    pub path: PathBuf,
    pub is_dir: bool,
    pub expect: Expect,
}

fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(body);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// Offsets of a PNG's chunks: (kind, start of the length field, data length).
fn png_chunks(png: &[u8]) -> Vec<([u8; 4], usize, usize)> {
    let mut at = 8;
    let mut found = Vec::new();
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        found.push((png[at + 4..at + 8].try_into().unwrap(), at, len));
        at += 12 + len;
    }
    found
}

/// A valid black PNG of `width` × `height` in a few megabytes that would decode to gigabytes
/// (a real decompression bomb, not just a header that lies).
fn zero_png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend(chunk(b"IHDR", &ihdr));
    // Every row: filter byte 0, then black pixels.
    png.extend(chunk(b"IDAT", &zeros_zlib((1 + width as usize * 3) * height as usize)));
    png.extend(chunk(b"IEND", b""));
    png
}

/// A zlib stream of `total` zero bytes, written bit by bit (no compression library is a
/// dependency): one fixed-Huffman block of a literal zero followed by maximal back-references
/// (length 258, distance 1).
fn zeros_zlib(total: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes are sent most significant bit first.
        fn code(&mut self, code: u64, count: u32) {
            let mut reversed = 0;
            for i in 0..count {
                reversed |= ((code >> i) & 1) << (count - 1 - i);
            }
            self.put(reversed, count);
        }
    }
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman
    // Literal 0: code 0x30, 8 bits.
    bits.code(0x30, 8);
    let mut left = total.saturating_sub(1);
    while left >= 258 {
        // Length 258: code 285 (0b11000101, 8 bits), no extra bits; distance 1: code 0, 5 bits.
        bits.code(0b1100_0101, 8);
        bits.code(0, 5);
        left -= 258;
    }
    for _ in 0..left {
        bits.code(0x30, 8);
    }
    bits.code(0, 7); // end of block (256)
    if bits.n > 0 {
        bits.put(0, 8 - bits.n);
    }
    let mut out = bits.out;
    // Adler-32 of all-zero data: a = 1, b = total mod 65521.
    let adler = ((total % 65521) as u32) << 16 | 1;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// Writes the bad corpus into `dir` (made fresh each time).
pub fn bad(dir: &Path) -> Vec<Bad> {
    use std::os::unix::ffi::OsStrExt;
    if dir.exists() {
        let _ = std::process::Command::new("chmod")
            .args(["-R", "u+rwX"])
            .arg(dir)
            .status();
        std::fs::remove_dir_all(dir).unwrap();
    }
    std::fs::create_dir_all(dir).unwrap();
    let mut entries = Vec::new();
    let mut put = |path: PathBuf, bytes: &[u8], expect: Expect| {
        let at = dir.join(&path);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::write(&at, bytes).unwrap();
        entries.push(Bad {
            path,
            is_dir: false,
            expect,
        });
    };
    let small = |seed: u64| png_bytes(&photo(320, 240, seed));

    put("zero-byte.png".into(), b"", Expect::Reject);
    put(
        "text-named.jpg".into(),
        b"Plain text that only has a .jpg name.\n",
        Expect::Reject,
    );
    let mut noise = Vec::with_capacity(4096);
    let mut state = 7u64;
    for _ in 0..4096 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        noise.push((state >> 56) as u8);
    }
    put("garbage.png".into(), &noise, Expect::Reject);
    put(
        "unsupported.xyz".into(),
        b"data in a format nobody knows\n",
        Expect::Skip,
    );

    let whole = png_bytes(&photo(256, 256, 1));
    put(
        "truncated-in-idat.png".into(),
        &whole[..whole.len() / 2],
        Expect::Reject,
    );
    let (_, idat_at, idat_len) = png_chunks(&whole).into_iter().find(|c| &c.0 == b"IDAT").unwrap();
    let mut wrong_crc = whole.clone();
    for byte in &mut wrong_crc[idat_at + 8 + idat_len..idat_at + 12 + idat_len] {
        *byte ^= 0xFF;
    }
    put("bad-crc-idat.png".into(), &wrong_crc, Expect::Any);
    let mut wrong_header = whole.clone();
    for byte in &mut wrong_header[8 + 8 + 13..8 + 8 + 17] {
        *byte ^= 0xFF;
    }
    put("bad-crc-ihdr.png".into(), &wrong_header, Expect::Reject);
    let mut header_only = b"\x89PNG\r\n\x1a\n".to_vec();
    header_only.extend(chunk(b"IHDR", &[0, 0, 2, 128, 0, 0, 1, 224, 8, 2, 0, 0, 0]));
    header_only.extend(chunk(b"IEND", b""));
    put("header-only.png".into(), &header_only, Expect::Reject);

    let jpeg = jpeg_bytes(&photo(640, 480, 2));
    put("truncated.jpg".into(), &jpeg[..jpeg.len() / 2], Expect::Reject);
    // Decompression bombs: headers claiming gigapixels.
    let mut bomb = whole.clone();
    let mut ihdr = bomb[16..29].to_vec();
    ihdr[0..8].copy_from_slice(&[0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]); // 100000 × 100000
    bomb.splice(8..33, chunk(b"IHDR", &ihdr));
    put("bomb-100000x100000.png".into(), &bomb, Expect::Reject);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    let mut jpeg_bomb = jpeg.clone();
    jpeg_bomb[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xDC, 0xFF, 0xDC]); // 65500 × 65500
    put("bomb-65500x65500.jpg".into(), &jpeg_bomb, Expect::Reject);
    put(
        "bomb-deflate-20000x20000.png".into(),
        &zero_png(20_000, 20_000),
        Expect::Reject,
    );

    put(
        "dir with spaces/Ünïcødé 写真 – ☀ 01.png".into(),
        &small(4),
        Expect::Load,
    );
    put(
        PathBuf::from(std::ffi::OsStr::from_bytes(b"latin1-\xe9t\xe9.png")),
        &small(5),
        Expect::Load,
    );
    put("UPPER-CASE.PNG".into(), &small(6), Expect::Load);
    put("png-named.jpg".into(), &small(7), Expect::Any);
    put("tiny-1x1.png".into(), &png_bytes(&photo(1, 1, 8)), Expect::Load);
    put(
        "sliver-100000x1.png".into(),
        &png_bytes(&photo(100_000, 1, 9)),
        Expect::Load,
    );
    put("dir-cycle/inside.png".into(), &small(10), Expect::Load);
    put("unreadable.png".into(), &small(11), Expect::RejectUnlessRoot);
    put("unreadable-dir/hidden.png".into(), &small(12), Expect::Load);
    entries.pop(); // listed as its folder below

    let link = |target: &str, name: &str| std::os::unix::fs::symlink(target, dir.join(name)).unwrap();
    link("loop-b.png", "loop-a.png");
    link("loop-a.png", "loop-b.png");
    link("does-not-exist.png", "dangling.png");
    link("..", "dir-cycle/up");
    std::fs::create_dir_all(dir.join("folder.png")).unwrap();
    for (path, is_dir, expect) in [
        ("loop-a.png", false, Expect::Reject),
        ("loop-b.png", false, Expect::Reject),
        ("dangling.png", false, Expect::Reject),
        ("dir-cycle/up", true, Expect::Skip),
        ("folder.png", true, Expect::Skip),
        ("unreadable-dir", true, Expect::SkipUnlessRoot),
    ] {
        entries.push(Bad {
            path: path.into(),
            is_dir,
            expect,
        });
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join("unreadable.png"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(dir.join("unreadable-dir"), std::fs::Permissions::from_mode(0o000)).unwrap();
    entries
}

/// `count` distinct photo-like RGB PNGs of 256–1024 px a side in `dir`, made once and kept
/// (the import benchmark's set; a second run finds them and returns at once).
pub fn bulk(dir: &Path, count: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let paths: Vec<PathBuf> = (0..count).map(|n| dir.join(format!("bulk-{:05}.png", n + 1))).collect();
    let missing: Vec<(usize, &PathBuf)> = paths.iter().enumerate().filter(|(_, p)| !p.exists()).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..std::thread::available_parallelism().map_or(2, |n| n.get()) {
            scope.spawn(|| {
                while let Some((n, path)) = missing.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                    let side = |salt: u64| 256 + ((*n as u64 * 7919 + salt) % 769) as u32;
                    let bytes = png_bytes(&photo(side(13), side(101), 1000 + *n as u64));
                    let partial = path.with_extension("partial");
                    std::fs::write(&partial, bytes).unwrap();
                    std::fs::rename(&partial, path).unwrap();
                }
            });
        }
    });
    paths
}
