//! `santei batch --in FILE --out FILE [--masters DIR] [--threads N] [--facility FILE]
//! [--as-of DATE] [--trace]`: many claims, streamed.
//!
//! Input (`-` = standard input) is JSON lines (one claim per line) or a 医科 RECEIPTC.UKE, told
//! apart by content: a UKE starts with the record `IR,` (ASCII, so no decoding is needed to
//! see it), JSON with `{`. Output (`-` = standard output) is JSON lines, one per input claim, in
//! input order:
//! - JSON lines: `{"line": N, "result": {…Outcome…}}` or `{"line": N, "error": {"path", "message", "code"?}}` (`code`: the claim error's stable code, docs/diagnostics.md)
//!   (N is the 1-based line number; blank lines are skipped);
//! - UKE: `{"receipt": order, "record": RE record number, "result": …, "unpriced": […],
//!   "assumptions": […], "comparison": {…}}` or `{"receipt": …, "record": …, "error": …}`; an
//!   error outside any receipt (IR, GO, a cut file) has `"receipt": null`.
//!
//! Memory is bounded: chunks of `--chunk` claims (4096) are read, computed in parallel on a
//! local rayon pool of `--threads` threads, written in order, and dropped. A progress bar goes
//! to stderr only when stderr is a terminal; a one-line summary always ends the run (read =
//! computed + failed). Exit status: 0 every claim computed, 1 some failed, 2 bad usage or IO.

use super::output::Output;
use chrono::NaiveDate;
use clap::Args;
use engine::claim::Facility;
use engine::{Engine, Options, Outcome};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, BufRead, BufReader, Cursor, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

#[derive(Args)]
pub struct BatchArgs {
    /// JSON lines or a RECEIPTC.UKE; `-` for standard input.
    #[arg(long = "in")]
    pub input: String,
    /// JSON lines output; `-` for standard output.
    #[arg(long = "out")]
    pub output: String,
    #[arg(long)]
    pub masters: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Facility facts for UKE input (the claim format's `facility` object, JSON).
    #[arg(long)]
    pub facility: Option<PathBuf>,
    /// Re-date every claim into the month of DATE (YYYY-MM-DD) for what-if pricing.
    #[arg(long = "as-of")]
    pub as_of: Option<NaiveDate>,
    /// Fill `reason.detail` with the decision trace (slower).
    #[arg(long)]
    pub trace: bool,
    /// Claims per chunk.
    #[arg(long, default_value_t = 4096)]
    pub chunk: usize,
    /// A claim under a revision the masters do not cover (REVISION_NOT_COVERED) is an error
    /// record; without it the warning is counted once in the summary, not repeated per result.
    #[arg(long)]
    pub strict: bool,
    /// For a RECEIPTC.UKE input: also write the recalculated receipts as a RECEIPTC.UKE.
    #[arg(long = "out-uke")]
    pub out_uke: Option<String>,
}

/// The longest JSON line (one claim) batch reads: 64 MiB, as `SANTEI_MAX_INPUT_LEN` of the C ABI.
pub const MAX_LINE: usize = 64 << 20;

/// Reads and drops the rest of a line (after its first `MAX_LINE` bytes).
fn skip_line(reader: &mut dyn BufRead) -> io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let k = buf.len();
                reader.consume(k);
            }
        }
    }
}

/// One input claim, before parsing (a JSON line borrows its chunk's buffer).
pub enum Input<'a> {
    /// A JSON line (with its line end) and its 1-based line number.
    Line(u64, &'a [u8]),
    /// A line longer than [`MAX_LINE`] (its number): an error record, nothing stored.
    TooLong(u64),
    /// A receipt (or the error that replaced it).
    Receipt(Box<Result<uke::Receipt, uke::UkeError>>),
}

/// An input as a chunk holds it: the bytes of every JSON line of a chunk are in one buffer
/// (no allocation per line; the buffer is reused from chunk to chunk).
enum Slot {
    Line(u64, usize, usize),
    TooLong(u64),
    Receipt(Box<Result<uke::Receipt, uke::UkeError>>),
    /// Handed to a worker already.
    Taken,
}

