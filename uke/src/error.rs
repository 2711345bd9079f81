//! Positioned errors for reading a UKE file.

use std::fmt;

/// Where a receipt (レセプト) sits in its file: used to tag errors and outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ReceiptRef {
    /// 1-based index of the receipt among the RE records of the file.
    pub order: usize,
    /// 1-based record (line) number of the receipt's RE record.
    pub record_number: u64,
}

/// An error found while reading a UKE file.
///
/// Every error names the record (1-based line number in the file) and, where it applies, the
/// 1-based field position as numbered in `spec/uke.md` (field 1 is the レコード識別情報). Errors
/// produced by [`crate::Receipts`] also name the receipt they belong to.
///
/// Display: `receipt 4 (RE at record 57): record 60, field 6 (点数): `12x` is not a valid integer (…)`.
#[derive(Debug)]
pub struct UkeError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    record: u64,
    field: Option<usize>,
    field_name: Option<&'static str>,
    receipt: Option<ReceiptRef>,
    kind: ErrorKind,
}

/// What went wrong (without the position; see [`UkeError`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The underlying reader failed.
    #[error("I/O error: {0}")]
    Io(#[source] std::io::Error),
    /// The bytes of a field are not Shift_JIS (cp932).
    #[error("bytes are not valid Shift_JIS (cp932) at byte {offset} of the record")]
    Encoding {
        /// 0-based byte offset of the first bad byte inside the record.
        offset: usize,
    },
    /// A record is longer than [`crate::MAX_RECORD_BYTES`] (bounded memory).
    #[error("record is longer than {limit} bytes")]
    RecordTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// An empty line where a record was expected.
    #[error("empty record (blank line)")]
    EmptyRecord,
    /// The レコード識別情報 is not a 医科 record type this reader knows.
    #[error("unknown record type `{kind}`")]
    UnknownRecordType {
        /// The first field as read.
        kind: String,
    },
    /// The record does not have the number of fields its type requires.
    #[error("{kind} record has {found} fields, expected {}{expected}", if *.exact { "" } else { "at least " })]
    FieldCount {
        /// Record type.
        kind: String,
        /// Required count.
        expected: usize,
        /// Count found.
        found: usize,
        /// Whether the count must match exactly (otherwise extra trailing fields are tolerated).
        exact: bool,
    },
    /// A date or month field is malformed or impossible (e.g. month 13).
    #[error("`{value}` is not a valid date ({reason})")]
    BadDate {
        /// The field text.
        value: String,
        /// Why.
        reason: String,
    },
    /// An integer field (点数, 回数, 日数 …) is malformed or out of range.
    #[error("`{value}` is not a valid integer ({reason})")]
    BadInteger {
        /// The field text.
        value: String,
        /// Why.
        reason: String,
    },
    /// Any other malformed field (codes, quantities).
    #[error("`{value}` is not valid ({reason})")]
    BadValue {
        /// The field text.
        value: String,
        /// Why.
        reason: String,
    },
    /// The file ends too early: no GO record, or the last record is cut (no CRLF).
    #[error("truncated file: {reason}")]
    Truncated {
        /// Why.
        reason: String,
    },
    /// Records are in an order the format does not allow (no IR first, data after GO …).
    #[error("bad record order: {reason}")]
    Structure {
        /// Why.
        reason: String,
    },
}

impl UkeError {
    pub(crate) fn new(record: u64, kind: ErrorKind) -> Self {
        UkeError(Box::new(Inner {
            record,
            field: None,
            field_name: None,
            receipt: None,
            kind,
        }))
    }

    pub(crate) fn at_field(record: u64, field: usize, name: &'static str, kind: ErrorKind) -> Self {
        let mut e = Self::new(record, kind);
        e.0.field = Some(field);
        if !name.is_empty() {
            e.0.field_name = Some(name);
        }
        e
    }

    pub(crate) fn with_receipt(mut self, receipt: ReceiptRef) -> Self {
        self.0.receipt = Some(receipt);
        self
    }

    /// 1-based record (line) number where the error was found. For a missing GO record this is
    /// the number the GO record would have had.
    pub fn record_number(&self) -> u64 {
        self.0.record
    }

    /// 1-based field position (field 1 = レコード識別情報), when the error is about one field.
    pub fn field(&self) -> Option<usize> {
        self.0.field
    }

    /// Japanese name of the field, when known (e.g. `点数`).
    pub fn field_name(&self) -> Option<&'static str> {
        self.0.field_name
    }

    /// The receipt the error belongs to, when it was reported through [`crate::Receipts`].
    pub fn receipt(&self) -> Option<ReceiptRef> {
        self.0.receipt
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }
}

impl fmt::Display for UkeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.0;
        if let Some(r) = i.receipt {
            write!(f, "receipt {} (RE at record {}): ", r.order, r.record_number)?;
        }
        write!(f, "record {}", i.record)?;
        if let Some(field) = i.field {
            write!(f, ", field {field}")?;
            if let Some(name) = i.field_name {
                write!(f, " ({name})")?;
            }
        }
        write!(f, ": {}", i.kind)
    }
}

impl std::error::Error for UkeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}
