//! Writing UKE records: typed records → fields ([`RecordBody::to_fields`]), fields →
//! Shift_JIS CSV lines with CRLF ([`encode_record`], [`UkeWriter`]).
//!
//! Rules (spec `uke.md` §1): fields in the order of the 記録条件仕様 (医科), comma separated, not
//! quoted, trailing empty fields kept; CRLF after every record, the last included; Shift_JIS
//! (cp932, encoded with `encoding_rs`). The end-of-file mark 0x1A is **not** written unless
//! asked ([`UkeWriter::eof_mark`]): `uke.md` could not confirm that the 仕様 requires it and the
//! staged sample has none.
//!
//! Every field is checked against its [`layout`](crate::layout) (mode, width in bytes, value
//! form). A value santei sets is **strict**: a character outside Shift_JIS, a character that
//! would read back as another one (`¥`, `‾`, `−`), a comma or line break, a character the mode
//! does not allow, or a value longer than the field is an error ([`WriteError`]) naming the
//! receipt, the record and the field — never a cut or replaced value. A value passed through
//! unchanged from a file that was read is **lenient**: mode and width findings come back as
//! notes (the value is kept as read; santei never cuts it), only what cannot be written at all
//! (not encodable, a separator) is an error.
//!
//! A record read from a file keeps its bytes ([`Record::raw`]); a field whose decoded text is
//! unchanged is written with its original bytes, so a record written back unchanged is
//! byte-identical even where two Shift_JIS codes decode to one character.

use std::fmt;
use std::io::{self, Write};

use encoding_rs::SHIFT_JIS;

use crate::date::DateStyle;
use crate::error::ReceiptRef;
use crate::layout::{field_spec, layout, FieldSpec, Kind, Mode};
use crate::receipt::Receipt;
use crate::record::{DayCounts, LineComment, Record, RecordBody};
use crate::{UkeDate, UkeMonth};

/// What is wrong with one field value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A character with no Shift_JIS (cp932) code.
    Unencodable {
        /// The character.
        ch: char,
    },
    /// A character whose Shift_JIS code reads back as another character (e.g. `¥` → `\`).
    NotExact {
        /// The character.
        ch: char,
        /// What it would read back as.
        reads_as: char,
    },
    /// A comma, CR or LF: the format has no quoting.
    Separator {
        /// The character.
        ch: char,
    },
    /// A character the field's mode does not allow (e.g. a full-width digit in a 数字 field).
    Mode {
        /// The field's mode.
        mode: Mode,
        /// The first character not allowed.
        ch: char,
    },
    /// An 英数又は漢字 field mixing 1-byte and 2-byte characters.
    Mixed,
    /// Longer than the field's maximum.
    TooLong {
        /// Shift_JIS bytes of the value.
        bytes: usize,
        /// The maximum.
        max: u16,
    },
    /// A number written with leading zeros (`0288`).
    LeadingZeros,
    /// Not a date / month / decimal of the form the field needs.
    Form {
        /// Why.
        reason: String,
    },
    /// The record has another number of fields than its layout.
    FieldCount {
        /// Fields in the record.
        found: usize,
        /// Fields in the 医科 layout.
        expected: usize,
    },
}

impl Problem {
    /// True when the value cannot be written at all, even as passed through.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Problem::Unencodable { .. } | Problem::NotExact { .. } | Problem::Separator { .. }
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unencodable { ch } => write!(f, "`{ch}` (U+{:04X}) has no Shift_JIS code", *ch as u32),
            Problem::NotExact { ch, reads_as } => write!(
                f,
                "`{ch}` (U+{:04X}) would be written as a code that reads back as `{reads_as}`",
                *ch as u32
            ),
            Problem::Separator { ch } => write!(f, "contains {:?}, which separates fields or records", ch),
            Problem::Mode { mode, ch } => write!(f, "`{ch}` is not allowed in a {} field", mode.name()),
            Problem::Mixed => write!(f, "mixes 1-byte and 2-byte characters (英数 or 漢字, not both)"),
            Problem::TooLong { bytes, max } => write!(f, "{bytes} bytes, the field allows {max}"),
            Problem::LeadingZeros => write!(f, "a number with leading zeros"),
            Problem::Form { reason } => write!(f, "{reason}"),
            Problem::FieldCount { found, expected } => {
                write!(f, "{found} fields, the 医科 layout has {expected}")
            }
        }
    }
}

