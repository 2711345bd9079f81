//! Reading one master file as published: zip or CSV, Shift_JIS, every field quoted, CRLF.
//! Produces [`RawRow`]s (decoded fields with their line numbers) and the file's sha256.

use crate::error::{Error, ErrorKind};
use sha2::{Digest, Sha256};
use std::io::Read;

/// One CSV row decoded to UTF-8, stored as one string plus field end offsets
/// (one allocation per row instead of one per field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRow {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl RawRow {
    pub fn from_fields<S: AsRef<str>>(fields: &[S]) -> Self {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(fields.len());
        for f in fields {
            text.push_str(f.as_ref());
            ends.push(text.len() as u32);
        }
        RawRow {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field by 1-based column number; `""` when the layout has no such column.
    pub fn col(&self, num: usize) -> &str {
        if num == 0 || num > self.ends.len() {
            return "";
        }
        let start = if num == 1 { 0 } else { self.ends[num - 2] as usize };
        &self.text[start..self.ends[num - 1] as usize]
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> + '_ {
        (1..=self.len()).map(move |i| self.col(i))
    }

    /// The row with the non-empty fields of `patch` written over it (sparse 変更/廃止 rows:
    /// an empty field means "unchanged", never "zero").
    pub fn overlay(&self, patch: &RawRow) -> RawRow {
        let n = self.len().max(patch.len());
        let fields: Vec<&str> = (1..=n)
            .map(|i| {
                let p = patch.col(i);
                if p.is_empty() {
                    self.col(i)
                } else {
                    p
                }
            })
            .collect();
        RawRow::from_fields(&fields)
    }
}

/// A file's bytes after unzipping (borrowed when the file is a plain CSV), with its provenance.
pub struct FileBytes<'a> {
    pub sha256: String,
    /// Name of the CSV inside the zip, when the file is a zip.
    pub member: Option<String>,
    pub csv: std::borrow::Cow<'a, [u8]>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The most one master file may hold: a plain CSV's size, and what the single CSV inside a zip
/// may inflate to (64 MiB). The largest official file santei reads, `s_ALL20240531.csv`, is
/// 7,704,206 bytes (the largest of any staged file, the unread 傷病名 `b_20240601.txt`, 7,892,666),
/// so the cap is about 8 times the real maximum. Past it the file is refused with
/// [`ErrorKind::TooLarge`], and nothing more than the cap (plus one byte) is read or inflated.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Initial buffer for an inflated member: the zip header's declared size is only a hint, and
/// never more than this is reserved on its word.
const MAX_SIZE_HINT: u64 = 16 << 20;

/// Reads `r` to its end, but never more than `cap + 1` bytes. Returns the bytes and whether the
/// input was longer than `cap` (then the bytes are cut at `cap + 1`). `hint` (e.g. a zip
/// header's declared size, which is not trusted) only sizes the first allocation, and at most
/// [`MAX_SIZE_HINT`] of it; the buffer then grows as bytes arrive, so a lying header or an
/// endless stream costs about `cap` of memory, never what it claims.
pub fn read_capped(r: &mut dyn Read, cap: u64, hint: u64) -> std::io::Result<(Vec<u8>, bool)> {
    let limit = cap.saturating_add(1);
    let first = hint.min(MAX_SIZE_HINT).min(limit);
    let mut buf: Vec<u8> = Vec::with_capacity(usize::try_from(first).unwrap_or(0));
    r.take(limit).read_to_end(&mut buf)?;
    let over = buf.len() as u64 > cap;
    Ok((buf, over))
}

/// Refuses a file (or decoded member) longer than [`MAX_FILE_BYTES`].
pub fn check_size(display: &str, what: &str, len: u64) -> Result<(), Error> {
    if len > MAX_FILE_BYTES {
        return Err(too_large(display, what));
    }
    Ok(())
}

fn too_large(display: &str, what: &str) -> Error {
    Error::file(
        display,
        ErrorKind::TooLarge {
            what: what.to_string(),
            limit: MAX_FILE_BYTES,
        },
    )
}

/// Reads a file of the user's folder, refusing one larger than [`MAX_FILE_BYTES`] (checked
/// while reading, so a file that grows or lies about its size is cut off as well).
pub fn read_file_capped(path: &std::path::Path, display: &str) -> Result<Vec<u8>, Error> {
    let io = |e: std::io::Error| Error::file(display, ErrorKind::Io(e.to_string()));
    let mut f = std::fs::File::open(path).map_err(io)?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    check_size(display, "the file", size)?;
    let (bytes, over) = read_capped(&mut f, MAX_FILE_BYTES, size).map_err(io)?;
    if over {
        return Err(too_large(display, "the file"));
    }
    Ok(bytes)
}

/// The first `n` bytes of a file (fewer when it is shorter): enough to recognise a master by
/// its first row without reading a large unrelated file whole.
pub fn read_prefix(path: &std::path::Path, display: &str, n: u64) -> Result<Vec<u8>, Error> {
    let io = |e: std::io::Error| Error::file(display, ErrorKind::Io(e.to_string()));
    let f = std::fs::File::open(path).map_err(io)?;
    let mut buf = Vec::new();
    f.take(n).read_to_end(&mut buf).map_err(io)?;
    Ok(buf)
}

/// Whether bytes start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Unzips when the bytes are a zip (by magic), else returns them as the CSV. Either way the CSV
/// may be at most [`MAX_FILE_BYTES`] long: a zip member is inflated through a counting reader
/// and refused as soon as it passes the cap (its declared size is not trusted).
pub fn open_bytes<'a>(display: &str, bytes: &'a [u8]) -> Result<FileBytes<'a>, Error> {
    let sha256 = sha256_hex(bytes);
    if !is_zip(bytes) {
        if display.to_ascii_lowercase().ends_with(".zip") {
            return Err(Error::file(display, ErrorKind::Zip("no zip signature".into())));
        }
        check_size(display, "the file", bytes.len() as u64)?;
        return Ok(FileBytes {
            sha256,
            member: None,
            csv: std::borrow::Cow::Borrowed(bytes),
        });
    }
    check_size(display, "the zip file", bytes.len() as u64)?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| Error::file(display, ErrorKind::Zip(e.to_string())))?;
    let files: Vec<usize> = (0..archive.len())
        .filter(|&i| archive.by_index_raw(i).map(|f| !f.is_dir()).unwrap_or(true))
        .collect();
    if files.len() != 1 {
        return Err(Error::file(display, ErrorKind::ZipMembers(files.len())));
    }
    let mut f = archive
        .by_index(files[0])
        .map_err(|e| Error::file(display, ErrorKind::Zip(e.to_string())))?;
    let member = crate::error::echo(f.name());
    let declared = f.size();
    let (csv, over) = read_capped(&mut f, MAX_FILE_BYTES, declared)
        .map_err(|e| Error::file(display, ErrorKind::Zip(format!("{member}: {e}"))))?;
    if over {
        return Err(too_large(display, &format!("the zip member `{member}` (inflated)")));
    }
    Ok(FileBytes {
        sha256,
        member: Some(member),
        csv: std::borrow::Cow::Owned(csv),
    })
}

