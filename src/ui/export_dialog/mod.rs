//! ExportAdapter: the Export dialog (Ctrl+Shift+E for the selection or the view, "Export…"
//! in a collection's menu), then the export's progress with a cancel in the status bar and
//! its summary with "Show in Folder". The batch runs on the blocking pool, one image at a
//! time; the window only reads its progress.

use super::library::{GridScope, LibraryController};
use super::organise::Organise;
use super::reference_tray::PickFiles;
use super::{AppWindow, ExportAdapter, LoadMode};
use crate::export::{ExportFormat, ExportOptions, ExportSize, MetadataChoice, NameFields, NameTemplate};
use crate::format::capitalised;
use crate::services::Catalog;
use crate::services::model::{MediaFilter, MediaId, MediaSort};
use slint::ComponentHandle;
mod running;

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize};

/// Which images "the view" means in the open dialog.
#[derive(Clone)]
struct ViewSource {
    filter: MediaFilter,
    sort: MediaSort,
}

/// An export on its way: its cancel switch and how far it got.
struct Running {
    cancel: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    total: usize,
}

pub struct ExportDialog {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    mode: LoadMode,
    grid: Weak<LibraryController>,
    organise: Weak<Organise>,
    selection: RefCell<Vec<MediaId>>,
    view: RefCell<Option<ViewSource>>,
    running: RefCell<Option<Running>>,
    progress_timer: slint::Timer,
    /// The folder of the last export, and the first file it wrote ("Show in Folder").
    last: RefCell<Option<(PathBuf, Option<PathBuf>)>>,
    picker: RefCell<Option<PickFiles>>,
    /// Where the end of each export is told.
    events: RefCell<Option<crate::ui::events::WindowEvents>>,
    me: Weak<ExportDialog>,
}

pub fn connect(
    window: &AppWindow,
    catalog: Catalog,
    mode: LoadMode,
    grid: &Rc<LibraryController>,
    organise: &Rc<Organise>,
) -> Rc<ExportDialog> {
    let dialog = Rc::new_cyclic(|me| ExportDialog {
        window: window.as_weak(),
        catalog,
        mode,
        grid: Rc::downgrade(grid),
        organise: Rc::downgrade(organise),
        selection: RefCell::new(Vec::new()),
        view: RefCell::new(None),
        running: RefCell::new(None),
        progress_timer: slint::Timer::default(),
        last: RefCell::new(None),
        picker: RefCell::new(None),
        events: RefCell::new(None),
        me: me.clone(),
    });
    let adapter = window.global::<ExportAdapter>();
    adapter.set_folder(default_folder().display().to_string().into());
    adapter.set_name_template(NameTemplate::DEFAULT.into());
    // Copies to share: JPEG at 2048 px, with rating and keywords but no prompt.
    adapter.set_format(1);
    adapter.set_size(1);
    adapter.set_long_edge(2048);
    adapter.set_quality(i32::from(ExportOptions::DEFAULT_QUALITY));
    adapter.set_metadata(1);
    adapter.set_summary("".into());
    let with = super::while_alive(&dialog);
    let w = with.clone();
    adapter.on_open_requested(move |collection| w(&|d| d.open(collection)));
    let w = with.clone();
    window
        .global::<super::OrganiseAdapter>()
        .on_export_requested(move |collection| w(&|d| d.open(collection)));
    let w = with.clone();
    adapter.on_template_edited(move || w(&|d| d.show_example()));
    let w = with.clone();
    adapter.on_start_requested(move || w(&|d| d.start()));
    let w = with.clone();
    adapter.on_cancel_requested(move || w(&|d| d.cancel()));
    let w = with.clone();
    adapter.on_folder_pick_requested(move || w(&|d| d.pick_folder()));
    let w = with.clone();
    adapter.on_show_folder_requested(move || w(&|d| d.show_folder()));
    adapter.on_summary_dismissed(move || with(&|d| d.adapter_do(|a| a.set_summary("".into()))));
    dialog.show_example();
    dialog.restore_choices();
    dialog
}

/// Pictures/Distillery export, else the home folder's.
fn default_folder() -> PathBuf {
    let dirs = directories::UserDirs::new();
    let base = dirs
        .as_ref()
        .and_then(|d| d.picture_dir().map(PathBuf::from))
        .or_else(|| dirs.as_ref().map(|d| d.home_dir().to_owned()))
        .unwrap_or_else(std::env::temp_dir);
    base.join("Distillery export")
}