/// A problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// Record type (`HO` …).
    pub record_kind: String,
    /// 1-based field position (field 1 = レコード識別情報).
    pub field: usize,
    /// The field's name in the 記録条件仕様 (empty beyond the layout).
    pub name: &'static str,
    /// The value.
    pub value: String,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Problem::FieldCount { .. } = self.problem {
            return write!(f, "{} record: {}", self.record_kind, self.problem);
        }
        write!(f, "{} field {}", self.record_kind, self.field)?;
        if !self.name.is_empty() {
            write!(f, " ({})", self.name)?;
        }
        let shown: String = self.value.chars().take(24).collect();
        let more = if self.value.chars().count() > 24 { "…" } else { "" };
        write!(f, " `{shown}{more}`: {}", self.problem)
    }
}

/// Where a record being written comes from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct At {
    /// The receipt (its order and the record number of its RE in the source, or in the
    /// output for a receipt built in memory).
    pub receipt: Option<ReceiptRef>,
    /// Record number of the source record (0 for a record built in memory).
    pub source_record: u64,
}

/// A record that cannot be written.
#[derive(Debug)]
pub struct WriteError {
    /// Where.
    pub at: At,
    /// Record number in the output (1-based line), when the error was found while writing.
    pub output_record: u64,
    /// What.
    pub kind: WriteErrorKind,
}

/// What went wrong while writing.
#[derive(Debug)]
pub enum WriteErrorKind {
    /// The output failed.
    Io(io::Error),
    /// A field cannot be written.
    Field(Box<FieldIssue>),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = self.at.receipt {
            write!(f, "receipt {} (RE at record {}): ", r.order, r.record_number)?;
        }
        if self.at.source_record > 0 {
            write!(f, "record {}: ", self.at.source_record)?;
        }
        match &self.kind {
            WriteErrorKind::Io(e) => write!(f, "write error: {e}"),
            WriteErrorKind::Field(i) => write!(f, "{i}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            WriteErrorKind::Io(e) => Some(e),
            WriteErrorKind::Field(_) => None,
        }
    }
}

/// A finding on a passed-through value that is kept as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteNote {
    /// Where.
    pub at: At,
    /// The field.
    pub issue: FieldIssue,
}

impl fmt::Display for WriteNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = self.at.receipt {
            write!(f, "receipt {} (RE at record {}): ", r.order, r.record_number)?;
        }
        if self.at.source_record > 0 {
            write!(f, "record {}: ", self.at.source_record)?;
        }
        write!(f, "{} (kept as read)", self.issue)
    }
}

/// Which fields of a record are checked strictly (set by santei) and which leniently (passed
/// through as read). Fields beyond 64 are always lenient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strict(u64);

impl Strict {
    /// Every field strict: a record built by santei.
    pub const ALL: Strict = Strict(u64::MAX);
    /// Every field lenient: a record passed through as read.
    pub const NONE: Strict = Strict(0);

    /// Lenient except the given 1-based fields (the ones santei set).
    pub fn fields(fields: &[usize]) -> Strict {
        Strict(
            fields
                .iter()
                .filter(|&&i| (1..=64).contains(&i))
                .fold(0, |m, &i| m | (1u64 << (i - 1))),
        )
    }

    /// Adds fields.
    pub fn with(self, other: Strict) -> Strict {
        Strict(self.0 | other.0)
    }