/// Up to `--chunk` inputs, read together.
#[derive(Default)]
pub struct Chunk {
    bytes: Vec<u8>,
    slots: Vec<Slot>,
}

impl Chunk {
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
    fn clear(&mut self) {
        self.bytes.clear();
        self.slots.clear();
    }
}

/// Moves input `slot` out of its chunk (its line's bytes stay in `bytes`).
fn take<'a>(bytes: &'a [u8], slot: &mut Slot) -> Input<'a> {
    match std::mem::replace(slot, Slot::Taken) {
        Slot::Line(n, a, b) => Input::Line(n, &bytes[a..b]),
        Slot::TooLong(n) => Input::TooLong(n),
        Slot::Receipt(r) => Input::Receipt(r),
        Slot::Taken => unreachable!("an input is handed to one worker once"),
    }
}

enum Kind {
    Jsonl { reader: Box<dyn BufRead + Send>, line: u64 },
    Uke(Box<uke::Receipts<Box<dyn BufRead + Send>>>),
}

/// A stream of input claims from a file or standard input.
pub struct Source {
    kind: Kind,
    /// Bytes read so far (for the progress bar).
    pub read_bytes: Arc<AtomicU64>,
    /// File size, when known.
    pub size: Option<u64>,
}

struct Counting<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.fetch_add(k as u64, Ordering::Relaxed);
        Ok(k)
    }
}

impl Source {
    /// Opens `path` (`-` = stdin) and tells JSON lines from UKE by the first bytes.
    pub fn open(path: &str) -> io::Result<Source> {
        let (raw, size): (Box<dyn Read + Send>, Option<u64>) = if path == "-" {
            (Box::new(io::stdin()), None)
        } else {
            let f = std::fs::File::open(path)?;
            let size = f.metadata().ok().map(|m| m.len());
            (Box::new(f), size)
        };
        let read_bytes = Arc::new(AtomicU64::new(0));
        let mut raw = Counting {
            inner: raw,
            n: read_bytes.clone(),
        };
        // Peek at the first non-blank bytes (reads may return little at a time on a pipe).
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let significant = head
                .iter()
                .skip_while(|b: &&u8| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
                .count();
            if significant >= 3 {
                break;
            }
            let k = raw.read(&mut buf)?;
            if k == 0 {
                break;
            }
            head.extend_from_slice(&buf[..k]);
        }
        // A UTF-8 BOM (an editor's) is dropped before either format is recognised and read.
        if head.starts_with(b"\xEF\xBB\xBF") {
            head.drain(..3);
        }
        let is_uke = head
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .is_some_and(|i| head[i..].starts_with(b"IR,"));
        let reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(1 << 16, Cursor::new(head).chain(raw)));
        let kind = if is_uke {
            Kind::Uke(Box::new(uke::UkeReader::new(reader).receipts()))
        } else {
            Kind::Jsonl { reader, line: 0 }
        };
        Ok(Source { kind, read_bytes, size })
    }

    pub fn is_uke(&self) -> bool {
        matches!(self.kind, Kind::Uke(_))
    }

    /// For a UKE input read to its end: the GO reconciliation's problems (empty when it
    /// reconciles; a missing GO was already an error record of its own). None for JSON lines.
    pub fn go_issues(&self) -> Option<Vec<String>> {
        match &self.kind {
            Kind::Uke(r) => Some(
                r.check_go()
                    .map(|issues| issues.iter().map(|i| i.to_string()).collect())
                    .unwrap_or_default(),
            ),
            Kind::Jsonl { .. } => None,
        }
    }

    /// The IR record of a UKE input, once read.
    pub fn uke_ir(&self) -> Option<&uke::Record> {
        match &self.kind {
            Kind::Uke(r) => r.ir_record(),
            Kind::Jsonl { .. } => None,
        }
    }

    /// Number of the last record read (for a UKE input).
    pub fn records_read(&self) -> u64 {
        match &self.kind {
            Kind::Uke(r) => r.records_read(),
            Kind::Jsonl { line, .. } => *line,
        }
    }

    /// Reads up to `n` claims into `out` (emptied first). An empty `out` means the input is
    /// exhausted.
    pub fn next_chunk(&mut self, n: usize, out: &mut Chunk) -> io::Result<()> {
        out.clear();
        match &mut self.kind {
            Kind::Jsonl { reader, line } => {
                let buf = &mut out.bytes;
                while out.slots.len() < n {
                    let start = buf.len();
                    // At most MAX_LINE bytes are kept of one line; the rest of a longer line is
                    // skipped (not stored) and the line becomes an error record.
                    let k = reader.by_ref().take(MAX_LINE as u64 + 1).read_until(b'\n', buf)?;
                    if k == 0 {
                        break;
                    }
                    *line += 1;
                    if k > MAX_LINE && buf.last() != Some(&b'\n') {
                        buf.truncate(start);
                        skip_line(reader)?;
                        out.slots.push(Slot::TooLong(*line));
                        continue;
                    }
                    if buf[start..].iter().all(|b| b.is_ascii_whitespace()) {
                        buf.truncate(start);
                        continue;
                    }
                    out.slots.push(Slot::Line(*line, start, buf.len()));
                }
            }
            Kind::Uke(receipts) => {
                for r in receipts.by_ref().take(n) {
                    out.slots.push(Slot::Receipt(Box::new(r)));
                }
            }
        }
        Ok(())
    }
}

