//! What a rendered preview holds: how many distinct colours (a blank or flat frame has a
//! handful), and how many pixels have a colour of the sample images (so the images were
//! drawn, not left as empty tiles).
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Below this chroma (max - min channel) a colour is a grey, as most of the UI is; greys
/// prove nothing about images.
const MIN_CHROMA: u8 = 16;
/// A colour must cover this many pixels of a sample image to be in its palette: flat areas
/// and gradient rows keep their exact colour when the image is scaled, stray blends do not.
const MIN_AREA: usize = 16;

fn chroma(r: u8, g: u8, b: u8) -> u8 {
    r.max(g).max(b) - r.min(g).min(b)
}

/// The exact colours that cover areas of the sample images, greys left out.
pub struct SamplePalette(HashSet<[u8; 3]>);

impl SamplePalette {
    pub fn of_images_in(dir: &Path) -> Self {
        let mut palette = HashSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "png") {
                continue;
            }
            let mut areas = HashMap::<[u8; 3], usize>::new();
            for pixel in image::open(&path).unwrap().to_rgb8().pixels() {
                *areas.entry(pixel.0).or_default() += 1;
            }
            palette.extend(
                areas
                    .into_iter()
                    .filter(|&([r, g, b], area)| area >= MIN_AREA && chroma(r, g, b) >= MIN_CHROMA)
                    .map(|(colour, _)| colour),
            );
        }
        assert!(
            palette.len() > 100,
            "the sample images in {} are too plain",
            dir.display()
        );
        Self(palette)
    }
}

/// What one rendered frame holds.
#[derive(Debug, Clone, Copy)]
pub struct FrameColours {
    pub distinct: usize,
    pub sample_pixels: usize,
}

impl FrameColours {
    pub fn of(frame: &slint::SharedPixelBuffer<slint::Rgba8Pixel>, palette: &SamplePalette) -> Self {
        let mut distinct = HashSet::new();
        let mut sample_pixels = 0;
        for p in frame.as_slice() {
            let colour = [p.r, p.g, p.b];
            distinct.insert(colour);
            if palette.0.contains(&colour) {
                sample_pixels += 1;
            }
        }
        Self {
            distinct: distinct.len(),
            sample_pixels,
        }
    }
}
