//! # santei-masters
//!
//! Reads the official 社会保険診療報酬支払基金 (SSK) master files exactly as published —
//! 医科診療行為 (s), 医薬品 (y), 特定器材 (t), コメント (c), full files and 変更ファイル — and
//! answers "what did code X mean on date D, according to which file".
//!
//! Entry points: [`load_dir`] (a folder, searched recursively), [`load_default`] (the small
//! curated set compiled into the binary), [`validate_dir`] (every problem, positioned as
//! `file:line:column`). The result is a [`MasterSet`] whose tables answer
//! [`Table::lookup`]`(code, date)` and [`Table::history`]`(code)`.
//!
//! Architecture invariants: no `f64` anywhere (points and prices are `rust_decimal::Decimal`);
//! no row is skipped silently (errors stop loading, warnings are kept in
//! [`MasterSet::warnings`]); every version remembers the file and line it came from.

#![forbid(unsafe_code)]

pub mod columns;
pub mod embedded;
pub mod error;
pub mod raw;
pub mod rows;
pub mod set;
pub mod value;

pub use error::{Error, ErrorKind, Location, Problem, Severity};
pub use rows::{
    AgeBound, AgeKasan, ChangeKind, Code, Comment, DosageForm, Drug, HospClinic, InOut, Kind, Material, PointKind,
    Procedure, Step,
};
pub use set::{AnyVersion, FileInfo, Layer, LoadOptions, MasterSet, NotUsed, Role, RowRef, Source, Table, Version};
pub use value::{format_date, parse_date, OPEN_END};

use std::path::Path;

/// Loads every s/y/t/c file under `dir` (recursively), plus santei's bundled supplement layered
/// under them. Fails on the first error; warnings are kept in the set. A folder without a usable
/// 医科診療行為マスター (an official s full file with rows) fails with
/// [`ErrorKind::NoProcedureMaster`]: every procedure would be unknown.
///
/// Every file may hold at most [`raw::MAX_FILE_BYTES`] (64 MiB; for a zip, what its CSV inflates
/// to), checked while reading.
pub fn load_dir(dir: &Path) -> Result<MasterSet, Error> {
    let set::DirSources {
        mut sources,
        not_used,
        refused,
        warnings,
    } = set::sources_from_dir_collecting(dir)?;
    if let Some(e) = refused.into_iter().next() {
        return Err(e);
    }
    sources.extend(embedded::supplement_sources());
    Ok(set::build_set(
        &dir.display().to_string(),
        sources,
        not_used,
        warnings,
        LoadOptions::default(),
        true,
    )?
    .set)
}

/// Loads exactly the given files (no supplement): for tests and tools.
pub fn load_sources(origin: &str, sources: Vec<Source>) -> Result<MasterSet, Error> {
    Ok(set::build(origin, sources, Vec::new(), LoadOptions::default())?.set)
}

/// Loads the small curated default set compiled into the binary (see [`embedded`]), plus the
/// supplement.
pub fn load_default() -> Result<MasterSet, Error> {
    let mut sources = embedded::default_sources();
    sources.extend(embedded::supplement_sources());
    Ok(set::build_set(
        embedded::DEFAULT_ORIGIN,
        sources,
        Vec::new(),
        Vec::new(),
        LoadOptions::default(),
        true,
    )?
    .set)
}

/// Checks every file under `dir` and returns every problem found (errors and warnings), at most
/// [`error::MAX_ERRORS_PER_FILE`] errors per file: the rest of a file's errors are counted in one
/// [`ErrorKind::MoreErrors`] problem after them. A folder without a usable 医科診療行為マスター
/// has the error [`ErrorKind::NoProcedureMaster`].
pub fn validate_dir(dir: &Path) -> Result<Vec<Problem>, Error> {
    let set::DirSources {
        sources,
        not_used,
        refused,
        warnings,
    } = set::sources_from_dir_collecting(dir)?;
    // Files refused for their size (larger than raw::MAX_FILE_BYTES) are one error each.
    let mut problems: Vec<Problem> = refused
        .into_iter()
        .map(|error| Problem {
            severity: Severity::Error,
            error,
        })
        .collect();
    let built = set::build_set(
        &dir.display().to_string(),
        sources,
        not_used,
        warnings,
        LoadOptions { collect_all: true },
        true,
    )?;
    problems.extend(built.problems);
    Ok(problems)
}
pub mod tensuhyo;
