//! XMP, the metadata Lightroom, Bridge, darktable, digiKam and Photo Mechanic read and write:
//! ratings, rejects, colour labels and keywords, in a sidecar (`photo.xmp`, `photo.jpg.xmp`)
//! or embedded in the image. Parsed and written with quick-xml, never by string pasting.
//!
//! Conventions followed (each tool's documentation and its files):
//! - `xmp:Rating` 0–5 stars, −1 for a reject (Bridge, Lightroom's XMP for rejects, darktable).
//! - `xmp:Label` the colour label's name ("Red"; Bridge and Lightroom).
//! - `dc:subject` a bag of flat keywords (every tool); `lr:hierarchicalSubject` a bag of
//!   `Parent|Child` paths (Lightroom, darktable, digiKam); `digiKam:TagsList` a sequence of
//!   `Parent/Child` paths (digiKam's own).
//! - Names are matched by namespace URI, not by prefix: tools choose their own prefixes.

mod embedded;
mod read;
mod sidecar;
mod write;

pub use embedded::{EmbedError, embed, extract};
pub use read::{XmpProblem, parse};
pub use sidecar::{sidecar_for_writing, sidecars_of};
pub use write::{Generation, to_packet};

pub(crate) const NS_RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub(crate) const NS_XMP: &str = "http://ns.adobe.com/xap/1.0/";
pub(crate) const NS_DC: &str = "http://purl.org/dc/elements/1.1/";
pub(crate) const NS_LR: &str = "http://ns.adobe.com/lightroom/1.0/";
pub(crate) const NS_DIGIKAM: &str = "http://www.digikam.org/ns/1.0/";
/// Our own fields: the rating a reject had, and the generation's parameters.
pub(crate) const NS_DISTILLERY: &str = "https://distillery.app/ns/xmp/1.0/";

/// The largest XMP packet read (bytes): real ones are a few KiB, a huge one is hostile.
pub const MAX_PACKET_BYTES: usize = 4 * 1024 * 1024;
/// The most keywords read from one packet.
pub const MAX_KEYWORDS: usize = 2_000;

/// What Distillery reads from and writes to XMP.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XmpFields {
    /// 0–5 stars (0 unrated), when the packet gives one.
    pub rating: Option<u8>,
    /// Whether the image is rejected (`xmp:Rating` −1), when the packet says.
    pub rejected: Option<bool>,
    /// Whether it is picked (Distillery's own field; no common XMP field exists).
    pub selected: Option<bool>,
    /// The colour label's name ("Red"), when present.
    pub label: Option<String>,
    /// Keywords, hierarchical ones as `Parent|Child` paths, each once, flat ones that are part
    /// of a path left out (tools list a path's leaf in `dc:subject` too).
    pub keywords: Vec<String>,
}
