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
            kind: Box::new(kind),
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
