//! The one place where a third-party decoder's panic stops. Image and metadata parsers are
//! large and some assert on inputs they did not expect (the `tiff` crate on tiled planar
//! files): a panic in an import worker would end the whole import, in the loupe's worker
//! the loupe. Inside [`guarded`] a panic becomes a per-file reason instead, is logged with
//! where it happened, and is not printed on stderr as a crash.

use super::DecodeProblem;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

/// The reason a file gets when its decoder panicked.
pub const DECODER_FAILED: &str = crate::i18n::later("could not be read: the decoder failed on it");

thread_local! {
    /// How many [`guarded`] calls this thread is inside (they may nest).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The last panic caught on this thread, for the log.
    static CAUGHT: Cell<Option<String>> = const { Cell::new(None) };
}

/// Runs `decode` (which calls into a third-party decoder or parser); a panic inside becomes
/// [`DECODER_FAILED`]. `what` names the work for the log ("decoding", "reading metadata").
pub fn guarded<T>(what: &str, decode: impl FnOnce() -> Result<T, DecodeProblem>) -> Result<T, DecodeProblem> {
    match caught(decode) {
        Ok(result) => result,
        Err(panic) => {
            tracing::debug!(%panic, "a decoder failed while {what}; the file is reported as unreadable");
            Err(DecodeProblem(crate::i18n::tr(DECODER_FAILED)))
        }
    }
}

/// Like [`guarded`] for parsers whose failure is simply "nothing found" (metadata): a panic
/// gives `None`.
pub fn guarded_or_none<T>(what: &str, parse: impl FnOnce() -> Option<T>) -> Option<T> {
    caught(parse).unwrap_or_else(|panic| {
        tracing::debug!(%panic, "a parser failed while {what}; its result is ignored");
        None
    })
}

/// `work`'s result, or the panic's message and location.
fn caught<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    DEPTH.with(|depth| depth.set(depth.get() + 1));
    // The decoders' state is dropped with the panic; nothing of it is used afterwards.
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(work));
    DEPTH.with(|depth| depth.set(depth.get() - 1));
    outcome.map_err(|payload| {
        CAUGHT
            .with(Cell::take)
            .unwrap_or_else(|| payload_text(payload.as_ref()).to_owned())
    })
}

/// Panics inside a boundary are remembered for the log instead of printed; every other
/// panic goes to the hook that was there before (a real bug still reads like one).
fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            if DEPTH.with(Cell::get) > 0 {
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                CAUGHT.with(|caught| caught.set(Some(format!("{}{place}", payload_text(info.payload())))));
            } else {
                previous(info);
            }
        }));
    });
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_becomes_the_decoder_failed_reason() {
        let result: Result<(), _> = guarded("decoding", || panic!("assertion failed: buf.len() >= stride"));
        assert_eq!(result.unwrap_err().0, DECODER_FAILED);
        // The boundary is left cleanly: the next call works and nesting is balanced.
        assert_eq!(guarded("decoding", || Ok(7)).unwrap(), 7);
        assert_eq!(DEPTH.with(Cell::get), 0);
    }

    #[test]
    fn errors_pass_through_unchanged_and_parsers_give_none() {
        let result: Result<(), _> = guarded("decoding", || Err(DecodeProblem("is damaged".into())));
        assert_eq!(result.unwrap_err().0, "is damaged");
        let parsed: Option<u8> = guarded_or_none("reading metadata", || panic!("index out of bounds"));
        assert_eq!(parsed, None);
    }

    #[test]
    fn panics_on_other_threads_are_not_swallowed() {
        let _ = guarded::<()>("decoding", || Ok(()));
        let outside = std::thread::spawn(|| panic!("a real bug")).join();
        assert!(outside.is_err());
    }
}
