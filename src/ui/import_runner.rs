//! ImportAdapter: imports from the window (the picker, Ctrl+Shift+I, files dropped from the
//! file manager) run the import service on a thread of their own, with progress and a cancel
//! in the status bar; the grid fills as images land, and a summary lists what could not be
//! imported. Imports asked for while one runs follow it.

use super::library::LibraryController;
use super::reference_tray::PickFiles;
use super::{AppWindow, ImportAdapter, LoadMode};
use crate::import::{FileOutcome, ImportReport, Progress};
use crate::services::Catalog;
use crate::services::finished_work::FinishedWork;
use slint::{ComponentHandle, ModelRc, VecModel};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the import thread tells the window.
enum Event {
    Progress(Progress),
    Finished(ImportReport),
}

pub struct ImportRunner {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    mode: LoadMode,
    grid: Weak<LibraryController>,
    running: Cell<bool>,
    /// Images landed since the grid was last refreshed.
    grid_dirty: Cell<bool>,
    waiting: RefCell<VecDeque<Vec<PathBuf>>>,
    cancel: RefCell<Arc<AtomicBool>>,
    pick_files: RefCell<Option<PickFiles>>,
    pick_folders: RefCell<Option<PickFiles>>,
    /// Where the end of each import is told.
    events: RefCell<Option<super::events::WindowEvents>>,
    me: Weak<ImportRunner>,
}

pub fn connect(window: &AppWindow, catalog: Catalog, mode: LoadMode, grid: &Rc<LibraryController>) -> Rc<ImportRunner> {
    let runner = Rc::new_cyclic(|me| ImportRunner {
        window: window.as_weak(),
        catalog,
        mode,
        grid: Rc::downgrade(grid),
        running: Cell::new(false),
        grid_dirty: Cell::new(false),
        waiting: RefCell::new(VecDeque::new()),
        cancel: RefCell::new(Arc::new(AtomicBool::new(false))),
        pick_files: RefCell::new(None),
        pick_folders: RefCell::new(None),
        events: RefCell::new(None),
        me: me.clone(),
    });
    let adapter = window.global::<ImportAdapter>();
    adapter.set_running(false);
    adapter.set_summary("".into());
    adapter.set_details(ModelRc::default());
    let r = Rc::downgrade(&runner);
    adapter.on_import_files_requested(move || {
        if let Some(runner) = r.upgrade() {
            runner.pick(false);
        }
    });
    let r = Rc::downgrade(&runner);
    adapter.on_import_folder_requested(move || {
        if let Some(runner) = r.upgrade() {
            runner.pick(true);
        }
    });
    let r = Rc::downgrade(&runner);
    adapter.on_cancel_requested(move || {
        if let Some(runner) = r.upgrade() {
            runner.cancel();
        }
    });
    let weak = window.as_weak();
    adapter.on_summary_dismissed(move || {
        if let Some(window) = weak.upgrade() {
            let adapter = window.global::<ImportAdapter>();
            adapter.set_summary("".into());
            adapter.set_details(ModelRc::default());
        }
    });
    runner
}

impl ImportRunner {
    /// The native pickers for files and for folders (in the app).
    pub fn set_pickers(&self, files: PickFiles, folders: PickFiles) {
        *self.pick_files.borrow_mut() = Some(files);
        *self.pick_folders.borrow_mut() = Some(folders);
    }

