//! Bad input: every broken file gives one positioned message `file:line:column: 項目名: message`,
//! validation reports every problem of a folder, and no input makes loading panic.
//!
//! The fixtures live in `tests/fixtures/invalid/<case>/` (see its README.md): small Shift_JIS
//! files in the official s layout (150 quoted fields, CRLF) with made-up rows, each broken in one
//! way. `seed/` holds the valid file they were all made from.

use masters::{LoadOptions, Severity, Source};
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn source(path: &str, bytes: Vec<u8>) -> Source {
    Source {
        path: path.to_string(),
        bytes,
        layer: masters::Layer::Official,
    }
}

/// The error of loading one fixture alone (its display path is relative to `fixtures/invalid`).
fn load_error(rel: &str) -> masters::Error {
    match masters::load_sources("test", vec![source(rel, read(rel))]) {
        Ok(set) => panic!("{rel} loaded: {} files, warnings {:?}", set.files.len(), set.warnings),
        Err(e) => e,
    }
}

#[test]
fn seed_is_valid() {
    let set = masters::load_sources(
        "test",
        vec![source("seed/s_ALL20240601.csv", read("seed/s_ALL20240601.csv"))],
    )
    .expect("the seed fixture loads");
    assert_eq!((set.files[0].rows, set.files[0].columns), (2, 150));
    let day = masters::parse_date("20240601").unwrap();
    let v = set.s.lookup(masters::Code::parse("119999910").unwrap(), day).unwrap();
    assert_eq!(&*v.row.name, "テスト診療行為");
    assert_eq!(v.row.points.to_string(), "123.00");
    let v = set.s.lookup(masters::Code::parse("119999820").unwrap(), day).unwrap();
    assert_eq!((&*v.row.name, v.origin.line), ("テスト加算", 2));
}

#[test]
fn truncated_zip() {
    let e = load_error("truncated_zip/s_ALL20240601.zip");
    insta::assert_snapshot!(e.to_string(), @"truncated_zip/s_ALL20240601.zip:0:0: not a readable zip archive: invalid Zip archive: Could not find EOCD");
}

#[test]
fn zip_with_two_members() {
    let e = load_error("two_members/s_ALL20240601.zip");
    insta::assert_snapshot!(e.to_string(), @"two_members/s_ALL20240601.zip:0:0: the zip holds 2 files; an SSK master zip holds exactly one CSV");
}

