//! Finding the 電子点数表 files among a set's sources, reading them, and merging the override
//! layer over the official tables. See the [module documentation](super) for the conventions.

use super::rows::{HaihanRow, HojoRow, HokatsuRow, KaisuRow, NyuinRow, TableLayer, TableRow, TableRowRef};
use super::{CodeIndex, HaihanScope, SwitchedOff, TableFileInfo, TableId, Tensuhyo};
use crate::error::{Error, ErrorKind, Problem, ProblemLog, Severity};
use crate::raw::{self, RawRow};
use crate::rows::ChangeKind;
use crate::set::{NotUsed, Source};
use crate::value::RowCtx;
use std::collections::HashMap;

/// The prefix that marks a vendor override file (ASCII, matched case-insensitively).
pub const OVERRIDE_PREFIX: &str = "override_";

/// Which table a file holds, by its name: `01補助マスターテーブル.csv` → 01,
/// `03-2背反テーブル2.csv` → 03-2, `override_05算定回数テーブル.csv` → 05 (see
/// [`classify_tensuhyo_file`] for the exact rule). `None` for every other file.
pub fn classify_tensuhyo_name(name: &str) -> Option<TableId> {
    classify_tensuhyo_file(name).map(|(t, _)| t)
}

/// Which table a file holds and whether it is an override, by its name (a path is accepted;
/// only the part after the last `/` or `\` is read).
///
/// The rule: optional prefix `override_` (any ASCII case) → [`TableLayer::Override`]; then the
/// table number `01`, `02`, `03-1` … `03-4`, `04`, `05` (the hyphen may also be `_` or the
/// full-width `－`); then the table's own word — `補助` (01), `包括` (02), `背反` (03), `入院基本料`
/// (04), `算定回数` (05) — somewhere in the rest of the name, and for 03 a trailing digit, if
/// any, equal to the file number (`03-2背反テーブル2`); extension `.csv`, `.txt` or `.zip` (a
/// zip holding exactly one CSV). The words carry no voiced kana, so names decomposed to NFD
/// (macOS) still match.
pub fn classify_tensuhyo_file(name: &str) -> Option<(TableId, TableLayer)> {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = name.rsplit_once('.')?;
    if !["csv", "txt", "zip"].iter().any(|e| ext.eq_ignore_ascii_case(e)) {
        return None;
    }
    let (layer, stem) = match stem.get(..OVERRIDE_PREFIX.len()) {
        Some(p) if p.eq_ignore_ascii_case(OVERRIDE_PREFIX) => (TableLayer::Override, &stem[OVERRIDE_PREFIX.len()..]),
        _ => (TableLayer::Official, stem),
    };
    let b = stem.as_bytes();
    if b.len() < 2 || b[0] != b'0' || !b[1].is_ascii_digit() {
        return None;
    }
    let (table, rest) = match b[1] {
        b'1' => (TableId::Hojo, &stem[2..]),
        b'2' => (TableId::Hokatsu, &stem[2..]),
        b'4' => (TableId::Nyuin, &stem[2..]),
        b'5' => (TableId::Kaisu, &stem[2..]),
        b'3' => {
            let after = &stem[2..];
            let after = ["-", "_", "－"].iter().find_map(|h| after.strip_prefix(h))?;
            let scope = match after.as_bytes().first()? {
                b'1' => HaihanScope::Day,
                b'2' => HaihanScope::Month,
                b'3' => HaihanScope::SameTime,
                b'4' => HaihanScope::Week,
                _ => return None,
            };
            let rest = &after[1..];
            if let Some(last) = rest.chars().last().filter(char::is_ascii_digit) {
                if last as u32 - '0' as u32 != scope.file_no() as u32 {
                    return None;
                }
            }
            (TableId::Haihan(scope), rest)
        }
        _ => return None,
    };
    // `01` must not be the start of a longer number (`012…`).
    if rest.starts_with(|c: char| c.is_ascii_digit()) || !rest.contains(table.word()) {
        return None;
    }
    Some((table, layer))
}

