//! A master set: any number of full files and delta files of each kind, merged into one version
//! chain per code with effective dating (変更年月日 … 廃止年月日).
//!
//! ## How the chains are built
//! Files of one kind are applied in publication order (the date in the file name); on the same
//! date the bundled supplement comes first, then deltas, then full files, so an official row
//! always wins over the supplement and a full file over a delta.
//! - **Full file** (authoritative at its date): each row starts a version at its 変更年月日,
//!   replacing any version of that code that starts on or after that date. A code that the full
//!   file lacks is closed at the file's publication date (full files hold only the rows valid at
//!   and after their date).
//! - **Delta** (変更ファイル): `3` 新規 starts a version like a full row; `5` 変更 is sparse — its
//!   non-empty fields are written over the latest version; when it carries a 変更年月日 that
//!   differs, it starts a new version from that date, else it corrects the latest version in
//!   place; `9` 廃止 sets 廃止年月日 on the latest version (y carries only that column); `1` 抹消
//!   removes the code and all its versions.
//! - A version is valid from its 変更年月日 until the day before the next version starts, or
//!   until its 廃止年月日.

use crate::error::{Error, ErrorKind, Problem, Severity};
use crate::raw::{self, RawRow};
use crate::rows::{ChangeKind, Code, Comment, Drug, Kind, MasterRow, Material, Procedure};
use crate::value::{self, format_date, RowCtx, OPEN_END};
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Whether a file is a full master or a delta.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 変更ファイル
    Delta,
    /// 全件ファイル
    Full,
}

/// Where a file comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// santei's bundled supplement (rows published in the 告示 before SSK's files; official rows win).
    Supplement,
    /// An official file: from the user's folder or the embedded default set.
    Official,
}

/// Provenance of one loaded file.
#[derive(Clone, Debug, Serialize)]
pub struct FileInfo {
    /// Path relative to the set's root (or `embedded:NAME`).
    pub path: String,
    /// File name (shared: results name it on every line without copying it).
    pub name: std::sync::Arc<str>,
    pub kind: Kind,
    pub role: Role,
    pub layer: Layer,
    /// Publication date from the name (`s_ALL20240531.zip` → 2024-05-31).
    pub published: NaiveDate,
    pub rows: usize,
    pub columns: usize,
    pub sha256: std::sync::Arc<str>,
    /// The CSV inside, when the file is a zip.
    pub member: Option<String>,
}

/// A file found in the folder that this set does not read, with the reason.
#[derive(Clone, Debug, Serialize)]
pub struct NotUsed {
    pub path: String,
    pub reason: String,
}

/// A row of a loaded file: index into [`MasterSet::files`] and 1-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RowRef {
    pub file: u16,
    pub line: u32,
}

/// One version of one code.
#[derive(Clone, Debug)]
pub struct Version<T> {
    /// The typed row.
    pub row: T,
    /// All fields as read (after applying sparse delta rows).
    pub raw: RawRow,
    /// First day this version applies (変更年月日).
    pub valid_from: NaiveDate,
    /// Last day (the day before the next version, or 廃止年月日; [`OPEN_END`] when open).
    pub valid_to: NaiveDate,
    /// The row that created this version.
    pub origin: RowRef,
    /// Later delta rows that corrected it in place or set its 廃止年月日.
    pub patches: Vec<RowRef>,
}

impl<T> Version<T> {
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.valid_from <= d && d <= self.valid_to
    }
}

/// All versions of every code of one kind.
#[derive(Debug)]
pub struct Table<T> {
    chains: FxHashMap<Code, Vec<Version<T>>>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            chains: FxHashMap::default(),
        }
    }
}

impl<T> Table<T> {
    /// The version of `code` valid on `date`: O(1) hash + O(log v) binary search.
    pub fn lookup(&self, code: Code, date: NaiveDate) -> Option<&Version<T>> {
        let chain = self.chains.get(&code)?;
        let i = chain.partition_point(|v| v.valid_from <= date);
        let v = chain.get(i.checked_sub(1)?)?;
        (date <= v.valid_to).then_some(v)
    }
    /// Every version of `code`, oldest first (empty when unknown).
    pub fn history(&self, code: Code) -> &[Version<T>] {
        self.chains.get(&code).map(|c| c.as_slice()).unwrap_or(&[])
    }
    pub fn codes(&self) -> impl Iterator<Item = Code> + '_ {
        self.chains.keys().copied()
    }
    pub fn len(&self) -> usize {
        self.chains.len()
    }
    pub fn is_empty(&self) -> bool {
        self.chains.is_empty()
    }
    pub fn version_count(&self) -> usize {
        self.chains.values().map(|c| c.len()).sum()
    }
    /// All chains (code order unspecified).
    pub fn iter(&self) -> impl Iterator<Item = (Code, &[Version<T>])> + '_ {
        self.chains.iter().map(|(c, v)| (*c, v.as_slice()))
    }
}