#[test]
fn utf8_file() {
    let e = load_error("utf8/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"utf8/s_20240601.csv:0:0: the file is UTF-8 encoded; SSK masters are Shift_JIS (CP932)");
}

#[test]
fn missing_column() {
    // Line 1 has 150 fields, line 2 only 149.
    let e = load_error("missing_column/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"missing_column/s_20240601.csv:2:0: 149 columns where the first row of this file has 150");
}

#[test]
fn extra_column() {
    // Every line has 151 fields: a layout santei has not seen, whose 150 known columns keep their
    // meaning. It loads, with one warning at the first extra column of line 1.
    let rel = "extra_column/s_20240601.csv";
    let set = masters::load_sources("test", vec![source(rel, read(rel))]).expect("loads");
    assert_eq!((set.files[0].rows, set.files[0].columns), (2, 151));
    let w: Vec<String> = set
        .warnings
        .iter()
        .filter(|w| w.error.loc.file == rel)
        .map(|w| w.to_string())
        .collect();
    insta::assert_snapshot!(w.join("\n"), @"extra_column/s_20240601.csv:1:151: warning: 151 columns where the 医科診療行為マスター layouts santei knows have at most 150: column 151 not interpreted (kept as read)");
    assert_eq!(set.warnings[0].error.kind.code(), "MASTER_EXTRA_COLUMNS");
}

#[test]
fn fewer_columns_than_any_layout() {
    // Every line of the seed without its last field: 149 columns, fewer than the s layout.
    let seed = read("seed/s_ALL20240601.csv");
    let mut out = Vec::new();
    for line in seed.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\r\n").unwrap_or(line);
        let cut = body.iter().rposition(|&b| b == b',').expect("a comma");
        out.extend_from_slice(&body[..cut]);
        out.extend_from_slice(b"\r\n");
    }
    let e = masters::load_sources("test", vec![source("s_20240601.csv", out)]).expect_err("fails");
    insta::assert_snapshot!(e.to_string(), @"s_20240601.csv:1:0: 149 columns; this master has 150");
}

#[test]
fn bad_date() {
    // Line 2, column 87 (変更年月日) is `20241340`.
    let e = load_error("bad_date/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"bad_date/s_20240601.csv:2:87: 変更年月日: `20241340` is not a valid date (yyyymmdd)");
    assert_eq!((e.loc.line, e.loc.column, e.field), (2, 87, Some("変更年月日")));
}

#[test]
fn bad_points() {
    // Line 1, column 12 (新又は現点数) is `abc`.
    let e = load_error("bad_points/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"bad_points/s_20240601.csv:1:12: 新又は現点数: `abc` is not a valid decimal number");
    assert_eq!((e.loc.line, e.loc.column, e.field), (1, 12, Some("新又は現点数")));
}

#[test]
fn empty_file() {
    let e = load_error("empty/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"empty/s_20240601.csv:0:0: the file is empty");
}

#[test]
fn wrong_master_kind_letter() {
    // Line 1, column 2 is `Y` in a file named s_….
    let e = load_error("wrong_kind/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"wrong_kind/s_20240601.csv:1:2: マスター種別: master kind `Y` in a file named as kind `S`");
}

#[test]
fn duplicate_key() {
    // Lines 1 and 2: the same code with the same 変更年月日.
    let e = load_error("duplicate_key/s_ALL20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"duplicate_key/s_ALL20240601.csv:2:3: 診療行為コード: duplicate key 119999910 (same 変更年月日 as line 1)");
}

#[test]
fn negative_points() {
    // Line 1, column 12 (新又は現点数) is `-123.00`; calc used to bill it as −123 点.
    let e = load_error("negative_points/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"negative_points/s_20240601.csv:1:12: 新又は現点数: `-123.00` is negative: 点数 and 金額 are never negative in the SSK masters (a subtracted item is 点数識別 8 with a positive value)");
}

#[test]
fn points_with_three_decimals() {
    // Line 1, column 12 (新又は現点数) is `123.001`.
    let e = load_error("decimal_places/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"decimal_places/s_20240601.csv:1:12: 新又は現点数: `123.001` has 3 decimal places; this column has at most 2");
}

#[test]
fn abolished_before_it_changed() {
    // Line 2: 変更年月日 20240601, 廃止年月日 (column 88) 20240531, 変更区分 0.
    let e = load_error("end_before_start/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"end_before_start/s_20240601.csv:2:88: 廃止年月日: 廃止年月日 20240531 is before 変更年月日 20240601: the row would never apply");
}

/// A `9` (廃止) row carries 変更年月日 = 廃止年月日 + 1 day in the official files (3,416 rows of the
/// staged data, e.g. s_20220304 111013970 変更 20220401 廃止 20220331): accepted. Two days apart,
/// or a `0` row, is an error.
#[test]
fn an_abolished_row_ends_the_day_before_its_change_date() {
    let seed = read("seed/s_ALL20240601.csv");
    let line2 = seed.split(|&b| b == b'\n').nth(1).unwrap().to_vec();
    let row = |ck: &[u8], from: &[u8], to: &[u8]| {
        let r = seed_replace(&line2, b"\"0\",\"S\"", &[b"\"", ck, b"\",\"S\""].concat());
        let r = seed_replace(
            &r,
            b"\"20240601\",\"99999999\"",
            &[b"\"", from, b"\",\"", to, b"\""].concat(),
        );
        [r, b"\n".to_vec()].concat()
    };
    let errors = |file: Vec<u8>| -> Vec<String> {
        let full = [read("seed/s_ALL20240601.csv"), file].concat();
        masters::set::build(
            "test",
            vec![source("s_20240601.csv", full)],
            Vec::new(),
            LoadOptions { collect_all: true },
        )
        .unwrap()
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect()
    };
    assert_eq!(errors(row(b"9", b"20240701", b"20240630")), Vec::<String>::new());
    assert_eq!(
        errors(row(b"9", b"20240701", b"20240629")),
        vec!["s_20240601.csv:3:88: 廃止年月日: 廃止年月日 20240629 is before 変更年月日 20240701: the row would never apply"]
    );
    assert_eq!(
        errors(row(b"0", b"20240701", b"20240630")),
        vec!["s_20240601.csv:3:88: 廃止年月日: 廃止年月日 20240630 is before 変更年月日 20240701: the row would never apply"]
    );
}

#[test]
fn lone_cr_inside_a_row() {
    // Line 2: a CR byte (0x0D) right before field 5; it used to split the row in two (two errors
    // at column 0: "4 columns …" and "146 columns …").
    let e = load_error("lone_cr/s_20240601.csv");
    insta::assert_snapshot!(e.to_string(), @"lone_cr/s_20240601.csv:2:5: a lone CR (0x0D) inside a row: SSK master rows end with CRLF and hold no other CR");
    let built = masters::set::build(
        "test",
        vec![source("lone_cr/s_20240601.csv", read("lone_cr/s_20240601.csv"))],
        Vec::new(),
        LoadOptions { collect_all: true },
    )
    .unwrap();
    let errors: Vec<String> = built
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect();
    assert_eq!(errors, vec![e.to_string()], "one error, at the row's line and field");
    // Row 1 (before the CR) and the CRLF line ends are read as usual.
    assert_eq!(built.set.files[0].rows, 1);
}

#[test]
fn validate_dir_reports_every_problem() {
    let dir = fixtures();
    let problems = masters::validate_dir(&dir).expect("validate_dir runs");
    let origin = dir.display().to_string();
    let mut lines: Vec<String> = problems
        .iter()
        .map(|p| p.to_string().replace(&origin, "<dir>"))
        .collect();
    lines.sort();
    insta::assert_snapshot!(lines.join("\n"), @r"
        .gitattributes:0:0: warning: not read: not a master by its name (not a master file name (.gitattributes)) nor by its content (line 1 has 1 field: not a master row)
        <dir>:0:0: warning: no コメントマスター (c) file in this set
        <dir>:0:0: warning: no 医薬品マスター (y) file in this set
        <dir>:0:0: warning: no 特定器材マスター (t) file in this set
        README.md:0:0: warning: not read: not a master by its name (not a master file name (.md)) nor by its content (line 1 has 1 field: not a master row)
        bad_date/s_20240601.csv:2:87: 変更年月日: `20241340` is not a valid date (yyyymmdd)
        bad_points/s_20240601.csv:1:12: 新又は現点数: `abc` is not a valid decimal number
        decimal_places/s_20240601.csv:1:12: 新又は現点数: `123.001` has 3 decimal places; this column has at most 2
        duplicate_key/s_ALL20240601.csv:2:3: 診療行為コード: duplicate key 119999910 (same 変更年月日 as line 1)
        empty/s_20240601.csv:0:0: the file is empty
        end_before_start/s_20240601.csv:2:88: 廃止年月日: 廃止年月日 20240531 is before 変更年月日 20240601: the row would never apply
        extra_column/s_20240601.csv:1:151: warning: 151 columns where the 医科診療行為マスター layouts santei knows have at most 150: column 151 not interpreted (kept as read)
        lone_cr/s_20240601.csv:2:5: a lone CR (0x0D) inside a row: SSK master rows end with CRLF and hold no other CR
        missing_column/s_20240601.csv:2:0: 149 columns where the first row of this file has 150
        negative_points/s_20240601.csv:1:12: 新又は現点数: `-123.00` is negative: 点数 and 金額 are never negative in the SSK masters (a subtracted item is 点数識別 8 with a positive value)
        truncated_zip/s_ALL20240601.zip:0:0: not a readable zip archive: invalid Zip archive: Could not find EOCD
        two_members/s_ALL20240601.zip:0:0: the zip holds 2 files; an SSK master zip holds exactly one CSV
        utf8/s_20240601.csv:0:0: the file is UTF-8 encoded; SSK masters are Shift_JIS (CP932)
        wrong_kind/s_20240601.csv:1:2: マスター種別: master kind `Y` in a file named as kind `S`
        ");
    // One problem or more in each broken file, none in the seed.
    for case in [
        "bad_date",
        "bad_points",
        "decimal_places",
        "duplicate_key",
        "empty",
        "end_before_start",
        "lone_cr",
        "missing_column",
        "negative_points",
        "truncated_zip",
        "two_members",
        "utf8",
        "wrong_kind",
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.severity == Severity::Error && p.error.loc.file.starts_with(&format!("{case}/"))),
            "no error for {case}"
        );
    }
    assert!(!problems.iter().any(|p| p.error.loc.file.starts_with("seed/")));
}

#[test]
fn validation_goes_on_after_the_first_bad_row() {
    // Three bad rows in one file: all three are reported, and loading stops at the first.
    let seed = read("seed/s_ALL20240601.csv");
    let text = String::from_utf8_lossy(&seed).into_owned(); // only the ASCII parts are edited
    assert!(text.contains("\"123.00\"") && text.contains("\"5.00\""));
    let broken = seed_replace(&seed, b"\"123.00\"", b"\"1x3.00\"");
    let broken = seed_replace(&broken, b"\"5.00\"", b"\"five\"");
    let broken = seed_replace(&broken, b"\"119999820\"", b"\"11999982\"");
    let src = || vec![source("s_20240601.csv", broken.clone())];
    let built = masters::set::build("test", src(), Vec::new(), LoadOptions { collect_all: true }).expect("build");
    let errors: Vec<String> = built
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect();
    insta::assert_snapshot!(errors.join("\n"), @r"
        s_20240601.csv:1:12: 新又は現点数: `1x3.00` is not a valid decimal number
        s_20240601.csv:2:12: 新又は現点数: `five` is not a valid decimal number
        s_20240601.csv:2:3: 診療行為コード: `11999982` is not a valid 9-digit code
        ");
    let first = masters::load_sources("test", src()).unwrap_err();
    assert_eq!(first.to_string(), errors[0]);
}

/// Replaces the first occurrence of `from` (ASCII) in `bytes`.
fn seed_replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let i = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern in the seed");
    let mut out = bytes[..i].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&bytes[i + from.len()..]);
    out
}

// ---------------------------------------------------------------------------------------------
// Never panics: a deterministic mutation loop over the seed, as CSV and as zip.

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to the reader: quotes, separators, line ends, Shift_JIS lead/trail bytes,
/// UTF-8 lead bytes, digits and the master letters.
const INTERESTING: &[u8] = b"\",\r\n\x81\x82\x83\x88\x9f\xe0\xef\xfc\xff\xc3\xa9\x00 09SYTC.-";

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = b.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => {
                let i = rng.below(len + 1);
                b.insert(i, INTERESTING[rng.below(INTERESTING.len())]);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below(16.min(len - i));
                b.drain(i..i + n);
            }
            4 if len > 0 => {
                // Duplicate a range (more fields, more rows).
                let i = rng.below(len);
                let n = 1 + rng.below(200.min(len - i));
                let chunk = b[i..i + n].to_vec();
                let at = rng.below(len + 1);
                b.splice(at..at, chunk);
            }
            5 => b.truncate(rng.below(len + 1)),
            6 if len > 0 => {
                // Overwrite a quoted field's content with digits or a date-like value.
                let i = rng.below(len);
                let v: &[u8] = [
                    &b"99999999"[..],
                    b"00000000",
                    b"20241340",
                    b"4294967296",
                    b"-1",
                    b"1e9",
                    b"",
                    b"AA",
                ][rng.below(8)];
                let end = (i + v.len()).min(len);
                b.splice(i..end, v.iter().copied());
            }
            _ => {
                let i = rng.below(len + 1);
                b.splice(i..i, b"\"\",".iter().copied());
            }
        }
    }
    b
}

fn zip_of(name: &str, csv: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    w.start_file(name, opts).expect("zip member");
    w.write_all(csv).expect("zip write");
    w.finish().expect("zip finish").into_inner()
}

/// Loads and validates `bytes` under `name`; fails the test on a panic.
fn must_not_panic(name: &str, bytes: &[u8], what: &str) {
    let sources = || vec![source(name, bytes.to_vec())];
    let r = std::panic::catch_unwind(|| {
        let _ = masters::load_sources("fuzz", sources());
        let _ = masters::set::build("fuzz", sources(), Vec::new(), LoadOptions { collect_all: true });
    });
    if r.is_err() {
        let dump = std::env::temp_dir().join(format!("santei-masters-panic-{}", name.replace('/', "_")));
        let _ = std::fs::write(&dump, bytes);
        panic!("loading panicked on {what}; input written to {}", dump.display());
    }
}

#[test]
fn random_mutations_never_panic() {
    let seed = read("seed/s_ALL20240601.csv");
    let zipped = zip_of("s_ALL20240601.csv", &seed, zip::CompressionMethod::Stored);
    let deflated = zip_of("s_ALL20240601.csv", &seed, zip::CompressionMethod::Deflated);
    let mut rng = Rng(0x0000_005E_ED5A_17E1);
    // Keep panics quiet while looping; a panic is reported by must_not_panic.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut run = || {
        for i in 0..4000 {
            let csv = mutate(&mut rng, &seed);
            must_not_panic("s_20240601.csv", &csv, &format!("csv mutation {i}"));
            // A well-formed zip around a mutated CSV reaches the CSV reader through the zip.
            if i % 4 == 0 {
                let z = zip_of("s_20240601.csv", &csv, zip::CompressionMethod::Deflated);
                must_not_panic("s_ALL20240601.zip", &z, &format!("zipped csv mutation {i}"));
            }
        }
        for i in 0..1500 {
            must_not_panic(
                "s_ALL20240601.zip",
                &mutate(&mut rng, &zipped),
                &format!("stored zip mutation {i}"),
            );
            must_not_panic(
                "s_ALL20240601.zip",
                &mutate(&mut rng, &deflated),
                &format!("deflated zip mutation {i}"),
            );
        }
        // Other kinds read the same bytes with their own layouts.
        for (i, name) in ["y_20240601.csv", "t_20240601.csv", "c_20240601.csv"]
            .iter()
            .enumerate()
        {
            for j in 0..100 {
                must_not_panic(name, &mutate(&mut rng, &seed), &format!("{name} mutation {i}/{j}"));
            }
        }
    };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut run));
    std::panic::set_hook(hook);
    if let Err(e) = r {
        std::panic::resume_unwind(e);
    }
}
