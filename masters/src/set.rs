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
    /// Publication date from the name; `None` (a file recognised by its content) = the latest
    /// 変更年月日 of its rows.
    pub published: Option<NaiveDate>,
}

/// What a file name says: an s/y/t/c master, a known file of another kind, or nothing sure.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NameClass {
    /// An SSK s/y/t/c name with its publication date.
    Master(NameInfo),
    /// A known SSK file of another kind (b, hb, z, ck, k): not read.
    OtherKind(String),
    /// Not recognised (`kind`: the s_/y_/t_/c_ prefix of a name without a date): the content
    /// decides ([`sniff`]).
    Unknown { kind: Option<Kind>, reason: String },
}

/// Classifies a file by its SSK name: `s_ALL20240531.zip`, `s_20240621.csv`, `t_20251128.csv`.
/// Files of other kinds (`b_`, `hb_`, `z_`, `ck_ALL_`, `k.csv`) are [`NameClass::OtherKind`];
/// any other name (`medical.csv`, `s_x.csv`, 電子点数表, UKE) is [`NameClass::Unknown`].
pub(crate) fn classify_name(name: &str) -> NameClass {
    let unknown = |kind: Option<Kind>, reason: String| NameClass::Unknown { kind, reason };
    let lower = name.to_ascii_lowercase();
    let Some((stem, ext)) = lower.rsplit_once('.') else {
        return unknown(None, "no file extension".into());
    };
    let mut parts = stem.splitn(2, '_');
    let prefix = parts.next().unwrap_or("");
    let rest = parts.next();
    let kind = match prefix {
        "s" | "y" | "t" | "c" => Kind::from_letter(prefix.chars().next().unwrap_or(' ')),
        "b" | "hb" | "z" | "ck" | "k" if matches!(ext, "csv" | "zip" | "txt") => {
            return NameClass::OtherKind(other_kind(prefix))
        }
        _ => None,
    };
    if !matches!(ext, "csv" | "zip" | "txt") {
        return unknown(None, format!("not a master file name (.{ext})"));
    }
    let (Some(kind), Some(rest)) = (kind, rest) else {
        return unknown(kind, other_kind(prefix));
    };
    let (all, digits) = match rest.strip_prefix("all") {
        Some(d) => (true, d.trim_start_matches('_')),
        None => (false, rest),
    };
    let Some(published) = value::parse_date(digits).filter(|d| *d != OPEN_END) else {
        return unknown(
            Some(kind),
            format!(
                "name does not end in a publication date yyyymmdd ({})",
                crate::error::echo(name)
            ),
        );
    };
    let role = if all || ext == "zip" { Some(Role::Full) } else { None };
    NameClass::Master(NameInfo {
        kind,
        role,
        published: Some(published),
    })
}

/// What the first row of a file says it is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// Column 2, the column count and the code format are all of one master's.
    Master {
        kind: Kind,
        /// Line of the row looked at (1-based).
        line: u64,
        /// What was seen, for messages: `column 2 \`S\`, 150 columns, code 111000110`.
        evidence: String,
    },
    /// Not a master santei reads, with why.
    Not(String),
}

/// At most this many bytes of a file of an unrecognised name are read to recognise it.
pub(crate) const SNIFF_BYTES: u64 = 64 << 10;