/// The loaded masters.
#[derive(Debug)]
pub struct MasterSet {
    /// What the set was loaded from (a folder, or `embedded default`).
    pub origin: String,
    pub files: Vec<FileInfo>,
    pub not_used: Vec<NotUsed>,
    /// Warnings found while loading (loading fails on errors).
    pub warnings: Vec<Problem>,
    /// Codes withdrawn by a 変更区分 1 (抹消) row, with the row.
    pub withdrawn: HashMap<Code, RowRef>,
    pub s: Table<Procedure>,
    pub y: Table<Drug>,
    pub t: Table<Material>,
    pub c: Table<Comment>,
    /// 医科電子点数表 (01 補助, 02 包括, 03-1…4 背反, 04 入院基本料, 05 算定回数), with the tables the
    /// set lacks listed in `tensuhyo.missing`.
    pub tensuhyo: crate::tensuhyo::Tensuhyo,
}

/// Any typed version, for code-generic callers (CLI, diff).
#[derive(Clone, Copy, Debug)]
pub enum AnyVersion<'a> {
    S(&'a Version<Procedure>),
    Y(&'a Version<Drug>),
    T(&'a Version<Material>),
    C(&'a Version<Comment>),
}

macro_rules! any_version_dispatch {
    ($self:ident, $v:ident => $e:expr) => {
        match $self {
            AnyVersion::S($v) => $e,
            AnyVersion::Y($v) => $e,
            AnyVersion::T($v) => $e,
            AnyVersion::C($v) => $e,
        }
    };
}

impl<'a> AnyVersion<'a> {
    pub fn kind(&self) -> Kind {
        match self {
            AnyVersion::S(_) => Kind::S,
            AnyVersion::Y(_) => Kind::Y,
            AnyVersion::T(_) => Kind::T,
            AnyVersion::C(_) => Kind::C,
        }
    }
    pub fn name(&self) -> &'a str {
        any_version_dispatch!(self, v => v.row.name())
    }
    pub fn raw(&self) -> &'a RawRow {
        any_version_dispatch!(self, v => &v.raw)
    }
    pub fn valid_from(&self) -> NaiveDate {
        any_version_dispatch!(self, v => v.valid_from)
    }
    pub fn valid_to(&self) -> NaiveDate {
        any_version_dispatch!(self, v => v.valid_to)
    }
    pub fn origin(&self) -> RowRef {
        any_version_dispatch!(self, v => v.origin)
    }
    pub fn patches(&self) -> &'a [RowRef] {
        any_version_dispatch!(self, v => &v.patches)
    }
}

impl MasterSet {
    /// The version of any code on a date, by the code's kind (first digit).
    pub fn lookup_any(&self, code: Code, date: NaiveDate) -> Option<AnyVersion<'_>> {
        match code.kind()? {
            Kind::S => self.s.lookup(code, date).map(AnyVersion::S),
            Kind::Y => self.y.lookup(code, date).map(AnyVersion::Y),
            Kind::T => self.t.lookup(code, date).map(AnyVersion::T),
            Kind::C => self.c.lookup(code, date).map(AnyVersion::C),
        }
    }
    /// Every version of any code.
    pub fn history_any(&self, code: Code) -> Vec<AnyVersion<'_>> {
        match code.kind() {
            Some(Kind::S) => self.s.history(code).iter().map(AnyVersion::S).collect(),
            Some(Kind::Y) => self.y.history(code).iter().map(AnyVersion::Y).collect(),
            Some(Kind::T) => self.t.history(code).iter().map(AnyVersion::T).collect(),
            Some(Kind::C) => self.c.history(code).iter().map(AnyVersion::C).collect(),
            None => Vec::new(),
        }
    }
    pub fn file(&self, r: RowRef) -> &FileInfo {
        &self.files[r.file as usize]
    }
    /// Whether any file of the supplement layer is loaded.
    pub fn supplement_files(&self) -> impl Iterator<Item = &FileInfo> {
        self.files.iter().filter(|f| f.layer == Layer::Supplement)
    }
    /// Full files and deltas of one kind.
    pub fn files_of(&self, kind: Kind) -> impl Iterator<Item = &FileInfo> {
        self.files.iter().filter(move |f| f.kind == kind)
    }
}