    /// Whether field `i` (1-based) is strict.
    pub fn is_strict(self, i: usize) -> bool {
        (1..=64).contains(&i) && self.0 & (1u64 << (i - 1)) != 0
    }
}

/// Encodes a text as Shift_JIS exactly: errors name the first character that has no code or
/// that would read back as another character.
pub fn encode_exact(s: &str) -> Result<Vec<u8>, Problem> {
    if s.is_ascii() {
        return Ok(s.as_bytes().to_vec());
    }
    let (bytes, _, had_errors) = SHIFT_JIS.encode(s);
    if had_errors {
        for ch in s.chars() {
            let mut b = [0u8; 4];
            let (_, _, bad) = SHIFT_JIS.encode(ch.encode_utf8(&mut b));
            if bad {
                return Err(Problem::Unencodable { ch });
            }
        }
    }
    let (back, _) = SHIFT_JIS.decode_without_bom_handling(&bytes);
    if back != s {
        for (a, b) in s.chars().zip(back.chars()) {
            if a != b {
                return Err(Problem::NotExact { ch: a, reads_as: b });
            }
        }
    }
    Ok(bytes.into_owned())
}

/// Bytes of one character in Shift_JIS (1 or 2), 0 when it has none.
fn sjis_len(ch: char) -> usize {
    if ch.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&ch) {
        1
    } else {
        let mut b = [0u8; 4];
        let (bytes, _, bad) = SHIFT_JIS.encode(ch.encode_utf8(&mut b));
        if bad {
            0
        } else {
            bytes.len()
        }
    }
}

/// Checks a value against a field spec (mode, width, form), given its encoded length.
/// Returns the first problem.
pub fn check_value(spec: &FieldSpec, value: &str, encoded_len: usize) -> Option<Problem> {
    if value.is_empty() {
        return None;
    }
    match spec.mode {
        Mode::Numeric => {
            let dot_ok = spec.kind == Kind::Decimal;
            if let Some(ch) = value.chars().find(|c| !(c.is_ascii_digit() || (dot_ok && *c == '.'))) {
                return Some(Problem::Mode { mode: spec.mode, ch });
            }
        }
        Mode::Alnum => {
            if let Some(ch) = value.chars().find(|c| !(' '..='~').contains(c)) {
                return Some(Problem::Mode { mode: spec.mode, ch });
            }
        }
        Mode::Kanji => {
            if let Some(ch) = value.chars().find(|c| sjis_len(*c) != 2) {
                return Some(Problem::Mode { mode: spec.mode, ch });
            }
        }
        Mode::Either => {
            let mut lens = value.chars().map(sjis_len);
            let first = lens.next().unwrap_or(1);
            if lens.any(|l| l != first) {
                return Some(Problem::Mixed);
            }
        }
    }
    if let Some(max) = spec.max {
        if encoded_len > usize::from(max) {
            return Some(Problem::TooLong {
                bytes: encoded_len,
                max,
            });
        }
    }
    match spec.kind {
        Kind::Value if value.len() > 1 && value.starts_with('0') => Some(Problem::LeadingZeros),
        Kind::Decimal => {
            let mut parts = value.splitn(2, '.');
            let ok = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            let int = parts.next();
            let frac = parts.next();
            if ok(int) && (frac.is_none() || ok(frac)) {
                None
            } else {
                Some(Problem::Form {
                    reason: "not a decimal number (digits, at most one decimal point)".into(),
                })
            }
        }
        Kind::Date => UkeDate::parse(value).err().map(|reason| Problem::Form { reason }),
        Kind::Month => UkeMonth::parse(value).err().map(|reason| Problem::Form { reason }),
        _ => None,
    }
}

