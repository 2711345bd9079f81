//! Round trip: read a UKE file and write its records back ([`normalize`]).
//!
//! A conforming file comes out byte-identical (every record is written from the bytes it was
//! read from). What the reader accepts but the 仕様 does not is reported record by record,
//! and the output shows the conforming form where one exists without guessing:
//!
//! | found | written |
//! |---|---|
//! | a line ending with a bare LF | CRLF |
//! | full-width digits in a 数字 field (`２８８`) | half-width (`288`) |
//! | a number with leading zeros (`0288`; codes keep theirs) | `288` |
//! | full-width letters, digits or spaces in an 英数 field | half-width |
//! | half-width letters, digits, signs or spaces in a 漢字 field | full-width |
//! | a 和暦 date in a file claimed from 2020-05 on, or a 西暦 date before | the file's form (spec §2) |
//! | GO 総件数 / 総合計点数 that do not reconcile with the HO/KO records (spec §3 GO) | recomputed |
//!
//! Everything else outside the 仕様 is **kept as read** and reported (a value wider than its
//! field is never cut, a mixed 英数/漢字 name is not rewritten, extra trailing fields of a newer
//! 仕様 stay), as are the reconciliation issues of [`crate::check_receipt`] (a 合計点数 that
//! does not match its lines: which side is wrong cannot be known). A record that cannot be
//! read at all makes the run fatal: there is no conforming form to write.

use std::fmt;
use std::io::{BufRead, Write};

use crate::check::{check_receipt, Issue};
use crate::date::{DateStyle, UkeDate, UkeMonth};
use crate::error::{ReceiptRef, UkeError};
use crate::layout::{field_spec, FieldSpec, Kind, Mode};
use crate::reader::UkeReader;
use crate::record::{Record, RecordBody};
use crate::writer::{encode_exact, At, FieldIssue, Strict, UkeWriter, WriteError};

/// What was found in one record.
#[derive(Debug)]
#[non_exhaustive]
pub enum FindingKind {
    /// A field rewritten into its conforming form.
    Fixed {
        /// Record type.
        record_kind: String,
        /// 1-based field.
        field: usize,
        /// Field name.
        name: &'static str,
        /// As read.
        from: String,
        /// As written.
        to: String,
        /// Why.
        why: &'static str,
    },
    /// The line ended with a bare LF; written with CRLF.
    LineEnd,
    /// A value outside the 仕様, kept as read.
    Kept(FieldIssue),
    /// A reconciliation issue of the receipt (nothing changed).
    Content(Issue),
    /// GO 総件数 / 総合計点数 recomputed.
    Go {
        /// (総件数, 総合計点数) as read.
        from: (u64, u64),
        /// As written.
        to: (u64, u64),
    },
    /// A record that cannot be read (fatal: the output is incomplete).
    Unreadable(UkeError),
}

/// One finding, with the record (line) of the input it concerns.
#[derive(Debug)]
pub struct Finding {
    /// 1-based record number in the input.
    pub record: u64,
    /// The receipt, for records inside one.
    pub receipt: Option<ReceiptRef>,
    /// What.
    pub kind: FindingKind,
}

impl Finding {
    /// True when the output cannot be used (an unreadable record).
    pub fn is_fatal(&self) -> bool {
        matches!(self.kind, FindingKind::Unreadable(_))
    }

    /// True when the output differs from the input because of this finding.
    pub fn changes_output(&self) -> bool {
        matches!(
            self.kind,
            FindingKind::Fixed { .. } | FindingKind::LineEnd | FindingKind::Go { .. }
        )
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let FindingKind::Unreadable(e) = &self.kind {
            return write!(f, "unreadable: {e}");
        }
        write!(f, "record {}", self.record)?;
        if let Some(r) = self.receipt {
            write!(f, " (receipt {}, RE at record {})", r.order, r.record_number)?;
        }
        write!(f, ": ")?;
        match &self.kind {
            FindingKind::Fixed {
                record_kind,
                field,
                name,
                from,
                to,
                why,
            } => write!(
                f,
                "fixed {record_kind} field {field} ({name}): `{from}` → `{to}` ({why})"
            ),
            FindingKind::LineEnd => write!(f, "bare LF line end → CRLF"),
            FindingKind::Kept(i) => write!(f, "outside the 仕様, kept as read: {i}"),
            FindingKind::Content(i) => write!(f, "does not reconcile (not changed): {i}"),
            FindingKind::Go { from, to } => write!(
                f,
                "fixed GO 総件数/総合計点数 {}/{} → {}/{} (recomputed from the HO and KO records)",
                from.0, from.1, to.0, to.1
            ),
            FindingKind::Unreadable(_) => Ok(()),
        }
    }
}