/// One row of a file: a row to add (or replace), or a `1` 抹消 row that switches a key off.
enum Item<R: TableRow> {
    Put(R),
    Off { key: R::Key, at: TableRowRef },
}

/// The rows of one file of one table.
struct FileRows<R: TableRow> {
    layer: TableLayer,
    items: Vec<Item<R>>,
}

type Sink<'s> = dyn FnMut(Problem) -> Result<(), Error> + 's;

/// A sink that keeps problems in `out` (at most [`crate::error::MAX_ERRORS_PER_FILE`] errors per
/// file, the rest counted) and, unless `collect_all`, stops at the first error.
fn collecting(out: &mut ProblemLog, collect_all: bool) -> impl FnMut(Problem) -> Result<(), Error> + '_ {
    move |p| {
        if p.severity == Severity::Error && !collect_all {
            return Err(p.error);
        }
        out.push(p);
        Ok(())
    }
}

fn error(e: Error) -> Problem {
    Problem {
        severity: Severity::Error,
        error: e,
    }
}

fn warning(e: Error) -> Problem {
    Problem {
        severity: Severity::Warning,
        error: e,
    }
}

/// Reads one file of table `table` into typed rows. Rows with errors are reported to `sink`
/// and left out.
fn read_file<R: TableRow>(
    display: &str,
    csv: &[u8],
    table: TableId,
    layer: TableLayer,
    file: u16,
    sink: &mut Sink<'_>,
) -> Result<(FileRows<R>, usize, usize), Error> {
    let mut items: Vec<Item<R>> = Vec::new();
    let mut columns = 0;
    let cols = R::COLUMNS;
    let n = raw::read_rows(display, csv, &[cols.len()], |r| {
        let (line, raw) = match r {
            Ok(x) => x,
            Err(e) => return sink(error(e)),
        };
        columns = raw.len();
        let ctx = RowCtx { file: display, line };
        let at = TableRowRef {
            file,
            line: line as u32,
        };
        let change = match super::rows::change_kind(ctx, &raw, cols) {
            Ok(c) => c,
            Err(e) => return sink(error(e)),
        };
        if change == ChangeKind::Withdrawn {
            // 抹消: only the key matters.
            let key = match R::parse_key(ctx, &raw) {
                Ok(k) => k,
                Err(e) => return sink(error(e)),
            };
            if layer == TableLayer::Official {
                return sink(warning(ctx.err(
                    &cols[0],
                    ErrorKind::Other(format!(
                        "row {} marked 1 (抹消) in the published table: not used",
                        R::describe_key(&key)
                    )),
                )));
            }
            items.push(Item::Off { key, at });
            return Ok(());
        }
        if let ChangeKind::Other(o) = change {
            sink(warning(ctx.err(
                &cols[0],
                ErrorKind::Other(format!("unknown 変更区分 `{o}` (row kept)")),
            )))?;
        }
        let row = match R::parse(ctx, raw, table, at, layer) {
            Ok(r) => r,
            Err(e) => return sink(error(e)),
        };
        if let Some(w) = row.check(ctx) {
            sink(warning(w))?;
        }
        let m = row.meta();
        if m.valid_to < m.valid_from {
            sink(warning(ctx.err(
                &cols[cols.len() - 1],
                ErrorKind::Other("廃止年月日 is before 新設年月日: the row never applies".into()),
            )))?;
        }
        items.push(Item::Put(row));
        Ok(())
    })?;
    Ok((FileRows { layer, items }, n, columns))
}