/// The `{"path", "message", "code"?}` of an error record (`code`: the claim error's stable
/// code, docs/diagnostics.md).
#[derive(Serialize)]
pub struct ErrorRec {
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

impl ErrorRec {
    /// A JSON line over [`MAX_LINE`].
    pub fn too_long() -> ErrorRec {
        ErrorRec {
            path: String::new(),
            message: format!("the line is longer than {MAX_LINE} bytes (the largest claim santei reads); skipped"),
            code: Some("LINE_TOO_LONG"),
        }
    }
    pub fn claim(e: &engine::ClaimError) -> ErrorRec {
        ErrorRec {
            path: e.path().to_string(),
            message: e.message().to_string(),
            code: Some(e.code()),
        }
    }
    pub fn uke(e: &uke::UkeError) -> ErrorRec {
        let mut path = format!("record {}", e.record_number());
        if let Some(f) = e.field() {
            path.push_str(&format!(", field {f}"));
            if let Some(n) = e.field_name() {
                path.push_str(&format!(" ({n})"));
            }
        }
        ErrorRec {
            path,
            message: e.kind().to_string(),
            code: None,
        }
    }
    pub fn convert(e: &uke::claim::ConvertError) -> ErrorRec {
        ErrorRec {
            path: e.path.clone(),
            message: e.message.clone(),
            code: None,
        }
    }
}

/// Where an output record comes from.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Tag {
    Line { line: u64 },
    Receipt { receipt: Option<usize>, record: u64 },
}

impl Tag {
    pub fn of_receipt(r: &Result<uke::Receipt, uke::UkeError>) -> Tag {
        match r {
            Ok(r) => Tag::Receipt {
                receipt: Some(r.order),
                record: r.record_number,
            },
            Err(e) => match e.receipt() {
                Some(rr) => Tag::Receipt {
                    receipt: Some(rr.order),
                    record: rr.record_number,
                },
                None => Tag::Receipt {
                    receipt: None,
                    record: e.record_number(),
                },
            },
        }
    }
}

#[derive(Serialize)]
struct Rec<'a> {
    #[serde(flatten)]
    tag: Tag,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a Outcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unpriced: Option<&'a [uke::claim::Unpriced]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assumptions: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<&'a uke::claim::Comparison>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorRec>,
    /// The receipt's facts for writing it back (`santei uke write`, `--out-uke`).
    #[serde(skip_serializing_if = "Option::is_none")]
    uke: Option<super::uke_write::UkeFactsRef<'a>>,
}

