//! The coverage report (`engine::coverage`, `santei masters coverage`) on the staged masters:
//! every row valid on the date is counted once, in one 部 and one category, and the counts agree
//! with what the rows say (numbers a reader can recount from s_ALL20240531 with its 変更ファイル).

use engine::coverage::{classify, report, Handling};
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    std::env::var_os("SANTEI_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"))
}

#[test]
fn every_row_is_counted_once_and_as_its_columns_say() {
    let dir = data_dir();
    if !dir.is_dir() {
        eprintln!(
            "\n!!! SKIPPED coverage: no SSK data at {} (set SANTEI_DATA) !!!\n",
            dir.display()
        );
        return;
    }
    let set = masters::load_dir(&dir).expect("staged masters");
    let d = chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
    let r = report(&set, d);
    let valid: Vec<_> = set.s.codes().filter_map(|c| set.s.lookup(c, d)).collect();
    let rows: usize = r.parts.iter().map(|p| p.rows).sum();
    assert_eq!(rows, valid.len(), "each row valid on {d} counted once");
    for p in &r.parts {
        assert_eq!(
            p.family + p.row_alone + p.not_handled + p.out_of_scope,
            p.rows,
            "{}: the categories add up",
            p.part
        );
        assert_eq!(p.by_family.values().sum::<usize>(), p.family, "{}", p.part);
        assert_eq!(
            p.not_handled_by_reason.values().sum::<usize>(),
            p.not_handled,
            "{}",
            p.part
        );
    }
    // 第5部 投薬: every outpatient F row belongs to rules/touyaku/ (the 投薬 family decides them).
    let f_rows = valid
        .iter()
        .filter(|v| v.row.tbl_alpha == 'F' && v.row.in_out != masters::InOut::InpatientOnly)
        .count();
    let touyaku: usize = r.parts.iter().filter_map(|p| p.by_family.get("rules/touyaku/")).sum();
    assert_eq!(touyaku, f_rows);
    // 入院-only rows are out of scope wherever they are.
    let inpatient = valid
        .iter()
        .filter(|v| v.row.in_out == masters::InOut::InpatientOnly)
        .count();
    let oos: usize = r.parts.iter().map(|p| p.out_of_scope).sum();
    assert!(oos >= inpatient, "{oos} out of scope, {inpatient} 入院 only");
    // A plain 点数 row no family claims is priced from the row: 単純撮影（イ）の写真診断 170000410
    // 85点 (E001).
    let e001 = set.s.lookup(masters::Code(170000410), d).expect("170000410");
    assert_eq!(classify(&e001.row), Handling::RowAlone);
}
