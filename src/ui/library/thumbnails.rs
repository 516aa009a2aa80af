//! Decoded thumbnails for the grid, bounded by memory. Decoding happens on worker threads;
//! only the conversion to `slint::Image` (cheap, and not `Send`) happens on the UI thread.

use crate::services::model::MediaId;
use lru::LruCache;
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};
use std::collections::HashSet;

/// Decoded thumbnails kept: 400 × 400 × 3 bytes each, so 96 MB is about 200 thumbnails,
/// several screens of a large grid.
pub const CACHE_BYTES: usize = 96 * 1024 * 1024;

pub struct ThumbnailCache {
    images: LruCache<MediaId, Image>,
    bytes: usize,
    pending: HashSet<MediaId>,
}

fn size_of(image: &Image) -> usize {
    let size = image.size();
    size.width as usize * size.height as usize * 3
}

impl Default for ThumbnailCache {
    fn default() -> Self {
        Self::new()
    }
}

impl ThumbnailCache {
    pub fn new() -> Self {
        Self {
            images: LruCache::unbounded(),
            bytes: 0,
            pending: HashSet::new(),
        }
    }

    pub fn get(&mut self, id: &MediaId) -> Option<Image> {
        self.images.get(id).cloned()
    }

    /// True if the caller should start decoding `id` (it is neither cached nor on its way).
    pub fn should_load(&mut self, id: &MediaId) -> bool {
        !self.images.contains(id) && self.pending.insert(id.clone())
    }

    pub fn insert(&mut self, id: MediaId, pixels: SharedPixelBuffer<Rgb8Pixel>) {
        self.pending.remove(&id);
        let image = Image::from_rgb8(pixels);
        self.bytes += size_of(&image);
        if let Some(old) = self.images.put(id, image) {
            self.bytes -= size_of(&old);
        }
        while self.bytes > CACHE_BYTES {
            match self.images.pop_lru() {
                Some((_, old)) => self.bytes -= size_of(&old),
                None => break,
            }
        }
    }

    pub fn failed(&mut self, id: &MediaId) {
        self.pending.remove(id);
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// Reads and decodes a thumbnail file (worker thread).
pub fn decode(path: &std::path::Path) -> Option<SharedPixelBuffer<Rgb8Pixel>> {
    let image = crate::library::decode::decode_file(path).ok()?.to_rgb8();
    Some(SharedPixelBuffer::clone_from_slice(
        image.as_raw(),
        image.width(),
        image.height(),
    ))
}
