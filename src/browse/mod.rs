//! Browsing the library: what the grid and the loupe show, independent of Slint.

pub mod page_cache;

pub use page_cache::{PAGE_SIZE, PageCache, PageRequest};