/// The outcome of a round trip.
#[derive(Debug, Default)]
pub struct Normalized {
    /// Everything found, in record order.
    pub findings: Vec<Finding>,
    /// Records read (lines, the end-of-file mark not counted).
    pub records_read: u64,
    /// Records written.
    pub records_written: u64,
    /// Whether the input ended with 0x1A (kept in the output).
    pub eof_mark: bool,
}

impl Normalized {
    /// True when some record could not be read (the output is not a usable file).
    pub fn is_fatal(&self) -> bool {
        self.findings.iter().any(Finding::is_fatal)
    }

    /// True when the output is byte-identical to the input (nothing fixed, nothing fatal).
    pub fn is_identical(&self) -> bool {
        !self.is_fatal() && !self.findings.iter().any(Finding::changes_output)
    }

    /// True when nothing at all was found: a conforming file.
    pub fn is_conforming(&self) -> bool {
        self.findings.is_empty()
    }
}

fn fullwidth_digit(c: char) -> Option<char> {
    ('０'..='９')
        .contains(&c)
        .then(|| char::from(b'0' + (c as u32 - '０' as u32) as u8))
}

fn to_halfwidth(c: char) -> Option<char> {
    match c {
        '\u{3000}' => Some(' '),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        c if c.is_ascii() => Some(c),
        _ => None,
    }
}

