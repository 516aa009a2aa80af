//! InfoAdapter: the right panel follows the current image of the grid. Rating and status
//! come from the grid's item at once (they change there first); the file details, the
//! generation's parameters and reference thumbnails are read off the UI thread and shown
//! when they arrive (if the user has not moved on by then).

use super::events::WindowEvent;
use super::library::LibraryController;
use super::{AppWindow, InfoAdapter, InfoReference, LoadMode, weakly};
use crate::format;
use crate::library::LibraryRoot;
use crate::services::Catalog;
use crate::services::model::{DbError, Generation, GenerationInput, Media, MediaId, Origin, ViewItem};
use slint::{ComponentHandle, ModelRc, VecModel};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

pub struct InfoPanel {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    mode: LoadMode,
    grid: Weak<LibraryController>,
    /// Where "Reuse prompt and settings" puts the references.
    tray: Rc<super::reference_tray::ReferenceTray>,
    /// The item shown, so a refresh of the same item does not re-read its generation.
    shown: RefCell<Option<MediaId>>,
    /// Bumped per item, so a late answer for an earlier item is dropped.
    serial: Cell<u64>,
    /// The library item behind each reference thumbnail (`None`: deleted since).
    references: RefCell<Vec<Option<MediaId>>>,
    /// The shown image's generation, for "Reuse prompt and settings".
    generation: RefCell<Option<Generation>>,
    /// Where "Generate variations" sends its request (the queue, in the app).
    submit: RefCell<Option<super::generation_panel::Submit>>,
    me: RefCell<Weak<InfoPanel>>,
}

/// An item's row and, for a generated image, its generation.
struct Details {
    item: Media,
    generation: Option<GenerationDetails>,
}

/// A generation's parameters and references, as read on the database thread.
struct GenerationDetails {
    generation: Generation,
    references: Vec<(Option<MediaId>, Option<slint::SharedPixelBuffer<slint::Rgb8Pixel>>)>,
}

pub fn connect(
    window: &AppWindow,
    catalog: Catalog,
    mode: LoadMode,
    grid: &Rc<LibraryController>,
    tray: Rc<super::reference_tray::ReferenceTray>,
) -> Rc<InfoPanel> {
    let panel = Rc::new(InfoPanel {
        window: window.as_weak(),
        catalog,
        mode,
        grid: Rc::downgrade(grid),
        tray,
        shown: RefCell::new(None),
        serial: Cell::new(0),
        references: RefCell::new(Vec::new()),
        generation: RefCell::new(None),
        submit: RefCell::new(None),
        me: RefCell::new(Weak::new()),
    });
    *panel.me.borrow_mut() = Rc::downgrade(&panel);
    let adapter = window.global::<InfoAdapter>();
    adapter.set_has_item(false);
    let g = Rc::downgrade(grid);
    adapter.on_rating_chosen(move |stars| {
        if let Some(grid) = g.upgrade() {
            grid.rate(stars);
        }
    });
    let g = Rc::downgrade(grid);
    adapter.on_status_chosen(move |status| {
        if let Some(grid) = g.upgrade() {
            grid.set_status(status);
        }
    });
    adapter.on_reuse_requested(weakly(&panel, InfoPanel::reuse));
    // The grid's context menu: the right-clicked image is the one shown here.
    window
        .global::<super::LibraryAdapter>()
        .on_reuse_requested(weakly(&panel, InfoPanel::reuse));
    adapter.on_variations_requested(weakly(&panel, InfoPanel::variations));
    window
        .global::<super::LibraryAdapter>()
        .on_variations_requested(weakly(&panel, InfoPanel::variations));
    adapter.on_reveal_requested(weakly(grid, LibraryController::show_in_folder));
    adapter.on_open_requested(weakly(grid, LibraryController::open_in_default_app));
    adapter.on_copy_requested(weakly(grid, LibraryController::copy_selection));
    adapter.on_delete_requested(weakly(grid, LibraryController::request_delete));
    let p = Rc::downgrade(&panel);
    adapter.on_reference_clicked(move |index| {
        if let Some(panel) = p.upgrade() {
            panel.open_reference(index.max(0) as usize);
        }
    });
    let p = Rc::downgrade(&panel);
    grid.events().subscribe(move |event| {
        if let (WindowEvent::CurrentChanged { item, selected }, Some(panel)) = (event, p.upgrade()) {
            panel.show(item.as_ref(), *selected);
        }
    });
    panel
}

