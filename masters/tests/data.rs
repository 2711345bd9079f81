//! Tests against the real SSK master files staged in `shared/data` (see `shared/data/MANIFEST.md`
//! and `shared/spec/masters.md`). The data is found through the environment variable
//! `SANTEI_DATA`, else `<workspace>/../shared/data`; when it is absent every test prints a loud
//! `SKIPPED` line and passes.
//!
//! Spot values cite `file:line` of the CSV inside the file (decoded with `iconv -f CP932`; for a
//! zip, the line of its single member).

use chrono::NaiveDate;
use masters::{ChangeKind, Code, DosageForm, InOut, Kind, Layer, MasterSet, PointKind, Role, Source, OPEN_END};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn data_path() -> PathBuf {
    match std::env::var_os("SANTEI_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data")),
    }
}

fn data_dir() -> Option<PathBuf> {
    let dir = data_path();
    dir.join("MANIFEST.md").is_file().then_some(dir)
}

/// The data folder, or return from the test after printing a loud skip notice.
macro_rules! data_or_skip {
    () => {
        match data_dir() {
            Some(d) => d,
            None => {
                eprintln!(
                    "SKIPPED: masters data test at {}:{}: no SSK data at {} (set SANTEI_DATA to the shared/data folder)",
                    file!(),
                    line!(),
                    data_path().display()
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

fn source(data: &Path, rel: &str) -> Source {
    let bytes = std::fs::read(data.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Source {
        path: rel.to_string(),
        bytes,
        layer: Layer::Official,
    }
}

/// Loads exactly these files (paths relative to the data folder); panics with the error.
fn load(data: &Path, rels: &[&str]) -> MasterSet {
    let sources = rels.iter().map(|r| source(data, r)).collect();
    masters::load_sources("test", sources).unwrap_or_else(|e| panic!("loading {rels:?}: {e}"))
}

/// Every delta of one kind, in name (= date) order.
fn deltas(data: &Path, kind: char) -> Vec<String> {
    let dir = data.join(format!("ssk/deltas/{kind}"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.into_iter().map(|n| format!("ssk/deltas/{kind}/{n}")).collect()
}

/// Warnings other than "no X file in this set" (which every single-kind set has).
fn real_warnings(set: &MasterSet) -> Vec<String> {
    set.warnings
        .iter()
        .map(|w| w.to_string())
        .filter(|w| !w.contains("file in this set"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// MANIFEST.md: every s/y/t/c file loads alone, with no error, and with the stated row count.

struct ManifestFile {
    path: String,
    kind: Kind,
    role: Role,
    rows: usize,
    cols: usize,
    sha256: String,
}

fn manifest_files(data: &Path) -> Vec<ManifestFile> {
    let text = std::fs::read_to_string(data.join("MANIFEST.md")).expect("MANIFEST.md");
    let mut out = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | path | what | records | cols | encoding | source | sha256 |
        if cells.len() < 9 || !cells[1].starts_with("data/ssk/") {
            continue;
        }
        let path = cells[1].trim_start_matches("data/");
        let name = path.rsplit('/').next().unwrap();
        let kind = match name.split('_').next().unwrap() {
            "s" => Kind::S,
            "y" => Kind::Y,
            "t" => Kind::T,
            "c" => Kind::C,
            _ => continue, // b, z, ck, hb, k.csv
        };
        let what = cells[2];
        let role = if what.contains("(delta)") {
            Role::Delta
        } else {
            assert!(what.contains("full"), "{path}: neither full nor delta in `{what}`");
            Role::Full
        };
        out.push(ManifestFile {
            path: path.to_string(),
            kind,
            role,
            rows: cells[3]
                .replace(',', "")
                .parse()
                .unwrap_or_else(|_| panic!("{path}: records `{}`", cells[3])),
            cols: cells[4]
                .parse()
                .unwrap_or_else(|_| panic!("{path}: cols `{}`", cells[4])),
            sha256: cells[7].to_string(),
        });
    }
    out
}

#[test]
fn manifest_lists_the_expected_files() {
    let data = data_or_skip!();
    let files = manifest_files(&data);
    let count = |k: Kind, r: Role| files.iter().filter(|f| f.kind == k && f.role == r).count();
    // MANIFEST.md "Layout": s 3 full + 78 deltas, y 2 + 23, t 5 + 10, c 5 + 11.
    assert_eq!((count(Kind::S, Role::Full), count(Kind::S, Role::Delta)), (3, 78));
    assert_eq!((count(Kind::Y, Role::Full), count(Kind::Y, Role::Delta)), (2, 23));
    assert_eq!((count(Kind::T, Role::Full), count(Kind::T, Role::Delta)), (5, 10));
    assert_eq!((count(Kind::C, Role::Full), count(Kind::C, Role::Delta)), (5, 11));
}

#[test]
fn every_manifest_file_loads_alone_with_its_row_count() {
    let data = data_or_skip!();
    let mut failures = Vec::new();
    for mf in manifest_files(&data) {
        let src = source(&data, &mf.path);
        let set = match masters::load_sources("test", vec![src]) {
            Ok(set) => set,
            Err(e) => {
                failures.push(format!("{}: load error: {e}", mf.path));
                continue;
            }
        };
        assert_eq!(set.files.len(), 1, "{}", mf.path);
        assert!(set.not_used.is_empty(), "{}: {:?}", mf.path, set.not_used);
        let fi = &set.files[0];
        let got = (fi.kind, fi.role, fi.rows, fi.columns, fi.sha256.as_ref());
        let want = (mf.kind, mf.role, mf.rows, mf.cols, mf.sha256.as_str());
        if got != want {
            failures.push(format!("{}: got {got:?}, MANIFEST.md says {want:?}", mf.path));
        }
        if mf.role == Role::Full {
            // A full file holds each code once. Codes without a valid version when the file is
            // loaded alone: 1 (抹消) rows, and 9 (廃止) rows whose 廃止年月日 is the day before
            // their 変更年月日 (checked with iconv):
            // - c_ALL20240531.csv:3720–3725: six "1" rows, パターン 50, 一連番号 600196–600201;
            // - c_20250715.csv:3373, 3684, 3685: "9" rows, 変更 20251001, 廃止 20250930;
            // - t_ALL20240830.csv:520, 521: "9" rows 710010894/5, 変更 20240901, 廃止 20240831.
            let (withdrawn, never_valid) = match mf.path.rsplit('/').next().unwrap() {
                "c_ALL20240531.zip" => (6, 0),
                "c_20250715.csv" => (0, 3),
                "t_ALL20240830.csv" => (0, 2),
                _ => (0, 0),
            };
            let codes = match mf.kind {
                Kind::S => set.s.len(),
                Kind::Y => set.y.len(),
                Kind::T => set.t.len(),
                Kind::C => set.c.len(),
            };
            if (codes, set.withdrawn.len()) != (mf.rows - withdrawn - never_valid, withdrawn) {
                failures.push(format!(
                    "{}: {codes} codes and {} withdrawn for {} rows",
                    mf.path,
                    set.withdrawn.len(),
                    mf.rows
                ));
            }
            let w = real_warnings(&set);
            if !w.is_empty() {
                failures.push(format!("{}: warnings in a full file: {w:?}", mf.path));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Spot values, checked against the files with `iconv -f CP932`.

#[test]
fn spot_values_s_all_20240531() {
    let data = data_or_skip!();
    let set = load(&data, &["ssk/2024-06/s_ALL20240531.zip"]);
    let fi = &set.files[0];
    assert_eq!(fi.member.as_deref(), Some("s_ALL20240531.csv"));
    assert_eq!(fi.published, d("20240531"));
    let day = d("20240601");

    // s_ALL20240531.csv:1 "0","S","111000110","3","初診料",…,"3","291.00","0",… 87 "20240601" 88 "99999999"
    let v = set.s.lookup(code("111000110"), day).expect("初診料");
    assert_eq!(&*v.row.name, "初診料");
    assert_eq!(&*v.row.basic_name, "初診料");
    assert_eq!(v.row.point_kind, PointKind::Points);
    assert_eq!(v.row.points.to_string(), "291.00");
    assert_eq!(v.row.in_out, InOut::Both);
    assert_eq!(v.row.sum_target_out, 110);
    assert_eq!((v.row.jitsunissu, v.row.nissu_kaisu), (2, 1));
    assert_eq!(v.row.chu_kasan_code, 1101);
    assert_eq!(v.row.kubun_label(), "A000");
    assert_eq!((v.valid_from, v.valid_to), (day, OPEN_END));
    assert_eq!(v.raw.col(58), "288.00"); // 旧点数
    assert_eq!(
        (set.file(v.origin).name.as_ref(), v.origin.line),
        ("s_ALL20240531.zip", 1)
    );
    // Not valid before its 変更年月日 (this set has no earlier file).
    assert!(set.s.lookup(code("111000110"), d("20240531")).is_none());

    // s_ALL20240531.csv:54 "0","S","112007410","3","再診料",…,"3","75.00","2",… 113 "再診料（一般病床２００床以上の病院を除く）"
    let v = set.s.lookup(code("112007410"), day).expect("再診料");
    assert_eq!(&*v.row.name, "再診料");
    assert_eq!(&*v.row.basic_name, "再診料（一般病床２００床以上の病院を除く）");
    assert_eq!(v.row.points.to_string(), "75.00");
    assert_eq!(v.row.in_out, InOut::OutpatientOnly);
    assert_eq!(v.row.bed_count_kind, 5);
    assert_eq!(v.origin.line, 54);

    // s_ALL20240531.csv:42 "5","S","111703370",…"医療ＤＸ推進体制整備加算（初診）",… "8.00", 注加算 1101/A, 施設基準① 4035
    let v = set.s.lookup(code("111703370"), day).expect("DX 加算");
    assert_eq!(v.raw.col(1), "5");
    assert_eq!(ChangeKind::parse(v.raw.col(1)), Some(ChangeKind::Changed));
    assert_eq!(&*v.row.name, "医療ＤＸ推進体制整備加算（初診）");
    assert_eq!(v.row.points.to_string(), "8.00");
    assert_eq!((v.row.chu_kasan_code, v.row.chu_kasan_seq), (1101, b'A'));
    assert_eq!(v.row.max_count, 1);
    assert_eq!(v.row.facility_standards, vec![4035]);
    assert_eq!(v.origin.line, 42);
}

#[test]
fn spot_values_y_t_c() {
    let data = data_or_skip!();
    let set = load(
        &data,
        &[
            "ssk/2024-06/y_ALL20240531.zip",
            "ssk/2024-06/t_ALL20240315.zip",
            "ssk/2024-06/c_ALL20240531.zip",
        ],
    );
    assert!(real_warnings(&set).is_empty(), "{:?}", set.warnings);
    let day = d("20240601");

    // y_ALL20240531.csv:1 "0","Y","610406079",…"ガスター散２％",…"ｇ","1","16.50",… 28 "1", 30 "20240401", 39 "2"
    let v = set.y.lookup(code("610406079"), day).expect("ガスター散");
    assert_eq!(&*v.row.name, "ガスター散２％");
    assert_eq!(&*v.row.unit_name, "ｇ");
    assert_eq!(v.row.price_kind, PointKind::Yen);
    assert_eq!(v.row.price.to_string(), "16.50");
    assert_eq!(v.row.dosage_form, DosageForm::Internal);
    assert_eq!((v.row.valid_from, v.row.valid_to), (d("20240401"), OPEN_END));
    assert_eq!(v.row.transition_date, None); // col 34 "0"
    assert_eq!(v.row.generic_rx_kasan, 2);
    assert_eq!(v.row.sentei_kind, 0); // no col 42 in the 40-column layout
    assert_eq!(v.raw.len(), 40);
    assert_eq!(v.origin.line, 1);
    // y_ALL20240531.csv:5000 "620006199" イミグランキット皮下注３ｍｇ　０．５ｍＬ, 筒, 1851.00, 剤形 4
    let v = set.y.lookup(code("620006199"), day).expect("イミグラン");
    assert_eq!(&*v.row.name, "イミグランキット皮下注３ｍｇ\u{3000}０．５ｍＬ");
    assert_eq!(&*v.row.basic_name, "イミグランキット皮下注３ｍｇ");
    assert_eq!(v.row.price.to_string(), "1851.00");
    assert_eq!(v.row.dosage_form, DosageForm::Injection);
    assert_eq!(v.origin.line, 5000);
    // y_ALL20240531.csv:19748 (last line) "689610002" 歯科用ＴＤゼット・ゼリー 310.20, 剤形 8
    let v = set.y.lookup(code("689610002"), day).expect("last y row");
    assert_eq!(&*v.row.name, "歯科用ＴＤゼット・ゼリー");
    assert_eq!(v.row.price.to_string(), "310.20");
    assert_eq!(v.row.dosage_form, DosageForm::Dental);
    assert_eq!(v.origin.line, 19748);

    // t_ALL20240315.csv:1 "0","T","700010000",…"半切",…"枚","1","120.00",… 37 "フィルム・半切", 38 "000"
    let v = set.t.lookup(code("700010000"), day).expect("半切");
    assert_eq!(&*v.row.name, "半切");
    assert_eq!(&*v.row.basic_name, "フィルム・半切");
    assert_eq!(&*v.row.unit_name, "枚");
    assert_eq!(v.row.price.to_string(), "120.00");
    assert_eq!(v.raw.col(38), "000");
    // t_ALL20240315.csv:1311 "739200000" 液体酸素・定置式液化酸素貯槽（ＣＥ） Ｌ 0.19, 種別 2, 経過措置 "00000000"
    let v = set.t.lookup(code("739200000"), day).expect("CE 酸素");
    assert_eq!(&*v.row.name, "液体酸素・定置式液化酸素貯槽（ＣＥ）");
    assert_eq!(&*v.row.unit_name, "Ｌ");
    assert_eq!(v.row.price.to_string(), "0.19");
    assert_eq!(v.row.calc_kind, 2);
    assert_eq!(v.row.transition_date, None);
    assert_eq!((v.valid_from, v.valid_to), (day, OPEN_END));
    assert_eq!(v.origin.line, 1311);

    // c_ALL20240531.csv:2719 "0","C","8","40","1",…"電話等再診（　　回）",… 10/11 "7","2", 23 "840000001"
    let v = set.c.lookup(code("840000001"), day).expect("840000001");
    assert_eq!(&*v.row.text, "電話等再診（\u{3000}\u{3000}回）");
    assert_eq!((v.row.pattern, v.row.serial), (40, 1));
    assert_eq!(v.row.edits, vec![(7, 2)]);
    assert_eq!(v.origin.line, 2719);
    // c_ALL20240531.csv:2 "820000001" 別途コメントあり, pattern 20, no edit slot
    let v = set.c.lookup(code("820000001"), day).expect("820000001");
    assert_eq!(&*v.row.text, "別途コメントあり");
    assert_eq!(v.row.pattern, 20);
    assert!(v.row.edits.is_empty());
    assert_eq!(v.origin.line, 2);
}

// ---------------------------------------------------------------------------------------------
// Date histories.

#[test]
fn shoshinryo_288_then_291_across_the_2024_revision() {
    let data = data_or_skip!();
    let set = load(
        &data,
        &["ssk/2024-02/s_ALL20240201.zip", "ssk/2024-06/s_ALL20240531.zip"],
    );
    // s_ALL20240201.csv:1 初診料 "288.00" from 20220401; s_ALL20240531.csv:1 "291.00" from 20240601.
    let c = code("111000110");
    let before = set.s.lookup(c, d("20240515")).expect("2024-05-15");
    assert_eq!(before.row.points.to_string(), "288.00");
    assert_eq!(set.file(before.origin).name.as_ref(), "s_ALL20240201.zip");
    assert_eq!((before.valid_from, before.valid_to), (d("20220401"), d("20240531")));
    let after = set.s.lookup(c, d("20240601")).expect("2024-06-01");
    assert_eq!(after.row.points.to_string(), "291.00");
    assert_eq!(set.file(after.origin).name.as_ref(), "s_ALL20240531.zip");
    assert_eq!(set.s.history(c).len(), 2);
    // 再診料 73 → 75 (s_ALL20240201.csv:51, s_ALL20240531.csv:54).
    let c = code("112007410");
    assert_eq!(set.s.lookup(c, d("20240531")).unwrap().row.points.to_string(), "73.00");
    assert_eq!(set.s.lookup(c, d("20240601")).unwrap().row.points.to_string(), "75.00");
}

/// s_ALL20240531 plus every s delta, loaded once for the tests below.
fn s_with_deltas() -> Option<&'static MasterSet> {
    static SET: OnceLock<Option<MasterSet>> = OnceLock::new();
    SET.get_or_init(|| {
        let data = data_dir()?;
        let mut rels = vec!["ssk/2024-06/s_ALL20240531.zip".to_string()];
        rels.extend(deltas(&data, 's'));
        assert_eq!(rels.len(), 79);
        let refs: Vec<&str> = rels.iter().map(String::as_str).collect();
        Some(load(&data, &refs))
    })
    .as_ref()
}

macro_rules! s_deltas_or_skip {
    () => {
        match s_with_deltas() {
            Some(s) => s,
            None => {
                let _ = data_or_skip!();
                unreachable!()
            }
        }
    };
}

/// (valid_from, valid_to, name, points) of every version of a code.
fn s_history(set: &MasterSet, c: &str) -> Vec<(String, String, String, String)> {
    set.s
        .history(code(c))
        .iter()
        .map(|v| {
            (
                masters::format_date(v.valid_from),
                masters::format_date(v.valid_to),
                v.row.name.to_string(),
                v.row.points.to_string(),
            )
        })
        .collect()
}

fn h(from: &str, to: &str, name: &str, points: &str) -> (String, String, String, String) {
    (from.into(), to.into(), name.into(), points.into())
}

#[test]
fn dx_kasan_tiers_follow_the_deltas() {
    let set = s_deltas_or_skip!();
    // masters.md §8.4. s_20240906.csv:2 "3" 111703470 加算１（初診） 11.00 from 20241001;
    // s_20250307.csv:2 "5" 111703470 加算４（初診） 10.00 (old 11.00) from 20250401.
    let c = code("111703470");
    let v = set.s.lookup(c, d("20241101")).expect("2024-11-01");
    assert_eq!(&*v.row.name, "医療ＤＸ推進体制整備加算１（初診）");
    assert_eq!(v.row.points.to_string(), "11.00");
    assert_eq!((set.file(v.origin).name.as_ref(), v.origin.line), ("s_20240906.csv", 2));
    let v = set.s.lookup(c, d("20250501")).expect("2025-05-01");
    assert_eq!(&*v.row.name, "医療ＤＸ推進体制整備加算４（初診）");
    assert_eq!(v.row.points.to_string(), "10.00");
    assert_eq!(v.raw.col(58), "11.00");
    assert_eq!((set.file(v.origin).name.as_ref(), v.origin.line), ("s_20250307.csv", 2));
    assert!(
        set.s.lookup(c, d("20240930")).is_none(),
        "111703470 starts on 2024-10-01"
    );
    assert_eq!(
        s_history(set, "111703470"),
        vec![
            h("20241001", "20250331", "医療ＤＸ推進体制整備加算１（初診）", "11.00"),
            h("20250401", "99999999", "医療ＤＸ推進体制整備加算４（初診）", "10.00"),
        ]
    );

    // 111703370: s_ALL20240531.csv:42 （初診） 8.00; s_20240906.csv:1 → 加算３ from 20241001;
    // s_20250307.csv:1 → 加算６ from 20250401; points stay 8 (sparse rows without col 12).
    assert_eq!(
        s_history(set, "111703370"),
        vec![
            h("20240601", "20240930", "医療ＤＸ推進体制整備加算（初診）", "8.00"),
            h("20241001", "20250331", "医療ＤＸ推進体制整備加算３（初診）", "8.00"),
            h("20250401", "99999999", "医療ＤＸ推進体制整備加算６（初診）", "8.00"),
        ]
    );
    let v = set.s.lookup(code("111703370"), d("20241001")).unwrap();
    assert_eq!(&*v.row.basic_name, "医療ＤＸ推進体制整備加算３（初診）");
    assert_eq!(v.row.facility_standards, vec![4035], "kept from the full file");
    assert_eq!((v.row.chu_kasan_code, v.row.chu_kasan_seq), (1101, b'A'));

    // 111703570: 加算２ 10 from 20241001, 加算５ 9 from 20250401.
    assert_eq!(
        s_history(set, "111703570"),
        vec![
            h("20241001", "20250331", "医療ＤＸ推進体制整備加算２（初診）", "10.00"),
            h("20250401", "99999999", "医療ＤＸ推進体制整備加算５（初診）", "9.00"),
        ]
    );
}

#[test]
fn iryo_joho_kasan_changes_of_s_20241108() {
    let set = s_deltas_or_skip!();
    // masters.md §8.4. s_20241108.csv:1 "9" 111703170, 変更 20241201, 廃止 20241130.
    let c = code("111703170");
    let v = set.s.lookup(c, d("20241130")).expect("valid on 2024-11-30");
    assert_eq!(&*v.row.name, "医療情報取得加算１（初診）");
    assert_eq!(v.row.points.to_string(), "3.00");
    assert_eq!(v.valid_to, d("20241130"));
    assert!(v
        .patches
        .iter()
        .any(|p| set.file(*p).name.as_ref() == "s_20241108.csv" && p.line == 1));
    assert!(
        set.s.lookup(c, d("20241201")).is_none(),
        "111703170 is abolished from 2024-12-01"
    );
    // The other abolished codes of that file (lines 3, 5, 7, 10).
    for (c, line) in [("112708870", 3), ("112709170", 5), ("113705270", 7), ("113705770", 10)] {
        let v = set
            .s
            .lookup(code(c), d("20241130"))
            .unwrap_or_else(|| panic!("{c} on 2024-11-30"));
        assert_eq!(v.valid_to, d("20241130"), "{c}");
        assert!(
            v.patches
                .iter()
                .any(|p| set.file(*p).name.as_ref() == "s_20241108.csv" && p.line == line),
            "{c}"
        );
        assert!(set.s.lookup(code(c), d("20241201")).is_none(), "{c} on 2024-12-01");
    }
    // Renamed survivors keep their lower points (no col 12 in the sparse rows, lines 2, 4, 6).
    for (c, line, old, new) in [
        ("111703270", 2, "医療情報取得加算２（初診）", "医療情報取得加算（初診）"),
        ("112708970", 4, "医療情報取得加算４（再診）", "医療情報取得加算（再診）"),
        (
            "112709270",
            6,
            "医療情報取得加算４（外来診療料）",
            "医療情報取得加算（外来診療料）",
        ),
    ] {
        let v = set
            .s
            .lookup(code(c), d("20241130"))
            .unwrap_or_else(|| panic!("{c} on 2024-11-30"));
        assert_eq!(&*v.row.name, old);
        assert_eq!(v.row.points.to_string(), "1.00", "{c}");
        assert_eq!(v.valid_to, d("20241130"), "{c}");
        let v = set
            .s
            .lookup(code(c), d("20241201"))
            .unwrap_or_else(|| panic!("{c} on 2024-12-01"));
        assert_eq!(&*v.row.name, new);
        assert_eq!(&*v.row.basic_name, new);
        assert_eq!(v.row.points.to_string(), "1.00", "{c}");
        assert_eq!((v.valid_from, v.valid_to), (d("20241201"), OPEN_END), "{c}");
        assert_eq!(
            (set.file(v.origin).name.as_ref(), v.origin.line),
            ("s_20241108.csv", line),
            "{c}"
        );
    }
}

#[test]
fn s_deltas_keep_the_full_file_authoritative() {
    let set = s_deltas_or_skip!();
    // Deltas before 2024-05-31 must not override the full file's 2024-06 version.
    let v = set.s.lookup(code("111000110"), d("20240601")).unwrap();
    assert_eq!(v.row.points.to_string(), "291.00");
    assert_eq!(set.file(v.origin).name.as_ref(), "s_ALL20240531.zip");
    assert_eq!(set.files.len(), 79);
    // Deltas older than the full file patch codes this set does not hold before 2024-05-31
    // (warnings); every delta after it applies to known codes.
    let late: Vec<String> = set
        .warnings
        .iter()
        .filter(|w| {
            let name = w.error.loc.file.rsplit('/').next().unwrap();
            name.starts_with("s_") && name > "s_20240531.csv"
        })
        .map(|w| w.to_string())
        .collect();
    assert!(late.is_empty(), "{late:?}");
    assert!(set
        .warnings
        .iter()
        .any(|w| w.error.loc.file.ends_with("s_20220304.csv")));
}

// ---------------------------------------------------------------------------------------------
// The whole folder.

fn whole_folder() -> Option<&'static MasterSet> {
    static SET: OnceLock<Option<MasterSet>> = OnceLock::new();
    SET.get_or_init(|| {
        let data = data_dir()?;
        Some(masters::load_dir(&data).unwrap_or_else(|e| panic!("load_dir: {e}")))
    })
    .as_ref()
}

#[test]
fn whole_data_folder_loads_and_lists_what_it_does_not_read() {
    let Some(set) = whole_folder() else {
        let _ = data_or_skip!();
        return;
    };
    let data = data_dir().unwrap();
    // Every s/y/t/c file of MANIFEST.md is read (none is a byte-identical copy of another);
    // load_dir adds only santei's bundled supplement (Layer::Supplement) to them.
    let manifest = manifest_files(&data);
    let official: Vec<_> = set.files.iter().filter(|f| f.layer == Layer::Official).collect();
    assert_eq!(official.len(), manifest.len());
    assert_eq!(official.len(), 137);
    for mf in &manifest {
        let fi = official
            .iter()
            .find(|f| f.path == mf.path)
            .unwrap_or_else(|| panic!("{} not loaded", mf.path));
        assert_eq!(
            (fi.rows, fi.columns, fi.role),
            (mf.rows, mf.cols, mf.role),
            "{}",
            mf.path
        );
    }
    // Files that are not s/y/t/c masters are listed as not used, with a reason. The 電子点数表
    // CSVs are read by the tensuhyo reader once it is built; until then they are "not used" too.
    let mut not_used: Vec<&str> = set
        .not_used
        .iter()
        .map(|n| n.path.as_str())
        .filter(|p| !(p.starts_with("tensuhyo/2024/") && p.ends_with(".csv")))
        .collect();
    not_used.sort();
    assert_eq!(
        not_used,
        vec![
            "MANIFEST.md",
            "ssk/2024-06/b_20240601.zip",
            "ssk/2024-06/z_20240601.zip",
            "ssk/2025-11/ck_ALL_20250901.csv",
            "ssk/2025-11/hb_20260101.txt",
            "ssk/2025-11/k.csv",
            "ssk/2025/z_20250101.txt",
            "ssk/2025/z_20250601.zip",
            "tensuhyo/2024/00ファイル一覧表（医科）.pdf",
            "tensuhyo/2024/tensuhyo_01.pdf",
            "uke/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE",
        ]
    );
    let reason = |p: &str| set.not_used.iter().find(|n| n.path == p).unwrap().reason.clone();
    assert!(reason("ssk/2024-06/b_20240601.zip").contains("傷病名"));
    assert!(reason("ssk/2025-11/k.csv").contains("病棟コード"));
    assert!(reason("ssk/2025-11/ck_ALL_20250901.csv").contains("コメント関連"));

    // The only warnings about the SSK files: the four y_20240417 変更 rows for codes no earlier
    // file holds.
    let w: Vec<String> = set
        .warnings
        .iter()
        .filter(|w| w.error.loc.file.starts_with("ssk/"))
        .map(|w| w.to_string())
        .collect();
    assert_eq!(w, unknown_code_warnings("ssk/deltas/y/y_20240417.csv"));

    // Every kind present, and the newest full files reach their dates.
    let day = d("20251201");
    assert_eq!(
        set.t.lookup(code("739200000"), day).unwrap().row.price.to_string(),
        "0.19"
    );
    assert_eq!(
        set.s.lookup(code("111000110"), day).unwrap().row.points.to_string(),
        "291.00"
    );
    assert!(set.c.lookup(code("840000001"), day).is_some());
    assert!(set.y.lookup(code("610406079"), day).is_some());

    // Abolished rows close the earlier version: t_ALL20240830.csv:520 "9" 710010894 廃止 20240831;
    // c_20250715.csv:3373 "9" 850190245 (8|50|190245) 廃止 20250930.
    for (c, last) in [("710010894", "20240831"), ("850190245", "20250930")] {
        let v = set
            .lookup_any(code(c), d(last))
            .unwrap_or_else(|| panic!("{c} on {last}"));
        assert_eq!(v.valid_to(), d(last), "{c}");
        assert!(
            set.lookup_any(code(c), d(last).succ_opt().unwrap()).is_none(),
            "{c} after {last}"
        );
    }
    // 抹消 rows (c_ALL20240531.csv:3720) remove the code: 850600196.
    assert!(set.withdrawn.contains_key(&code("850600196")));
    assert!(set.c.history(code("850600196")).is_empty());
}

/// y_20240417.csv:105–108 are "5" rows for 622957400, 622960300, 622961500, 622961600, which
/// neither y_ALL20240115 nor the delta itself holds (line 104 is the "3" row of 622955101).
fn unknown_code_warnings(path: &str) -> Vec<String> {
    [(105, "622957400"), (106, "622960300"), (107, "622961500"), (108, "622961600")]
        .iter()
        .map(|(line, c)| {
            format!(
                "{path}:{line}:3: warning: 医薬品コード: 変更 row for code {c}, which no earlier file of this set holds; row not applied"
            )
        })
        .collect()
}

#[test]
fn delta_row_for_an_unknown_code_is_a_warning() {
    let data = data_or_skip!();
    let set = load(&data, &["ssk/2024-02/y_ALL20240115.zip", "ssk/deltas/y/y_20240417.csv"]);
    assert_eq!(
        real_warnings(&set),
        unknown_code_warnings("ssk/deltas/y/y_20240417.csv")
    );
    let w = set.warnings.iter().find(|w| w.error.loc.line == 105).unwrap();
    assert_eq!(w.severity, masters::Severity::Warning);
    assert_eq!((w.error.loc.column, w.error.field), (3, Some("医薬品コード")));
    // The neighbouring "3" row (y_20240417.csv:104) is a new code, applied.
    let v = set.y.lookup(code("622955101"), d("20240417")).expect("622955101");
    assert_eq!(&*v.row.name, "フィコンパ点滴静注用２ｍｇ");
    assert_eq!(v.origin.line, 104);
}

// ---------------------------------------------------------------------------------------------
// Layout changes: y 35 → 40 → 42 columns, t 37 → 38.

#[test]
fn layouts_by_column_count() {
    let data = data_or_skip!();
    for (rel, cols) in [
        ("ssk/2024-02/y_ALL20240115.zip", 35),
        ("ssk/2024-06/y_ALL20240531.zip", 40),
        ("ssk/deltas/y/y_20240814.csv", 40),
        ("ssk/deltas/y/y_20240906.csv", 42),
        ("ssk/deltas/y/y_20250813.csv", 42),
        ("ssk/2024-02/t_ALL20240229.zip", 37),
        ("ssk/2024-06/t_ALL20240315.zip", 38),
        ("ssk/2025-11/t_20251128.csv", 38),
    ] {
        let set = load(&data, &[rel]);
        assert_eq!(set.files[0].columns, cols, "{rel}");
    }
    // The same code in both y layouts: y_ALL20240115.csv:1 610406079 ガスター散２％ 24.10 from
    // 20230401 (35 columns); y_ALL20240531.csv:1 16.50 from 20240401 (40 columns).
    let set = load(
        &data,
        &["ssk/2024-02/y_ALL20240115.zip", "ssk/2024-06/y_ALL20240531.zip"],
    );
    let c = code("610406079");
    let old = set.y.lookup(c, d("20240331")).unwrap();
    assert_eq!(
        (old.row.price.to_string(), old.raw.len(), old.row.generic_rx_kasan),
        ("24.10".into(), 35, 0)
    );
    let new = set.y.lookup(c, d("20240401")).unwrap();
    assert_eq!(
        (new.row.price.to_string(), new.raw.len(), new.row.generic_rx_kasan),
        ("16.50".into(), 40, 2)
    );
    // t 37 → 38: t_ALL20240229.csv:1304 and t_ALL20240315.csv:1311, 739200000 from 20220401 / 20240601.
    let set = load(
        &data,
        &["ssk/2024-02/t_ALL20240229.zip", "ssk/2024-06/t_ALL20240315.zip"],
    );
    let c = code("739200000");
    let old = set.t.lookup(c, d("20240531")).unwrap();
    assert_eq!(
        (old.valid_from, old.raw.len(), old.origin.line),
        (d("20220401"), 37, 1304)
    );
    let new = set.t.lookup(c, d("20240601")).unwrap();
    assert_eq!(
        (new.valid_from, new.raw.len(), new.origin.line),
        (d("20240601"), 38, 1311)
    );
    assert_eq!(new.raw.col(38), "000");
}

#[test]
fn y_column_42_sentei_kind_from_a_42_column_delta() {
    let data = data_or_skip!();
    let set = load(&data, &["ssk/2024-06/y_ALL20240531.zip", "ssk/deltas/y/y_20240906.csv"]);
    assert_eq!(set.files.iter().map(|f| f.columns).collect::<Vec<_>>(), vec![40, 42]);
    assert!(real_warnings(&set).is_empty(), "{:?}", real_warnings(&set));
    // y_20240906.csv:1 "5","Y","610406079", … 30 "20241001", 42 "1" (every other field empty).
    let c = code("610406079");
    let before = set.y.lookup(c, d("20240930")).unwrap();
    assert_eq!(before.row.sentei_kind, 0);
    assert_eq!(before.valid_to, d("20240930"));
    let after = set.y.lookup(c, d("20241001")).unwrap();
    assert_eq!(after.row.sentei_kind, 1);
    assert_eq!(after.raw.len(), 42);
    assert_eq!(after.raw.col(42), "1");
    // Empty fields of the sparse row mean "unchanged".
    assert_eq!(&*after.row.name, "ガスター散２％");
    assert_eq!(after.row.price.to_string(), "16.50");
    assert_eq!(
        (set.file(after.origin).name.as_ref(), after.origin.line),
        ("y_20240906.csv", 1)
    );
    // y_20240906.csv:1095 "3" 670000063 セレネース細粒１％（選） 28.32 from 20241001, 選定療養区分 "2".
    let c = code("670000063");
    assert!(set.y.lookup(c, d("20240930")).is_none());
    let v = set.y.lookup(c, d("20241001")).unwrap();
    assert_eq!(&*v.row.name, "セレネース細粒１％（選）");
    assert_eq!(v.row.price.to_string(), "28.32");
    assert_eq!(v.row.sentei_kind, 2);
    assert_eq!(v.raw.col(38), "【般】ハロペリドール細粒１％");
    assert_eq!(v.origin.line, 1095);
}

// The embedded default set is tested in tests/embedded.rs (every row against the official files).
