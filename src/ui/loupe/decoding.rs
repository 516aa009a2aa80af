//! Which images the loupe decodes, and when: the current one first, then its neighbours
//! in the direction of travel, the full-size image once zoomed past the screen-sized one;
//! one decode at a time off the UI thread (or on demand, for snapshots and tests).

use super::*;

impl LoupeController {
    /// The items to hold decoded around `position`: current, then the next and previous in
    /// the direction of travel.
    pub(super) fn window_items(&self, grid: &LibraryController, position: usize, current: &ViewItem) -> Vec<ViewItem> {
        let ahead = position as i64 + self.direction.get();
        let behind = position as i64 - self.direction.get();
        let mut items = vec![current.clone()];
        for neighbour in [ahead, behind] {
            if neighbour >= 0
                && let Some(item) = grid.item_at(neighbour as usize)
            {
                items.push(item);
            }
        }
        items
    }

    /// Drops images outside the window and queues the ones it lacks, current first.
    pub(super) fn plan_decodes(&self, grid: &LibraryController, position: usize, current: &ViewItem) {
        let items = self.window_items(grid, position, current);
        let keep: Vec<&MediaId> = items.iter().map(|m| &m.id).collect();
        self.images.borrow_mut().retain(&keep);
        let mut queue = self.queue.borrow_mut();
        // Keep a full-size load of an image still wanted (the user zoomed in).
        queue.retain(|w| w.bound.is_none() && keep.contains(&&w.id));
        for item in &items {
            let have = self.images.borrow().get(&item.id).is_some()
                || self.in_flight.borrow().as_ref() == Some(&item.id)
                || queue.iter().any(|w| w.id == item.id);
            if have {
                continue;
            }
            queue.push_back(Wanted {
                id: item.id.clone(),
                bound: Some(self.bound.get()),
            });
        }
        drop(queue);
        self.pump();
    }

    /// The shown scale changed: past what the screen-sized image holds, load it in full.
    pub(super) fn zoom_changed(&self, scale: f32) {
        let Some(id) = self.shown.borrow().clone() else { return };
        let Some(entry) = self.images.borrow().get(&id) else {
            return;
        };
        let Ok(decoded) = &entry.outcome else { return };
        let shown_width = decoded.full_width as f32 * scale;
        if decoded.full_size || shown_width <= decoded.image.size().width as f32 * 1.01 {
            return;
        }
        self.queue.borrow_mut().push_front(Wanted { id, bound: None });
        self.pump();
    }

    /// Runs queued decodes one at a time in the background; on demand (tests, the
    /// snapshot) they wait for [`LoupeController::drain_blocking`].
    pub(super) fn pump(&self) {
        match &self.mode {
            LoadMode::OnDemand => {}
            LoadMode::Background(runtime) => {
                if self.decoding.replace(true) {
                    return;
                }
                let me = self.me.borrow().clone();
                let runtime = runtime.clone();
                let started = slint::spawn_local(async move {
                    loop {
                        let Some(this) = me.upgrade() else { return };
                        let next = this.queue.borrow_mut().pop_front();
                        let Some(wanted) = next else {
                            this.decoding.set(false);
                            return;
                        };
                        let catalog = this.catalog.clone();
                        *this.in_flight.borrow_mut() = Some(wanted.id.clone());
                        drop(this);
                        let (id, bound) = (wanted.id.clone(), wanted.bound);
                        let (file_name, prepared) = runtime
                            .spawn_blocking(move || decode(&catalog, &id, bound))
                            .await
                            .unwrap_or_else(|_| {
                                (String::new(), Err(crate::i18n::tr("Decoding stopped unexpectedly.")))
                            });
                        if let Some(this) = me.upgrade() {
                            *this.in_flight.borrow_mut() = None;
                            this.arrived(wanted.id, file_name, prepared);
                        }
                    }
                });
                if started.is_err() {
                    self.decoding.set(false);
                }
            }
        }
    }

    /// Carries out every queued decode now, blocking. Returns how many ran.
    pub fn drain_blocking(&self) -> usize {
        let mut ran = 0;
        while self.decode_next_blocking() {
            ran += 1;
        }
        ran
    }

    /// Carries out the next queued decode (the current image's comes first), blocking.
    /// Returns whether there was one.
    pub fn decode_next_blocking(&self) -> bool {
        let next = self.queue.borrow_mut().pop_front();
        let Some(wanted) = next else { return false };
        let (file_name, prepared) = decode(&self.catalog, &wanted.id, wanted.bound);
        self.arrived(wanted.id, file_name, prepared);
        true
    }

    pub(super) fn arrived(&self, id: MediaId, file_name: String, prepared: Result<Prepared, String>) {
        let Some(grid) = self.grid.upgrade() else { return };
        let Some(position) = grid.current_position() else {
            return;
        };
        let Some(current) = grid.item_at(position) else { return };
        let items = self.window_items(&grid, position, &current);
        let keep: Vec<&MediaId> = items.iter().map(|m| &m.id).collect();
        let outcome: Outcome = prepared.map(Prepared::into_decoded);
        if let Err(problem) = &outcome {
            tracing::warn!(%problem, "an image cannot be shown in the loupe");
        }
        let stored = self
            .images
            .borrow_mut()
            .insert(id.clone(), Entry { file_name, outcome }, &keep);
        if stored && current.id == id {
            self.show_decoded(&id);
        }
    }
}
