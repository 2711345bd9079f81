//! Tests of the master files compiled into the binary (`masters/src/embedded.rs`):
//! the curated default set (`masters/default/`, excerpts of the official SSK files and of the
//! 医科電子点数表 tables) and the 2026-06 supplement (`masters/supplement/s_20260305.csv`).
//!
//! The checks against the official files need the staged data: the environment variable
//! `SANTEI_DATA`, else `<workspace>/../shared/data`. When it is absent those tests print a loud
//! `SKIPPED` line and pass; the others need nothing but the binary.

use chrono::NaiveDate;
use masters::embedded::{DEFAULT_FILES, DEFAULT_TABLE_FILES, SUPPLEMENT_FILES, SUPPLEMENT_SOURCES};
use masters::tensuhyo::{HaihanScope, TableId, TableLayer, TableRowRef, Tensuhyo};
use masters::{AnyVersion, Code, Kind, Layer, MasterSet, Role, Source};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn data_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SANTEI_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data")),
    };
    dir.join("MANIFEST.md").is_file().then_some(dir)
}

/// The data folder, or `None` after printing a loud skip notice.
macro_rules! data_or_skip {
    () => {
        match data_dir() {
            Some(d) => d,
            None => {
                eprintln!(
                    "SKIPPED: {}: no SSK data (set SANTEI_DATA or stage it at <workspace>/../shared/data)",
                    std::thread::current().name().unwrap_or(module_path!())
                );
                return;
            }
        }
    };
}

fn d(s: &str) -> NaiveDate {
    masters::parse_date(s).unwrap_or_else(|| panic!("bad test date {s}"))
}

fn code(s: &str) -> Code {
    Code::parse(s).unwrap_or_else(|| panic!("bad test code {s}"))
}

fn default_set() -> &'static MasterSet {
    static SET: OnceLock<MasterSet> = OnceLock::new();
    SET.get_or_init(|| masters::load_default().unwrap_or_else(|e| panic!("load_default: {e}")))
}

/// The whole data folder (plus the supplement, as `load_dir` always adds it).
fn full_set(data: &Path) -> &'static MasterSet {
    static SET: OnceLock<MasterSet> = OnceLock::new();
    SET.get_or_init(|| masters::load_dir(data).unwrap_or_else(|e| panic!("load_dir {}: {e}", data.display())))
}

/// Points (s) or price (y, t) or text (c) of a version, as printed.
fn value(v: &AnyVersion<'_>) -> String {
    match v {
        AnyVersion::S(v) => v.row.points.to_string(),
        AnyVersion::Y(v) => v.row.price.to_string(),
        AnyVersion::T(v) => v.row.price.to_string(),
        AnyVersion::C(v) => v.row.text.to_string(),
    }
}

fn points(set: &MasterSet, c: &str, on: &str) -> Option<String> {
    set.s
        .lookup(code(c), d(on))
        .map(|v| v.row.points.normalize().to_string())
}

// ---------------------------------------------------------------------------------------------
// Reading official files, line by line (bytes, line end removed).

/// Splits a file into its rows (without the CR LF / LF), and tells whether it uses CRLF.
fn lines(bytes: &[u8]) -> (Vec<&[u8]>, bool) {
    let crlf = bytes.windows(2).any(|w| w == b"\r\n");
    let mut out: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    if out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    (out, crlf)
}

/// The bytes of an official file as its rows are stored (a zip's single member).
fn official_csv(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !bytes.starts_with(b"PK") {
        return bytes;
    }
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(zip.len(), 1, "{}: one member expected", path.display());
    let mut out = Vec::new();
    zip.by_index(0)
        .and_then(|mut f| Ok(f.read_to_end(&mut out)?))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    out
}

/// Kind letter of an SSK s/y/t/c master file name (`s_ALL20240531.zip`, `t_20251128.csv`).
fn master_kind(name: &str) -> Option<char> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !matches!(ext, "csv" | "zip") {
        return None;
    }
    let (letter, rest) = stem.split_once('_')?;
    let digits = rest.strip_prefix("ALL").unwrap_or(rest);
    let kind = letter
        .chars()
        .next()
        .filter(|c| letter.len() == 1 && "sytc".contains(*c))?;
    (digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(kind)
}