/// Decodes one Shift_JIS field (CP932) without replacement characters.
pub fn decode_field(bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    if bytes.is_ascii() {
        // SAFETY-free fast path: ASCII is valid UTF-8.
        return std::str::from_utf8(bytes).ok().map(std::borrow::Cow::Borrowed);
    }
    encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes)
}

/// 1-based line numbers from byte offsets. The csv crate's own `Position::line` lags by one
/// after a CRLF line end (it reads the LF as the start of the next record), so every row but
/// the first of an official (CRLF) file would be reported one line too early.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Bytes up to here have been counted into `line`.
    pos: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line of the record whose reported start is `byte` (skipping the line end the csv
    /// crate may report as the record's start). Offsets only grow while reading.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = (byte as usize).min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.pos..start].iter().filter(|&&b| b == b'\n').count() as u64;
        self.pos = start;
        self.line
    }
}

/// Reads every row of a Shift_JIS CSV. `allowed` lists the column counts the layout accepts.
/// Calls `row(Ok((line, raw)))` for each row. A problem in one row (column count, encoding) is
/// passed as `row(Err(e))`; the callback returns `Err` to stop (loading) or `Ok` to skip the row
/// and go on (validation, which reports every problem). Errors that end the file (not CSV, empty, UTF-8)
/// are returned directly.
pub fn read_rows(
    display: &str,
    csv_bytes: &[u8],
    allowed: &[usize],
    row: impl FnMut(Result<(u64, RawRow), Error>) -> Result<(), Error>,
) -> Result<usize, Error> {
    read_rows_layout(display, csv_bytes, allowed, false, row)
}