impl InfoPanel {
    fn adapter_do(&self, f: impl FnOnce(&InfoAdapter)) {
        if let Some(window) = self.window.upgrade() {
            f(&window.global::<InfoAdapter>());
        }
    }

    /// Shows `item` (the grid's current image) with `count` images selected.
    pub fn show(&self, item: Option<&ViewItem>, count: usize) {
        let Some(item) = item else {
            *self.shown.borrow_mut() = None;
            self.adapter_do(|adapter| adapter.set_has_item(false));
            return;
        };
        self.adapter_do(|adapter| {
            adapter.set_selected_count(count as i32);
            adapter.set_rating(i32::from(item.rating.stars()));
            adapter.set_status(crate::ui::marks::cull_mark(item.status));
        });
        if self.shown.borrow().as_ref() == Some(&item.id) {
            return;
        }
        *self.shown.borrow_mut() = Some(item.id.clone());
        self.serial.set(self.serial.get() + 1);
        let serial = self.serial.get();
        self.references.borrow_mut().clear();
        let (catalog, id) = (self.catalog.clone(), item.id.clone());
        let read = move || read_details(&catalog, id);
        let me = self.me.borrow().clone();
        self.mode.run(read, move |result| {
            if let Some(panel) = me.upgrade() {
                panel.details_arrived(serial, result);
            }
        });
    }

