//! The loupe's decoded images: at most three (the current image and its neighbours), each
//! screen-sized or, for the current image once zoomed in, full size.

use crate::library::display::{DisplayPixels, Pixels};
use crate::services::model::MediaId;
use slint::{Image, Rgb8Pixel, Rgba8Pixel, SharedPixelBuffer};

/// The most decoded images kept at once: current, next and previous.
pub const MAX_DECODED: usize = 3;

pub struct Decoded {
    pub image: Image,
    pub full_size: bool,
    pub full_width: u32,
    pub full_height: u32,
}

/// A decode result: pixels for the screen, or why the image cannot be shown.
pub type Outcome = Result<Decoded, String>;

/// One image as the loupe holds it: its file name (read with it, off the UI thread) and
/// its pixels or problem.
pub struct Entry {
    pub file_name: String,
    pub outcome: Outcome,
}

/// Pixels ready to become a slint::Image (made on the worker thread, where copying is cheap
/// for the UI).
pub enum Buffer {
    Rgb(SharedPixelBuffer<Rgb8Pixel>),
    Rgba(SharedPixelBuffer<Rgba8Pixel>),
}

pub struct Prepared {
    pub buffer: Buffer,
    pub full_size: bool,
    pub full_width: u32,
    pub full_height: u32,
}

impl Prepared {
    /// Worker thread: into a pixel buffer Slint can show.
    pub fn from_pixels(pixels: DisplayPixels) -> Self {
        let full_size = pixels.is_full_size();
        let (full_width, full_height) = (pixels.full_width, pixels.full_height);
        let buffer = match pixels.pixels {
            Pixels::Rgb(image) => Buffer::Rgb(SharedPixelBuffer::clone_from_slice(
                image.as_raw(),
                image.width(),
                image.height(),
            )),
            Pixels::Rgba(image) => Buffer::Rgba(SharedPixelBuffer::clone_from_slice(
                image.as_raw(),
                image.width(),
                image.height(),
            )),
        };
        Self {
            buffer,
            full_size,
            full_width,
            full_height,
        }
    }

    /// UI thread.
    pub fn into_decoded(self) -> Decoded {
        let image = match self.buffer {
            Buffer::Rgb(buffer) => Image::from_rgb8(buffer),
            Buffer::Rgba(buffer) => Image::from_rgba8(buffer),
        };
        Decoded {
            image,
            full_size: self.full_size,
            full_width: self.full_width,
            full_height: self.full_height,
        }
    }
}

/// The decoded images by item, never more than [`MAX_DECODED`].
#[derive(Default)]
pub struct DecodedImages {
    entries: Vec<(MediaId, std::rc::Rc<Entry>)>,
    /// The most held at once since start (tests check it never passes MAX_DECODED).
    peak: usize,
}

impl DecodedImages {
    pub fn get(&self, id: &MediaId) -> Option<std::rc::Rc<Entry>> {
        self.entries.iter().find(|(i, _)| i == id).map(|(_, o)| o.clone())
    }

    /// Drops every image not in `keep`.
    pub fn retain(&mut self, keep: &[&MediaId]) {
        self.entries.retain(|(id, _)| keep.contains(&id));
    }

    /// Stores `entry` for `id` if `id` is one of `keep` (the window may have moved on while
    /// it was decoding), replacing an earlier one.
    pub fn insert(&mut self, id: MediaId, entry: Entry, keep: &[&MediaId]) -> bool {
        self.retain(keep);
        if !keep.contains(&&id) {
            return false;
        }
        self.entries.retain(|(i, _)| *i != id);
        self.entries.push((id, std::rc::Rc::new(entry)));
        debug_assert!(self.entries.len() <= MAX_DECODED);
        self.peak = self.peak.max(self.entries.len());
        true
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn peak(&self) -> usize {
        self.peak
    }
}
