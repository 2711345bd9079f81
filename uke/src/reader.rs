//! Streaming, record-at-a-time reader.

use std::io::{BufRead, Read};

use encoding_rs::{DecoderResult, SHIFT_JIS};

use crate::error::{ErrorKind, UkeError};
use crate::receipt::Receipts;
use crate::record::Record;

/// Longest record accepted, in bytes (bounds memory on corrupt input). The longest 医科 record
/// (SJ, 2,400 bytes of text; TO with K300 + comments) is far below this.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The MS-DOS end-of-file mark that may follow the last CRLF (spec §1).
const EOF_MARK: u8 = 0x1A;

/// One step of the reader, with enough context for [`Receipts`] to keep receipt boundaries
/// even when a line fails to parse.
pub(crate) struct Item {
    /// The record type read from the raw bytes (`RE`, `GO` …), when the line starts with two
    /// ASCII letters.
    pub kind: Option<[u8; 2]>,
    pub result: Result<Record, UkeError>,
    /// The error of the file's end (no GO record, empty file): it belongs to no receipt.
    pub file_end: bool,
}

/// Reads a UKE file one record (line) at a time.
///
/// Decodes Shift_JIS (cp932) with `encoding_rs`, splits the unquoted CSV, and parses each line
/// into a typed [`Record`]. Memory use is one line. The file-level layout is checked as it
/// goes: the first record must be IR, nothing may follow GO, and the file must end with a GO
/// record followed by CRLF (an optional final 0x1A byte is accepted). CRLF and bare LF line
/// ends are both accepted; a last line without a line end is reported as truncated.
///
/// Iterating yields one `Result<Record, UkeError>` per line; an error does not stop the
/// iteration unless it is fatal (I/O error, truncated line, over-long record), after which the
/// iterator ends.
pub struct UkeReader<R> {
    inner: R,
    buf: Vec<u8>,
    line: u64,
    seen_any: bool,
    seen_ir: bool,
    seen_go: bool,
    eof_mark: bool,
    done: bool,
}

impl<R: BufRead> UkeReader<R> {
    /// A reader over any buffered byte source.
    pub fn new(inner: R) -> Self {
        UkeReader {
            inner,
            buf: Vec::new(),
            line: 0,
            seen_any: false,
            seen_ir: false,
            seen_go: false,
            eof_mark: false,
            done: false,
        }
    }

    /// Number of the last record (line) read so far.
    pub fn records_read(&self) -> u64 {
        self.line
    }

    /// True when the file ended with the end-of-file mark 0x1A (known once it was read).
    pub fn eof_mark_seen(&self) -> bool {
        self.eof_mark
    }

    /// Groups the records into receipts; see [`Receipts`].
    pub fn receipts(self) -> Receipts<R> {
        Receipts::new(self)
    }

    fn fatal(&mut self, number: u64, kind: Option<[u8; 2]>, kind_err: ErrorKind) -> Option<Item> {
        self.done = true;
        Some(Item {
            kind,
            result: Err(UkeError::new(number, kind_err)),
            file_end: false,
        })
    }

    fn at_eof(&mut self) -> Option<Item> {
        self.done = true;
        if self.seen_go {
            return None;
        }
        let reason = if self.seen_any {
            "the file ends without a GO record".to_owned()
        } else {
            "the file is empty (no IR record)".to_owned()
        };
        Some(Item {
            kind: None,
            result: Err(UkeError::new(self.line + 1, ErrorKind::Truncated { reason })),
            file_end: true,
        })
    }