/// One input file before parsing.
pub struct Source {
    pub path: String,
    pub bytes: Vec<u8>,
    pub layer: Layer,
}

/// What a file name says about a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NameInfo {
    pub kind: Kind,
    /// `Some(Full)` when the name says ALL or the file is a zip; `None` = decide by content.
    pub role: Option<Role>,
    pub published: NaiveDate,
}

/// Classifies a file by its SSK name: `s_ALL20240531.zip`, `s_20240621.csv`, `t_20251128.csv`.
/// Files of other kinds (`b_`, `hb_`, `z_`, `ck_ALL_`, `k.csv`, 電子点数表, UKE) give `Err(reason)`.
pub(crate) fn classify_name(name: &str) -> Result<NameInfo, String> {
    let lower = name.to_ascii_lowercase();
    let (stem, ext) = lower.rsplit_once('.').ok_or_else(|| "no file extension".to_string())?;
    if !matches!(ext, "csv" | "zip" | "txt") {
        return Err(format!("not a master file (.{ext})"));
    }
    let mut parts = stem.splitn(2, '_');
    let prefix = parts.next().unwrap_or("");
    let rest = parts.next().ok_or_else(|| other_kind(prefix))?;
    let kind = match prefix {
        "s" | "y" | "t" | "c" => {
            Kind::from_letter(prefix.chars().next().unwrap_or(' ')).ok_or_else(|| other_kind(prefix))?
        }
        _ => return Err(other_kind(prefix)),
    };
    let (all, digits) = match rest.strip_prefix("all") {
        Some(d) => (true, d.trim_start_matches('_')),
        None => (false, rest),
    };
    let published = value::parse_date(digits)
        .filter(|d| *d != OPEN_END)
        .ok_or_else(|| format!("name does not end in a publication date yyyymmdd ({name})"))?;
    let role = if all || ext == "zip" { Some(Role::Full) } else { None };
    Ok(NameInfo { kind, role, published })
}

fn other_kind(prefix: &str) -> String {
    match prefix {
        "b" => "傷病名マスター (b): not read by this version".into(),
        "hb" => "傷病名 旧名称 (hb): not read by this version".into(),
        "z" => "修飾語マスター (z): not read by this version".into(),
        "ck" => "コメント関連テーブル (ck): not read by this version".into(),
        "k" => "病棟コード (k.csv): not read by this version".into(),
        _ => "not an SSK s/y/t/c master file name".into(),
    }
}

/// Finds every file under `dir` (recursively, sorted by path for determinism).
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd =
            std::fs::read_dir(&d).map_err(|e| Error::file(&d.display().to_string(), ErrorKind::Io(e.to_string())))?;
        for entry in rd {
            let entry = entry.map_err(|e| Error::file(&d.display().to_string(), ErrorKind::Io(e.to_string())))?;
            let p = entry.path();
            // Follow symbolic links (a set is often assembled from links to the published files).
            let ft = std::fs::metadata(&p)
                .map_err(|e| Error::file(&p.display().to_string(), ErrorKind::Io(e.to_string())))?
                .file_type();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A parsed file, before merging.
struct Parsed {
    info: FileInfo,
    rows: Vec<(u32, ChangeKind, Code, RawRow)>,
}

/// Options for loading.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    /// Collect every problem instead of stopping at the first error (validation).
    pub collect_all: bool,
}

/// The result of building a set when problems are collected.
pub struct Built {
    pub set: MasterSet,
    pub problems: Vec<Problem>,
}

fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

