//! The generation panel's reference images. They come from the library (a thumbnail dragged
//! from the grid, the loupe's image, "Use as reference", "Reuse prompt and settings") or
//! from files (the picker, a drop from the file manager). Each is checked off the UI thread
//! and shown as a small thumbnail; one that cannot be used is refused with a message naming
//! it. The next request takes them in the order they were added.

use super::{AppWindow, GenerationAdapter, LoadMode, ReferenceThumb};
use crate::generation::ReferenceSource;
use crate::services::Catalog;
use crate::services::model::MediaId;
use crate::services::references::file_name;
use slint::{ComponentHandle, ModelRc, Rgb8Pixel, SharedPixelBuffer, VecModel};
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::{Rc, Weak};

/// More references than this help no model we run, and the engine caches 8 latents.
pub const MAX_REFERENCES: usize = 8;
/// The tiles are 56 px; twice that stays sharp on a HiDPI screen.
const TILE_PIXELS: u32 = 112;

/// Asks the user for image files (a native picker in the app) and hands them, on the UI
/// thread, to the continuation; none when the user cancels.
pub type PickFiles = Rc<dyn Fn(Box<dyn FnOnce(Vec<PathBuf>)>)>;

/// Where a drag inside the window started. The items it carries are looked up when it is
/// dropped, so a selection changed after the payload was built is still honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DragOrigin {
    /// A cell of the grid, by position in the view.
    GridCell(usize),
    /// The loupe's current image.
    Loupe,
}

/// The payload of the grid's and the loupe's drag areas.
pub fn drag_payload(origin: DragOrigin) -> slint::DataTransfer {
    let mut transfer = slint::DataTransfer::default();
    transfer.set_user_data(Rc::new(origin));
    transfer
}

/// The library items a drag from `DragOrigin` carries.
pub type ResolveDrag = Rc<dyn Fn(DragOrigin) -> Vec<MediaId>>;

struct Entry {
    key: u64,
    source: ReferenceSource,
    name: String,
    thumbnail: Option<SharedPixelBuffer<Rgb8Pixel>>,
}

pub struct ReferenceTray {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    mode: LoadMode,
    entries: RefCell<Vec<Entry>>,
    next_key: Cell<u64>,
    picker: RefCell<Option<PickFiles>>,
    resolve_drag: RefCell<Option<ResolveDrag>>,
    /// Why sources of the latest addition were refused, one line each.
    refusals: RefCell<Vec<String>>,
    /// Where the user's changes are recorded for undo (the window's history).
    history: RefCell<Weak<crate::services::history::History>>,
    me: Weak<ReferenceTray>,
}

pub fn connect(window: &AppWindow, catalog: Catalog, mode: LoadMode) -> Rc<ReferenceTray> {
    let tray = Rc::new_cyclic(|me| ReferenceTray {
        window: window.as_weak(),
        catalog,
        mode,
        entries: RefCell::new(Vec::new()),
        next_key: Cell::new(0),
        picker: RefCell::new(None),
        resolve_drag: RefCell::new(None),
        refusals: RefCell::new(Vec::new()),
        history: RefCell::new(Weak::new()),
        me: me.clone(),
    });
    tray.show();
    let adapter = window.global::<GenerationAdapter>();
    let me = Rc::downgrade(&tray);
    adapter.on_remove_reference(move |index| {
        if let Some(tray) = me.upgrade() {
            tray.remove(index.max(0) as usize);
        }
    });
    let me = Rc::downgrade(&tray);
    adapter.on_pick_references(move || {
        if let Some(tray) = me.upgrade() {
            tray.pick();
        }
    });
    adapter.on_can_drop_reference(|data| can_drop(&data));
    let me = Rc::downgrade(&tray);
    adapter.on_reference_dropped(move |data| {
        if let Some(tray) = me.upgrade() {
            let sources = tray.dropped_sources(&data);
            tray.add(sources);
        }
    });
    tray
}