fn to_fullwidth(c: char) -> char {
    match c {
        ' ' => '\u{3000}',
        '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// The conforming form of a value, when it differs and can be made without guessing.
fn canonical(spec: &FieldSpec, value: &str, style: DateStyle) -> Option<(String, &'static str)> {
    if value.is_empty() {
        return None;
    }
    let mut v = value.to_owned();
    let mut why = None;
    match spec.mode {
        Mode::Numeric if !v.is_ascii() => {
            let conv: Option<String> = v
                .chars()
                .map(|c| if c.is_ascii() { Some(c) } else { fullwidth_digit(c) })
                .collect();
            if let Some(c) = conv {
                v = c;
                why = Some("full-width digits in a 数字 field");
            }
        }
        Mode::Alnum if !v.is_ascii() => {
            if let Some(c) = v.chars().map(to_halfwidth).collect::<Option<String>>() {
                v = c;
                why = Some("full-width characters in an 英数 field");
            }
        }
        Mode::Kanji if v.chars().any(|c| (' '..='~').contains(&c)) => {
            let c: String = v.chars().map(to_fullwidth).collect();
            // Only when every character then has an exact 2-byte code.
            if encode_exact(&c).is_ok_and(|b| b.len() == 2 * c.chars().count()) {
                v = c;
                why = Some("half-width characters in a 漢字 field");
            }
        }
        _ => {}
    }
    match spec.kind {
        Kind::Value if v.len() > 1 && v.starts_with('0') && v.bytes().all(|b| b.is_ascii_digit()) => {
            let t = v.trim_start_matches('0');
            v = if t.is_empty() { "0".into() } else { t.into() };
            why = why.or(Some("leading zeros"));
        }
        Kind::Date if DateStyle::of_field(&v).is_some_and(|s| s != style) => {
            if let Some(d) = UkeDate::parse(&v).ok().and_then(|d| d.to_uke(style).ok()) {
                v = d;
                why = why.or(Some(date_why(style)));
            }
        }
        Kind::Month if DateStyle::of_field(&v).is_some_and(|s| s != style) => {
            if let Some(m) = UkeMonth::parse(&v).ok().and_then(|m| m.to_uke(style).ok()) {
                v = m;
                why = why.or(Some(date_why(style)));
            }
        }
        _ => {}
    }
    why.filter(|_| v != value).map(|w| (v, w))
}

fn date_why(style: DateStyle) -> &'static str {
    match style {
        DateStyle::Western => "a 和暦 date in a file claimed from 2020-05 on (西暦 from then, spec §2)",
        DateStyle::Era => "a 西暦 date in a file claimed before 2020-05 (和暦 then, spec §2)",
    }
}

struct Run<W: Write> {
    w: UkeWriter<W>,
    out: Normalized,
    style: DateStyle,
}

impl<W: Write> Run<W> {
    /// Writes one record in its conforming form, recording what was fixed and what was kept.
    fn record(&mut self, rec: &Record, receipt: Option<ReceiptRef>) -> Result<(), WriteError> {
        let kind = rec.kind().to_owned();
        let mut fields = rec.fields.clone();
        for (k, value) in fields.iter_mut().enumerate() {
            let Some(spec) = field_spec(&kind, k + 1) else {
                continue;
            };
            if let Some((to, why)) = canonical(spec, value, self.style) {
                self.out.findings.push(Finding {
                    record: rec.number,
                    receipt,
                    kind: FindingKind::Fixed {
                        record_kind: kind.clone(),
                        field: k + 1,
                        name: spec.name,
                        from: std::mem::replace(value, to.clone()),
                        to,
                        why,
                    },
                });
            }
        }
        if rec.bare_lf {
            self.out.findings.push(Finding {
                record: rec.number,
                receipt,
                kind: FindingKind::LineEnd,
            });
        }
        let at = At {
            receipt,
            source_record: rec.number,
        };
        self.w.write_fields(&fields, rec.raw.as_deref(), Strict::NONE, at)?;
        for n in self.w.take_notes() {
            self.out.findings.push(Finding {
                record: rec.number,
                receipt,
                kind: FindingKind::Kept(n.issue),
            });
        }
        Ok(())
    }
}

/// Reads `input` and writes its records to `out` in their conforming form (module docs).
/// Errors only when the output fails; every problem of the input is a [`Finding`].
pub fn normalize<R: BufRead, W: Write>(input: R, out: W) -> Result<(Normalized, W), WriteError> {
    let mut receipts = UkeReader::new(input).receipts();
    let mut run = Run {
        w: UkeWriter::new(out),
        out: Normalized::default(),
        style: DateStyle::Western,
    };
    let mut ir_written = false;
    let mut write_ir = |run: &mut Run<W>, ir: Option<&Record>| -> Result<(), WriteError> {
        if let (false, Some(ir)) = (ir_written, ir) {
            if let RecordBody::Ir(x) = &ir.body {
                run.style = DateStyle::for_claim_month(x.claim_month);
            }
            run.record(ir, None)?;
            ir_written = true;
        }
        Ok(())
    };
    while let Some(r) = receipts.next() {
        write_ir(&mut run, receipts.ir_record())?;
        match r {
            Ok(r) => {
                let reference = Some(r.reference());
                run.record(&r.re_record(), reference)?;
                for rec in &r.lines {
                    run.record(rec, reference)?;
                }
                for issue in check_receipt(&r) {
                    run.out.findings.push(Finding {
                        record: r.record_number,
                        receipt: reference,
                        kind: FindingKind::Content(issue),
                    });
                }
            }
            Err(e) => run.out.findings.push(Finding {
                record: e.record_number(),
                receipt: e.receipt(),
                kind: FindingKind::Unreadable(e),
            }),
        }
    }
    write_ir(&mut run, receipts.ir_record())?;
    if let (Some(go_rec), Some(RecordBody::Go(go))) = (
        receipts.go_record().cloned(),
        receipts.go_record().map(|r| r.body.clone()),
    ) {
        let tally = receipts.tally();
        let to = (tally.expected_count(), tally.expected_total());
        let from = (u64::from(go.total_count), go.total_points);
        let fatal = run.out.is_fatal();
        if from != to && !fatal {
            let mut fixed = go_rec.clone();
            fixed.fields[1] = to.0.to_string();
            fixed.fields[2] = to.1.to_string();
            run.out.findings.push(Finding {
                record: go_rec.number,
                receipt: None,
                kind: FindingKind::Go { from, to },
            });
            run.record(&fixed, None)?;
        } else {
            run.record(&go_rec, None)?;
        }
    }
    run.out.records_read = receipts.records_read();
    run.out.eof_mark = receipts.eof_mark_seen();
    run.w.set_eof_mark(run.out.eof_mark);
    run.out.records_written = run.w.records_written();
    let Run { w, mut out, .. } = run;
    out.findings.sort_by_key(|f| f.record);
    Ok((out, w.finish()?))
}