/// The output records of consecutive inputs, computed by one worker: their bytes in one buffer
/// (no allocation per record) and what the summary counts of them.
#[derive(Default)]
pub struct Group {
    bytes: Vec<u8>,
    read: u64,
    computed: u64,
    failed: u64,
    points: i128,
    unpriced: u64,
    matching: u64,
    /// Claims whose REVISION_NOT_COVERED warning was taken out of the result, and the first
    /// one's message (reported once in the summary).
    revision_claims: u64,
    revision: Option<String>,
}

/// What one record adds to its group's counts.
struct Done {
    ok: bool,
    points: i64,
    unpriced: usize,
    matches: bool,
    /// The REVISION_NOT_COVERED warning taken out of the result (reported once in the summary).
    revision: Option<String>,
}

impl Group {
    fn add(&mut self, d: Done) {
        self.read += 1;
        if d.ok {
            self.computed += 1;
            self.points += i128::from(d.points); // i128: no month of claims can wrap it
        } else {
            self.failed += 1;
        }
        self.unpriced += d.unpriced as u64;
        self.matching += d.matches as u64;
        if let Some(m) = d.revision {
            self.revision_claims += 1;
            self.revision.get_or_insert(m);
        }
    }
}

/// Everything a worker needs, shared read-only.
pub struct Job<'a> {
    pub engine: &'a Engine,
    pub facility: Option<&'a Facility>,
    pub as_of: Option<NaiveDate>,
    pub opts: Options,
    /// `--strict`: REVISION_NOT_COVERED makes the claim an error record.
    pub strict: bool,
}

impl Job<'_> {
    /// A JSON-line claim, parsed and re-dated as asked.
    pub fn parse_line(&self, bytes: &[u8]) -> Result<engine::Claim, engine::ClaimError> {
        // Read without path tracking; a bad line is read again to name its JSON path.
        let mut c = engine::parse_claim(bytes)?;
        if let Some(d) = self.as_of {
            engine::diff::redate_claim(&mut c, d);
        }
        Ok(c)
    }

    /// A receipt converted (masters of this job's engine give the time classes).
    pub fn convert(&self, r: &uke::Receipt) -> Result<uke::claim::Converted, uke::claim::ConvertError> {
        let o = uke::claim::ConvertOptions {
            facility: self.facility,
            as_of: self.as_of,
            masters: Some(self.engine.masters()),
        };
        uke::claim::convert(r, &o)
    }

    /// Takes the REVISION_NOT_COVERED warning out of `o` into `done` (for the summary); with
    /// `--strict` it becomes the claim's error.
    fn revision(&self, o: &mut Outcome, done: &mut Done) -> Option<ErrorRec> {
        let d = o.take_revision_warning()?;
        if self.strict {
            return Some(ErrorRec {
                path: d.path,
                message: format!("{}: {}", d.code, d.message),
                code: None,
            });
        }
        done.revision = Some(d.message);
        None
    }

    /// Computes one input and appends its output record to `group`.
    fn run_into(&self, input: Input<'_>, group: &mut Group) {
        let d = self.run(input, &mut group.bytes);
        group.add(d);
    }

    /// Computes one input and appends its output record (one JSON line) to `out`.
    fn run(&self, input: Input<'_>, out: &mut Vec<u8>) -> Done {
        let mut done = Done {
            ok: false,
            points: 0,
            unpriced: 0,
            matches: false,
            revision: None,
        };
        let rec = |tag: Tag, error: ErrorRec| Rec {
            tag,
            result: None,
            unpriced: None,
            assumptions: None,
            comparison: None,
            error: Some(error),
            uke: None,
        };
        match input {
            Input::TooLong(line) => {
                write_rec(out, &rec(Tag::Line { line }, ErrorRec::too_long()));
            }
            Input::Line(line, bytes) => {
                let tag = Tag::Line { line };
                match self
                    .parse_line(bytes)
                    .and_then(|c| self.engine.calculate_with(&c, self.opts))
                {
                    Ok(mut o) => {
                        if let Some(e) = self.revision(&mut o, &mut done) {
                            write_rec(out, &rec(tag, e));
                            return done;
                        }
                        done.ok = true;
                        done.points = o.total_points;
                        write_rec(
                            out,
                            &Rec {
                                tag,
                                result: Some(&o),
                                unpriced: None,
                                assumptions: None,
                                comparison: None,
                                error: None,
                                uke: None,
                            },
                        );
                    }
                    Err(e) => write_rec(out, &rec(tag, ErrorRec::claim(&e))),
                }
            }
            Input::Receipt(r) => {
                let tag = Tag::of_receipt(&r);
                let receipt = match *r {
                    Ok(r) => r,
                    Err(e) => {
                        write_rec(out, &rec(tag, ErrorRec::uke(&e)));
                        return done;
                    }
                };
                let conv = match self.convert(&receipt) {
                    Ok(c) => c,
                    Err(e) => {
                        write_rec(out, &rec(tag, ErrorRec::convert(&e)));
                        return done;
                    }
                };
                match uke::claim::recalculate(self.engine, &conv, self.opts) {
                    Ok(mut x) => {
                        if let Some(e) = self.revision(&mut x.outcome, &mut done) {
                            write_rec(out, &rec(tag, e));
                            return done;
                        }
                        done.ok = true;
                        done.points = x.outcome.total_points;
                        done.unpriced = x.unpriced.len();
                        done.matches = x.comparison.matches();
                        write_rec(
                            out,
                            &Rec {
                                tag,
                                result: Some(&x.outcome),
                                unpriced: Some(&x.unpriced),
                                assumptions: Some(&conv.assumptions),
                                comparison: Some(&x.comparison),
                                error: None,
                                uke: Some(super::uke_write::facts(&receipt, &conv)),
                            },
                        );
                    }
                    Err(e) => write_rec(out, &rec(tag, ErrorRec::claim(&e))),
                }
            }
        }
        done
    }
}