/// Merges the files of one table: the official file (at most one), then each override file in
/// path order. Returns the rows sorted by key.
fn merge<R: TableRow>(
    table: TableId,
    mut parts: Vec<FileRows<R>>,
    files: &[TableFileInfo],
    switched_off: &mut Vec<SwitchedOff>,
    sink: &mut Sink<'_>,
) -> Result<Vec<R>, Error> {
    let ctx_of = |at: TableRowRef| RowCtx {
        file: files[at.file as usize].path.as_str(),
        line: at.line as u64,
    };
    let key_col = &R::COLUMNS[R::KEY_COL - 1];
    let dup = |key: &R::Key, at: TableRowRef, first: TableRowRef| {
        error(ctx_of(at).err(
            key_col,
            ErrorKind::Other(format!(
                "duplicate key {} (same key as line {})",
                R::describe_key(key),
                first.line
            )),
        ))
    };
    // Official rows, sorted by key (stable: on a duplicate, the first line is kept).
    let mut official: Vec<R> = Vec::new();
    let split = parts
        .iter()
        .position(|p| p.layer == TableLayer::Override)
        .unwrap_or(parts.len());
    let overrides = parts.split_off(split);
    for p in parts {
        official.extend(p.items.into_iter().filter_map(|i| match i {
            Item::Put(r) => Some(r),
            Item::Off { .. } => None,
        }));
    }
    official.sort_by_key(|r| r.key());
    let mut i = 1;
    while i < official.len() {
        if official[i].key() == official[i - 1].key() {
            let r = official.remove(i);
            sink(dup(&r.key(), r.meta().at, official[i - 1].meta().at))?;
        } else {
            i += 1;
        }
    }
    if overrides.is_empty() {
        return Ok(official);
    }

    enum State<R> {
        Put(R),
        Off,
    }
    let find = |official: &[R], key: &R::Key| official.binary_search_by(|r| r.key().cmp(key)).ok();
    let mut state: HashMap<R::Key, State<R>> = HashMap::new();
    for p in overrides {
        let mut seen: HashMap<R::Key, TableRowRef> = HashMap::new();
        for item in p.items {
            let (key, at) = match &item {
                Item::Put(r) => (r.key(), r.meta().at),
                Item::Off { key, at } => (*key, *at),
            };
            if let Some(first) = seen.insert(key, at) {
                sink(dup(&key, at, first))?;
                continue;
            }
            // The row this one acts on: an earlier override's, else the official one.
            let visible: Option<(TableRowRef, RawRow)> = match state.get(&key) {
                Some(State::Put(r)) => Some((r.meta().at, r.raw().clone())),
                Some(State::Off) => None,
                None => find(&official, &key).map(|i| (official[i].meta().at, official[i].raw().clone())),
            };
            match item {
                Item::Put(mut r) => {
                    r.meta_mut().replaces = visible.map(|v| v.0);
                    state.insert(key, State::Put(r));
                }
                Item::Off { at, .. } => match visible {
                    Some((removed, raw)) => {
                        switched_off.push(SwitchedOff {
                            table,
                            removed,
                            by: at,
                            raw,
                        });
                        state.insert(key, State::Off);
                    }
                    None => sink(warning(ctx_of(at).err(
                        &R::COLUMNS[0],
                        ErrorKind::Other(format!(
                            "1 (抹消) row for {} matches no row of {}: nothing switched off",
                            R::describe_key(&key),
                            table.label()
                        )),
                    )))?,
                },
            }
        }
    }
    let mut out: Vec<R> = Vec::with_capacity(official.len() + state.len());
    for r in official {
        match state.remove(&r.key()) {
            None => out.push(r),
            Some(State::Put(n)) => out.push(n),
            Some(State::Off) => {}
        }
    }
    let added = state.into_values().filter_map(|s| match s {
        State::Put(r) => Some(r),
        State::Off => None,
    });
    out.extend(added);
    out.sort_by_key(|r| r.key());
    Ok(out)
}

