//! The grid's loads as state of their own: pages and thumbnails asked for and not yet
//! carried out (in order), whether the background pump runs, and the decoded thumbnails.
//! Who carries them out, and when, is loads.rs.

use super::thumbnails::ThumbnailCache;
use crate::browse::PageRequest;
use crate::services::model::MediaId;
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::path::PathBuf;

pub(super) enum Pending {
    /// A page of the view whose serial was `serial` when it was asked for.
    Page {
        request: PageRequest,
        serial: u64,
    },
    Thumbnail {
        id: MediaId,
        path: PathBuf,
    },
}

#[derive(Default)]
pub(super) struct Loads {
    pending: RefCell<VecDeque<Pending>>,
    pumping: Cell<bool>,
    thumbs: RefCell<ThumbnailCache>,
}

impl Loads {
    pub(super) fn ask_page(&self, request: PageRequest, serial: u64) {
        self.pending.borrow_mut().push_back(Pending::Page { request, serial });
    }

    /// Queues the thumbnail of `id` unless it is loaded or on its way; whether it was queued.
    pub(super) fn ask_thumbnail(&self, id: &MediaId, path: PathBuf) -> bool {
        if !self.thumbs.borrow_mut().should_load(id) {
            return false;
        }
        self.pending
            .borrow_mut()
            .push_back(Pending::Thumbnail { id: id.clone(), path });
        true
    }

    /// The next load to carry out, oldest first.
    pub(super) fn next(&self) -> Option<Pending> {
        self.pending.borrow_mut().pop_front()
    }

    pub(super) fn pending(&self) -> usize {
        self.pending.borrow().len()
    }

    /// A new view: its pages are asked for anew, so queued pages of the old one are dropped
    /// (thumbnails stay: they are of items, not of views).
    pub(super) fn forget_pages(&self) {
        self.pending
            .borrow_mut()
            .retain(|p| matches!(p, Pending::Thumbnail { .. }));
    }

    /// Marks the pump as running; `false` when it already was.
    pub(super) fn start_pumping(&self) -> bool {
        !self.pumping.replace(true)
    }

    pub(super) fn stopped_pumping(&self) {
        self.pumping.set(false);
    }

    pub(super) fn thumbnail(&self, id: &MediaId) -> Option<Image> {
        self.thumbs.borrow_mut().get(id)
    }

    /// Keeps a decoded thumbnail. One that could not be decoded is forgotten, so it is asked
    /// for again when its row is next drawn (a thumbnail still being written appears then).
    pub(super) fn thumbnail_arrived(&self, id: &MediaId, decoded: Option<SharedPixelBuffer<Rgb8Pixel>>) {
        match decoded {
            Some(pixels) => self.thumbs.borrow_mut().insert(id.clone(), pixels),
            None => self.thumbs.borrow_mut().failed(id),
        }
    }

    pub(super) fn thumbnail_bytes(&self) -> usize {
        self.thumbs.borrow().bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixels() -> SharedPixelBuffer<Rgb8Pixel> {
        SharedPixelBuffer::new(4, 4)
    }

    #[test]
    fn a_thumbnail_is_asked_for_once_and_a_failed_one_again_later() {
        let loads = Loads::default();
        let (id, broken) = (MediaId::new(), MediaId::new());
        assert!(loads.ask_thumbnail(&id, "a.webp".into()));
        assert!(!loads.ask_thumbnail(&id, "a.webp".into()), "already on its way");
        assert!(loads.ask_thumbnail(&broken, "b.webp".into()));
        assert_eq!(loads.pending(), 2);
        while loads.next().is_some() {}
        loads.thumbnail_arrived(&id, Some(pixels()));
        loads.thumbnail_arrived(&broken, None);
        assert!(loads.thumbnail(&id).is_some());
        assert!(loads.thumbnail_bytes() > 0);
        assert!(!loads.ask_thumbnail(&id, "a.webp".into()), "loaded");
        assert!(
            loads.ask_thumbnail(&broken, "b.webp".into()),
            "undecodable then: asked again"
        );
        assert_eq!(loads.pending(), 1);
    }

    #[test]
    fn a_new_view_drops_queued_pages_but_keeps_thumbnails_in_order() {
        let loads = Loads::default();
        let id = MediaId::new();
        loads.ask_page(PageRequest::Offset { page: 0, offset: 0 }, 1);
        assert!(loads.ask_thumbnail(&id, "a.webp".into()));
        loads.ask_page(PageRequest::Offset { page: 1, offset: 200 }, 1);
        loads.forget_pages();
        assert_eq!(loads.pending(), 1);
        assert!(matches!(loads.next(), Some(Pending::Thumbnail { id: queued, .. }) if queued == id));
    }

    #[test]
    fn one_pump_at_a_time() {
        let loads = Loads::default();
        assert!(loads.start_pumping());
        assert!(!loads.start_pumping());
        loads.stopped_pumping();
        assert!(loads.start_pumping());
    }
}
