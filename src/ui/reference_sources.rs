//! Where reference images come from in the library: "Use as reference" in the grid's context
//! menu and the loupe's toolbar, and thumbnails dragged from either onto the generation
//! panel. Each opens the generation panel, so the user sees what was added.

use super::library::LibraryController;
use super::reference_tray::{DragOrigin, ReferenceTray, drag_payload};
use super::{AppWindow, LibraryAdapter, LoupeAdapter, generation_panel};
use crate::generation::ReferenceSource;
use crate::services::model::MediaId;
use slint::ComponentHandle;
use std::rc::Rc;

pub fn connect(window: &AppWindow, tray: &Rc<ReferenceTray>, grid: &Rc<LibraryController>) {
    let library = window.global::<LibraryAdapter>();
    library.on_drag_data(|index| drag_payload(DragOrigin::GridCell(index.max(0) as usize)));
    let loupe = window.global::<LoupeAdapter>();
    loupe.on_drag_data(|_| drag_payload(DragOrigin::Loupe));

    let g = Rc::downgrade(grid);
    tray.set_drag_resolver(Rc::new(move |origin| {
        let Some(grid) = g.upgrade() else { return Vec::new() };
        match origin {
            DragOrigin::GridCell(index) => grid.drag_ids(index),
            DragOrigin::Loupe => grid.current_id().into_iter().collect(),
        }
    }));

    let (weak, t, g) = (window.as_weak(), Rc::downgrade(tray), Rc::downgrade(grid));
    library.on_use_as_reference_requested(move || {
        if let (Some(window), Some(tray), Some(grid)) = (weak.upgrade(), t.upgrade(), g.upgrade()) {
            add(&window, &tray, grid.selection_in_view_order());
        }
    });
    let (weak, t, g) = (window.as_weak(), Rc::downgrade(tray), Rc::downgrade(grid));
    loupe.on_use_as_reference_requested(move || {
        if let (Some(window), Some(tray), Some(grid)) = (weak.upgrade(), t.upgrade(), g.upgrade()) {
            add(&window, &tray, grid.current_id().into_iter().collect());
        }
    });
}

fn add(window: &AppWindow, tray: &ReferenceTray, ids: Vec<MediaId>) {
    if ids.is_empty() {
        return;
    }
    tray.add(ids.into_iter().map(ReferenceSource::Media).collect());
    generation_panel::open(window);
}
