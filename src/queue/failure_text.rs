//! A failed job's message as the queue shows it: one human sentence in the list, and the
//! rest (the engine's last log lines, technical details) kept for the detail popup. Engine
//! log lines carry long ids and paths that read as noise in a 300 px panel.

/// The longest summary shown in the list; longer ones end at a word with "…".
const SUMMARY_CHARS: usize = 140;

/// Where a message turns from what happened into evidence of it.
const DETAIL_MARKERS: [&str; 2] = [". Last engine messages:", " Details: "];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureText {
    /// One sentence: what went wrong (and what to do, where the message says it).
    pub summary: String,
    /// The whole message when the summary leaves something out, else empty.
    pub details: String,
}

pub fn failure_text(message: &str) -> FailureText {
    let message = message.trim();
    let first_line = message.lines().next().unwrap_or_default().trim();
    let mut summary = first_line;
    for marker in DETAIL_MARKERS {
        if let Some(at) = summary.find(marker) {
            summary = &summary[..at];
        }
    }
    let mut left_out = summary.len() < message.len();
    let mut summary = crate::format::capitalised(summary.trim());
    // A sentence, even one that ends with "(code 1)".
    if !summary.is_empty() && !summary.ends_with(['.', '!', '?']) {
        summary.push('.');
    }
    if summary.chars().count() > SUMMARY_CHARS {
        summary = shortened(&summary);
        left_out = true;
    }
    let details = if left_out { message.to_owned() } else { String::new() };
    FailureText { summary, details }
}

/// `text` cut at the last word that fits, with "…".
fn shortened(text: &str) -> String {
    let cut: String = text.chars().take(SUMMARY_CHARS).collect();
    let at_word = cut.rfind(' ').filter(|&at| at > SUMMARY_CHARS / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end_matches([' ', ',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_log_lines_go_to_the_details() {
        let message = "Engine exited unexpectedly (code 1). Last engine messages:\n\
            [INFO] sim.cpp:159 - command: generate (id=0193f7a2-6c1e-7b11-9a0e-5d2c31e4f9aa)\n\
            [ERROR] sim.cpp:201 - out of memory";
        let text = failure_text(message);
        assert_eq!(text.summary, "Engine exited unexpectedly (code 1).");
        assert_eq!(text.details, message);
    }

    #[test]
    fn a_plain_sentence_has_no_details() {
        let text = failure_text("the engine reported model_load_failed: the model file is damaged");
        assert_eq!(
            text.summary,
            "The engine reported model_load_failed: the model file is damaged."
        );
        assert_eq!(text.details, "", "nothing was left out");
        let text = failure_text("The job was removed from the queue.");
        assert_eq!(text.summary, "The job was removed from the queue.");
        assert_eq!(text.details, "");
    }

    #[test]
    fn a_disk_full_message_keeps_what_to_do_and_moves_the_os_error() {
        let text = failure_text(
            "The disk holding the library is full (/home/a/Distillery). Free some space and retry \
             the job. Details: write failed: No space left on device (os error 28)",
        );
        assert_eq!(
            text.summary,
            "The disk holding the library is full (/home/a/Distillery). Free some space and retry the job."
        );
        assert!(text.details.contains("os error 28"));
    }

    #[test]
    fn a_long_unbroken_message_is_shortened_at_a_word() {
        let long = format!("the engine failed on {}", "a very long reason ".repeat(20));
        let text = failure_text(&long);
        assert!(text.summary.chars().count() <= SUMMARY_CHARS + 1, "{}", text.summary);
        assert!(text.summary.ends_with("a…"), "cut after a whole word: {}", text.summary);
        assert_eq!(text.details, long.trim());
        let id = "x".repeat(400);
        assert!(failure_text(&id).summary.chars().count() <= SUMMARY_CHARS + 1);
    }
}
