//! LoupeAdapter: one image at a time, fit or zoomed, with a film strip, culling keys and
//! prefetch. The loupe's current image is the grid's current item (navigating selects it),
//! so culling, the info panel and "back to the grid on the same item" need nothing extra.
//!
//! Decoding runs off the UI thread, one image at a time: the current image first, then the
//! next and previous in the direction of travel. At most three decoded images are held.

mod decoding;
mod images;
mod worker;

use super::events::{Culled, WindowEvent, WindowEvents};
use super::library::LibraryController;
use super::{AppWindow, FlashKind, LoadMode, LoupeAdapter};
use crate::services::Catalog;
use crate::services::model::{MediaId, ViewItem};
use images::{DecodedImages, Entry, Outcome};
use slint::{ComponentHandle, ModelRc};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::time::Duration;
use worker::decode;

pub use images::MAX_DECODED;
/// Compare decodes the same way.
pub(crate) use images::{Decoded as ScreenImage, Prepared};
pub(crate) use worker::decode as decode_for_screen;

/// How long the rating/status confirmation stays over the image.
const FLASH: Duration = Duration::from_millis(700);

/// One decode waiting for the worker.
struct Wanted {
    id: MediaId,
    /// `None`: full size.
    bound: Option<(u32, u32)>,
}

pub struct LoupeController {
    window: slint::Weak<AppWindow>,
    grid: Weak<LibraryController>,
    catalog: Catalog,
    mode: LoadMode,
    images: RefCell<DecodedImages>,
    queue: RefCell<VecDeque<Wanted>>,
    decoding: Cell<bool>,
    /// The image being decoded in the background now, so planning does not queue it twice.
    in_flight: RefCell<Option<MediaId>>,
    /// The item shown and where it was, to know the direction of travel.
    shown: RefCell<Option<MediaId>>,
    last_position: Cell<Option<usize>>,
    direction: Cell<i64>,
    /// Screen-sized decodes fit in this many pixels (the window's size, physical).
    bound: Cell<(u32, u32)>,
    flash_timer: slint::Timer,
    /// Where the loupe's opening and closing are announced (remembering the view).
    events: WindowEvents,
    me: RefCell<Weak<LoupeController>>,
}

pub fn connect(
    window: &AppWindow,
    catalog: Catalog,
    mode: LoadMode,
    grid: &Rc<LibraryController>,
    auto_advance: bool,
) -> Rc<LoupeController> {
    let loupe = Rc::new(LoupeController {
        window: window.as_weak(),
        grid: Rc::downgrade(grid),
        catalog,
        mode,
        images: RefCell::new(DecodedImages::default()),
        queue: RefCell::new(VecDeque::new()),
        decoding: Cell::new(false),
        in_flight: RefCell::new(None),
        shown: RefCell::new(None),
        last_position: Cell::new(None),
        direction: Cell::new(1),
        bound: Cell::new((1920, 1200)),
        flash_timer: slint::Timer::default(),
        events: grid.events().clone(),
        me: RefCell::new(Weak::new()),
    });
    *loupe.me.borrow_mut() = Rc::downgrade(&loupe);
    let adapter = window.global::<LoupeAdapter>();
    adapter.set_open(false);
    adapter.set_auto_advance(auto_advance);
    adapter.set_strip(ModelRc::new(super::library::StripView(grid.model.clone())));

    let with = super::while_alive(&loupe);
    let w = with.clone();
    adapter.on_open_requested(move || w(&|l| l.open()));
    let w = with.clone();
    adapter.on_close_requested(move || w(&|l| l.close()));
    let w = with.clone();
    adapter.on_navigate(move |delta| w(&|l| l.navigate(delta)));
    let w = with.clone();
    adapter.on_go_to(move |index| w(&|l| l.go_to(index)));
    let w = with.clone();
    adapter.on_strip_scrolled(move |first, last| w(&|l| l.strip_scrolled(first, last)));
    let w = with.clone();
    adapter.on_zoom_changed(move |scale| w(&|l| l.zoom_changed(scale)));
    let w = with.clone();
    adapter.on_auto_advance_toggled(move |on| w(&|l| l.set_auto_advance(on)));
    let l = Rc::downgrade(&loupe);
    window
        .global::<super::LibraryAdapter>()
        .on_cell_activated(move |index| {
            if let Some(loupe) = l.upgrade() {
                if let Some(grid) = loupe.grid.upgrade() {
                    grid.select_single_at(index.max(0) as usize);
                }
                loupe.open();
            }
        });
    let w = with;
    grid.events().subscribe(move |event| match event {
        WindowEvent::CurrentChanged { .. } => w(&|l| l.current_changed()),
        WindowEvent::Culled(culled) => w(&|l| l.culled(*culled)),
        _ => {}
    });
    loupe
}

impl LoupeController {
    fn adapter_do(&self, f: impl FnOnce(&LoupeAdapter)) {
        if let Some(window) = self.window.upgrade() {
            f(&window.global::<LoupeAdapter>());
        }
    }

    fn is_open(&self) -> bool {
        self.window
            .upgrade()
            .is_some_and(|w| w.global::<LoupeAdapter>().get_open())
    }

    /// How many decoded images are held now, and the most ever held at once.
    pub fn decoded_images(&self) -> (usize, usize) {
        let images = self.images.borrow();
        (images.len(), images.peak())
    }