    /// Reads and parses the next line.
    pub(crate) fn next_item(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        self.buf.clear();
        let limit = (MAX_RECORD_BYTES + 2) as u64;
        let n = match self.inner.by_ref().take(limit).read_until(b'\n', &mut self.buf) {
            Ok(n) => n,
            Err(e) => return self.fatal(self.line + 1, None, ErrorKind::Io(e)),
        };
        if n == 0 {
            return self.at_eof();
        }
        let number = self.line + 1;
        let terminated = self.buf.last() == Some(&b'\n');
        let mut bare_lf = false;
        if terminated {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            } else {
                bare_lf = true;
            }
        }
        let kind = kind_hint(&self.buf);
        if self.buf.len() > MAX_RECORD_BYTES {
            return self.fatal(
                number,
                kind,
                ErrorKind::RecordTooLong {
                    limit: MAX_RECORD_BYTES,
                },
            );
        }
        if self.buf.first() == Some(&EOF_MARK) {
            // End-of-file mark: accepted only as the very last byte of the file (optionally
            // followed by a line end).
            return match self.inner.fill_buf() {
                Ok([]) if self.buf.len() == 1 => {
                    self.eof_mark = true;
                    self.at_eof()
                }
                Ok(_) => self.fatal(
                    number,
                    None,
                    ErrorKind::Structure {
                        reason: "data after the end-of-file mark 0x1A".into(),
                    },
                ),
                Err(e) => self.fatal(number, None, ErrorKind::Io(e)),
            };
        }
        self.line = number;
        if !terminated {
            return self.fatal(
                number,
                kind,
                ErrorKind::Truncated {
                    reason: "the last record has no CRLF line end (file cut mid-record?)".into(),
                },
            );
        }
        let result = decode_fields(number, &self.buf)
            .and_then(|fields| Record::parse(number, fields))
            .map(|mut rec| {
                rec.raw = Some(self.buf.as_slice().into());
                rec.bare_lf = bare_lf;
                rec
            })
            .and_then(|rec| self.check_order(rec, kind));
        self.seen_any = true;
        match kind {
            Some(k) if &k == b"IR" => self.seen_ir = true,
            Some(k) if &k == b"GO" => self.seen_go = true,
            _ => {}
        }
        Some(Item {
            kind,
            result,
            file_end: false,
        })
    }

    /// File-level order: IR first (once), GO last (once).
    fn check_order(&self, rec: Record, kind: Option<[u8; 2]>) -> Result<Record, UkeError> {
        let number = rec.number;
        let structure = |reason: String| Err(UkeError::new(number, ErrorKind::Structure { reason }));
        let is_ir = kind.as_ref() == Some(b"IR");
        if self.seen_go {
            return structure(format!("{} record after the GO record", rec.kind()));
        }
        if !self.seen_any && !is_ir {
            return structure(format!("the first record must be IR, found {}", rec.kind()));
        }
        if is_ir && self.seen_ir {
            return structure("a second IR record".into());
        }
        Ok(rec)
    }
}

impl<R: BufRead> Iterator for UkeReader<R> {
    type Item = Result<Record, UkeError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item().map(|i| i.result)
    }
}

fn kind_hint(line: &[u8]) -> Option<[u8; 2]> {
    match line {
        [a, b] | [a, b, b',', ..] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Some([*a, *b]),
        _ => None,
    }
}

/// Splits a record on ASCII commas and decodes every field from Shift_JIS (cp932).
///
/// Splitting the bytes first is safe: 0x2C never occurs as a Shift_JIS trail byte.
fn decode_fields(number: u64, line: &[u8]) -> Result<Vec<String>, UkeError> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, raw) in line.split(|&b| b == b',').enumerate() {
        let field = decode_field(raw)
            .map_err(|bad| UkeError::at_field(number, i + 1, "", ErrorKind::Encoding { offset: offset + bad }))?;
        out.push(field);
        offset += raw.len() + 1;
    }
    Ok(out)
}

/// Decodes one field; on failure returns the offset of the first bad byte in the field.
fn decode_field(raw: &[u8]) -> Result<String, usize> {
    if raw.is_ascii() {
        // Fast path; ASCII bytes are the same in Shift_JIS.
        return Ok(String::from_utf8_lossy(raw).into_owned());
    }
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(raw.len())
        .unwrap_or(raw.len().saturating_mul(3).saturating_add(16));
    let mut s = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(raw, &mut s, true);
    match result {
        DecoderResult::InputEmpty => Ok(s),
        DecoderResult::Malformed(bad_len, consumed_after) => {
            // `read` bytes consumed in total; the malformed sequence ends `consumed_after`
            // bytes before that and is `bad_len` long.
            let end = read.saturating_sub(usize::from(consumed_after));
            Err(end.saturating_sub(usize::from(bad_len)))
        }
        DecoderResult::OutputFull => Err(read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reports_offset() {
        // "ア" (0x83 0x41) then a lone lead byte 0x83 followed by ',' is impossible here, so use
        // an invalid trail byte: 0x81 0x20.
        let raw = [0x83, 0x41, 0x81, 0x20];
        assert_eq!(decode_field(&raw), Err(2));
        assert_eq!(decode_field(&[0x83, 0x41]).unwrap(), "ア");
        // NEC special character (cp932 extension): ① = 0x87 0x40
        assert_eq!(decode_field(&[0x87, 0x40]).unwrap(), "①");
    }
}
