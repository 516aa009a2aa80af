//! What a generation request is, before the queue and the engine see it: sizes, defaults,
//! the parameters stored with it, and the metadata written into its image.

pub mod dimensions;
pub mod metadata;
pub mod provider;
pub mod request;

pub use dimensions::{Aspect, Resolution, choices_for, dimensions};
pub use provider::Provider;
pub use request::{GenerationRequest, ReferenceSource, StoredParams};