/// Parses one file of a known kind. Problems go to `sink` (which decides whether to stop).
fn parse_file(
    src: &Source,
    ni: &NameInfo,
    collect_all: bool,
    sink: &mut dyn FnMut(Problem) -> Result<(), Error>,
) -> Result<Parsed, Error> {
    let display = src.path.as_str();
    let fb = raw::open_bytes(display, &src.bytes)?;
    let kind = ni.kind;
    let cols = kind.columns();
    let mut rows = Vec::new();
    let mut columns = 0usize;
    let mut any_unchanged = false;
    let letter = kind.letter().to_ascii_uppercase();
    let mut seen: FxHashMap<(Code, u32), u32> = FxHashMap::default();
    let n = {
        let on_row = |r: Result<(u64, RawRow), Error>| -> Result<(), Error> {
            let (line, raw) = match r {
                Ok(x) => x,
                Err(e) => {
                    return sink(Problem {
                        severity: Severity::Error,
                        error: e,
                    })
                }
            };
            let ctx = RowCtx { file: display, line };
            columns = raw.len();
            let mut row_ok = true;
            // Field errors already reported for this row (the typed conversion below would
            // report the same bad field a second time).
            let mut field_errors: Vec<Error> = Vec::new();
            for (i, col) in cols.iter().enumerate().take(raw.len()) {
                if let Err(e) = value::check(ctx, col, raw.col(i + 1)) {
                    field_errors.push(e.clone());
                    sink(Problem {
                        severity: Severity::Error,
                        error: e,
                    })?;
                    row_ok = false;
                }
            }
            let ck = match ChangeKind::parse(raw.col(1)) {
                Some(ck) => ck,
                None => {
                    sink(Problem {
                        severity: Severity::Error,
                        error: ctx.bad(&cols[0], raw.col(1), "変更区分"),
                    })?;
                    return Ok(());
                }
            };
            if let ChangeKind::Other(_) = ck {
                sink(Problem {
                    severity: Severity::Warning,
                    error: ctx.err(
                        &cols[0],
                        ErrorKind::Other(format!("unknown 変更区分 `{}` (kept; treated as 変更)", raw.col(1))),
                    ),
                })?;
            }
            if raw.col(2) != letter.to_string() {
                sink(Problem {
                    severity: Severity::Error,
                    error: ctx.err(
                        &cols[1],
                        ErrorKind::KindLetter {
                            found: raw.col(2).to_string(),
                            expected: letter,
                        },
                    ),
                })?;
                return Ok(());
            }
            if let Err(e) = check_dates(kind, ctx, ck, &raw) {
                sink(Problem {
                    severity: Severity::Error,
                    error: e,
                })?;
                row_ok = false;
            }
            let code = match kind.key(ctx, &raw) {
                Ok(c) => c,
                Err(e) => {
                    sink(Problem {
                        severity: Severity::Error,
                        error: e,
                    })?;
                    return Ok(());
                }
            };
            if ck == ChangeKind::Unchanged {
                any_unchanged = true;
            }
            // Complete rows must type-check now, so that errors point at the file row.
            // (When loading, the typed conversion of each final version reports the same errors
            // at the row that made it; validation checks every row here.)
            if collect_all
                && (matches!(ck, ChangeKind::Unchanged | ChangeKind::New | ChangeKind::Withdrawn)
                    || ni.role == Some(Role::Full))
            {
                if let Err(e) = type_check(kind, ctx, &raw) {
                    if !field_errors.contains(&e) {
                        sink(Problem {
                            severity: Severity::Error,
                            error: e,
                        })?;
                    }
                    row_ok = false;
                }
            }
            let key = (code, raw.col(kind.valid_from_col()).parse::<u32>().unwrap_or(0));
            if let Some(first) = seen.insert(key, line as u32) {
                sink(Problem {
                    severity: Severity::Error,
                    error: ctx.err(
                        &cols[2],
                        ErrorKind::Other(format!("duplicate key {code} (same 変更年月日 as line {first})")),
                    ),
                })?;
                row_ok = false;
            }
            if row_ok {
                rows.push((line as u32, ck, code, raw));
            }
            Ok(())
        };
        raw::read_rows(display, &fb.csv, kind.allowed_columns(), on_row)?
    };
    let role = ni.role.unwrap_or(if any_unchanged { Role::Full } else { Role::Delta });
    let info = FileInfo {
        path: src.path.clone(),
        name: file_name(&src.path).into(),
        kind,
        role,
        layer: src.layer,
        published: ni.published,
        rows: n,
        columns,
        sha256: fb.sha256.into(),
        member: fb.member,
    };
    Ok(Parsed { info, rows })
}