/// [`read_rows`]; with `wider`, a first row with more columns than every layout in `allowed`
/// is accepted too (a future layout with extra trailing columns: the caller warns and reads the
/// known columns). Fewer columns, or a count between two layouts, stay an error.
pub fn read_rows_layout(
    display: &str,
    csv_bytes: &[u8],
    allowed: &[usize],
    wider: bool,
    mut row: impl FnMut(Result<(u64, RawRow), Error>) -> Result<(), Error>,
) -> Result<usize, Error> {
    let widest = allowed.iter().copied().max().unwrap_or(0);
    if csv_bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::file(display, ErrorKind::Empty));
    }
    // UTF-8 sniffing on a prefix: Japanese text in Shift_JIS is practically never valid UTF-8.
    let prefix = &csv_bytes[..csv_bytes.len().min(64 << 10)];
    let prefix_utf8 = match std::str::from_utf8(prefix) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(), // only a character cut at the end of the prefix
    };
    if !prefix.is_ascii() && prefix_utf8 {
        return Err(Error::file(display, ErrorKind::Utf8Encoded));
    }
    // Records end at LF only: the CR of a CRLF line end stays at the end of the last field and
    // is cut off below, so that a CR anywhere else (a "lone" CR) is one positioned error instead
    // of a record split in two (the csv crate's default also ends records at a bare CR).
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(csv_bytes);
    let mut rec = csv::ByteRecord::new();
    let mut first_len = None;
    let mut count = 0usize;
    // Records read, including rejected ones: a file whose every row is bad is not "empty".
    let mut records = 0usize;
    let mut lines = LineCounter {
        bytes: csv_bytes,
        pos: 0,
        line: 1,
    };
    let mut text = String::with_capacity(4096);
    let mut ends: Vec<u32> = Vec::with_capacity(160);
    loop {
        let more = match rdr.read_byte_record(&mut rec) {
            Ok(more) => more,
            Err(e) => {
                let line = e.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
                return Err(Error::new(display, line, 0, None, ErrorKind::Csv(e.to_string())));
            }
        };
        if !more {
            break;
        }
        let line = rec.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
        let n = rec.len();
        // Field `i` without the CR of the line end (only the last field carries it).
        let field = |i: usize| -> &[u8] {
            let f = rec.get(i).unwrap_or(b"");
            if i + 1 == n {
                f.strip_suffix(b"\r").unwrap_or(f)
            } else {
                f
            }
        };
        if n == 1 && field(0).is_empty() {
            // A blank line (e.g. a stray trailing one): not a record.
            continue;
        }
        records += 1;
        // One scan of the record's bytes; the fields are looked at only when it holds a CR
        // other than the line end's.
        let all = rec.as_slice();
        let has_cr = all.strip_suffix(b"\r").unwrap_or(all).contains(&b'\r');
        if let Some(i) = (0..n).filter(|_| has_cr).find(|&i| field(i).contains(&b'\r')) {
            let column = u16::try_from(i + 1).unwrap_or(u16::MAX);
            row(Err(Error::new(display, line, column, None, ErrorKind::LoneCr)))?;
            continue;
        }
        match first_len {
            None => {
                if !(allowed.contains(&n) || (wider && n > widest)) {
                    let expected = allowed.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" or ");
                    row(Err(Error::new(
                        display,
                        line,
                        0,
                        None,
                        ErrorKind::ColumnCount { found: n, expected },
                    )))?;
                    continue;
                }
                first_len = Some(n);
            }
            Some(first) if first != n => {
                row(Err(Error::new(
                    display,
                    line,
                    0,
                    None,
                    ErrorKind::UnequalColumns { found: n, first },
                )))?;
                continue;
            }
            _ => {}
        }
        text.clear();
        ends.clear();
        let mut bad = None;
        for i in 0..n {
            match decode_field(field(i)) {
                Some(s) => {
                    text.push_str(&s);
                    ends.push(text.len() as u32);
                }
                None => {
                    bad = Some(i);
                    break;
                }
            }
        }
        if let Some(i) = bad {
            row(Err(Error::new(
                display,
                line,
                (i + 1) as u16,
                None,
                ErrorKind::Encoding,
            )))?;
            continue;
        }
        // Exact-size copies of the reused buffers: one allocation each, no shrinking realloc.
        row(Ok((
            line,
            RawRow {
                text: Box::from(text.as_str()),
                ends: Box::from(ends.as_slice()),
            },
        )))?;
        count += 1;
    }
    if records == 0 {
        return Err(Error::file(display, ErrorKind::Empty));
    }
    Ok(count)
}