    /// Opens the loupe on the grid's current item (the first item if none). On a collapsed
    /// stack the stack opens first, so the loupe walks inside it.
    pub fn open(&self) {
        let Some(grid) = self.grid.upgrade() else { return };
        if grid.view_len() == 0 {
            return;
        }
        if grid.current_position().is_none() {
            grid.select_single_at(0);
        }
        if let Some(id) = grid.current_id()
            && grid.in_collapsed_stack(&id)
        {
            let me = self.me.borrow().clone();
            grid.expand_stack_of(&id, move |_| {
                if let Some(loupe) = me.upgrade() {
                    loupe.open_now();
                }
            });
            return;
        }
        self.open_now();
    }

    fn open_now(&self) {
        if let Some(window) = self.window.upgrade() {
            let size = window.window().size();
            self.bound.set((size.width.max(640), size.height.max(480)));
        }
        self.adapter_do(|a| a.set_open(true));
        *self.shown.borrow_mut() = None;
        self.current_changed();
        self.tell_open_changed(true);
    }

    fn tell_open_changed(&self, open: bool) {
        self.events.publish(WindowEvent::LoupeOpened(open));
    }

    /// Back to the grid, on the same item, scrolled into view. The decoded images go.
    pub fn close(&self) {
        if !self.is_open() {
            return;
        }
        self.adapter_do(|a| {
            a.set_open(false);
            a.set_has_image(false);
            a.set_image(slint::Image::default());
        });
        self.images.borrow_mut().retain(&[]);
        self.queue.borrow_mut().clear();
        *self.shown.borrow_mut() = None;
        self.tell_open_changed(false);
        if let Some(grid) = self.grid.upgrade()
            && let Some(position) = grid.current_position()
        {
            grid.reveal(position);
        }
    }

    fn navigate(&self, delta: i32) {
        if let Some(grid) = self.grid.upgrade() {
            grid.move_selection(delta);
        }
    }

    fn go_to(&self, index: i32) {
        if let Some(grid) = self.grid.upgrade() {
            grid.select_single_at(index.max(0) as usize);
        }
    }

    fn strip_scrolled(&self, first: i32, last: i32) {
        if let Some(grid) = self.grid.upgrade() {
            grid.model
                .set_strip_range(first.max(0) as usize, last.max(first).max(0) as usize);
        }
    }

    fn set_auto_advance(&self, on: bool) {
        self.adapter_do(|a| a.set_auto_advance(on));
        self.catalog
            .save_auto_advance(on)
            .send("saving the auto-advance setting");
    }

    /// A culling key: confirm it over the image and, with auto-advance, move on.
    fn culled(&self, culled: Culled) {
        if !self.is_open() {
            return;
        }
        self.adapter_do(|a| {
            match culled {
                Culled::Rating(stars) => {
                    a.set_flash_kind(FlashKind::Rating);
                    a.set_flash_value(stars);
                }
                Culled::Status(mark) => {
                    a.set_flash_kind(FlashKind::Status);
                    a.set_flash_mark(mark);
                }
            }
            // The image that was rated: auto-advance moves on below.
            a.set_flash_index(a.get_position());
            a.set_flash_visible(true);
        });
        let window = self.window.clone();
        self.flash_timer.start(slint::TimerMode::SingleShot, FLASH, move || {
            if let Some(window) = window.upgrade() {
                window.global::<LoupeAdapter>().set_flash_visible(false);
            }
        });
        let advance = self
            .window
            .upgrade()
            .is_some_and(|w| w.global::<LoupeAdapter>().get_auto_advance());
        if advance {
            self.navigate(1);
        }
    }

    /// The grid's current item or selection changed (or a page arrived).
    fn current_changed(&self) {
        if !self.is_open() {
            return;
        }
        let Some(grid) = self.grid.upgrade() else { return };
        let count = grid.view_len();
        let Some(position) = grid.current_position().filter(|p| *p < count) else {
            if count == 0 {
                self.close();
            }
            return;
        };
        self.adapter_do(|a| {
            a.set_position(position as i32);
            a.set_count(count as i32);
        });
        let Some(item) = grid.item_at(position) else {
            // Its page is on the way; the listener runs again when it arrives.
            return;
        };
        self.adapter_do(|a| {
            a.set_rating(i32::from(item.rating.stars()));
            a.set_status(crate::ui::marks::cull_mark(item.status));
        });
        if self.shown.borrow().as_ref() == Some(&item.id) {
            // Still the same image; a neighbour whose page was missing may have arrived.
            self.plan_decodes(&grid, position, &item);
            return;
        }
        if let Some(last) = self.last_position.get()
            && last != position
        {
            self.direction.set(if position > last { 1 } else { -1 });
        }
        self.last_position.set(Some(position));
        *self.shown.borrow_mut() = Some(item.id.clone());
        self.adapter_do(|a| {
            a.set_fit(true);
            a.set_zoom(1.0);
            a.set_pan_x(0.0);
            a.set_pan_y(0.0);
        });
        self.show_decoded(&item.id);
        self.plan_decodes(&grid, position, &item);
    }

    /// Puts the decoded image of `id` on screen with its name, or a blank canvas until it
    /// arrives.
    fn show_decoded(&self, id: &MediaId) {
        let entry = self.images.borrow().get(id);
        self.adapter_do(|a| {
            let Some(entry) = entry.as_deref() else {
                a.set_file_name("".into());
                a.set_error("".into());
                a.set_has_image(false);
                return;
            };
            a.set_file_name(entry.file_name.as_str().into());
            match &entry.outcome {
                Ok(decoded) => {
                    a.set_image(decoded.image.clone());
                    a.set_image_width(decoded.full_width as i32);
                    a.set_image_height(decoded.full_height as i32);
                    a.set_error("".into());
                    a.set_has_image(true);
                }
                Err(problem) => {
                    a.set_error(problem.as_str().into());
                    a.set_has_image(false);
                }
            }
        });
    }
}
