//! Errors and validation problems, each with its place: `file:line:column`.

use std::fmt;

/// Where a problem was found. Lines count from 1 (CSV record = line, the files have no
/// embedded newlines); column 0 means "the whole line" or "the whole file".
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: u64,
    pub column: u16,
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum ErrorKind {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("not a readable zip archive: {0}")]
    Zip(String),
    #[error("the zip holds {0} files; an SSK master zip holds exactly one CSV")]
    ZipMembers(usize),
    #[error("the file is empty")]
    Empty,
    #[error("the file is UTF-8 encoded; SSK masters are Shift_JIS (CP932)")]
    Utf8Encoded,
    #[error("bytes that are not valid Shift_JIS (CP932)")]
    Encoding,
    #[error("malformed CSV: {0}")]
    Csv(String),
    #[error("{found} columns; this master has {expected}")]
    ColumnCount { found: usize, expected: String },
    #[error("{found} columns where the first row of this file has {first}")]
    UnequalColumns { found: usize, first: usize },
    #[error("`{value}` is not a valid {what}")]
    Value { value: String, what: &'static str },
    #[error("a required field is empty")]
    Missing,
    #[error("master kind `{found}` in a file named as kind `{expected}`")]
    KindLetter { found: String, expected: char },
    #[error("{0}")]
    Other(String),
    /// A file, or the CSV inside a zip, longer than [`crate::raw::MAX_FILE_BYTES`].
    #[error("{what} is larger than {} MiB ({limit} bytes), the most santei reads for one master file", .limit >> 20)]
    TooLarge { what: String, limit: u64 },
    /// A CR byte that is not part of a CRLF line end.
    #[error("a lone CR (0x0D) inside a row: SSK master rows end with CRLF and hold no other CR")]
    LoneCr,
    /// A negative amount in a 点数 / 金額 column.
    #[error("`{value}` is negative: 点数 and 金額 are never negative in the SSK masters (a subtracted item is 点数識別 8 with a positive value)")]
    Negative { value: String },
    /// A decimal with more places than the column has.
    #[error("`{value}` has {places} decimal places; this column has at most 2")]
    DecimalPlaces { value: String, places: usize },
    /// 廃止年月日 before 変更年月日 (outside the `9` 廃止 rows, whose 変更年月日 is the day after).
    #[error("廃止年月日 {to} is before 変更年月日 {from}: the row would never apply")]
    EndBeforeStart { from: String, to: String },
    /// The set has no official 医科診療行為マスター (s) full file with rows.
    #[error(
        "no usable 医科診療行為マスター (s) in this set: an official full file (s_ALLyyyymmdd.zip or .csv) \
         is needed, else every procedure (初診料, 再診料, 処方料, …) is unknown and claims would be priced wrong"
    )]
    NoProcedureMaster,
    /// Validation lists at most [`MAX_ERRORS_PER_FILE`] errors of one file; this counts the rest.
    #[error(
        "… and {count} more errors in this file (only the first {} are listed)",
        MAX_ERRORS_PER_FILE
    )]
    MoreErrors { count: u64 },
    /// The name says one master kind, the first row another (column 2, column count and code
    /// format all of the other kind).
    #[error("the name says {named_ja} ({named}) but the content is a {found_ja} ({found}: {evidence})")]
    KindMismatch {
        named: char,
        named_ja: &'static str,
        found: char,
        found_ja: &'static str,
        evidence: String,
    },
    /// A file whose name santei does not recognise, read as a master by its first row (warning).
    #[error("{name_reason}; read as a {kind_ja} ({kind}) by its content ({evidence}), publication date {published}")]
    ByContent {
        name_reason: String,
        kind: char,
        kind_ja: &'static str,
        evidence: String,
        /// `yyyymmdd` and where it came from.
        published: String,
    },
    /// A file recognised neither by its name nor by its content: not read (warning).
    #[error("not read: not a master by its name ({name_reason}) nor by its content ({content_reason})")]
    NotRecognised {
        name_reason: String,
        content_reason: String,
    },
    /// More columns than any layout of the master santei knows: the known columns are read,
    /// the extra ones kept in the raw row and not interpreted (warning).
    #[error("{found} columns where the {kind_ja} layouts santei knows have at most {known}: {extra} not interpreted (kept as read)")]
    ExtraColumns {
        found: usize,
        known: usize,
        kind_ja: &'static str,
        /// `column 151` / `columns 151–152`.
        extra: String,
    },
}

