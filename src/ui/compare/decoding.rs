//! Compare's decodes: each pane's image sized for a screen twice the window (zooming in
//! together stays sharp to 2×), off the UI thread, holding only the panes' images and the
//! next candidate's.

use super::CompareController;
use crate::services::model::{MediaId, ViewItem};
use crate::ui::ComparePane;
use crate::ui::loupe::{Prepared, ScreenImage, decode_for_screen};
use std::rc::Rc;

/// The largest decode, in pixels per side, whatever the window.
const MAX_SIDE: u32 = 4096;

/// A pane's image as decoded: its file name, and its pixels or why it cannot be shown.
pub struct Decoded {
    file_name: String,
    outcome: Result<ScreenImage, String>,
}

impl CompareController {
    /// Decodes `id` unless it is decoded or on its way.
    pub(super) fn decode(&self, id: MediaId) {
        if self.decoded.borrow().contains_key(&id) || self.decoding.borrow().contains(&id) {
            return;
        }
        self.decoding.borrow_mut().push(id.clone());
        let bound = self.window.upgrade().map_or((2560, 1600), |window| {
            let size = slint::ComponentHandle::window(&window).size();
            (
                (size.width.max(640) * 2).min(MAX_SIDE),
                (size.height.max(480) * 2).min(MAX_SIDE),
            )
        });
        let (catalog, wanted) = (self.catalog.clone(), id.clone());
        let me = self.me.clone();
        self.mode.run(
            move || decode_for_screen(&catalog, &wanted, Some(bound)),
            move |(file_name, prepared)| {
                if let Some(this) = me.upgrade() {
                    this.arrived(id, file_name, prepared);
                }
            },
        );
    }

    fn arrived(&self, id: MediaId, file_name: String, prepared: Result<Prepared, String>) {
        self.decoding.borrow_mut().retain(|d| *d != id);
        if !self.is_open() || !self.wanted_ids().contains(&id) {
            return;
        }
        if let Err(problem) = &prepared {
            tracing::warn!(%problem, "an image cannot be shown in compare");
        }
        let outcome = prepared.map(Prepared::into_decoded);
        self.decoded
            .borrow_mut()
            .insert(id, Rc::new(Decoded { file_name, outcome }));
        self.show();
    }

    /// Drops decoded images no pane shows (nor the next candidate).
    pub(super) fn forget_unwanted(&self) {
        let keep = self.wanted_ids();
        self.decoded.borrow_mut().retain(|id, _| keep.contains(id));
    }

    fn wanted_ids(&self) -> Vec<MediaId> {
        let mut ids: Vec<MediaId> = self.panes.borrow().iter().filter_map(|p| p.id.clone()).collect();
        if let Some(grid) = self.grid.upgrade()
            && let Some(next) = self.next_candidate(&grid)
        {
            ids.push(next);
        }
        ids
    }

    /// How many decoded images are held (tests check the bound).
    pub fn decoded_images(&self) -> usize {
        self.decoded.borrow().len()
    }
}

/// A pane as the adapter shows it: the item's marks (when its page is loaded) and its image.
pub(super) fn pane_model(item: Option<&ViewItem>, decoded: Option<&Decoded>, role: &str) -> ComparePane {
    let mut pane = ComparePane {
        role: role.into(),
        ..Default::default()
    };
    if let Some(item) = item {
        pane.rating = i32::from(item.rating.stars());
        pane.status = crate::ui::marks::cull_mark(item.status);
    }
    if let Some(decoded) = decoded {
        pane.file_name = decoded.file_name.as_str().into();
        match &decoded.outcome {
            Ok(image) => {
                pane.image = image.image.clone();
                pane.image_width = image.full_width as i32;
                pane.image_height = image.full_height as i32;
                pane.has_image = true;
            }
            Err(problem) => pane.error = problem.as_str().into(),
        }
    }
    pane
}