/// 廃止年月日 must not be before 変更年月日 — except in a `9` (廃止) row, where the official files
/// put 変更年月日 on the day after 廃止年月日 (every such row of the staged files: 3,252 s, 153 c,
/// 5 t and 1 y delta rows, and the 9 rows of c_20250715 and t_ALL20240830; masters.md §8.1).
/// Rows with only one of the two dates (sparse 変更/廃止 rows) are not checked.
fn check_dates(kind: Kind, ctx: RowCtx<'_>, ck: ChangeKind, raw: &RawRow) -> Result<(), Error> {
    let (from_col, to_col) = (kind.valid_from_col(), kind.valid_to_col());
    let (Some(from), Some(to)) = (date_col(raw, from_col), date_col(raw, to_col)) else {
        return Ok(());
    };
    if to >= from || (ck == ChangeKind::Abolished && to.succ_opt() == Some(from)) {
        return Ok(());
    }
    Err(ctx.err(
        &kind.columns()[to_col - 1],
        ErrorKind::EndBeforeStart {
            from: raw.col(from_col).to_string(),
            to: raw.col(to_col).to_string(),
        },
    ))
}

fn type_check(kind: Kind, ctx: RowCtx<'_>, raw: &RawRow) -> Result<(), Error> {
    match kind {
        Kind::S => Procedure::from_raw(ctx, raw).map(|_| ()),
        Kind::Y => Drug::from_raw(ctx, raw).map(|_| ()),
        Kind::T => Material::from_raw(ctx, raw).map(|_| ()),
        Kind::C => Comment::from_raw(ctx, raw).map(|_| ()),
    }
}

/// A version while chains are being built.
struct Building {
    raw: RawRow,
    valid_from: NaiveDate,
    explicit_to: NaiveDate,
    origin: RowRef,
    patches: Vec<RowRef>,
}

fn date_col(raw: &RawRow, col: usize) -> Option<NaiveDate> {
    value::parse_date(raw.col(col))
}