/// Encodes one record (its fields, comma separated, **without** the line end) into `out`.
///
/// `raw` = the record's bytes as read: a field whose text equals its decoded original is
/// written with the original bytes. `strict` says which fields santei set (module docs).
/// Returns the notes on lenient fields; on an error nothing is appended to `out`.
pub fn encode_record(
    fields: &[String],
    raw: Option<&[u8]>,
    strict: Strict,
    out: &mut Vec<u8>,
) -> Result<Vec<FieldIssue>, FieldIssue> {
    let kind = fields.first().map(String::as_str).unwrap_or("");
    let raw_fields: Option<Vec<&[u8]>> = raw
        .map(|r| r.split(|&b| b == b',').collect::<Vec<_>>())
        .filter(|v| v.len() == fields.len());
    let start = out.len();
    let mut notes = Vec::new();
    let issue = |i: usize, spec: Option<&FieldSpec>, value: &str, problem: Problem| FieldIssue {
        record_kind: kind.to_owned(),
        field: i,
        name: spec.map(|s| s.name).unwrap_or(""),
        value: value.to_owned(),
        problem,
    };
    if let Some(layout) = layout(kind) {
        let (found, expected) = (fields.len(), layout.len());
        if found != expected {
            let p = issue(0, None, "", Problem::FieldCount { found, expected });
            // Fewer fields than the layout cannot be read back; more are kept when passed
            // through (a newer 仕様 may append fields, spec §6).
            if found < expected || strict.0 == u64::MAX {
                return Err(p);
            }
            notes.push(p);
        }
    }
    for (k, value) in fields.iter().enumerate() {
        let i = k + 1;
        if k > 0 {
            out.push(b',');
        }
        let spec = field_spec(kind, i);
        if let Some(ch) = value.chars().find(|c| matches!(c, ',' | '\r' | '\n')) {
            out.truncate(start);
            return Err(issue(i, spec, value, Problem::Separator { ch }));
        }
        let original = raw_fields.as_ref().and_then(|v| v.get(k)).copied().filter(|b| {
            if b.is_ascii() {
                *b == value.as_bytes()
            } else {
                SHIFT_JIS.decode_without_bom_handling(b).0 == value.as_str()
            }
        });
        let len = match original {
            Some(b) => {
                out.extend_from_slice(b);
                b.len()
            }
            None => match encode_exact(value) {
                Ok(b) => {
                    out.extend_from_slice(&b);
                    b.len()
                }
                Err(p) => {
                    out.truncate(start);
                    return Err(issue(i, spec, value, p));
                }
            },
        };
        if let Some(p) = spec.and_then(|s| check_value(s, value, len)) {
            if strict.is_strict(i) {
                out.truncate(start);
                return Err(issue(i, spec, value, p));
            }
            notes.push(issue(i, spec, value, p));
        }
    }
    Ok(notes)
}

/// Writes UKE records, one line each (CRLF), to any byte sink.
///
/// Each record is encoded completely before any of it is written, so a record that fails
/// leaves nothing behind in the output. Write to a temporary file and rename it at the end
/// to never leave a partial file (the CLI's `Output` does).
pub struct UkeWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    written: u64,
    eof_mark: bool,
    notes: Vec<WriteNote>,
}

impl<W: Write> UkeWriter<W> {
    /// A writer with no end-of-file mark.
    pub fn new(out: W) -> Self {
        UkeWriter {
            out,
            buf: Vec::with_capacity(512),
            written: 0,
            eof_mark: false,
            notes: Vec::new(),
        }
    }

    /// Whether [`UkeWriter::finish`] appends the end-of-file mark 0x1A after the last CRLF.
    pub fn eof_mark(mut self, on: bool) -> Self {
        self.eof_mark = on;
        self
    }

    /// Sets whether [`UkeWriter::finish`] appends the end-of-file mark.
    pub fn set_eof_mark(&mut self, on: bool) {
        self.eof_mark = on;
    }

    /// Records written so far.
    pub fn records_written(&self) -> u64 {
        self.written
    }

    /// The notes on lenient (passed-through) fields so far.
    pub fn notes(&self) -> &[WriteNote] {
        &self.notes
    }

    /// Takes the notes collected so far.
    pub fn take_notes(&mut self) -> Vec<WriteNote> {
        std::mem::take(&mut self.notes)
    }

