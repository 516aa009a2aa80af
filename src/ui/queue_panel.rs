//! The generation panel's queue: the running job (phase, step bar, elapsed time), the jobs
//! waiting (prompt, cancel, move sooner or later) and the failed ones (error, retry, remove,
//! clear all), kept up to date
//! from the queue's updates. [`follow`] runs beside the queue and adds each job's prompt;
//! [`QueuePanel::apply`] shows an update on the UI thread.

use super::{AppWindow, FinishedEntry, GenerationAdapter, QueueEntry};
use crate::queue::JobUpdate;
use crate::services::job_prompts::JobWords;
use crate::services::model::{JobId, JobStatus, MediaId};
use slint::{ComponentHandle, ModelRc, VecModel};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// What the user asked of a job in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobAction {
    /// Cancel a waiting or running job, or remove a failed one from the list.
    Cancel,
    Retry,
    /// A waiting job one place sooner.
    MoveUp,
    /// A waiting job one place later.
    MoveDown,
}

pub type OnJobAction = Rc<dyn Fn(JobAction, JobId)>;

/// How many finished images the status bar's history lists.
const HISTORY: usize = 8;

struct Row {
    id: JobId,
    prompt: String,
    status: JobStatus,
    phase: Option<String>,
    step: u32,
    steps: u32,
    elapsed: Duration,
    /// When `elapsed` was reported, so the shown time keeps ticking between updates.
    reported_at: Instant,
    error: Option<String>,
    /// "This computer", "fal", "Replicate".
    runs_on: &'static str,
}

pub struct QueuePanel {
    window: slint::Weak<AppWindow>,
    rows: RefCell<Vec<Row>>,
    /// Finished images, newest first.
    history: RefCell<VecDeque<FinishedEntry>>,
    on_action: RefCell<Option<OnJobAction>>,
    /// Refreshes the running job's elapsed time every second while one runs.
    ticker: slint::Timer,
    me: RefCell<std::rc::Weak<QueuePanel>>,
}

impl QueuePanel {
    pub fn connect(window: &AppWindow) -> Rc<Self> {
        let panel = Rc::new(Self {
            window: window.as_weak(),
            rows: RefCell::new(Vec::new()),
            history: RefCell::new(VecDeque::new()),
            on_action: RefCell::new(None),
            ticker: slint::Timer::default(),
            me: RefCell::new(std::rc::Weak::new()),
        });
        *panel.me.borrow_mut() = Rc::downgrade(&panel);
        let adapter = window.global::<GenerationAdapter>();
        adapter.on_cancel_job(panel.handler(JobAction::Cancel));
        adapter.on_retry_job(panel.handler(JobAction::Retry));
        let p = Rc::downgrade(&panel);
        adapter.on_move_job(move |id, up| {
            let Some(panel) = p.upgrade() else { return };
            let id = JobId::from_string(id.as_str());
            if panel.move_waiting(&id, up) {
                let action = if up { JobAction::MoveUp } else { JobAction::MoveDown };
                let on_action = panel.on_action.borrow().clone();
                if let Some(on_action) = on_action {
                    on_action(action, id);
                }
            }
        });
        let p = Rc::downgrade(&panel);
        adapter.on_clear_failed(move || {
            if let Some(panel) = p.upgrade() {
                panel.rows.borrow_mut().retain(|row| row.status != JobStatus::Failed);
                panel.show();
            }
        });
        panel.show();
        panel
    }