/// Recognises a master by its first row (the CSV bytes, after unzipping): column 2 is the kind
/// letter (`S`, `Y`, `T`, `C`; masters.md §1), the column count one of the kind's layouts or
/// more (a future layout with extra trailing columns), and the code of the kind's format
/// (s/y/t: column 3, 9 digits starting 1 / 6 / 7; c: パターン and 一連番号 in columns 4–5, and
/// column 23 empty or a 9-digit code starting 8).
pub(crate) fn sniff(csv_bytes: &[u8]) -> Sniffed {
    let head = &csv_bytes[..csv_bytes.len().min(SNIFF_BYTES as usize)];
    // The first line that is not blank.
    let mut line = 0u64;
    let mut rest = head;
    let first = loop {
        line += 1;
        let (l, more) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None if head.len() < csv_bytes.len() => {
                return Sniffed::Not(format!("no line end in its first {} KiB", SNIFF_BYTES >> 10))
            }
            None => (rest, None),
        };
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        if !l.iter().all(|b| b.is_ascii_whitespace()) {
            break l;
        }
        match more {
            Some(m) => rest = m,
            None => return Sniffed::Not("no rows".into()),
        }
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(first);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => {}
        _ => return Sniffed::Not("its first line is not a CSV row".into()),
    }
    let n = rec.len();
    let fields: Vec<String> = rec
        .iter()
        .map(|f| raw::decode_field(f).map(|c| c.into_owned()).unwrap_or_default())
        .collect();
    let raw = RawRow::from_fields(&fields);
    if n < 3 {
        let s = if n == 1 { "" } else { "s" };
        return Sniffed::Not(format!("line {line} has {n} field{s}: not a master row"));
    }
    let letter = raw.col(2);
    let kind = match letter {
        "S" => Kind::S,
        "Y" => Kind::Y,
        "T" => Kind::T,
        "C" => Kind::C,
        _ => {
            let what = match letter {
                "B" => " (傷病名マスター)",
                "Z" => " (修飾語マスター)",
                _ => "",
            };
            return Sniffed::Not(format!(
                "line {line}: column 2 (マスター種別) is `{}`{what}, not S, Y, T or C",
                crate::error::echo(letter)
            ));
        }
    };
    let allowed = kind.allowed_columns();
    let widest = allowed.iter().copied().max().unwrap_or(0);
    if !allowed.contains(&n) && n <= widest {
        let layouts = allowed.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" or ");
        return Sniffed::Not(format!(
            "line {line}: column 2 is `{letter}` but the row has {n} columns, not the {layouts} of a {}",
            kind.name_ja()
        ));
    }
    let ctx = RowCtx { file: "", line };
    let code = kind.key(ctx, &raw).ok().filter(|c| c.kind() == Some(kind));
    let c_code_ok = kind != Kind::C || {
        let v = raw.col(23);
        v.is_empty() || Code::parse(v).is_some_and(|c| c.kind() == Some(Kind::C))
    };
    let Some(code) = code.filter(|_| c_code_ok) else {
        return Sniffed::Not(format!(
            "line {line}: column 2 is `{letter}` but the code is not a {} code",
            kind.name_ja()
        ));
    };
    Sniffed::Master {
        kind,
        line,
        evidence: format!("column 2 `{letter}`, {n} columns, code {code}"),
    }
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
    fb: raw::FileBytes<'_>,
    ni: &NameInfo,
    collect_all: bool,
    sink: &mut dyn FnMut(Problem) -> Result<(), Error>,
) -> Result<Parsed, Error> {
    let display = src.path.as_str();
    let kind = ni.kind;
    let widest = kind.allowed_columns().iter().copied().max().unwrap_or(0);
    // The latest 変更年月日 of the rows: the publication date of a file whose name has none.
    let mut latest: Option<NaiveDate> = None;
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
            if columns == 0 && raw.len() > widest {
                // A layout santei has not seen: its known columns are read, the rest kept.
                let extra = if raw.len() == widest + 1 {
                    format!("column {}", widest + 1)
                } else {
                    format!("columns {}–{}", widest + 1, raw.len())
                };
                sink(Problem {
                    severity: Severity::Warning,
                    error: Error::new(
                        display,
                        line,
                        u16::try_from(widest + 1).unwrap_or(u16::MAX),
                        None,
                        ErrorKind::ExtraColumns {
                            found: raw.len(),
                            known: widest,
                            kind_ja: kind.name_ja(),
                            extra,
                        },
                    ),
                })?;
            }
            columns = raw.len();
            if ni.published.is_none() {
                if let Some(d) = date_col(&raw, kind.valid_from_col()).filter(|d| *d != OPEN_END) {
                    latest = latest.max(Some(d));
                }
            }
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
        raw::read_rows_layout(display, &fb.csv, kind.allowed_columns(), true, on_row)?
    };
    let role = ni.role.unwrap_or(if any_unchanged { Role::Full } else { Role::Delta });
    let published = match ni.published.or(latest) {
        Some(d) => d,
        None => {
            return Err(Error::file(
                display,
                ErrorKind::Other("no publication date: the name has none and no row has a valid 変更年月日".into()),
            ))
        }
    };
    let info = FileInfo {
        path: src.path.clone(),
        name: file_name(&src.path).into(),
        kind,
        role,
        layer: src.layer,
        published,
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

/// How a file read as a master was recognised by its content (its name said nothing sure).
struct ByContentNote {
    name_reason: String,
    evidence: String,
    line: u64,
}

/// What [`classify_source`] decided for one file.
enum Classified<'a> {
    /// Read it as `ni` (`by_content`: recognised by its first row, not by its name).
    Read {
        fb: raw::FileBytes<'a>,
        ni: NameInfo,
        by_content: Option<ByContentNote>,
    },
    /// Not a master santei reads; `warn` when neither its name nor its content was recognised.
    NotUsed { reason: String, warn: Option<Problem> },
    /// Its name says one kind and its content another (or a named master that cannot be opened).
    Error(Error),
}