/// Merges the parsed files of one kind into chains.
fn build_chains(
    kind: Kind,
    files: Vec<(u16, Parsed)>,
    withdrawn: &mut HashMap<Code, RowRef>,
    sink: &mut dyn FnMut(Problem) -> Result<(), Error>,
) -> Result<FxHashMap<Code, Vec<Building>>, Error> {
    let vf_col = kind.valid_from_col();
    let vt_col = kind.valid_to_col();
    let cols = kind.columns();
    let mut chains: FxHashMap<Code, Vec<Building>> = FxHashMap::default();
    let mut supplement_skipped = 0usize;
    let mut order: Vec<(u16, Parsed)> = files;
    order.sort_by(|(_, a), (_, b)| {
        (a.info.published, a.info.layer, a.info.role, &a.info.name).cmp(&(
            b.info.published,
            b.info.layer,
            b.info.role,
            &b.info.name,
        ))
    });
    for (fidx, p) in order {
        let Parsed { info, rows } = p;
        let display = info.path.as_str();
        let full = info.role == Role::Full;
        let mut present: FxHashSet<Code> = FxHashSet::default();
        present.reserve(if full { rows.len() } else { 0 });
        for (line, ck, code, raw) in rows {
            let (line, ck, code) = (&line, &ck, &code);
            let at = RowRef {
                file: fidx,
                line: *line,
            };
            let ctx = RowCtx {
                file: display,
                line: *line as u64,
            };
            if full {
                present.insert(*code);
            }
            match ck {
                ChangeKind::Withdrawn => {
                    chains.remove(code);
                    withdrawn.insert(*code, at);
                    continue;
                }
                ChangeKind::Unchanged | ChangeKind::New => {
                    start_version(&mut chains, *code, raw, vf_col, vt_col, at);
                }
                _ if full => {
                    // 5/9 rows in a full file are complete records.
                    start_version(&mut chains, *code, raw, vf_col, vt_col, at);
                }
                ChangeKind::Abolished => {
                    let Some(last) = chains.get_mut(code).and_then(|c| c.last_mut()) else {
                        if info.layer == Layer::Supplement {
                            // The user's set lacks this code: nothing for the supplement to change.
                            supplement_skipped += 1;
                        } else {
                            sink(Problem {
                                severity: Severity::Warning,
                                error: ctx.err(&cols[2], ErrorKind::Other(format!("廃止 row for code {code}, which no earlier file of this set holds; row not applied"))),
                            })?;
                        }
                        continue;
                    };
                    // Keep the version's own 変更年月日; take 廃止年月日 and any other filled field.
                    let mut patch_fields: Vec<&str> = raw.fields().collect();
                    if patch_fields.len() >= vf_col {
                        patch_fields[vf_col - 1] = "";
                    }
                    let patch = RawRow::from_fields(&patch_fields);
                    last.raw = last.raw.overlay(&patch);
                    if let Some(to) = date_col(&raw, vt_col) {
                        last.explicit_to = to;
                    }
                    last.patches.push(at);
                }
                _ => {
                    // 5 変更 (and unknown values): sparse overlay.
                    let Some(chain) = chains.get_mut(code).filter(|c| !c.is_empty()) else {
                        if info.layer == Layer::Supplement {
                            // The user's set lacks this code: nothing for the supplement to change.
                            supplement_skipped += 1;
                        } else {
                            sink(Problem {
                                severity: Severity::Warning,
                                error: ctx.err(&cols[2], ErrorKind::Other(format!("変更 row for code {code}, which no earlier file of this set holds; row not applied"))),
                            })?;
                        }
                        continue;
                    };
                    let last = chain.last_mut().expect("non-empty");
                    let merged = last.raw.overlay(&raw);
                    match date_col(&raw, vf_col) {
                        Some(vf) if vf != last.valid_from => {
                            let mut merged_fields: Vec<&str> = merged.fields().collect();
                            // A new version: its own 廃止年月日 unless the row sets one.
                            if raw.col(vt_col).is_empty() && merged_fields.len() >= vt_col {
                                merged_fields[vt_col - 1] = "99999999";
                            }
                            let merged = RawRow::from_fields(&merged_fields);
                            start_version(&mut chains, *code, merged, vf_col, vt_col, at);
                        }
                        _ => {
                            last.raw = merged;
                            if let Some(to) = date_col(&raw, vt_col) {
                                last.explicit_to = to;
                            }
                            last.patches.push(at);
                        }
                    }
                }
            }
        }
        if full && info.layer == Layer::Official {
            // Codes absent from a full file are not valid after its publication date.
            let published = info.published;
            for (code, chain) in chains.iter_mut() {
                if present.contains(code) {
                    continue;
                }
                while chain.last().is_some_and(|v| v.valid_from > published) {
                    chain.pop();
                }
                if let Some(last) = chain.last_mut() {
                    if last.explicit_to > published {
                        last.explicit_to = published;
                    }
                }
            }
            chains.retain(|_, c| !c.is_empty());
        }
    }
    if supplement_skipped > 0 {
        sink(Problem {
            severity: Severity::Warning,
            error: Error::file(
                &format!("supplement ({})", kind.letter()),
                ErrorKind::Other(format!(
                    "{supplement_skipped} supplement 変更/廃止 rows concern codes this set does not hold; not applied"
                )),
            ),
        })?;
    }
    Ok(chains)
}

fn start_version(
    chains: &mut FxHashMap<Code, Vec<Building>>,
    code: Code,
    raw: RawRow,
    vf_col: usize,
    vt_col: usize,
    at: RowRef,
) {
    let valid_from = date_col(&raw, vf_col).unwrap_or(NaiveDate::MIN);
    let explicit_to = date_col(&raw, vt_col).unwrap_or(OPEN_END);
    let chain = chains.entry(code).or_default();
    while chain.last().is_some_and(|v| v.valid_from >= valid_from) {
        chain.pop();
    }
    chain.push(Building {
        raw,
        valid_from,
        explicit_to,
        origin: at,
        patches: Vec::new(),
    });
}