impl ExportDialog {
    /// Where "Choose…" asks for the destination (a native picker, in the app).
    pub fn set_picker(&self, picker: PickFiles) {
        *self.picker.borrow_mut() = Some(picker);
    }

    fn adapter_do(&self, f: impl FnOnce(&ExportAdapter)) {
        if let Some(window) = self.window.upgrade() {
            f(&window.global::<ExportAdapter>());
        }
    }

    /// Offers the last export's choices again (from this or an earlier run).
    fn restore_choices(&self) {
        let me = self.me.clone();
        self.mode.answer(self.catalog.export_choices(), move |saved| {
            let (Some(this), Ok(Some(saved))) = (me.upgrade(), saved) else {
                return;
            };
            this.adapter_do(|a| {
                if !saved.folder.trim().is_empty() {
                    a.set_folder(saved.folder.as_str().into());
                }
                a.set_format(i32::from(saved.format.min(2)));
                a.set_size(i32::from(saved.long_edge.is_some()));
                if let Some(edge) = saved.long_edge {
                    a.set_long_edge(edge.clamp(16, 16_384) as i32);
                }
                if (1..=100).contains(&saved.quality) {
                    a.set_quality(i32::from(saved.quality));
                }
                if !saved.template.trim().is_empty() {
                    a.set_name_template(saved.template.as_str().into());
                }
                a.set_metadata(i32::from(saved.metadata.min(2)));
            });
            this.show_example();
        });
    }

    /// Remembers the dialog's choices for the next export.
    fn save_choices(&self, a: &ExportAdapter) {
        let choices = crate::settings::ExportChoices {
            folder: a.get_folder().trim().to_owned(),
            format: a.get_format().clamp(0, 2) as u8,
            long_edge: (a.get_size() == 1).then(|| a.get_long_edge().clamp(16, 16_384) as u32),
            quality: a.get_quality().clamp(1, 100) as u8,
            template: a.get_name_template().to_string(),
            metadata: a.get_metadata().clamp(0, 2) as u8,
        };
        self.catalog
            .save_export_choices(choices)
            .send("remembering the export's choices");
    }

    /// Opens the dialog on the selection and the grid's view (`collection` < 0), or on the
    /// collection at that index of the collections list.
    fn open(&self, collection: i32) {
        let Some(grid) = self.grid.upgrade() else { return };
        if self.running.borrow().is_some() {
            grid.show_notice(crate::i18n::tr(
                "An export is running: wait for it, or cancel it in the status bar.",
            ));
            return;
        }
        let selection = if collection < 0 {
            grid.selection_in_view_order()
        } else {
            Vec::new()
        };
        let images = crate::format::images_translated;
        self.adapter_do(|a| {
            a.set_has_selection(!selection.is_empty());
            a.set_selection_text(
                crate::i18n::fill(&crate::i18n::tr("The selection ({})"), &[&images(selection.len())]).into(),
            );
            a.set_scope(if selection.is_empty() { 1 } else { 0 });
            a.set_problem("".into());
        });
        *self.selection.borrow_mut() = selection;
        let organise_collection = self.organise.upgrade().and_then(|o| o.collection_at(collection));
        match organise_collection.filter(|_| collection >= 0) {
            None => {
                let name = match grid.scope() {
                    GridScope::Library => crate::i18n::tr("This view"),
                    scope => crate::format::capitalised(&scope.label().unwrap_or_default()),
                };
                self.adapter_do(|a| a.set_view_text(format!("{name} ({})", images(grid.view_len())).into()));
                *self.view.borrow_mut() = Some(ViewSource {
                    filter: grid.view_filter(),
                    sort: grid.view_sort(),
                });
                self.adapter_do(|a| a.set_open(true));
            }
            Some(chosen) => {
                let me = self.me.clone();
                self.mode
                    .answer(self.catalog.collection_scope(chosen.id), move |scope| {
                        let Some(this) = me.upgrade() else { return };
                        match scope {
                            Ok(Ok(filter)) => {
                                *this.view.borrow_mut() = Some(ViewSource {
                                    filter,
                                    sort: MediaSort::NewestFirst,
                                });
                                this.adapter_do(|a| {
                                    a.set_view_text(
                                        format!("“{}” ({})", chosen.name, images(chosen.images as usize)).into(),
                                    );
                                    a.set_open(true);
                                });
                            }
                            Ok(Err(problem)) => this.tell(crate::i18n::fill(
                                &crate::i18n::tr("It cannot be exported: {}."),
                                &[&problem.to_string()],
                            )),
                            Err(error) => this.tell(crate::i18n::fill(
                                &crate::i18n::tr("The collection could not be read: {}"),
                                &[&error.to_string()],
                            )),
                        }
                    });
            }
        }
    }