/// A drag the drop zone takes: one of ours, or files.
fn can_drop(data: &slint::DataTransfer) -> bool {
    data.user_data().is_some_and(|d| d.downcast::<DragOrigin>().is_ok()) || data.has_file_paths()
}

impl ReferenceTray {
    /// How a drag from the grid or the loupe is turned into library items.
    pub fn set_drag_resolver(&self, resolve: ResolveDrag) {
        *self.resolve_drag.borrow_mut() = Some(resolve);
    }

    /// The references a drop carries: library items from our own drags, or files.
    fn dropped_sources(&self, data: &slint::DataTransfer) -> Vec<ReferenceSource> {
        if let Some(origin) = data.user_data().and_then(|d| d.downcast::<DragOrigin>().ok()) {
            let resolve = self.resolve_drag.borrow().clone();
            return resolve
                .map(|resolve| resolve(*origin))
                .unwrap_or_default()
                .into_iter()
                .map(ReferenceSource::Media)
                .collect();
        }
        match data.file_paths() {
            Ok(paths) => paths.map(|p| ReferenceSource::File(p.to_owned())).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Where a click on the drop zone asks for files (a native picker, in the app).
    pub fn set_picker(&self, picker: PickFiles) {
        *self.picker.borrow_mut() = Some(picker);
    }

    /// The references of the next request, in order.
    pub fn sources(&self) -> Vec<ReferenceSource> {
        self.entries.borrow().iter().map(|e| e.source.clone()).collect()
    }

    /// Where the user's changes are recorded for undo.
    pub fn set_history(&self, history: &Rc<crate::services::history::History>) {
        *self.history.borrow_mut() = Rc::downgrade(history);
    }

    /// Records a change the user made, from the sources before it, for undo.
    fn record(&self, before: Vec<ReferenceSource>) {
        let after = self.sources();
        if before == after {
            return;
        }
        if let Some(history) = self.history.borrow().upgrade() {
            history.record(crate::services::history::Edit::References(
                crate::services::history::ReferenceEdit { before, after },
            ));
        }
    }

    /// Undo and redo: exactly these references, checked again (a file may have changed).
    pub fn restore(&self, sources: Vec<ReferenceSource>) {
        self.entries.borrow_mut().clear();
        self.append(sources);
    }

    /// Adds references after those already there; a source already present is not added
    /// twice. Each is checked off the UI thread, and dropped with a message if it cannot be
    /// used.
    pub fn add(&self, sources: Vec<ReferenceSource>) {
        let before = self.sources();
        self.append(sources);
        self.record(before);
    }

    fn append(&self, sources: Vec<ReferenceSource>) {
        self.refusals.borrow_mut().clear();
        let mut added = Vec::new();
        {
            let mut entries = self.entries.borrow_mut();
            for source in sources {
                if entries.iter().any(|e| e.source == source) {
                    continue;
                }
                if entries.len() >= MAX_REFERENCES {
                    self.refusals.borrow_mut().push(crate::i18n::fill(
                        &crate::i18n::tr("At most {} reference images can be used at once."),
                        &[&MAX_REFERENCES.to_string()],
                    ));
                    break;
                }
                let key = self.next_key.get();
                self.next_key.set(key + 1);
                entries.push(Entry {
                    key,
                    name: provisional_name(&source),
                    source: source.clone(),
                    thumbnail: None,
                });
                added.push((key, source));
            }
        }
        self.show_refusals();
        self.show();
        for (key, source) in added {
            let catalog = self.catalog.clone();
            let me = self.me.clone();
            self.mode.run(
                move || inspect(&catalog, &source),
                move |result| {
                    if let Some(tray) = me.upgrade() {
                        tray.inspected(key, result);
                    }
                },
            );
        }
    }

    /// Replaces every reference (reusing an earlier image's settings).
    pub fn replace(&self, sources: Vec<ReferenceSource>) {
        let before = self.sources();
        self.restore(sources);
        self.record(before);
    }

    pub fn remove(&self, index: usize) {
        let before = self.sources();
        {
            let mut entries = self.entries.borrow_mut();
            if index >= entries.len() {
                return;
            }
            entries.remove(index);
        }
        self.refusals.borrow_mut().clear();
        self.show_refusals();
        self.show();
        self.record(before);
    }

    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Opens the picker and adds what the user chose.
    fn pick(&self) {
        let Some(picker) = self.picker.borrow().clone() else {
            return;
        };
        let me = self.me.clone();
        picker(Box::new(move |files| {
            if let Some(tray) = me.upgrade()
                && !files.is_empty()
            {
                tray.add(files.into_iter().map(ReferenceSource::File).collect());
            }
        }));
    }

    /// A reference was checked: its thumbnail, or it leaves the row with the reason.
    fn inspected(&self, key: u64, result: Result<Inspected, String>) {
        {
            let mut entries = self.entries.borrow_mut();
            let Some(position) = entries.iter().position(|e| e.key == key) else {
                return; // removed meanwhile
            };
            match result {
                Ok(found) => {
                    entries[position].name = found.name;
                    entries[position].thumbnail = Some(found.thumbnail);
                }
                Err(message) => {
                    entries.remove(position);
                    self.refusals.borrow_mut().push(message);
                }
            }
        }
        self.show_refusals();
        self.show();
    }

    fn show_refusals(&self) {
        if let Some(window) = self.window.upgrade() {
            let message = self.refusals.borrow().join("\n");
            window
                .global::<GenerationAdapter>()
                .set_reference_message(message.into());
        }
    }

    fn show(&self) {
        let Some(window) = self.window.upgrade() else { return };
        let thumbs: Vec<ReferenceThumb> = self
            .entries
            .borrow()
            .iter()
            .map(|e| ReferenceThumb {
                name: e.name.clone().into(),
                loading: e.thumbnail.is_none(),
                thumbnail: e.thumbnail.clone().map(slint::Image::from_rgb8).unwrap_or_default(),
            })
            .collect();
        window
            .global::<GenerationAdapter>()
            .set_references(ModelRc::new(VecModel::from(thumbs)));
    }
}

/// A checked reference.
struct Inspected {
    name: String,
    thumbnail: SharedPixelBuffer<Rgb8Pixel>,
}

fn provisional_name(source: &ReferenceSource) -> String {
    match source {
        ReferenceSource::File(path) => file_name(path),
        ReferenceSource::Media(_) => crate::i18n::tr("Library image"),
    }
}

/// Worker thread: checks that `source` can be a reference and makes its tile's thumbnail.
fn inspect(catalog: &Catalog, source: &ReferenceSource) -> Result<Inspected, String> {
    let found = catalog.inspect_reference(source)?;
    Ok(Inspected {
        name: found.name,
        thumbnail: tile_pixels(found.picture),
    })
}

/// A square-cropped tile of `TILE_PIXELS`: a fast box-filtered scale until the short side
/// is the tile's, then the centre.
/// The decode's share of the memory budget is held until the tile is made.
fn tile_pixels(decoded: crate::library::decode::Decoded) -> SharedPixelBuffer<Rgb8Pixel> {
    let image = decoded.image;
    let (width, height) = (image.width().max(1), image.height().max(1));
    let short = width.min(height);
    let scaled = if short > TILE_PIXELS {
        let scale = |side: u32| (u64::from(side) * u64::from(TILE_PIXELS)).div_ceil(u64::from(short)) as u32;
        image.thumbnail(scale(width), scale(height))
    } else {
        image
    };
    let side = scaled.width().min(scaled.height());
    let tile = scaled
        .crop_imm((scaled.width() - side) / 2, (scaled.height() - side) / 2, side, side)
        .to_rgb8();
    SharedPixelBuffer::clone_from_slice(tile.as_raw(), tile.width(), tile.height())
}