    /// The panel's callback for `action` on a job id. Cancel on a failed job only removes it
    /// from the list.
    fn handler(self: &Rc<Self>, action: JobAction) -> impl Fn(slint::SharedString) + 'static {
        let p = Rc::downgrade(self);
        move |id| {
            let Some(panel) = p.upgrade() else { return };
            let id = JobId::from_string(id.as_str());
            if action == JobAction::Cancel && panel.remove_failed(&id) {
                return;
            }
            let on_action = panel.on_action.borrow().clone();
            if let Some(on_action) = on_action {
                on_action(action, id);
            }
        }
    }

    /// Where Pause and Resume go (the queue, in the app): `true` pauses.
    pub fn set_on_pause(&self, on_pause: Rc<dyn Fn(bool)>) {
        if let Some(window) = self.window.upgrade() {
            window
                .global::<GenerationAdapter>()
                .on_pause_toggled(move |paused| on_pause(paused));
        }
    }

    /// Where cancel and retry go (the queue, in the app).
    pub fn set_on_action(&self, on_action: OnJobAction) {
        *self.on_action.borrow_mut() = Some(on_action);
    }

    /// Shows one update. A job seen for the first time joins the list with its `words`; a
    /// completed or cancelled job leaves it; a failed one stays with its error.
    pub fn apply(&self, update: &JobUpdate, words: Option<&JobWords>) {
        let mut rows = self.rows.borrow_mut();
        let at = rows.iter().position(|row| row.id == update.job_id);
        match (at, update.status) {
            (Some(at), JobStatus::Completed | JobStatus::Cancelled) => {
                let row = rows.remove(at);
                if let Some((media, _)) = &update.media {
                    self.remember_finished(media, &row.prompt, update.elapsed);
                }
            }
            (None, JobStatus::Completed | JobStatus::Cancelled) => {}
            (at, status) => {
                let at = at.unwrap_or_else(|| {
                    rows.push(Row {
                        id: update.job_id.clone(),
                        prompt: String::new(),
                        status,
                        phase: None,
                        step: 0,
                        steps: 0,
                        elapsed: Duration::ZERO,
                        reported_at: Instant::now(),
                        error: None,
                        runs_on: "",
                    });
                    rows.len() - 1
                });
                let row = &mut rows[at];
                if let Some(words) = words {
                    row.prompt = words.prompt.clone().unwrap_or_default();
                    row.runs_on = words.runs_on.label();
                }
                if row.status != status {
                    row.phase = None;
                    row.step = 0;
                    row.steps = 0;
                }
                row.status = status;
                if update.phase.is_some() {
                    row.phase = update.phase.clone();
                }
                if let (Some(step), Some(steps)) = (update.step, update.total_steps) {
                    row.step = step;
                    row.steps = steps;
                }
                row.elapsed = update.elapsed;
                row.reported_at = Instant::now();
                row.error = update.error.clone();
            }
        }
        let running = rows.iter().any(|row| row.status == JobStatus::Processing);
        drop(rows);
        self.show();
        self.tick_while(running);
    }

    /// Adds a finished image to the history (newest first, a few at most).
    fn remember_finished(&self, media: &MediaId, prompt: &str, took: Duration) {
        let mut history = self.history.borrow_mut();
        history.push_front(FinishedEntry {
            media_id: media.as_str().into(),
            prompt: prompt.lines().next().unwrap_or_default().into(),
            took: format!("{} s", crate::format::decimal(took.as_secs_f64(), 1)).into(),
        });
        history.truncate(HISTORY);
    }

    /// Keeps the shown elapsed time ticking while a job runs (updates come per step).
    fn tick_while(&self, running: bool) {
        if !running {
            self.ticker.stop();
            return;
        }
        if self.ticker.running() {
            return;
        }
        let me = self.me.borrow().clone();
        self.ticker
            .start(slint::TimerMode::Repeated, Duration::from_secs(1), move || {
                if let Some(panel) = me.upgrade() {
                    panel.show();
                }
            });
    }

    /// Swaps a waiting job with the waiting job before (`up`) or after it, as the queue
    /// does; false if there is none.
    fn move_waiting(&self, id: &JobId, up: bool) -> bool {
        let mut rows = self.rows.borrow_mut();
        let waiting: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].status == JobStatus::Pending)
            .collect();
        let Some(place) = waiting.iter().position(|&i| &rows[i].id == id) else {
            return false;
        };
        let other = if up { place.checked_sub(1) } else { Some(place + 1) };
        let Some(&other) = other.and_then(|o| waiting.get(o)) else {
            return false;
        };
        rows.swap(waiting[place], other);
        drop(rows);
        self.show();
        true
    }

    /// Drops a failed job from the list (its row stays in the database's history).
    fn remove_failed(&self, id: &JobId) -> bool {
        let mut rows = self.rows.borrow_mut();
        let Some(at) = rows
            .iter()
            .position(|row| &row.id == id && row.status == JobStatus::Failed)
        else {
            return false;
        };
        rows.remove(at);
        drop(rows);
        self.show();
        true
    }

    fn show(&self) {
        let Some(window) = self.window.upgrade() else { return };
        let rows = self.rows.borrow();
        let order = |status: JobStatus| match status {
            JobStatus::Processing => 0,
            JobStatus::Pending => 1,
            _ => 2,
        };
        let mut shown: Vec<&Row> = rows.iter().collect();
        shown.sort_by_key(|row| order(row.status));
        let waiting = rows.iter().filter(|row| row.status == JobStatus::Pending).count();
        let mut place = 0;
        let entries: Vec<QueueEntry> = shown
            .iter()
            .map(|row| {
                let mut entry = entry(row);
                if row.status == JobStatus::Pending {
                    entry.can_move_up = place > 0;
                    entry.can_move_down = place + 1 < waiting;
                    place += 1;
                }
                entry
            })
            .collect();
        let failed = rows.iter().filter(|row| row.status == JobStatus::Failed).count();
        let adapter = window.global::<GenerationAdapter>();
        adapter.set_queue(ModelRc::new(VecModel::from(entries)));
        adapter.set_waiting_count(waiting as i32);
        adapter.set_failed_count(failed as i32);
        let history: Vec<FinishedEntry> = self.history.borrow().iter().cloned().collect();
        adapter.set_history(ModelRc::new(VecModel::from(history)));
    }
}

/// A running job's time: as last reported, plus the time since the report.
fn shown_elapsed(row: &Row) -> Duration {
    if row.status == JobStatus::Processing {
        row.elapsed + row.reported_at.elapsed()
    } else {
        row.elapsed
    }
}

fn entry(row: &Row) -> QueueEntry {
    let failure = crate::queue::failure_text(row.error.as_deref().unwrap_or_default());
    QueueEntry {
        id: row.id.as_str().into(),
        prompt: row.prompt.lines().next().unwrap_or_default().into(),
        state: super::marks::job_state(row.status),
        phase: row.phase.clone().unwrap_or_default().into(),
        step: row.step as i32,
        steps: row.steps as i32,
        elapsed: format!("{} s", shown_elapsed(row).as_secs()).into(),
        error: failure.summary.into(),
        error_details: failure.details.into(),
        can_move_up: false,
        can_move_down: false,
        runs_on: crate::i18n::tr(row.runs_on).into(),
    }
}