/// The warning for a file recognised neither by its name nor by its content.
fn not_recognised(path: &str, name_reason: String, content_reason: String) -> Classified<'static> {
    let kind = ErrorKind::NotRecognised {
        name_reason,
        content_reason,
    };
    let reason = kind.to_string();
    Classified::NotUsed {
        reason,
        warn: Some(Problem {
            severity: Severity::Warning,
            error: Error::file(path, kind),
        }),
    }
}

/// Decides by name and content what a source is: an s/y/t/c master of a kind (the name's, or the
/// content's when the name is not recognised), a known file of another kind, or nothing santei
/// reads. A name and a first row of two different kinds is an error at the row's column 2.
fn classify_source<'a>(src: &'a Source, name: &str) -> Classified<'a> {
    let display = src.path.as_str();
    let class = classify_name(name);
    let (named_kind, name_reason) = match class {
        NameClass::OtherKind(reason) => return Classified::NotUsed { reason, warn: None },
        NameClass::Master(ni) => {
            let fb = match raw::open_bytes(display, &src.bytes) {
                Ok(fb) => fb,
                Err(e) => return Classified::Error(e),
            };
            if let Sniffed::Master { kind, line, evidence } = sniff(&fb.csv) {
                if kind != ni.kind {
                    return Classified::Error(mismatch(display, line, ni.kind, kind, evidence));
                }
            }
            return Classified::Read {
                fb,
                ni,
                by_content: None,
            };
        }
        NameClass::Unknown { kind, reason } => (kind, reason),
    };
    let fb = match raw::open_bytes(display, &src.bytes) {
        Ok(fb) => fb,
        Err(e) => return not_recognised(display, name_reason, e.kind.to_string()),
    };
    match sniff(&fb.csv) {
        Sniffed::Not(why) => not_recognised(display, name_reason, why),
        Sniffed::Master { kind, line, evidence } => {
            if let Some(named) = named_kind.filter(|k| *k != kind) {
                return Classified::Error(mismatch(display, line, named, kind, evidence));
            }
            // A renamed zip whose member keeps its SSK name: the member's date and role.
            let member = fb.member.as_deref().map(|m| classify_name(&file_name(m)));
            let ni = match member {
                Some(NameClass::Master(ni)) if ni.kind == kind => ni,
                _ => NameInfo {
                    kind,
                    role: if fb.member.is_some() { Some(Role::Full) } else { None },
                    published: None,
                },
            };
            Classified::Read {
                fb,
                ni,
                by_content: Some(ByContentNote {
                    name_reason,
                    evidence,
                    line,
                }),
            }
        }
    }
}

fn mismatch(display: &str, line: u64, named: Kind, found: Kind, evidence: String) -> Error {
    Error::new(
        display,
        line,
        2,
        Some("マスター種別"),
        ErrorKind::KindMismatch {
            named: named.letter().to_ascii_uppercase(),
            named_ja: named.name_ja(),
            found: found.letter().to_ascii_uppercase(),
            found_ja: found.name_ja(),
            evidence,
        },
    )
}