/// The chain key of one row: col 3 (s/y/t), or `8` + パターン + 一連番号 (c).
fn row_key(kind: char, line: &[u8]) -> String {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(line);
    let mut rec = csv::ByteRecord::new();
    assert!(rdr.read_byte_record(&mut rec).expect("csv row"), "empty row");
    let field = |i: usize| {
        std::str::from_utf8(rec.get(i).expect("field"))
            .expect("ASCII key field")
            .to_string()
    };
    if kind == 'c' {
        let pat: u32 = field(3).parse().expect("pattern");
        let ser: u32 = field(4).parse().expect("serial");
        format!("8{pat:02}{ser:06}")
    } else {
        field(2)
    }
}

/// Official files of the data folder: path relative to the data folder (with `/`) → kind.
fn official_files(data: &Path) -> BTreeMap<String, char> {
    let mut out = BTreeMap::new();
    for p in masters::set::discover(&data.join("ssk")).expect("list data") {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some(kind) = master_kind(name) {
            let rel = p
                .strip_prefix(data)
                .expect("under data")
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, kind);
        }
    }
    out
}

/// Embedded name (`ssk/2024-06/s_ALL20240531.csv`) → its official file under the data folder.
fn official_for(data: &Path, name: &str) -> PathBuf {
    let csv = data.join(name);
    if csv.is_file() {
        return csv;
    }
    let zip = data.join(name.replace(".csv", ".zip"));
    assert!(
        zip.is_file(),
        "{name}: no official file {} nor {}",
        csv.display(),
        zip.display()
    );
    zip
}

// ---------------------------------------------------------------------------------------------
// (a) The default set loads cleanly.

#[test]
fn default_set_loads_without_errors_or_warnings() {
    let set = default_set();
    assert_eq!(set.origin, masters::embedded::DEFAULT_ORIGIN);
    let warnings: Vec<String> = set.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.is_empty(), "warnings: {warnings:#?}");
    assert!(set.not_used.is_empty(), "files not used: {:#?}", set.not_used);
    assert!(set.withdrawn.is_empty(), "withdrawn: {:?}", set.withdrawn);
    assert_eq!(set.files.len(), DEFAULT_FILES.len() + SUPPLEMENT_FILES.len());
    assert_eq!(
        set.files.iter().filter(|f| f.layer == Layer::Official).count(),
        DEFAULT_FILES.len()
    );
    for k in Kind::ALL {
        assert!(
            set.files_of(k).any(|f| f.layer == Layer::Official),
            "no official {k:?} file"
        );
    }
    // Every excerpt of a full file is still a full file: ALL / zip names by name, the two 2025-11
    // full files without ALL by content (they keep 変更区分 0 rows).
    for f in set.files.iter().filter(|f| f.layer == Layer::Official) {
        let full_by_name = f.name.contains("ALL");
        let full_by_content =
            f.path.contains("/2025-11/") && matches!(f.name.as_ref(), "t_20251128.csv" | "c_20250715.csv");
        let want = if full_by_name || full_by_content {
            Role::Full
        } else {
            Role::Delta
        };
        assert_eq!(f.role, want, "{}", f.path);
    }
    // Names as documented: the path under masters/default/.
    assert!(DEFAULT_FILES.iter().any(|(n, _)| *n == "ssk/2024-06/s_ALL20240531.csv"));
    assert!(DEFAULT_FILES
        .iter()
        .all(|(n, _)| n.starts_with("ssk/") && n.ends_with(".csv")));
    // Curated size: the master excerpts under 800 kB, with the 電子点数表 excerpts under 1 MB.
    let size: usize = DEFAULT_FILES.iter().map(|(_, b)| b.len()).sum();
    assert!(size < 800_000, "default master excerpts are {size} bytes");
    let tables: usize = DEFAULT_TABLE_FILES.iter().map(|(_, b)| b.len()).sum();
    assert!(size + tables < 1_000_000, "default set is {} bytes", size + tables);
    // The chosen codes (see masters/default/SOURCES.md).
    assert_eq!((set.y.len(), set.t.len(), set.c.len()), (19, 6, 7));
    assert_eq!(set.s.len(), 209 + SUPPLEMENT_NEW.len());
    for c in SUPPLEMENT_NEW {
        assert!(!set.s.history(code(c)).is_empty(), "{c}");
    }
}