    /// Writes one record given by its fields (see [`encode_record`]).
    pub fn write_fields(
        &mut self,
        fields: &[String],
        raw: Option<&[u8]>,
        strict: Strict,
        at: At,
    ) -> Result<(), WriteError> {
        self.buf.clear();
        let notes = encode_record(fields, raw, strict, &mut self.buf).map_err(|i| WriteError {
            at,
            output_record: self.written + 1,
            kind: WriteErrorKind::Field(Box::new(i)),
        })?;
        self.buf.extend_from_slice(b"\r\n");
        self.out.write_all(&self.buf).map_err(|e| WriteError {
            at,
            output_record: self.written + 1,
            kind: WriteErrorKind::Io(e),
        })?;
        self.written += 1;
        self.notes
            .extend(notes.into_iter().map(|issue| WriteNote { at, issue }));
        Ok(())
    }

    /// Writes a record as read (its fields and bytes), every field lenient.
    pub fn write_record(&mut self, rec: &Record, receipt: Option<ReceiptRef>) -> Result<(), WriteError> {
        let at = At {
            receipt,
            source_record: rec.number,
        };
        self.write_fields(&rec.fields, rec.raw.as_deref(), Strict::NONE, at)
    }

    /// Writes a receipt as read: its RE record and every line after it.
    pub fn write_receipt(&mut self, r: &Receipt) -> Result<(), WriteError> {
        let reference = Some(r.reference());
        let at = At {
            receipt: reference,
            source_record: r.record_number,
        };
        self.write_fields(&r.re_fields, r.re_raw.as_deref(), Strict::NONE, at)?;
        for rec in &r.lines {
            self.write_record(rec, reference)?;
        }
        Ok(())
    }

    /// Writes a typed record built in memory (every field strict), dates in `style`.
    pub fn write_body(&mut self, body: &RecordBody, style: DateStyle, at: At) -> Result<(), WriteError> {
        let fields = body.to_fields(style).map_err(|(field, reason)| WriteError {
            at,
            output_record: self.written + 1,
            kind: WriteErrorKind::Field(Box::new(FieldIssue {
                record_kind: body.kind().to_owned(),
                field,
                name: field_spec(body.kind(), field).map(|s| s.name).unwrap_or(""),
                value: String::new(),
                problem: Problem::Form { reason },
            })),
        })?;
        self.write_fields(&fields, None, Strict::ALL, at)
    }

    /// Appends the end-of-file mark if asked, flushes, and returns the sink.
    pub fn finish(mut self) -> Result<W, WriteError> {
        let io_err = |e, n| WriteError {
            at: At::default(),
            output_record: n,
            kind: WriteErrorKind::Io(e),
        };
        if self.eof_mark {
            self.out.write_all(&[0x1A]).map_err(|e| io_err(e, self.written))?;
        }
        self.out.flush().map_err(|e| io_err(e, self.written))?;
        Ok(self.out)
    }
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn days_fields(d: &DayCounts) -> impl Iterator<Item = String> + '_ {
    d.0.iter().map(|&c| if c == 0 { String::new() } else { c.to_string() })
}

fn comment_fields(c: &[LineComment]) -> Vec<String> {
    let mut v = Vec::with_capacity(6);
    for k in 0..3 {
        match c.get(k) {
            Some(x) => {
                v.push(x.code.clone());
                v.push(x.text.clone());
            }
            None => {
                v.push(String::new());
                v.push(String::new());
            }
        }
    }
    v
}

