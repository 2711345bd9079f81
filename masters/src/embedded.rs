//! Master files compiled into the binary.
//!
//! - **The default set** (`masters/default/`): a small curated set in the official layout — rows
//!   copied byte-for-byte from the official SSK files named in `masters/default/SOURCES.md` — used
//!   when no `--masters DIR` is given. A test checks each row against the official file.
//! - **The supplement** (`masters/supplement/`): rows that the 告示 has published but the staged SSK
//!   files do not yet carry (the 2026-06 revision), in the official layout, each row's source cited
//!   in `masters/supplement/SOURCES.md`. It is layered under every set: on the same date an official
//!   file's row wins, and an official full file replaces it entirely.

use crate::set::{Layer, Source};

/// The origin string of the embedded default set.
pub const DEFAULT_ORIGIN: &str = "embedded default";

/// Files of the default set: (name, bytes).
pub static DEFAULT_FILES: &[(&str, &[u8])] = &[];

/// Files of the supplement: (name, bytes).
pub static SUPPLEMENT_FILES: &[(&str, &[u8])] = &[];

pub fn default_sources() -> Vec<Source> {
    DEFAULT_FILES
        .iter()
        .map(|(name, bytes)| Source { path: format!("embedded:{name}"), bytes: bytes.to_vec(), layer: Layer::Official })
        .collect()
}

pub fn supplement_sources() -> Vec<Source> {
    SUPPLEMENT_FILES
        .iter()
        .map(|(name, bytes)| Source { path: format!("supplement:{name}"), bytes: bytes.to_vec(), layer: Layer::Supplement })
        .collect()
}