impl ErrorKind {
    /// The stable code of the problem (docs/diagnostics.md § Master-file problems).
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Io(_) => "MASTER_IO",
            ErrorKind::Zip(_) => "MASTER_ZIP",
            ErrorKind::ZipMembers(_) => "MASTER_ZIP_MEMBERS",
            ErrorKind::Empty => "MASTER_EMPTY",
            ErrorKind::Utf8Encoded => "MASTER_UTF8",
            ErrorKind::Encoding => "MASTER_ENCODING",
            ErrorKind::Csv(_) => "MASTER_CSV",
            ErrorKind::ColumnCount { .. } => "MASTER_COLUMN_COUNT",
            ErrorKind::UnequalColumns { .. } => "MASTER_UNEQUAL_COLUMNS",
            ErrorKind::Value { .. } => "MASTER_VALUE",
            ErrorKind::Missing => "MASTER_MISSING",
            ErrorKind::KindLetter { .. } => "MASTER_KIND_LETTER",
            ErrorKind::Other(_) => "MASTER_OTHER",
            ErrorKind::TooLarge { .. } => "MASTER_TOO_LARGE",
            ErrorKind::LoneCr => "MASTER_LONE_CR",
            ErrorKind::Negative { .. } => "MASTER_NEGATIVE",
            ErrorKind::DecimalPlaces { .. } => "MASTER_DECIMAL_PLACES",
            ErrorKind::EndBeforeStart { .. } => "MASTER_END_BEFORE_START",
            ErrorKind::NoProcedureMaster => "NO_PROCEDURE_MASTER",
            ErrorKind::MoreErrors { .. } => "MASTER_MORE_ERRORS",
            ErrorKind::KindMismatch { .. } => "MASTER_KIND_MISMATCH",
            ErrorKind::ByContent { .. } => "MASTER_BY_CONTENT",
            ErrorKind::NotRecognised { .. } => "MASTER_NOT_RECOGNISED",
            ErrorKind::ExtraColumns { .. } => "MASTER_EXTRA_COLUMNS",
        }
    }
}

/// At most this many errors of one file are listed by validation; the rest are counted in one
/// [`ErrorKind::MoreErrors`] problem placed after them.
pub const MAX_ERRORS_PER_FILE: usize = 100;

/// At most this many characters of an input value are quoted in a message.
pub const MAX_ECHO_CHARS: usize = 200;

/// An input value as quoted in a message: cut after [`MAX_ECHO_CHARS`] characters (on a
/// character boundary) with `…` appended.
pub fn echo(v: &str) -> String {
    match v.char_indices().nth(MAX_ECHO_CHARS) {
        None => v.to_string(),
        Some((end, _)) => format!("{}…", &v[..end]),
    }
}

impl ErrorKind {
    /// The kind with every quoted input value cut to [`MAX_ECHO_CHARS`] characters.
    fn bounded(self) -> Self {
        let cut = |v: String| {
            if v.len() > MAX_ECHO_CHARS {
                echo(&v)
            } else {
                v
            }
        };
        match self {
            ErrorKind::Value { value, what } => ErrorKind::Value {
                value: cut(value),
                what,
            },
            ErrorKind::KindLetter { found, expected } => ErrorKind::KindLetter {
                found: cut(found),
                expected,
            },
            ErrorKind::Negative { value } => ErrorKind::Negative { value: cut(value) },
            ErrorKind::DecimalPlaces { value, places } => ErrorKind::DecimalPlaces {
                value: cut(value),
                places,
            },
            k => k,
        }
    }
}