impl RecordBody {
    /// The レコード識別情報 of this body (`Other` gives its kind).
    pub fn kind(&self) -> &str {
        match self {
            RecordBody::Ir(_) => "IR",
            RecordBody::Re(_) => "RE",
            RecordBody::Ho(_) => "HO",
            RecordBody::Ko(_) => "KO",
            RecordBody::Kh(_) => "KH",
            RecordBody::Sn(_) => "SN",
            RecordBody::Jd(_) => "JD",
            RecordBody::Mf(_) => "MF",
            RecordBody::Sy(_) => "SY",
            RecordBody::Si(_) => "SI",
            RecordBody::Iy(_) => "IY",
            RecordBody::To(_) => "TO",
            RecordBody::Co(_) => "CO",
            RecordBody::Sj(_) => "SJ",
            RecordBody::Go(_) => "GO",
            RecordBody::Other { kind } => kind,
        }
    }

    /// The record's fields in the order of the 記録条件仕様 (field 1 = レコード識別情報), every
    /// field present (empty = not recorded), dates and months in `style`. `Other` records have
    /// no typed content: only their kind comes back (write them from [`Record::fields`]).
    /// Errors name the field (1-based) of a date that has no form in `style`.
    pub fn to_fields(&self, style: DateStyle) -> Result<Vec<String>, (usize, String)> {
        let s = |x: &str| x.to_owned();
        let e = String::new;
        let date = |i: usize, d: &UkeDate| d.to_uke(style).map_err(|r| (i, r));
        let month = |i: usize, m: &UkeMonth| m.to_uke(style).map_err(|r| (i, r));
        Ok(match self {
            RecordBody::Ir(x) => vec![
                s("IR"),
                s(&x.payer_org),
                s(&x.prefecture),
                s(&x.fee_table),
                s(&x.facility_code),
                e(),
                s(&x.facility_name),
                month(8, &x.claim_month)?,
                s(&x.volume),
                s(&x.phone),
            ],
            RecordBody::Re(x) => {
                let mut v = vec![
                    s("RE"),
                    x.receipt_no.to_string(),
                    s(&x.receipt_type),
                    month(4, &x.service_month)?,
                    s(&x.name),
                    s(&x.sex),
                    date(7, &x.birth_date)?,
                    opt(&x.benefit_ratio),
                    match &x.admission_date {
                        Some(d) => date(9, d)?,
                        None => e(),
                    },
                    s(&x.ward_class),
                    s(&x.copay_class),
                    s(&x.special_notes),
                    opt(&x.beds),
                    s(&x.chart_no),
                    opt(&x.discount_unit_price),
                    e(),
                    e(),
                    e(),
                    s(&x.search_no),
                    s(&x.spec_version),
                    s(&x.claim_info),
                ];
                for k in 0..3 {
                    match x.departments.get(k) {
                        Some(d) => v.extend([
                            d.name.clone(),
                            d.body_part.clone(),
                            d.sex.clone(),
                            d.treatment.clone(),
                            d.disease.clone(),
                        ]),
                        None => v.extend(std::iter::repeat_n(String::new(), 5)),
                    }
                }
                v.push(s(&x.name_kana));
                v.push(s(&x.patient_state));
                v
            }
            RecordBody::Ho(x) => vec![
                s("HO"),
                s(&x.insurer_no),
                s(&x.card_symbol),
                s(&x.card_number),
                opt(&x.days),
                x.total_points.to_string(),
                e(),
                opt(&x.meal_count),
                opt(&x.meal_amount),
                s(&x.duty_reason),
                s(&x.certificate_no),
                opt(&x.patient_burden),
                s(&x.reduction_class),
                opt(&x.reduction_rate),
                opt(&x.reduction_amount),
            ],
            RecordBody::Ko(x) => vec![
                s("KO"),
                s(&x.payer_no),
                s(&x.recipient_no),
                s(&x.optional_benefit),
                opt(&x.days),
                x.total_points.to_string(),
                opt(&x.patient_burden),
                opt(&x.outpatient_copay),
                opt(&x.inpatient_copay),
                e(),
                opt(&x.meal_count),
                opt(&x.meal_amount),
            ],
            RecordBody::Kh(x) => vec![s("KH"), s(&x.text)],
            RecordBody::Sn(x) => vec![
                s("SN"),
                s(&x.payer_kind),
                s(&x.confirmation),
                s(&x.insurer_no),
                s(&x.card_symbol),
                s(&x.card_number),
                s(&x.branch_no),
                s(&x.recipient_no),
                e(),
            ],
            RecordBody::Jd(x) => {
                let mut v = vec![s("JD"), s(&x.payer_kind)];
                v.extend(x.days.iter().map(opt));
                v
            }
            RecordBody::Mf(x) => {
                let mut v = vec![s("MF"), s(&x.class)];
                v.extend(std::iter::repeat_n(String::new(), 31));
                v
            }
            RecordBody::Sy(x) => vec![
                s("SY"),
                s(&x.code),
                match &x.start_date {
                    Some(d) => date(3, d)?,
                    None => e(),
                },
                s(&x.outcome),
                s(&x.modifiers),
                s(&x.name),
                s(&x.main),
                s(&x.comment),
            ],
            RecordBody::Si(x) => {
                let mut v = vec![
                    s("SI"),
                    opt(&x.section),
                    s(&x.burden),
                    s(&x.code),
                    opt(&x.quantity),
                    opt(&x.points),
                    opt(&x.count),
                ];
                v.extend(comment_fields(&x.comments));
                v.extend(days_fields(&x.days));
                v
            }
            RecordBody::Iy(x) => {
                let mut v = vec![
                    s("IY"),
                    opt(&x.section),
                    s(&x.burden),
                    s(&x.code),
                    opt(&x.quantity),
                    opt(&x.points),
                    opt(&x.count),
                ];
                v.extend(comment_fields(&x.comments));
                v.extend(days_fields(&x.days));
                v
            }
            RecordBody::To(x) => {
                let mut v = vec![
                    s("TO"),
                    opt(&x.section),
                    s(&x.burden),
                    s(&x.code),
                    opt(&x.quantity),
                    opt(&x.points),
                    opt(&x.count),
                    s(&x.unit_code),
                    opt(&x.unit_price),
                    e(),
                    s(&x.product_name),
                ];
                v.extend(comment_fields(&x.comments));
                v.extend(days_fields(&x.days));
                v
            }
            RecordBody::Co(x) => vec![s("CO"), opt(&x.section), s(&x.burden), s(&x.code), s(&x.text)],
            RecordBody::Sj(x) => vec![s("SJ"), s(&x.class), s(&x.text)],
            RecordBody::Go(x) => vec![
                s("GO"),
                x.total_count.to_string(),
                x.total_points.to_string(),
                s(&x.volume),
            ],
            RecordBody::Other { kind } => vec![kind.clone()],
        })
    }
}

