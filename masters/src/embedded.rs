//! Master files compiled into the binary.
//!
//! - **The default set** (`masters/default/`): a small curated set in the official layout — rows
//!   copied byte-for-byte from the official SSK files named in `masters/default/SOURCES.md` — used
//!   when no `--masters DIR` is given: excerpts of the s/y/t/c masters ([`DEFAULT_FILES`]) and of
//!   the 医科電子点数表 tables 01, 03-2, 03-3 and 05 restricted to its s codes
//!   ([`DEFAULT_TABLE_FILES`]; never a 02 包括 table). A test checks each row against the official
//!   file.
//! - **The supplement** (`masters/supplement/`): rows that the 告示 has published but the staged SSK
//!   files do not yet carry (the 2026-06 revision), in the official layout, each row's source cited
//!   in `masters/supplement/SOURCES.md`. It is layered under every set: on the same date an official
//!   file's row wins, and an official full file replaces it entirely.

use crate::set::{Layer, Source};

/// The origin string of the embedded default set.
pub const DEFAULT_ORIGIN: &str = "embedded default";

// `DEFAULT_FILES`: every `masters/default/ssk/**/*.csv`, and `DEFAULT_TABLE_FILES`: every
// `masters/default/tensuhyo/**/*.csv`, each named by its path under `masters/default/` (e.g.
// `ssk/2024-06/s_ALL20240531.csv`, `tensuhyo/2024/05算定回数テーブル.csv`); the lists are generated
// by `masters/build.rs`.
include!(concat!(env!("OUT_DIR"), "/default_files.rs"));

/// Files of the supplement: (name, bytes).
pub static SUPPLEMENT_FILES: &[(&str, &[u8])] = &[("s_20260305.csv", include_bytes!("../supplement/s_20260305.csv"))];

/// The source of every supplement row, for traces: UTF-8 CSV with the header `code,source,confidence`
/// (one line per code; confidence H/M/L as in `shared/spec/rules.md` §0). See `masters/supplement/SOURCES.md`.
pub static SUPPLEMENT_SOURCES: &str = include_str!("../supplement/s_20260305.sources.csv");

/// The default set's files as official sources: the master excerpts, then the table excerpts.
/// The loader classifies a file by the part of its path after the last `/`, so
/// `embedded:tensuhyo/2024/05算定回数テーブル.csv` is read as the official 05 table.
pub fn default_sources() -> Vec<Source> {
    DEFAULT_FILES
        .iter()
        .chain(DEFAULT_TABLE_FILES)
        .map(|(name, bytes)| Source {
            path: format!("embedded:{name}"),
            bytes: bytes.to_vec(),
            layer: Layer::Official,
        })
        .collect()
}

pub fn supplement_sources() -> Vec<Source> {
    SUPPLEMENT_FILES
        .iter()
        // The loader classifies a file by the part of its path after the last `/`.
        .map(|(name, bytes)| Source {
            path: format!("embedded:supplement/{name}"),
            bytes: bytes.to_vec(),
            layer: Layer::Supplement,
        })
        .collect()
}