    /// The name the first file would get, or why the template cannot be used.
    fn show_example(&self) {
        self.adapter_do(|a| match NameTemplate::parse(&a.get_name_template()) {
            Ok(template) => {
                let now = jiff::Zoned::now();
                let example = NameFields {
                    date: now.strftime("%Y-%m-%d").to_string(),
                    time: now.strftime("%H%M%S").to_string(),
                    seed: Some(42),
                    prompt: Some("a harbour at dusk".into()),
                    counter: 1,
                    name: "IMG_0001".into(),
                    id: "01JEXAMPLE".into(),
                    rating: 4,
                };
                let extension = format_of(a.get_format()).extension();
                a.set_name_example(format!("{}.{extension}", template.render(&example)).into());
                a.set_name_ok(true);
            }
            Err(problem) => {
                a.set_name_example(capitalised(&problem.to_string()).into());
                a.set_name_ok(false);
            }
        });
    }

    fn options(&self, a: &ExportAdapter) -> Result<ExportOptions, String> {
        let folder = a.get_folder().trim().to_owned();
        if folder.is_empty() {
            return Err(crate::i18n::tr("Choose a folder to export to."));
        }
        let folder = match folder.strip_prefix("~/") {
            Some(rest) => directories::UserDirs::new()
                .map(|d| d.home_dir().join(rest))
                .unwrap_or_else(|| PathBuf::from(&folder)),
            None => PathBuf::from(&folder),
        };
        if folder.is_relative() {
            return Err(crate::i18n::tr(
                "Give the destination as a full path (starting with / or ~/).",
            ));
        }
        let names = NameTemplate::parse(&a.get_name_template()).map_err(|p| capitalised(&p.to_string()))?;
        Ok(ExportOptions {
            folder,
            format: format_of(a.get_format()),
            size: match a.get_size() {
                1 => ExportSize::LongEdge(a.get_long_edge().clamp(16, 16_384) as u32),
                _ => ExportSize::Original,
            },
            quality: a.get_quality().clamp(1, 100) as u8,
            names,
            metadata: match a.get_metadata() {
                0 => MetadataChoice::Keep,
                2 => MetadataChoice::Strip,
                _ => MetadataChoice::Xmp,
            },
        })
    }

    fn start(&self) {
        if self.running.borrow().is_some() {
            return;
        }
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<ExportAdapter>();
        let options = match self.options(&adapter) {
            Ok(options) => options,
            Err(problem) => return adapter.set_problem(problem.into()),
        };
        self.save_choices(&adapter);
        if adapter.get_scope() == 0 && !self.selection.borrow().is_empty() {
            self.run(self.selection.borrow().clone(), options);
            return;
        }
        let Some(view) = self.view.borrow().clone() else { return };
        let me = self.me.clone();
        self.mode
            .answer(self.catalog.view_ids(view.filter, view.sort), move |ids| {
                let Some(this) = me.upgrade() else { return };
                match ids {
                    Ok(ids) if ids.is_empty() => {
                        this.adapter_do(|a| a.set_problem(crate::i18n::tr("No image to export.").into()))
                    }
                    Ok(ids) => this.run(ids, options),
                    Err(error) => this.adapter_do(|a| {
                        a.set_problem(
                            crate::i18n::fill(
                                &crate::i18n::tr("The images could not be read: {}"),
                                &[&error.to_string()],
                            )
                            .into(),
                        )
                    }),
                }
            });
    }

    fn pick_folder(&self) {
        let Some(picker) = self.picker.borrow().clone() else {
            return;
        };
        let me = self.me.clone();
        picker(Box::new(move |chosen| {
            if let (Some(this), Some(folder)) = (me.upgrade(), chosen.into_iter().next()) {
                this.adapter_do(|a| a.set_folder(folder.display().to_string().into()));
            }
        }));
    }

    fn tell(&self, text: String) {
        if let Some(grid) = self.grid.upgrade() {
            grid.show_notice(text);
        }
    }
}

fn format_of(index: i32) -> ExportFormat {
    match index {
        1 => ExportFormat::Jpeg,
        2 => ExportFormat::Webp,
        _ => ExportFormat::Png,
    }
}

fn grouped(n: usize) -> String {
    crate::format::grouped(n as i64)
}