fn write_rec(buf: &mut Vec<u8>, r: &Rec<'_>) {
    // Serializing plain data into memory cannot fail. The fast writer writes serde_json's bytes.
    super::jsonw::write(buf, r).expect("serialize record");
    buf.push(b'\n');
}

/// A rayon pool of `threads` threads (default: all cores).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, String> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            return Err("--threads must be at least 1".into());
        }
        b = b.num_threads(n);
    }
    b.build().map_err(|e| e.to_string())
}

/// Inputs a worker computes in one go into one [`Group`] (and one output buffer).
pub const GROUP: usize = 32;

/// Reads chunks from `src`, maps each input with `f` in parallel on `pool`, and hands the
/// results to `sink` in input order ([`run_groups`] with a `Vec` per group).
pub fn run_chunks<T: Send>(
    src: &mut Source,
    pool: &rayon::ThreadPool,
    chunk: usize,
    f: impl Fn(Input<'_>) -> T + Sync,
    mut sink: impl FnMut(T) -> io::Result<()> + Send,
) -> io::Result<()> {
    run_groups(
        src,
        pool,
        chunk,
        16,
        Vec::new,
        |v: &mut Vec<T>, i| v.push(f(i)),
        |v| v.into_iter().try_for_each(&mut sink),
    )
}

/// Reads chunks from `src` and computes them on `pool`: each run of `group` consecutive inputs
/// is folded with `f` into one accumulator (from `init`) by one worker, and the accumulators
/// go to `sink` in input order. Three stages run at once — a reader thread reads chunk k+2, the
/// pool computes chunk k+1, a writer thread hands chunk k to `sink` — so at most three chunks
/// of inputs are in memory (being read, queued, computed) and two of results (being written,
/// and the next, handed over when the writer is done). The input buffers are reused from chunk
/// to chunk.
///
/// `sink`'s first error stops the run and is returned; else the first read error (every chunk
/// before it was written).
pub fn run_groups<A: Send>(
    src: &mut Source,
    pool: &rayon::ThreadPool,
    chunk: usize,
    group: usize,
    init: impl Fn() -> A + Sync,
    f: impl Fn(&mut A, Input<'_>) + Sync,
    mut sink: impl FnMut(A) -> io::Result<()> + Send,
) -> io::Result<()> {
    let chunk = chunk.max(1);
    let group = group.max(1);
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Chunk>>(1);
        // Emptied chunks come back to the reader to be filled again.
        let (tx_free, rx_free) = std::sync::mpsc::channel::<Chunk>();
        let reader = scope.spawn(move || loop {
            let mut c = rx_free.try_recv().unwrap_or_default();
            let r = src.next_chunk(chunk, &mut c).map(|_| c);
            let stop = !matches!(&r, Ok(c) if !c.is_empty());
            // The receiver stops early only on an error; nothing left to do then.
            if tx.send(r).is_err() || stop {
                return;
            }
        });
        let (tx_done, rx_done) = std::sync::mpsc::sync_channel::<Vec<A>>(0);
        let writer = scope.spawn(move || -> io::Result<()> {
            for groups in rx_done.iter() {
                groups.into_iter().try_for_each(&mut sink)?;
            }
            Ok(())
        });
        let mut result = Ok(());
        for c in rx.iter() {
            let mut c = match c {
                Ok(c) if c.is_empty() => break,
                Ok(c) => c,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            let Chunk { bytes, slots } = &mut c;
            let bytes = &bytes[..];
            let done: Vec<A> = pool.install(|| {
                slots
                    .par_chunks_mut(group)
                    .map(|g| {
                        let mut acc = init();
                        for slot in g {
                            f(&mut acc, take(bytes, slot));
                        }
                        acc
                    })
                    .collect()
            });
            c.clear();
            let _ = tx_free.send(c);
            // The writer stops early only on an output error (returned below).
            if tx_done.send(done).is_err() {
                break;
            }
        }
        drop(tx_done);
        drop(rx);
        let written = writer.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        let _ = reader.join();
        written.and(result)
    })
}

/// Names the output in a write error (a full disk says which file it could not write).
pub fn out_err(path: &str) -> impl Fn(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{path}: {e}"))
}

/// Reads `--facility FILE` (the claim format's `facility` object).
pub fn read_facility(p: &Option<PathBuf>) -> Result<Option<Facility>, String> {
    let Some(p) = p else { return Ok(None) };
    let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| format!("{}: facility: {e}", p.display()))
}

