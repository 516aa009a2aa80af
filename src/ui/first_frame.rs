//! `--report-first-frame`: the start-up benchmark's probe. Prints the time from process start
//! to the first painted frame and the resident memory, then quits.

use crate::ui::AppWindow;
use slint::ComponentHandle;
use slint::winit_030::{EventResult, WinitWindowAccessor, winit};
use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

pub fn report_and_quit(window: &AppWindow, started: Instant) {
    let seen = Rc::new(Cell::new(false));
    window.window().on_winit_window_event(move |_, event| {
        if matches!(event, winit::event::WindowEvent::RedrawRequested) && !seen.replace(true) {
            // The timer fires after this redraw has been painted and presented.
            slint::Timer::single_shot(Duration::ZERO, move || {
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                eprintln!("first-frame-ms {ms:.1} rss-kb {}", resident_kb().unwrap_or(0));
                let _ = slint::quit_event_loop();
            });
        }
        EventResult::Propagate
    });
}

fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