fn finish<T: MasterRow>(
    chains: FxHashMap<Code, Vec<Building>>,
    files: &[FileInfo],
    sink: &mut dyn FnMut(Problem) -> Result<(), Error>,
) -> Result<Table<T>, Error> {
    let mut out: FxHashMap<Code, Vec<Version<T>>> = FxHashMap::default();
    out.reserve(chains.len());
    for (code, chain) in chains {
        let mut versions = Vec::with_capacity(chain.len());
        let n = chain.len();
        let starts: Vec<NaiveDate> = chain.iter().map(|b| b.valid_from).collect();
        for (i, b) in chain.into_iter().enumerate() {
            let mut valid_to = b.explicit_to;
            if i + 1 < n {
                let next = starts[i + 1].pred_opt().unwrap_or(NaiveDate::MIN);
                if next < valid_to {
                    valid_to = next;
                }
            }
            if valid_to < b.valid_from {
                continue; // never valid (closed before it started)
            }
            let at = b.patches.last().copied().unwrap_or(b.origin);
            let f = &files[at.file as usize];
            let ctx = RowCtx {
                file: &f.path,
                line: at.line as u64,
            };
            let row = match T::from_raw(ctx, &b.raw) {
                Ok(r) => r,
                Err(e) => {
                    sink(Problem {
                        severity: Severity::Error,
                        error: e,
                    })?;
                    continue;
                }
            };
            versions.push(Version {
                row,
                raw: b.raw,
                valid_from: b.valid_from,
                valid_to,
                origin: b.origin,
                patches: b.patches,
            });
        }
        if !versions.is_empty() {
            out.insert(code, versions);
        }
    }
    Ok(Table { chains: out })
}

/// Builds a set from sources. With `collect_all`, every problem is returned (at most
/// [`crate::error::MAX_ERRORS_PER_FILE`] errors per file, the rest counted in one
/// [`ErrorKind::MoreErrors`]) and nothing stops early; otherwise the first error is returned.
/// A set without a 医科診療行為マスター is only warned about here (tools load single files);
/// [`crate::load_dir`] and [`crate::validate_dir`] make it an error.
pub fn build(origin: &str, sources: Vec<Source>, not_used: Vec<NotUsed>, opts: LoadOptions) -> Result<Built, Error> {
    build_set(origin, sources, not_used, opts, false)
}

/// Whether `files` hold a usable 医科診療行為マスター: an official s full file (全件ファイル)
/// with at least one row. Deltas alone hold only the changed codes.
pub(crate) fn has_procedure_master(files: &[FileInfo]) -> bool {
    files
        .iter()
        .any(|f| f.kind == Kind::S && f.layer == Layer::Official && f.role == Role::Full && f.rows > 0)
}