/// Builds a set from sources. With `collect_all`, every problem is returned (at most
/// [`crate::error::MAX_ERRORS_PER_FILE`] errors per file, the rest counted in one
/// [`ErrorKind::MoreErrors`]) and nothing stops early; otherwise the first error is returned.
/// A set without a 医科診療行為マスター is only warned about here (tools load single files);
/// [`crate::load_dir`] and [`crate::validate_dir`] make it an error.
pub fn build(origin: &str, sources: Vec<Source>, not_used: Vec<NotUsed>, opts: LoadOptions) -> Result<Built, Error> {
    build_set(origin, sources, not_used, Vec::new(), opts, false)
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
    found_warnings: Vec<Problem>,
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
    for w in found_warnings {
        sink(w)?;
    }
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
        let (fb, ni, by_content) = match classify_source(src, &name) {
            Classified::Read { fb, ni, by_content } => (fb, ni, by_content),
            Classified::NotUsed { reason, warn } => {
                if let Some(w) = warn {
                    sink(w)?;
                }
                not_used.push(NotUsed {
                    path: src.path.clone(),
                    reason,
                });
                continue;
            }
            Classified::Error(e) => {
                sink(Problem {
                    severity: Severity::Error,
                    error: e,
                })?;
                continue;
            }
        };
        let result = parse_file(src, fb, &ni, collect_all, &mut sink);
        if let (Ok(p), Some(bc)) = (&result, by_content) {
            let published = match ni.published {
                Some(_) => format!("{} (from the name of its zip member)", format_date(p.info.published)),
                None => format!("{} (the latest 変更年月日 of its rows)", format_date(p.info.published)),
            };
            sink(Problem {
                severity: Severity::Warning,
                error: Error::new(
                    &src.path,
                    bc.line,
                    2,
                    Some("マスター種別"),
                    ErrorKind::ByContent {
                        name_reason: bc.name_reason,
                        kind: ni.kind.letter().to_ascii_uppercase(),
                        kind_ja: ni.kind.name_ja(),
                        evidence: bc.evidence,
                        published,
                    },
                ),
            })?;
        }
        match result {
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
    // (The not-recognised warnings are in `not_used` too; `load_dir` keeps them as warnings.)
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
    /// Files recognised neither by name nor by content ([`ErrorKind::NotRecognised`]; also in
    /// `not_used`): [`build_set`] keeps them as warnings.
    pub warnings: Vec<Problem>,
}

/// [`sources_from_dir`] that goes on past a file refused for its size
/// ([`ErrorKind::TooLarge`]): the refusals are kept in [`DirSources::refused`] (validation
/// reports each and checks the other files). Other read errors end it.
pub(crate) fn sources_from_dir_collecting(dir: &Path) -> Result<DirSources, Error> {
    let mut out = Vec::new();
    let mut not_used = Vec::new();
    let mut refused = Vec::new();
    let mut warnings = Vec::new();
    for p in discover(dir)? {
        let rel = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
        let name = file_name(&rel);
        // Files named as masters or 電子点数表 tables are read whole; a file of a known other kind
        // (b, hb, z, ck, k) is not read; any other file only as far as its first row, unless
        // that row (or the zip it is) can be a master.
        if crate::tensuhyo::classify_tensuhyo_file(&name).is_none() {
            match classify_name(&name) {
                NameClass::OtherKind(reason) => {
                    not_used.push(NotUsed { path: rel, reason });
                    continue;
                }
                NameClass::Master(_) => {}
                NameClass::Unknown { reason, .. } => {
                    let head = raw::read_prefix(&p, &rel, SNIFF_BYTES)?;
                    if !raw::is_zip(&head) {
                        if let Sniffed::Not(why) = sniff(&head) {
                            if let Classified::NotUsed { reason, warn } = not_recognised(&rel, reason, why) {
                                not_used.push(NotUsed { path: rel, reason });
                                warnings.extend(warn);
                            }
                            continue;
                        }
                    } else if std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0) > raw::MAX_FILE_BYTES {
                        let why = format!("a zip larger than {} MiB", raw::MAX_FILE_BYTES >> 20);
                        if let Classified::NotUsed { reason, warn } = not_recognised(&rel, reason, why) {
                            not_used.push(NotUsed { path: rel, reason });
                            warnings.extend(warn);
                        }
                        continue;
                    }
                }
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
        warnings,
    })
}

/// Describes a date as the files do, for messages.
pub fn describe_range(from: NaiveDate, to: NaiveDate) -> String {
    format!("{} … {}", format_date(from), format_date(to))
}