    /// The row (and generation) of the shown item arrived: the file details, then the
    /// generation's. Until then the panel keeps the previous item's details rather than
    /// flashing empty, as the read takes well under a frame.
    fn details_arrived(&self, serial: u64, result: Result<Option<Details>, DbError>) {
        if serial != self.serial.get() {
            return;
        }
        let details = match result {
            Ok(Some(details)) => details,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "reading the details of an image failed");
                return;
            }
        };
        let item = &details.item;
        self.adapter_do(|adapter| {
            adapter.set_has_item(true);
            adapter.set_file_name(item.file_name.as_str().into());
            adapter.set_dimensions(format::dimensions(item.width, item.height).into());
            adapter.set_file_size(item.file_size.map(format::file_size).unwrap_or_default().into());
            adapter.set_created(format::local_time(item.created_at.as_str()).into());
            adapter.set_origin(if item.origin == Origin::Generation { 0 } else { 1 });
            adapter.set_generated(false);
            adapter.set_negative_prompt("".into());
            adapter.set_references(ModelRc::default());
        });
        self.generation_arrived(details.generation);
    }

    fn generation_arrived(&self, details: Option<GenerationDetails>) {
        *self.generation.borrow_mut() = details.as_ref().map(|d| d.generation.clone());
        let Some(details) = details else { return };
        let g = &details.generation;
        let text = |value: Option<String>| value.unwrap_or_else(|| "—".to_owned());
        let references: Vec<InfoReference> = details
            .references
            .iter()
            .map(|(media, pixels)| InfoReference {
                thumbnail: pixels.clone().map(slint::Image::from_rgb8).unwrap_or_default(),
                available: media.is_some(),
            })
            .collect();
        *self.references.borrow_mut() = details.references.into_iter().map(|(media, _)| media).collect();
        self.adapter_do(|adapter| {
            adapter.set_generated(true);
            adapter.set_prompt(g.prompt.clone().unwrap_or_default().into());
            adapter.set_negative_prompt(crate::services::details::negative_prompt(g).unwrap_or_default().into());
            adapter.set_model(text(g.model_file.clone()).into());
            adapter.set_resolution(format::dimensions(g.width, g.height).into());
            adapter.set_seed(text(g.seed.map(|s| s.to_string())).into());
            adapter.set_steps(text(g.steps.map(|s| s.to_string())).into());
            adapter.set_guidance(text(g.guidance.map(|v| format!("{v:.1}"))).into());
            adapter.set_sampler(text(g.sampling_method.clone()).into());
            adapter.set_generation_time(text(g.total_time_ms.map(format::duration_ms)).into());
            adapter.set_references(ModelRc::new(VecModel::from(references)));
        });
    }

    pub fn set_submit(&self, submit: super::generation_panel::Submit) {
        *self.submit.borrow_mut() = Some(submit);
    }

    /// Queues the panel's count of new images with the shown image's parameters (prompt,
    /// size, references still in the library, steps, guidance, sampler) and new seeds.
    fn variations(&self) {
        let Some(grid) = self.grid.upgrade() else { return };
        let Some(generation) = self.generation.borrow().clone() else {
            grid.show_notice(crate::i18n::tr(
                "This image was not generated here: there are no settings to vary.",
            ));
            return;
        };
        let Some(window) = self.window.upgrade() else { return };
        let (resolution, aspect) = crate::services::details::stored_choices(&generation);
        let mut request = crate::generation::GenerationRequest::new(generation.prompt.clone().unwrap_or_default());
        request.resolution = resolution;
        request.aspect = aspect;
        request.count = super::generation_panel::images_per_generate(&window.global::<super::GenerationAdapter>());
        request.references = self
            .references
            .borrow()
            .iter()
            .flatten()
            .cloned()
            .map(crate::generation::ReferenceSource::Media)
            .collect();
        let defaults = crate::settings::GenerationDefaults::default();
        request.steps = generation.steps.map_or(defaults.steps, |s| s.max(1) as u32);
        request.guidance = generation.guidance.unwrap_or(defaults.guidance);
        request.sampler = generation.sampling_method.clone().unwrap_or(defaults.sampler);
        if let Err(problem) = request.validate() {
            grid.show_notice(crate::format::sentence(&problem));
            return;
        }
        let count = request.count;
        let Some(submit) = self.submit.borrow().clone() else {
            grid.show_notice(crate::i18n::tr("There is no generation queue running to send this to."));
            return;
        };
        submit(request);
        grid.show_notice(crate::i18n::tr_n(
            "Queued {n} variation of this image.",
            "Queued {n} variations of this image.",
            count as u64,
            &count.to_string(),
        ));
    }

    /// Fills the generation panel with the shown image's prompt, resolution and aspect (as
    /// the user chose them, or the nearest to its size for older rows), opens it and puts
    /// the cursor in the prompt.
    fn reuse(&self) {
        let Some(generation) = self.generation.borrow().clone() else {
            if let Some(grid) = self.grid.upgrade() {
                grid.show_notice(crate::i18n::tr(
                    "This image was not generated here: it has no prompt and settings to reuse.",
                ));
            }
            return;
        };
        let (resolution, aspect) = crate::services::details::stored_choices(&generation);
        let Some(window) = self.window.upgrade() else { return };
        let form = window.global::<super::GenerationAdapter>();
        super::generation_panel::fill(&form, &generation.prompt.unwrap_or_default(), resolution, aspect);
        // Remembered like the user's own edits.
        form.invoke_choices_changed();
        let available: Vec<_> = self.references.borrow().iter().flatten().cloned().collect();
        self.tray.replace(
            available
                .into_iter()
                .map(crate::generation::ReferenceSource::Media)
                .collect(),
        );
        super::generation_panel::open(&window);
        form.set_focus_prompt_pending(true);
        form.set_focus_prompt_serial(form.get_focus_prompt_serial() + 1);
    }

    /// A reference thumbnail was clicked: show its source in the grid, or say it is gone.
    fn open_reference(&self, index: usize) {
        let Some(grid) = self.grid.upgrade() else { return };
        let source = self.references.borrow().get(index).cloned().flatten();
        match source {
            Some(id) => grid.go_to(id),
            None => grid.show_notice(crate::i18n::tr(
                "That reference was deleted from the library; its thumbnail is kept here.",
            )),
        }
    }
}

/// Worker thread: the row of `id` and its generation with reference thumbnails. `None` if
/// the item is gone.
fn read_details(catalog: &Catalog, id: MediaId) -> Result<Option<Details>, DbError> {
    let library = catalog.library();
    let Some(found) = catalog.details(id).wait()? else {
        return Ok(None);
    };
    Ok(Some(Details {
        item: found.item,
        generation: found
            .generation
            .map(|(generation, inputs)| read_references(library, generation, inputs)),
    }))
}

/// Worker thread: decodes the reference thumbnails of a generation.
fn read_references(library: &LibraryRoot, generation: Generation, inputs: Vec<GenerationInput>) -> GenerationDetails {
    let references = inputs
        .into_iter()
        .map(|input| {
            let pixels = library
                .resolve(&input.thumb_path)
                .ok()
                .and_then(|path| super::library::decode_thumbnail(&path));
            (input.media_id, pixels)
        })
        .collect();
    GenerationDetails { generation, references }
}