/// [`build`]; with `require_s`, a set without a usable 医科診療行為マスター
/// ([`has_procedure_master`]) is an error ([`ErrorKind::NoProcedureMaster`]) instead of a warning.
pub(crate) fn build_set(
    origin: &str,
    sources: Vec<Source>,
    not_used: Vec<NotUsed>,
    opts: LoadOptions,
    require_s: bool,
) -> Result<Built, Error> {
    let mut log = crate::error::ProblemLog::default();
    let collect_all = opts.collect_all;
    let mut sink = |p: Problem| -> Result<(), Error> {
        if p.severity == Severity::Error && !collect_all {
            return Err(p.error);
        }
        log.push(p);
        Ok(())
    };
    let mut not_used = not_used;
    let mut parsed: Vec<Parsed> = Vec::new();
    // Skip byte-identical copies of one file (same sha256 and name).
    let mut seen_sha: HashMap<String, String> = HashMap::new();
    // 電子点数表 tables are read by their own reader.
    let (tensuhyo, t_problems) = crate::tensuhyo::load_tensuhyo(&sources, collect_all)?;
    for p in t_problems {
        sink(p)?;
    }
    for src in &sources {
        let name = file_name(&src.path);
        if crate::tensuhyo::classify_tensuhyo_file(&name).is_some() {
            continue;
        }
        let ni = match classify_name(&name) {
            Ok(ni) => ni,
            Err(reason) => {
                not_used.push(NotUsed {
                    path: src.path.clone(),
                    reason,
                });
                continue;
            }
        };
        match parse_file(src, &ni, collect_all, &mut sink) {
            Ok(p) => {
                if let Some(prev) = seen_sha.get(&*p.info.sha256) {
                    not_used.push(NotUsed {
                        path: src.path.clone(),
                        reason: format!("byte-identical to {prev}"),
                    });
                    continue;
                }
                seen_sha.insert(p.info.sha256.to_string(), p.info.path.clone());
                parsed.push(p);
            }
            Err(e) => {
                sink(Problem {
                    severity: Severity::Error,
                    error: e,
                })?;
            }
        }
    }
    let files: Vec<FileInfo> = parsed.iter().map(|p| p.info.clone()).collect();
    let mut withdrawn = HashMap::new();
    let mut by_kind: [Vec<(u16, Parsed)>; 4] = Default::default();
    for (i, p) in parsed.into_iter().enumerate() {
        let k = Kind::ALL.iter().position(|k| *k == p.info.kind).unwrap_or(0);
        by_kind[k].push((i as u16, p));
    }
    let [ps, py, pt, pc] = by_kind;
    let s = build_chains(Kind::S, ps, &mut withdrawn, &mut sink)?;
    let y = build_chains(Kind::Y, py, &mut withdrawn, &mut sink)?;
    let t = build_chains(Kind::T, pt, &mut withdrawn, &mut sink)?;
    let c = build_chains(Kind::C, pc, &mut withdrawn, &mut sink)?;
    let s = finish::<Procedure>(s, &files, &mut sink)?;
    let y = finish::<Drug>(y, &files, &mut sink)?;
    let t = finish::<Material>(t, &files, &mut sink)?;
    let c = finish::<Comment>(c, &files, &mut sink)?;
    if require_s && !has_procedure_master(&files) {
        sink(Problem {
            severity: Severity::Error,
            error: Error::file(origin, ErrorKind::NoProcedureMaster),
        })?;
    }
    for k in Kind::ALL {
        if k == Kind::S && require_s {
            continue; // an error above when missing
        }
        if !files.iter().any(|f| f.kind == k && f.layer == Layer::Official) {
            sink(Problem {
                severity: Severity::Warning,
                error: Error::file(
                    origin,
                    ErrorKind::Other(format!("no {} ({}) file in this set", k.name_ja(), k.letter())),
                ),
            })?;
        }
    }
    let warnings = log
        .problems()
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .cloned()
        .collect();
    let problems = log.finish();
    Ok(Built {
        set: MasterSet {
            origin: origin.to_string(),
            files,
            not_used,
            warnings,
            withdrawn,
            s,
            y,
            t,
            c,
            tensuhyo,
        },
        problems,
    })
}

/// Reads every file under `dir` into sources (relative display paths); nothing is parsed yet.
pub fn sources_from_dir(dir: &Path) -> Result<(Vec<Source>, Vec<NotUsed>), Error> {
    let found = sources_from_dir_collecting(dir)?;
    match found.refused.into_iter().next() {
        Some(e) => Err(e),
        None => Ok((found.sources, found.not_used)),
    }
}

/// The files of a folder, read: what [`sources_from_dir_collecting`] gives.
pub(crate) struct DirSources {
    pub sources: Vec<Source>,
    pub not_used: Vec<NotUsed>,
    /// Files refused for their size ([`ErrorKind::TooLarge`]).
    pub refused: Vec<Error>,
}

/// [`sources_from_dir`] that goes on past a file refused for its size
/// ([`ErrorKind::TooLarge`]): the refusals are kept in [`DirSources::refused`] (validation
/// reports each and checks the other files). Other read errors end it.
pub(crate) fn sources_from_dir_collecting(dir: &Path) -> Result<DirSources, Error> {
    let mut out = Vec::new();
    let mut not_used = Vec::new();
    let mut refused = Vec::new();
    for p in discover(dir)? {
        let rel = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
        let name = file_name(&rel);
        // Only files that can be masters or 電子点数表 tables are read at all.
        if crate::tensuhyo::classify_tensuhyo_file(&name).is_none() {
            if let Err(reason) = classify_name(&name) {
                not_used.push(NotUsed { path: rel, reason });
                continue;
            }
        }
        let bytes = match raw::read_file_capped(&p, &rel) {
            Ok(b) => b,
            Err(e) if matches!(*e.kind, ErrorKind::TooLarge { .. }) => {
                refused.push(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        out.push(Source {
            path: rel,
            bytes,
            layer: Layer::Official,
        });
    }
    Ok(DirSources {
        sources: out,
        not_used,
        refused,
    })
}

/// Describes a date as the files do, for messages.
pub fn describe_range(from: NaiveDate, to: NaiveDate) -> String {
    format!("{} … {}", format_date(from), format_date(to))
}