/// Warns about 背反 pairs whose reverse row is missing or carries an inconsistent 背反区分
/// (every pair is published both ways, 1 ↔ 2 and 3 ↔ 3 [手引き pp.22–23, p.35]).
fn check_reverse(
    rows: &[HaihanRow],
    table: TableId,
    files: &[TableFileInfo],
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    for r in rows {
        let ctx = RowCtx {
            file: files[r.meta.at.file as usize].path.as_str(),
            line: r.meta.at.line as u64,
        };
        let col = &super::rows::COLUMNS_HAIHAN[3];
        match rows.binary_search_by(|x| (x.code1, x.code2).cmp(&(r.code2, r.code1))) {
            Err(_) => sink(warning(ctx.err(
                col,
                ErrorKind::Other(format!(
                    "{}: no reverse row {} → {} (pairs are published in both directions)",
                    table.label(),
                    r.code2,
                    r.code1
                )),
            )))?,
            Ok(i) if r.code1 < r.code2 && rows[i].kubun != r.kubun.mirrored() => {
                let rev = &rows[i];
                sink(warning(ctx.err(
                    &super::rows::COLUMNS_HAIHAN[5],
                    ErrorKind::Other(format!(
                        "背反区分 {} here but {} on the reverse row ({}:{}); expected {}",
                        r.kubun.code(),
                        rev.kubun.code(),
                        files[rev.meta.at.file as usize].path,
                        rev.meta.at.line,
                        r.kubun.mirrored().code()
                    )),
                )))?
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// All files of each table, before merging.
#[derive(Default)]
struct Parts {
    hojo: Vec<FileRows<HojoRow>>,
    hokatsu: Vec<FileRows<HokatsuRow>>,
    haihan: [Vec<FileRows<HaihanRow>>; 4],
    nyuin: Vec<FileRows<NyuinRow>>,
    kaisu: Vec<FileRows<KaisuRow>>,
}

/// The rows of one file, whatever its table.
enum AnyRows {
    Hojo(FileRows<HojoRow>),
    Hokatsu(FileRows<HokatsuRow>),
    Haihan(HaihanScope, FileRows<HaihanRow>),
    Nyuin(FileRows<NyuinRow>),
    Kaisu(FileRows<KaisuRow>),
}

/// One file to read, with the index its rows will carry.
struct Job<'a> {
    src: &'a Source,
    table: TableId,
    layer: TableLayer,
    idx: u16,
}

/// What reading one file gave: its rows (or the error that ended it) and the problems met.
struct JobOut {
    result: Result<(AnyRows, usize, usize, Option<String>), Error>,
    problems: Vec<Problem>,
}

/// Reads one file; problems are kept for the caller to replay in file order.
fn read_job(job: &Job<'_>, collect_all: bool) -> JobOut {
    let mut log = ProblemLog::default();
    let result = read_one(job, &mut collecting(&mut log, collect_all));
    JobOut {
        result,
        problems: log.finish(),
    }
}

/// Opens one file (unzipping it when needed) and reads its rows: (rows, row count, column
/// count, zip member).
fn read_one(job: &Job<'_>, sink: &mut Sink<'_>) -> Result<(AnyRows, usize, usize, Option<String>), Error> {
    let display = job.src.path.as_str();
    let bytes = &job.src.bytes;
    let is_zip = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06");
    let opened;
    let (csv, member): (&[u8], Option<String>) = if is_zip || display.to_ascii_lowercase().ends_with(".zip") {
        opened = raw::open_bytes(display, bytes)?;
        (&opened.csv, opened.member.clone())
    } else {
        raw::check_size(display, "the file", bytes.len() as u64)?;
        (bytes, None)
    };
    let (table, layer, idx) = (job.table, job.layer, job.idx);
    let (rows, n, columns) = match table {
        TableId::Hojo => read_file(display, csv, table, layer, idx, sink).map(|(r, n, c)| (AnyRows::Hojo(r), n, c))?,
        TableId::Hokatsu => {
            read_file(display, csv, table, layer, idx, sink).map(|(r, n, c)| (AnyRows::Hokatsu(r), n, c))?
        }
        TableId::Haihan(s) => {
            read_file(display, csv, table, layer, idx, sink).map(|(r, n, c)| (AnyRows::Haihan(s, r), n, c))?
        }
        TableId::Nyuin => {
            read_file(display, csv, table, layer, idx, sink).map(|(r, n, c)| (AnyRows::Nyuin(r), n, c))?
        }
        TableId::Kaisu => {
            read_file(display, csv, table, layer, idx, sink).map(|(r, n, c)| (AnyRows::Kaisu(r), n, c))?
        }
    };
    Ok((rows, n, columns, member))
}

/// `f` over `items`, one scoped thread per item (the tables are independent; there are at most
/// a handful of files). Results keep the order of `items`. When a thread cannot be started
/// (resource limits), that item runs here instead. A panic in `f` is re-raised here with its own
/// payload; `std::thread::scope` joins every thread before it returns or unwinds, so no thread
/// outlives the borrow of `items` and `f`.
///
/// A scope takes the calling thread's `Thread` handle, which std never frees on a thread that
/// Rust did not start (a C program's main thread): the C ABI therefore loads master sets on a
/// thread of its own (`load_off_thread` in `ffi/src/lib.rs`).
fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    if items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|s| {
        // `Ok`: running on its own thread; `Err`: already computed here (no thread to be had).
        let slots: Vec<Result<std::thread::ScopedJoinHandle<'_, U>, U>> = items
            .iter()
            .map(|it| {
                std::thread::Builder::new()
                    .spawn_scoped(s, move || f(it))
                    .map_err(|_| f(it))
            })
            .collect();
        slots
            .into_iter()
            .map(|slot| match slot {
                Ok(h) => h.join().unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
                Err(done) => done,
            })
            .collect()
    })
}

/// Loads every 電子点数表 table found among `sources` (all files of a master set; files that are
/// not 電子点数表 tables are ignored). With `collect_all`, every problem is returned and rows with
/// errors are left out; otherwise the first error is returned. Warnings are returned either way.
/// Files are read in parallel; problems are reported in file order all the same.
///
/// Errors read `file:line:column: <項目名>: message`, e.g.
/// `03-2背反テーブル2.csv:12:6: 背反区分: `x` is not a valid 背反区分 (1, 2 or 3)`.
pub fn load_tensuhyo(sources: &[Source], collect_all: bool) -> Result<(Tensuhyo, Vec<Problem>), Error> {
    let mut log = ProblemLog::default();
    let t = load_with(sources, collect_all, &mut collecting(&mut log, collect_all))?;
    Ok((t, log.finish()))
}

fn load_with(sources: &[Source], collect_all: bool, sink: &mut Sink<'_>) -> Result<Tensuhyo, Error> {
    // Official files first, then overrides; each in path order.
    let mut found: Vec<(&Source, TableId, TableLayer)> = sources
        .iter()
        .filter_map(|s| {
            let (table, layer) = classify_tensuhyo_file(&s.path)?;
            // Only official sources can hold official tables (a supplement is an override).
            let layer = if s.layer == crate::set::Layer::Official {
                layer
            } else {
                TableLayer::Override
            };
            Some((s, table, layer))
        })
        .collect();
    found.sort_by(|a, b| (a.2, &a.0.path).cmp(&(b.2, &b.0.path)));
    let hashes = par_map(&found, |(s, _, _)| raw::sha256_hex(&s.bytes));

    // Which files are read, and the index each gets.
    let mut skipped: Vec<NotUsed> = Vec::new();
    let mut jobs: Vec<(Job<'_>, String)> = Vec::new();
    for ((src, table, layer), sha256) in found.into_iter().zip(hashes) {
        if let Some((prev, _)) = jobs.iter().find(|(j, h)| *h == sha256 && j.table == table) {
            skipped.push(NotUsed {
                path: src.path.clone(),
                reason: format!("byte-identical to {}", prev.src.path),
            });
            continue;
        }
        if layer == TableLayer::Official {
            if let Some((prev, _)) = jobs
                .iter()
                .find(|(j, _)| j.table == table && j.layer == TableLayer::Official)
            {
                sink(error(Error::file(
                    &src.path,
                    ErrorKind::Other(format!(
                        "a second published {} (the first is {}); a set holds one release of the 電子点数表",
                        table.label(),
                        prev.src.path
                    )),
                )))?;
                continue;
            }
        }
        let idx = jobs.len() as u16;
        jobs.push((Job { src, table, layer, idx }, sha256));
    }
    let outs = par_map(&jobs, |(job, _)| read_job(job, collect_all));

    // Replay in file order. A file that fails as a whole keeps its index (its rows are none).
    let mut files: Vec<TableFileInfo> = Vec::with_capacity(jobs.len());
    let mut parts = Parts::default();
    for ((job, sha256), out) in jobs.into_iter().zip(outs) {
        for p in out.problems {
            sink(p)?;
        }
        let path = job.src.path.clone();
        let name = path.rsplit(['/', '\\']).next().unwrap_or(&path).to_string();
        let (rows, columns, member) = match out.result {
            Ok((any, n, columns, member)) => {
                match any {
                    AnyRows::Hojo(r) => parts.hojo.push(r),
                    AnyRows::Hokatsu(r) => parts.hokatsu.push(r),
                    AnyRows::Haihan(s, r) => parts.haihan[s.index()].push(r),
                    AnyRows::Nyuin(r) => parts.nyuin.push(r),
                    AnyRows::Kaisu(r) => parts.kaisu.push(r),
                }
                (n, columns, member)
            }
            Err(e) => {
                sink(error(e))?;
                (0, 0, None)
            }
        };
        files.push(TableFileInfo {
            path,
            name,
            table: job.table,
            layer: job.layer,
            rows,
            columns,
            sha256,
            member,
        });
    }

    let mut switched_off = Vec::new();
    let hojo = merge(TableId::Hojo, parts.hojo, &files, &mut switched_off, sink)?;
    let hokatsu = merge(TableId::Hokatsu, parts.hokatsu, &files, &mut switched_off, sink)?;
    let mut haihan: [Vec<HaihanRow>; 4] = Default::default();
    for (scope, p) in HaihanScope::ALL.into_iter().zip(parts.haihan) {
        let table = TableId::Haihan(scope);
        let rows = merge(table, p, &files, &mut switched_off, sink)?;
        check_reverse(&rows, table, &files, sink)?;
        haihan[scope.index()] = rows;
    }
    let nyuin = merge(TableId::Nyuin, parts.nyuin, &files, &mut switched_off, sink)?;
    let kaisu = merge(TableId::Kaisu, parts.kaisu, &files, &mut switched_off, sink)?;

    let missing = TableId::ALL
        .into_iter()
        .filter(|t| {
            !files
                .iter()
                .any(|f| f.table == *t && f.layer == TableLayer::Official && f.rows > 0)
        })
        .map(TableId::label)
        .collect();
    let hokatsu_by_code = CodeIndex::build(hokatsu.iter().map(|r| r.code));
    let haihan_by_code2 = std::array::from_fn(|i| CodeIndex::build(haihan[i].iter().map(|r| r.code2)));
    let nyuin_by_code = CodeIndex::build(nyuin.iter().map(|r| r.code));
    let haihan_runs = std::array::from_fn(|i| super::RunIndex::build(&haihan[i], |r| r.code1));
    let kaisu_runs = super::RunIndex::build(&kaisu, |r| r.code);
    let t = Tensuhyo {
        files,
        missing,
        switched_off,
        skipped,
        hojo,
        hokatsu,
        hokatsu_by_code,
        haihan,
        haihan_by_code2,
        nyuin,
        nyuin_by_code,
        kaisu,
        haihan_runs,
        kaisu_runs,
    };
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::par_map;

    #[test]
    fn par_map_keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..9).collect();
        assert_eq!(par_map(&items, |x| x * 10), vec![0, 10, 20, 30, 40, 50, 60, 70, 80]);
        assert_eq!(par_map(&[7u32], |x| x + 1), vec![8]);
        assert!(par_map(&[] as &[u32], |x| x + 1).is_empty());
    }

    #[test]
    fn par_map_borrows_from_the_caller() {
        let owned: Vec<String> = vec!["01".into(), "03-2".into(), "05".into()];
        let prefix = String::from("t");
        assert_eq!(par_map(&owned, |s| format!("{prefix}{s}")), vec!["t01", "t03-2", "t05"]);
    }

    #[test]
    fn par_map_reraises_a_panic_with_its_payload() {
        let items = [1u32, 2, 3];
        let err = std::panic::catch_unwind(|| par_map(&items, |&x| if x == 2 { panic!("item {x}") } else { x }))
            .expect_err("the panic of item 2");
        assert_eq!(err.downcast_ref::<String>().map(String::as_str), Some("item 2"));
    }
}