/// A progress bar on stderr when it is a terminal.
pub fn progress(src: &Source) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let pb = match src.size {
        Some(n) => {
            let pb = ProgressBar::new(n);
            pb.set_style(
                ProgressStyle::with_template("{bar:24} {bytes}/{total_bytes} {msg} {elapsed} eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            pb
        }
        None => {
            let pb = ProgressBar::new_spinner();
            pb.set_style(
                ProgressStyle::with_template("{spinner} {bytes} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            pb
        }
    };
    Some(pb)
}

pub fn run(a: BatchArgs) -> i32 {
    let started = Instant::now();
    let facility = match read_facility(&a.facility) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let set = match super::load_masters(&a.masters) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: masters: {e}");
            return 2;
        }
    };
    let engine = Engine::new(Arc::new(set));
    let pool = match pool(a.threads) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut src = match Source::open(&a.input) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}: {e}", a.input);
            return 2;
        }
    };
    let mut out = match Output::create(&a.output, &[&a.input]) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let job = Job {
        engine: &engine,
        facility: facility.as_ref(),
        as_of: a.as_of,
        opts: Options { trace: a.trace },
        strict: a.strict,
    };
    let pb = progress(&src);
    let counter = src.read_bytes.clone();
    let uke_input = src.is_uke();
    let mut go_problem: Option<String> = None;
    let mut uke_out = None;
    if let Some(p) = a.out_uke.as_deref() {
        let tee = if uke_input {
            super::uke_write::UkeTee::new(p, &[&a.input, &a.output])
        } else {
            Err(format!("{p}: --out-uke needs a RECEIPTC.UKE input"))
        };
        match tee {
            Ok(t) => uke_out = Some(t),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let mut total = Group::default();
    // Output buffers go back to the workers once written: the same few megabytes are written
    // over and over instead of fresh memory (page faults) for every group.
    let spare = std::sync::Mutex::new(Vec::<Vec<u8>>::new());
    let res = run_groups(
        &mut src,
        &pool,
        a.chunk,
        GROUP,
        || Group {
            bytes: spare
                .lock()
                .ok()
                .and_then(|mut s| s.pop())
                .unwrap_or_else(|| Vec::with_capacity(GROUP * (6 << 10))),
            ..Group::default()
        },
        |g, i| job.run_into(i, g),
        |g: Group| {
            let before = total.read;
            total.read += g.read;
            total.computed += g.computed;
            total.failed += g.failed;
            total.points += g.points;
            total.unpriced += g.unpriced;
            total.matching += g.matching;
            total.revision_claims += g.revision_claims;
            if total.revision.is_none() {
                total.revision = g.revision;
            }
            if let Some(pb) = &pb {
                if before / 1024 != total.read / 1024 {
                    pb.set_position(counter.load(Ordering::Relaxed));
                    pb.set_message(format!("{} claims", total.read));
                }
            }
            if let Some(t) = uke_out.as_mut() {
                t.push(&g.bytes)?;
            }
            out.write_all(&g.bytes).map_err(out_err(&a.output))?;
            let mut bytes = g.bytes;
            bytes.clear();
            if let Ok(mut s) = spare.lock() {
                // At most the groups of the chunks in flight come back; keep no more than that.
                if s.len() < a.chunk.div_ceil(GROUP) {
                    s.push(bytes);
                }
            }
            Ok(())
        },
    )
    .map_err(|e| e.to_string())
    .and_then(|_| {
        // GO reconciliation of a UKE input, as `uke verify` reports it: one error record outside
        // any receipt, before the output is closed.
        let issues = src.go_issues().unwrap_or_default();
        if !issues.is_empty() {
            let mut bytes = Vec::new();
            write_rec(
                &mut bytes,
                &Rec {
                    tag: Tag::Receipt {
                        receipt: None,
                        record: src.records_read(),
                    },
                    result: None,
                    unpriced: None,
                    assumptions: None,
                    comparison: None,
                    uke: None,
                    error: Some(ErrorRec {
                        path: "GO".into(),
                        message: issues.join("; "),
                        code: None,
                    }),
                },
            );
            out.write_all(&bytes).map_err(|e| format!("{}: {e}", a.output))?;
            go_problem = Some(issues.join("; "));
        }
        out.finish()
    });
    let uke_res = match (uke_out, &res) {
        (Some(t), Ok(())) => t.finish(src.uke_ir(), &[&a.input, &a.output]).map(|_| ()),
        _ => Ok(()),
    };
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    let Group {
        read,
        computed,
        failed,
        points,
        unpriced,
        matching,
        revision_claims,
        revision: revision_msg,
        ..
    } = total;
    let secs = started.elapsed().as_secs_f64();
    let mut line = format!(
        "santei batch: read {read}, computed {computed}, failed {failed}, total {points} 点, {secs:.2} s, {:.0} claims/s",
        read as f64 / secs.max(1e-9)
    );
    if uke_input {
        line.push_str(&format!(
            "; UKE: {unpriced} unpriced lines, {matching} of {computed} receipts match the recorded totals"
        ));
        if let Some(p) = &go_problem {
            line.push_str(&format!("; GO: {p}"));
        }
    }
    eprintln!("{line}");
    if let Some(m) = revision_msg {
        eprintln!("warning: REVISION_NOT_COVERED: {revision_claims} claims: {m}");
    }
    if let Err(e) = res {
        eprintln!("error: {e}");
        return 2;
    }
    if let Err(e) = uke_res {
        eprintln!("error: {e}");
        return 1;
    }
    if failed > 0 || go_problem.is_some() {
        1
    } else {
        0
    }
}