impl Record {
    /// A record built in memory from a typed body (fields from [`RecordBody::to_fields`]).
    pub fn from_body(number: u64, body: RecordBody, style: DateStyle) -> Result<Record, (usize, String)> {
        let fields = body.to_fields(style)?;
        Ok(Record {
            number,
            fields,
            body,
            raw: None,
            bare_lf: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes `fields`, padded with empty fields to the layout's length (unless longer).
    fn enc(fields: &[&str], strict: Strict) -> Result<(Vec<u8>, Vec<FieldIssue>), FieldIssue> {
        let mut f: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
        let n = layout(fields[0]).map(<[_]>::len).unwrap_or(0);
        if fields.len() > 4 {
            while f.len() < n {
                f.push(String::new());
            }
        }
        let mut out = Vec::new();
        encode_record(&f, None, strict, &mut out).map(|n| (out, n))
    }

    #[test]
    fn trailing_empty_fields_are_kept() {
        let (b, n) = enc(&["CO", "99", "2", "810000001", ""], Strict::ALL).unwrap();
        assert_eq!(b, b"CO,99,2,810000001,");
        assert!(n.is_empty());
    }

    #[test]
    fn strict_fields_refuse_what_lenient_ones_report() {
        // 点数 with a full-width digit: an error when santei set it …
        let e = enc(&["SI", "11", "1", "111000110", "", "２８８", "1"], Strict::ALL).unwrap_err();
        assert_eq!((e.field, e.name), (6, "点数"));
        assert!(matches!(e.problem, Problem::Mode { ch: '２', .. }), "{e}");
        // … a note when passed through.
        let (_, n) = enc(&["SI", "11", "1", "111000110", "", "２８８", "1"], Strict::NONE).unwrap();
        assert_eq!(n.len(), 1);
        // Too long: 傷病名称 K40 = 20 full-width characters.
        let long = "あ".repeat(21);
        let e = enc(
            &["SY", "0000999", "20210801", "1", "", &long, "", ""],
            Strict::fields(&[6]),
        )
        .unwrap_err();
        // Fewer fields than the layout: an error even when passed through; more: a note.
        let e2 = enc(&["CO", "99", "1", "810000001"], Strict::NONE).unwrap_err();
        assert_eq!(e2.to_string(), "CO record: 4 fields, the 医科 layout has 5");
        let (_, n) = enc(&["CO", "99", "1", "810000001", "", "x"], Strict::NONE).unwrap();
        assert_eq!(n.len(), 1);
        assert!(enc(&["CO", "99", "1", "810000001", "", "x"], Strict::ALL).is_err());
        assert_eq!(e.problem, Problem::TooLong { bytes: 42, max: 40 });
        assert_eq!(
            e.to_string(),
            format!("SY field 6 (傷病名称) `{long}`: 42 bytes, the field allows 40")
        );
        // Leading zeros in a value; codes keep theirs.
        assert_eq!(
            enc(&["GO", "0140", "86392", "99"], Strict::ALL).unwrap_err().problem,
            Problem::LeadingZeros
        );
        assert!(enc(
            &["IR", "1", "12", "1", "0000000", "", "", "202111", "00", ""],
            Strict::ALL
        )
        .is_ok());
    }

    #[test]
    fn unwritable_characters_are_errors_even_when_passed_through() {
        for (text, p) in [
            ("a,b", Problem::Separator { ch: ',' }),
            ("😀", Problem::Unencodable { ch: '😀' }),
            (
                "¥",
                Problem::NotExact {
                    ch: '¥',
                    reads_as: '\\',
                },
            ),
        ] {
            let e = enc(&["CO", "99", "1", "810000001", text], Strict::NONE).unwrap_err();
            assert_eq!((e.field, e.problem), (5, p));
        }
    }

    #[test]
    fn original_bytes_are_kept_for_unchanged_fields() {
        // 0x8790 (NEC row 13 ≒) and 0x81E0 (JIS ≒) decode to the same character; the encoder
        // writes 0x81E0, the original bytes are kept when the text is unchanged.
        let raw: Vec<u8> = [b"CO,99,1,810000001,".as_slice(), &[0x87, 0x90]].concat();
        let (text, _, _) = SHIFT_JIS.decode(&raw);
        let fields: Vec<String> = text.split(',').map(str::to_owned).collect();
        let mut out = Vec::new();
        encode_record(&fields, Some(&raw), Strict::NONE, &mut out).unwrap();
        assert_eq!(out, raw);
        let mut out = Vec::new();
        encode_record(&fields, None, Strict::NONE, &mut out).unwrap();
        assert_eq!(&out[out.len() - 2..], &[0x81, 0xE0]);
    }

    #[test]
    fn either_mode_and_dates() {
        assert_eq!(
            enc(
                &["HO", "01010016", "１a", "", "", "0", "", "", "", "", "", "", "", "", ""],
                Strict::fields(&[3])
            )
            .map(|_| ())
            .unwrap_err()
            .problem,
            Problem::Mixed
        );
        let e = enc(&["SY", "2500013", "20211301", "1", "", "", "", ""], Strict::ALL).unwrap_err();
        assert_eq!(e.field, 3);
        assert!(matches!(e.problem, Problem::Form { .. }));
    }
}