    /// Imports `paths` (files and folders) now, or after the import that is running.
    pub fn start(&self, paths: Vec<PathBuf>) {
        if paths.is_empty() || self.catalog.is_read_only() {
            return;
        }
        if self.running.get() {
            self.waiting.borrow_mut().push_back(paths);
            return;
        }
        self.running.set(true);
        let cancel = Arc::new(AtomicBool::new(false));
        *self.cancel.borrow_mut() = cancel.clone();
        self.with_adapter(|adapter| {
            adapter.set_running(true);
            adapter.set_done(0);
            adapter.set_total(0);
            adapter.set_current("".into());
            adapter.set_summary("".into());
            adapter.set_details(ModelRc::default());
        });
        let catalog = self.catalog.clone();
        match &self.mode {
            LoadMode::OnDemand => {
                // Progress comes from the import's threads: collected, then shown here.
                let events = std::sync::Mutex::new(Vec::new());
                let report = catalog.import(&paths, &cancel, &|p| {
                    if let Ok(mut events) = events.lock() {
                        events.push(p.clone());
                    }
                });
                for progress in events.into_inner().unwrap_or_default() {
                    self.progressed(&progress);
                }
                self.finished(report);
            }
            LoadMode::Background(_) => {
                let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
                let progress = sender.clone();
                let spawned = std::thread::Builder::new()
                    .name("distillery-import".into())
                    .spawn(move || {
                        let report = catalog.import(&paths, &cancel, &|p| {
                            let _ = progress.send(Event::Progress(p.clone()));
                        });
                        let _ = sender.send(Event::Finished(report));
                    });
                if let Err(error) = spawned {
                    tracing::error!(%error, "the import could not start");
                    self.finished(ImportReport::default());
                    return;
                }
                let me = self.me.clone();
                let _ = slint::spawn_local(async move {
                    while let Some(event) = receiver.recv().await {
                        // Everything that arrived meanwhile, shown at once.
                        let mut batch = vec![event];
                        while let Ok(more) = receiver.try_recv() {
                            batch.push(more);
                        }
                        let Some(runner) = me.upgrade() else { return };
                        for event in batch {
                            match event {
                                Event::Progress(progress) => runner.progressed(&progress),
                                Event::Finished(report) => runner.finished(report),
                            }
                        }
                        runner.refresh_grid_if_needed();
                    }
                });
            }
        }
    }

    /// Stops the running import before its next file.
    pub fn cancel(&self) {
        self.cancel.borrow().store(true, Ordering::Relaxed);
        self.waiting.borrow_mut().clear();
    }

    pub fn is_running(&self) -> bool {
        self.running.get()
    }

    fn pick(&self, folders: bool) {
        // No file chooser for a library nothing can be imported into (its banner says why).
        if self.catalog.is_read_only() {
            return;
        }
        let picker = if folders { &self.pick_folders } else { &self.pick_files };
        let Some(picker) = picker.borrow().clone() else { return };
        let me = self.me.clone();
        picker(Box::new(move |paths| {
            if let Some(runner) = me.upgrade() {
                runner.start(paths);
            }
        }));
    }

    fn progressed(&self, progress: &Progress) {
        if matches!(progress.outcome, FileOutcome::Imported { .. }) {
            self.grid_dirty.set(true);
        }
        let name = progress
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.with_adapter(|adapter| {
            adapter.set_done(progress.done as i32);
            adapter.set_total(progress.total as i32);
            adapter.set_progress_text(
                format!(
                    "Importing {} of {}",
                    crate::format::grouped(progress.done as i64),
                    crate::format::grouped(progress.total as i64)
                )
                .into(),
            );
            adapter.set_current(name.into());
        });
    }

    fn refresh_grid_if_needed(&self) {
        if self.grid_dirty.replace(false)
            && let Some(grid) = self.grid.upgrade()
        {
            grid.refresh();
        }
    }

    fn finished(&self, report: ImportReport) {
        tracing::info!(summary = %report.summary(), "import finished");
        for (path, reason) in report.failed.iter().chain(&report.skipped) {
            tracing::warn!(path = %path.display(), reason, "not imported");
        }
        let details: Vec<slint::SharedString> = report.details().into_iter().map(Into::into).collect();
        let summary = report.summary();
        self.with_adapter(|adapter| {
            adapter.set_running(false);
            adapter.set_summary(summary.into());
            adapter.set_details(ModelRc::new(VecModel::from(details)));
        });
        self.running.set(false);
        if !report.imported.is_empty() {
            self.grid_dirty.set(true);
        }
        self.refresh_grid_if_needed();
        let events = self.events.borrow().clone();
        if let (Some(events), Some(told)) = (events, FinishedWork::import(&report)) {
            events.publish(super::events::WindowEvent::WorkFinished(told));
        }
        let next = self.waiting.borrow_mut().pop_front();
        if let Some(paths) = next {
            self.start(paths);
        }
    }

    /// Tells `events` of the end of each import.
    pub fn tell_finished_to(&self, events: super::events::WindowEvents) {
        *self.events.borrow_mut() = Some(events);
    }

    fn with_adapter(&self, update: impl FnOnce(&ImportAdapter<'_>)) {
        if let Some(window) = self.window.upgrade() {
            update(&window.global::<ImportAdapter>());
        }
    }
}