/// Codes that only the supplement has.
const SUPPLEMENT_NEW: &[&str] = &[
    "111704070",
    "111704170",
    "111704270",
    "112709570",
    "180819910",
    "180820010",
    "180820110",
];

/// The 電子点数表 tables the default set ships excerpts of (see masters/default/SOURCES.md), with
/// the 1-based columns that name a 診療行為コード (01 col 2; 03 cols 2 and 4; 05 col 2).
const DEFAULT_TABLES: &[(TableId, &[usize])] = &[
    (TableId::Hojo, &[2]),
    (TableId::Haihan(HaihanScope::Month), &[2, 4]),
    (TableId::Haihan(HaihanScope::SameTime), &[2, 4]),
    (TableId::Haihan(HaihanScope::Week), &[2, 4]),
    (TableId::Kaisu, &[2]),
];

#[test]
fn default_set_loads_its_tensuhyo_excerpts_as_official_tables() {
    let set = default_set();
    let t = &set.tensuhyo;
    assert!(!DEFAULT_TABLE_FILES.is_empty());
    assert_eq!(t.files.len(), DEFAULT_TABLE_FILES.len(), "{:#?}", t.files);
    assert!(t.skipped.is_empty(), "{:?}", t.skipped);
    assert!(t.switched_off.is_empty());
    for ((name, bytes), f) in DEFAULT_TABLE_FILES.iter().zip(&t.files) {
        assert!(name.starts_with("tensuhyo/2024/") && name.ends_with(".csv"), "{name}");
        let file = name.rsplit('/').next().unwrap();
        let table = masters::tensuhyo::classify_tensuhyo_name(file).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(file, table.file_name(), "{name}: the official file name");
        assert!(
            DEFAULT_TABLES.iter().any(|(id, _)| *id == table),
            "{name}: not a table the default set ships"
        );
        assert_eq!(f.path, format!("embedded:{name}"));
        assert_eq!((f.table, f.layer), (table, TableLayer::Official), "{name}");
        assert_eq!(f.rows, lines(bytes).0.len(), "{name}");
        assert!(t.has_official(table), "{name}");
    }
    // Never a 02 包括 table: the engine's hand-coded 外来診療料 list is switched off by one.
    assert!(!t.has(TableId::Hokatsu));
    assert_eq!(t.len(TableId::Hokatsu), 0);
    // Spot rows a person can check in the official files.
    // 01 line 1: 111000110 初診料, 算定回数関連 1 (05 holds rows for it).
    let h = t.hojo(code("111000110")).expect("01 row of 初診料");
    assert_eq!((h.name(), h.has_kaisu), ("初診料", true));
    // 05 line 1: 111000110 初診料, 算定単位 159 初診時, 1 回.
    let k = t.santei_kaisu(code("111000110"));
    assert_eq!(k.len(), 1);
    assert_eq!((k[0].unit.code(), k[0].max_count), (159, 1));
    // 03-3 line 29: 111011810 初診料（同一日複数科受診時の２科目） ⟷ 111013770 機能強化加算（初診）,
    // 背反区分 1 (keep ①); its mirror (line 82) has 2.
    let a = t.haihan_pair(HaihanScope::SameTime, code("111011810"), code("111013770"));
    let b = t.haihan_pair(HaihanScope::SameTime, code("111013770"), code("111011810"));
    assert_eq!(a.map(|r| r.kubun.code()), Some(1));
    assert_eq!(b.map(|r| r.kubun.code()), Some(2));
    // 03-2 line 84: 111014870 外来感染対策向上加算（初診） ⟷ 112024370 (再診), 同一月内, 背反区分 3.
    let m = t.haihan_pair(HaihanScope::Month, code("111014870"), code("112024370"));
    assert_eq!(m.map(|r| r.kubun.code()), Some(3));
}

/// The s codes of the default set's master excerpts (not the supplement's).
fn excerpt_s_codes() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (name, bytes) in DEFAULT_FILES {
        if master_kind(name.rsplit('/').next().unwrap()) == Some('s') {
            for l in lines(bytes).0 {
                out.insert(row_key('s', l));
            }
        }
    }
    out
}