/// An error with its location and, where it concerns one field, the field's Japanese name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Error {
    pub loc: Location,
    pub field: Option<&'static str>,
    pub kind: Box<ErrorKind>,
}

impl Error {
    pub fn new(file: &str, line: u64, column: u16, field: Option<&'static str>, kind: ErrorKind) -> Self {
        Error {
            loc: Location {
                file: file.to_string(),
                line,
                column,
            },
            field,
            kind: Box::new(kind.bounded()),
        }
    }
    pub fn file(file: &str, kind: ErrorKind) -> Self {
        Self::new(file, 0, 0, None, kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.loc.file, self.loc.line, self.loc.column)?;
        if let Some(field) = self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for Error {}

/// Severity of a validation problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found by validation or by loading (loading keeps warnings, fails on errors).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub severity: Severity,
    #[serde(flatten)]
    pub error: Error,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.severity {
            Severity::Error => write!(f, "{}", self.error),
            Severity::Warning => {
                let e = &self.error;
                write!(f, "{}:{}:{}: warning: ", e.loc.file, e.loc.line, e.loc.column)?;
                if let Some(field) = e.field {
                    write!(f, "{field}: ")?;
                }
                write!(f, "{}", e.kind)
            }
        }
    }
}

/// Problems collected by validation, with at most [`MAX_ERRORS_PER_FILE`] errors kept per file
/// (the path in [`Location::file`]); further errors of that file are only counted, and
/// [`ProblemLog::finish`] puts one [`ErrorKind::MoreErrors`] with the count after the file's
/// last kept problem. An incoming `MoreErrors` (from a nested log) adds to the count.
#[derive(Default)]
pub(crate) struct ProblemLog {
    problems: Vec<Problem>,
    /// Per file: errors kept, errors dropped.
    per_file: rustc_hash::FxHashMap<String, (usize, u64)>,
}

impl ProblemLog {
    pub(crate) fn push(&mut self, p: Problem) {
        if p.severity == Severity::Error {
            let file = p.error.loc.file.as_str();
            let counts = match self.per_file.get_mut(file) {
                Some(c) => c,
                None => self.per_file.entry(file.to_string()).or_default(),
            };
            if let ErrorKind::MoreErrors { count } = *p.error.kind {
                counts.1 += count;
                return;
            }
            if counts.0 >= MAX_ERRORS_PER_FILE {
                counts.1 += 1;
                return;
            }
            counts.0 += 1;
        }
        self.problems.push(p);
    }

    /// Problems so far (without the `MoreErrors` summaries).
    pub(crate) fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The problems, each file's `MoreErrors` summary right after its last listed problem.
    pub(crate) fn finish(self) -> Vec<Problem> {
        let ProblemLog { problems, per_file } = self;
        let mut dropped: Vec<(&str, u64)> = per_file
            .iter()
            .filter(|(_, c)| c.1 > 0)
            .map(|(f, c)| (f.as_str(), c.1))
            .collect();
        if dropped.is_empty() {
            return problems;
        }
        dropped.sort();
        // Index of the last problem of each file that has a summary.
        let mut last: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
        for (i, p) in problems.iter().enumerate() {
            if let Some(&(f, _)) = dropped.iter().find(|(f, _)| *f == p.error.loc.file) {
                last.insert(f, i);
            }
        }
        let mut after: Vec<Vec<Problem>> = vec![Vec::new(); problems.len() + 1];
        for (file, count) in &dropped {
            let at = last.get(file).map(|i| i + 1).unwrap_or(problems.len());
            after[at].push(Problem {
                severity: Severity::Error,
                error: Error::file(file, ErrorKind::MoreErrors { count: *count }),
            });
        }
        let mut out = Vec::with_capacity(problems.len() + dropped.len());
        let mut after = after.into_iter();
        out.extend(after.next().into_iter().flatten());
        for (p, extra) in problems.into_iter().zip(after) {
            out.push(p);
            out.extend(extra);
        }
        out
    }
}