/// Field `col` (1-based) of one CSV row, as ASCII text.
fn csv_field(line: &[u8], col: usize) -> String {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(line);
    let mut rec = csv::ByteRecord::new();
    assert!(rdr.read_byte_record(&mut rec).expect("csv row"), "empty row");
    let f = rec.get(col - 1).unwrap_or_else(|| panic!("no column {col}"));
    std::str::from_utf8(f).expect("ASCII code field").to_string()
}

// ---------------------------------------------------------------------------------------------
// (b) Every embedded row is an official row, and nothing of the chosen codes is missing.

#[test]
fn embedded_table_rows_are_byte_identical_official_rows() {
    let data = data_or_skip!();
    let s_codes = excerpt_s_codes();
    assert_eq!(s_codes.len(), 209);
    let embedded: BTreeMap<&str, &[u8]> = DEFAULT_TABLE_FILES.iter().map(|(n, b)| (*n, *b)).collect();
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for (table, code_cols) in DEFAULT_TABLES {
        let name = format!("tensuhyo/2024/{}", table.file_name());
        let official = std::fs::read(data.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (rows, official_crlf) = lines(&official);
        assert!(official_crlf, "{name}: the published tables are CRLF");
        let want: Vec<&[u8]> = rows
            .iter()
            .copied()
            .filter(|l| code_cols.iter().all(|&c| s_codes.contains(&csv_field(l, c))))
            .collect();
        match embedded.get(name.as_str()) {
            None if want.is_empty() => {}
            None => failures.push(format!("{name}: {} rows of the set's codes but no excerpt", want.len())),
            Some(bytes) => {
                let (got, crlf) = lines(bytes);
                if got != want {
                    let first = got.iter().position(|l| !rows.contains(l));
                    failures.push(format!(
                        "{name}: {} rows, the official table has {} rows of the set's codes (first foreign row: {first:?})",
                        got.len(),
                        want.len()
                    ));
                }
                if crlf != official_crlf
                    || !bytes.ends_with(b"\r\n")
                    || bytes.windows(2).filter(|w| w == b"\r\n").count() != got.len()
                {
                    failures.push(format!("{name}: line ends differ from the official file"));
                }
                checked += got.len();
            }
        }
    }
    // Every excerpt is one of the tables above (so it was compared).
    for name in embedded.keys() {
        assert!(
            DEFAULT_TABLES
                .iter()
                .any(|(t, _)| *name == format!("tensuhyo/2024/{}", t.file_name())),
            "{name}: not a shipped table"
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let total: usize = embedded.values().map(|b| lines(b).0.len()).sum();
    assert_eq!(checked, total, "every embedded table row was compared");
    assert!(total > 800, "only {total} table rows");
}

/// A row with its provenance blanked (file index and line differ between the two sets).
fn unplaced<R: Clone>(r: &R, meta: impl Fn(&mut R) -> &mut masters::tensuhyo::RowMeta) -> R {
    let mut r = r.clone();
    meta(&mut r).at = TableRowRef { file: 0, line: 0 };
    r
}

#[test]
fn default_tables_equal_the_full_tables_restricted_to_its_codes() {
    let data = data_or_skip!();
    let full = &full_set(&data).tensuhyo;
    let def = &default_set().tensuhyo;
    let s: BTreeSet<Code> = excerpt_s_codes().iter().map(|c| code(c)).collect();
    let has = |c: Code| s.contains(&c);
    fn same<R: Clone + PartialEq + std::fmt::Debug>(
        what: &str,
        def: &[R],
        full: impl Iterator<Item = R>,
        meta: impl Fn(&mut R) -> &mut masters::tensuhyo::RowMeta + Copy,
    ) -> usize {
        let want: Vec<R> = full.map(|r| unplaced(&r, meta)).collect();
        let got: Vec<R> = def.iter().map(|r| unplaced(r, meta)).collect();
        assert_eq!(got.len(), want.len(), "{what}: row count");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{what}");
        }
        got.len()
    }
    let mut n = 0;
    n += same(
        "01",
        def.hojo_rows(),
        full.hojo_rows().iter().filter(|r| has(r.code)).cloned(),
        |r| &mut r.meta,
    );
    for scope in HaihanScope::ALL {
        n += same(
            TableId::Haihan(scope).id(),
            def.haihan_rows(scope),
            full.haihan_rows(scope)
                .iter()
                .filter(|r| has(r.code1) && has(r.code2))
                .cloned(),
            |r| &mut r.meta,
        );
    }
    n += same(
        "05",
        def.kaisu_rows(),
        full.kaisu_rows().iter().filter(|r| has(r.code)).cloned(),
        |r| &mut r.meta,
    );
    n += same(
        "04",
        def.nyuin_rows(),
        full.nyuin_rows().iter().filter(|r| has(r.code)).cloned(),
        |r| &mut r.meta,
    );
    assert_eq!(full.len(TableId::Hokatsu), 0, "the staged set has no 02 table");
    assert_eq!(def.len(TableId::Hokatsu), 0);
    assert_eq!(n, 905, "rows compared");
    // Absent tables: the full set's, plus those with no row for these codes (03-4, 04).
    let restricted_empty = |t: TableId| full.has_official(t) && def.len(t) == 0;
    let want: Vec<&str> = TableId::ALL
        .into_iter()
        .filter(|t| full.missing.contains(&t.label()) || restricted_empty(*t))
        .map(TableId::label)
        .collect();
    assert_eq!(def.missing, want);
    assert_eq!(
        def.missing,
        [
            "02 包括テーブル",
            "03-1 背反テーブル1",
            "03-4 背反テーブル4",
            "04 入院基本料テーブル"
        ]
    );
    // The lookups agree too, code by code, for every code of the set.
    for &c in &s {
        let ks = |t: &Tensuhyo| t.santei_kaisu(c).iter().map(|r| r.raw.clone()).collect::<Vec<_>>();
        assert_eq!(ks(def), ks(full), "05 of {c}");
        let hs = |t: &Tensuhyo| {
            t.haihan_pairs(c)
                .filter(|r| has(r.code1) && has(r.code2))
                .map(|r| r.raw.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(hs(def), hs(full), "03 of {c}");
        assert_eq!(
            def.haihan_pairs(c).count(),
            hs(def).len(),
            "03 of {c}: only pairs inside the set"
        );
    }
}

#[test]
fn embedded_rows_are_byte_identical_official_rows() {
    let data = data_or_skip!();
    let embedded: BTreeMap<&str, &[u8]> = DEFAULT_FILES.iter().map(|(n, b)| (*n, *b)).collect();
    // The chosen codes, per kind: every key found in an excerpt.
    let mut chosen: BTreeMap<char, BTreeSet<String>> = BTreeMap::new();
    for (name, bytes) in &embedded {
        let kind =
            master_kind(name.rsplit('/').next().unwrap()).unwrap_or_else(|| panic!("{name}: not a master file name"));
        for l in lines(bytes).0 {
            chosen.entry(kind).or_default().insert(row_key(kind, l));
        }
    }
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for (rel, kind) in official_files(&data) {
        let official = official_csv(&data.join(&rel));
        let (rows, official_crlf) = lines(&official);
        let want: Vec<&[u8]> = rows
            .iter()
            .copied()
            .filter(|l| chosen.get(&kind).is_some_and(|s| s.contains(&row_key(kind, l))))
            .collect();
        let name = if rel.ends_with(".zip") {
            rel.replace(".zip", ".csv")
        } else {
            rel.clone()
        };
        match embedded.get(name.as_str()) {
            None if want.is_empty() => {}
            None => failures.push(format!(
                "{rel}: {} rows of chosen codes but no excerpt {name}",
                want.len()
            )),
            Some(bytes) => {
                let (got, crlf) = lines(bytes);
                if got != want {
                    // Pinpoint the first row that is not an official row of the chosen codes.
                    let first = got.iter().position(|l| !rows.contains(l));
                    failures.push(format!(
                        "{name}: {} rows, official {rel} has {} rows of the chosen codes (first foreign row: {first:?})",
                        got.len(),
                        want.len()
                    ));
                }
                if crlf != official_crlf || !bytes.ends_with(if crlf { b"\r\n" } else { b"\n" }) {
                    failures.push(format!("{name}: line ends differ from {rel}"));
                }
                checked += got.len();
            }
        }
    }
    // Every excerpt has an official file of the same name.
    for name in embedded.keys() {
        let _ = official_for(&data, name);
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let total: usize = embedded.values().map(|b| lines(b).0.len()).sum();
    assert_eq!(checked, total, "every embedded row was compared");
}

// ---------------------------------------------------------------------------------------------
// (c) Every chosen code has the same history in the default set as in the whole data folder.

#[test]
fn history_of_every_embedded_code_matches_the_data_folder() {
    let data = data_or_skip!();
    let full = full_set(&data);
    let def = default_set();
    let mut codes: Vec<Code> = Vec::new();
    codes.extend(def.s.codes());
    codes.extend(def.y.codes());
    codes.extend(def.t.codes());
    codes.extend(def.c.codes());
    codes.sort();
    let mut failures = Vec::new();
    let mut versions = 0usize;
    for c in &codes {
        let a = def.history_any(*c);
        let b = full.history_any(*c);
        let show = |h: &[AnyVersion<'_>]| -> Vec<String> {
            h.iter()
                .map(|v| format!("{} … {} {} {}", v.valid_from(), v.valid_to(), v.name(), value(v)))
                .collect()
        };
        if show(&a) != show(&b) {
            failures.push(format!("{c}: default {:#?}\nfull {:#?}", show(&a), show(&b)));
            continue;
        }
        for (x, y) in a.iter().zip(&b) {
            if x.raw() != y.raw() {
                failures.push(format!("{c} from {}: the merged rows differ", x.valid_from()));
            }
        }
        versions += a.len();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(versions > 500, "only {versions} versions compared");
}

// ---------------------------------------------------------------------------------------------
// (d) Spot values a person can check in the official files.

#[test]
fn spot_values() {
    let set = default_set();
    // 初診料: 288 until 2024-05-31 (s_ALL20240201), 291 from 2024-06-01 (s_ALL20240531).
    assert_eq!(points(set, "111000110", "20240531").as_deref(), Some("288"));
    assert_eq!(points(set, "111000110", "20240601").as_deref(), Some("291"));
    // 111703470: 医療ＤＸ推進体制整備加算１ 11点 from 2024-10-01 (s_20240906), 加算４ 10点 from
    // 2025-04-01 (s_20250307).
    assert_eq!(points(set, "111703470", "20241101").as_deref(), Some("11"));
    assert_eq!(points(set, "111703470", "20250501").as_deref(), Some("10"));
    let v = set.s.lookup(code("111703470"), d("20250501")).unwrap();
    assert_eq!(&*v.row.name, "医療ＤＸ推進体制整備加算４（初診）");
    assert!(
        set.s.lookup(code("111703470"), d("20240930")).is_none(),
        "new on 2024-10-01"
    );
    // 再診料 73 → 75.
    assert_eq!(points(set, "112007410", "20240531").as_deref(), Some("73"));
    assert_eq!(points(set, "112007410", "20240601").as_deref(), Some("75"));
    // カロナール錠３００: 7.00 円 (y_ALL20240531).
    let y = set.y.lookup(code("620000033"), d("20240601")).unwrap();
    assert_eq!(y.row.price.normalize().to_string(), "7");
    // Film 半切 700010000: 120.00 円 (t_ALL20240315).
    let t = set.t.lookup(code("700010000"), d("20240601")).unwrap();
    assert_eq!(t.row.price.normalize().to_string(), "120");
    // 830100474 (救急医療管理加算２ その他) abolished 2025-03-31 (c_20250307).
    assert!(set.c.lookup(code("830100474"), d("20250331")).is_some());
    assert!(set.c.lookup(code("830100474"), d("20250401")).is_none());
}

// ---------------------------------------------------------------------------------------------
// Part 2: the 2026-06 supplement.

#[test]
fn supplement_2026_06_in_the_default_set() {
    let set = default_set();
    assert!(set.supplement_files().next().is_some(), "supplement in effect");
    assert_eq!(set.supplement_files().count(), 1);
    let f = set.supplement_files().next().unwrap();
    assert_eq!(
        (f.name.as_ref(), f.kind, f.role),
        ("s_20260305.csv", Kind::S, Role::Delta)
    );
    // 再診料 75 → 76.
    assert_eq!(points(set, "112007410", "20260531").as_deref(), Some("75"));
    assert_eq!(points(set, "112007410", "20260601").as_deref(), Some("76"));
    assert_eq!(points(set, "112011310", "20260601").as_deref(), Some("77"));
    assert_eq!(points(set, "112015810", "20260601").as_deref(), Some("39"));
    // 医療ＤＸ推進体制整備加算１ ends 2026-05-31; 医療情報取得加算 too.
    assert!(set.s.lookup(code("111703670"), d("20260531")).is_some());
    assert!(set.s.lookup(code("111703670"), d("20260601")).is_none());
    assert!(set.s.lookup(code("112708970"), d("20260601")).is_none());
    // 電子的診療情報連携体制整備加算１（初診） 15 from 2026-06-01, nothing before.
    assert!(set.s.lookup(code("111704070"), d("20260531")).is_none());
    assert_eq!(points(set, "111704070", "20260601").as_deref(), Some("15"));
    let v = set.s.lookup(code("111704070"), d("20260601")).unwrap();
    assert_eq!((v.row.chu_kasan_code, v.row.chu_kasan_seq), (1101, b'A'));
    let v = set.s.lookup(code("112709570"), d("20260601")).unwrap();
    assert_eq!(
        (
            v.row.chu_kasan_code,
            v.row.chu_kasan_seq,
            v.row.points.normalize().to_string()
        ),
        (1201, b'D', "2".into())
    );
    // Renamed 時間外対応体制加算１ 7.
    let v = set.s.lookup(code("112016070"), d("20260601")).unwrap();
    assert_eq!(
        (&*v.row.name, v.row.points.normalize().to_string()),
        ("時間外対応体制加算１", "7".into())
    );
    assert_eq!(
        &*set.s.lookup(code("112016070"), d("20260531")).unwrap().row.name,
        "時間外対応加算１"
    );
    assert_eq!(points(set, "180820010", "20260601").as_deref(), Some("2"));
}

fn unquote(f: &[u8]) -> &[u8] {
    assert!(
        f.len() >= 2 && f[0] == b'"' && f[f.len() - 1] == b'"',
        "field not quoted: {:?}",
        String::from_utf8_lossy(f)
    );
    &f[1..f.len() - 1]
}

#[test]
fn supplement_file_is_in_the_official_layout_and_every_row_has_a_source() {
    let (_, bytes) = SUPPLEMENT_FILES[0];
    assert!(bytes.ends_with(b"\r\n"));
    let text = bytes.strip_suffix(b"\n").unwrap();
    let mut codes = BTreeSet::new();
    for line in text.split(|&b| b == b'\n') {
        let line = line
            .strip_suffix(b"\r")
            .unwrap_or_else(|| panic!("not CRLF: {}", String::from_utf8_lossy(line)));
        // No field holds a comma or quote, so a split on `,` gives the 150 quoted fields.
        let fields: Vec<&[u8]> = line.split(|&b| b == b',').map(unquote).collect();
        assert_eq!(fields.len(), 150);
        for f in &fields {
            assert!(masters::raw::decode_field(f).is_some(), "not Shift_JIS");
        }
        let field = |col: usize| masters::raw::decode_field(fields[col - 1]).unwrap().into_owned();
        let filled: BTreeSet<usize> = (1..=150).filter(|&c| !fields[c - 1].is_empty()).collect();
        assert_eq!(field(2), "S");
        let c = field(3);
        assert!(codes.insert(c.clone()), "{c}: one row per code");
        match field(1).as_str() {
            "5" => {
                let renamed = filled.contains(&5);
                let mut want: BTreeSet<usize> = if renamed {
                    [1, 2, 3, 4, 5, 6, 7, 12, 58, 87, 113].into()
                } else {
                    [1, 2, 3, 12, 58, 87].into()
                };
                // A renumbered item also carries its new 区分番号 (col 92), as SSK's 変更 rows do
                // (外来・在宅ベースアップ評価料（Ⅰ） R6 O100 → R8 O001).
                if filled.contains(&92) {
                    assert_eq!(field(92), "001", "{c}: only the O100 → O001 renumbering");
                    want.insert(92);
                }
                assert_eq!(filled, want, "{c}: sparse 変更 row");
                assert_eq!(field(87), "20260601", "{c}");
            }
            "9" => {
                assert_eq!(filled, [1, 2, 3, 87, 88].into(), "{c}: sparse 廃止 row");
                assert_eq!(
                    (field(87).as_str(), field(88).as_str()),
                    ("20260601", "20260531"),
                    "{c}"
                );
            }
            "3" => {
                assert!(filled.len() > 100, "{c}: complete 新規 row");
                assert_eq!(
                    (field(87).as_str(), field(88).as_str()),
                    ("20260601", "99999999"),
                    "{c}"
                );
                assert_eq!(field(4), field(5).chars().count().to_string(), "{c}: 有効桁数");
            }
            other => panic!("{c}: 変更区分 {other}: a supplement holds only 3/5/9 rows (no 0: it must stay a delta)"),
        }
    }
    assert_eq!(codes.len(), 48);
    // The machine-readable sources: one line per supplement row, confidence H/M/L.
    let mut lines = SUPPLEMENT_SOURCES.lines();
    assert_eq!(lines.next(), Some("code,source,confidence"));
    let mut sourced = BTreeSet::new();
    for l in lines {
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(l.as_bytes());
        let rec = rdr.records().next().expect("row").expect("csv");
        assert_eq!(rec.len(), 3, "{l}");
        assert!(rec[1].starts_with("R8告示"), "{l}");
        assert!(matches!(&rec[2], "H" | "M" | "L"), "{l}");
        assert!(sourced.insert(rec[0].to_string()), "{l}: duplicate");
    }
    assert_eq!(sourced, codes, "every supplement row has exactly one source line");
}

/// A tiny official file in memory (ASCII = Shift_JIS): 150 quoted fields per row, CRLF.
fn official_s(path: &str, rows: &[&[(usize, &str)]]) -> Source {
    let mut bytes = Vec::new();
    for row in rows {
        let mut fields = vec![String::new(); 150];
        for (col, v) in row.iter() {
            fields[col - 1] = v.to_string();
        }
        let line: Vec<String> = fields.iter().map(|f| format!("\"{f}\"")).collect();
        bytes.extend_from_slice(line.join(",").as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    Source {
        path: path.to_string(),
        bytes,
        layer: Layer::Official,
    }
}

#[test]
fn an_official_row_wins_over_the_supplement() {
    let mut sources = masters::embedded::default_sources();
    sources.extend(masters::embedded::supplement_sources());
    // An official delta published after the supplement's date, for the same 変更年月日.
    sources.push(official_s(
        "official/s_20260529.csv",
        &[&[(1, "5"), (2, "S"), (3, "112007410"), (12, "99.00"), (87, "20260601")]],
    ));
    let set = masters::load_sources("test", sources).unwrap_or_else(|e| panic!("{e}"));
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    assert_eq!(points(&set, "112007410", "20260531").as_deref(), Some("75"));
    assert_eq!(points(&set, "112007410", "20260601").as_deref(), Some("99"));
    let v = set.s.lookup(code("112007410"), d("20260601")).unwrap();
    let last = v.patches.last().copied().unwrap_or(v.origin);
    assert_eq!(
        set.file(last).layer,
        Layer::Official,
        "the official row is the last applied"
    );
    // The rest of the supplement is untouched.
    assert_eq!(points(&set, "112011310", "20260601").as_deref(), Some("77"));
}

#[test]
fn an_official_full_file_replaces_the_supplement() {
    let mut sources = masters::embedded::default_sources();
    sources.extend(masters::embedded::supplement_sources());
    // A full file published 2026-06-01 holding only 初診料 (its 2024-06 row, as a 変更区分 0 row).
    let (_, s2024) = DEFAULT_FILES
        .iter()
        .find(|(n, _)| *n == "ssk/2024-06/s_ALL20240531.csv")
        .unwrap();
    let row = lines(s2024)
        .0
        .into_iter()
        .find(|l| l.starts_with(b"\"0\",\"S\",\"111000110\""))
        .unwrap();
    let mut bytes = row.to_vec();
    bytes.extend_from_slice(b"\r\n");
    sources.push(Source {
        path: "official/s_ALL20260601.csv".into(),
        bytes,
        layer: Layer::Official,
    });
    let set = masters::load_sources("test", sources).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(points(&set, "111000110", "20260602").as_deref(), Some("291"));
    // Codes the official full file lacks (supplement-only codes included) end at its date.
    assert!(set.s.lookup(code("111704070"), d("20260602")).is_none());
    assert!(set.s.lookup(code("112007410"), d("20260602")).is_none());
}
