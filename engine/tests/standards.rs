//! `engine/data/standards.csv` checked against the official 医科診療行為マスター: every row that
//! cites a master row names a row that carries exactly that 施設基準コード (cols 72–81) in
//! s_ALL20240531, and every name-only row cites a row that carries none. Skips loudly without
//! the staged data.

use chrono::NaiveDate;
use masters::Code;
use std::path::PathBuf;

#[test]
fn every_standard_code_in_the_table_is_the_one_its_master_row_carries() {
    let data = std::env::var_os("SANTEI_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    let dir = data.join("ssk/2024-06");
    if !dir.exists() {
        eprintln!(
            "SKIPPED: standards table check: no staged masters at {} (set SANTEI_DATA)",
            dir.display()
        );
        return;
    }
    let set = masters::load_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let mut checked = 0;
    for e in engine::standards::TABLE.iter() {
        let Some(row) = e
            .source
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 9)
            .and_then(Code::parse)
        else {
            panic!("{}: the source cites no master row", e.name);
        };
        let v = set
            .s
            .lookup(row, on)
            .unwrap_or_else(|| panic!("{}: row {row} not valid on {on}", e.name));
        match e.code {
            Some(c) => assert!(
                v.row.facility_standards.contains(&c),
                "{}: row {row} {} carries {:?}, not {c}",
                e.name,
                v.row.name,
                v.row.facility_standards
            ),
            None => assert!(
                v.row.facility_standards.iter().all(|&c| c == 0),
                "{}: row {row} carries {:?}",
                e.name,
                v.row.facility_standards
            ),
        }
        checked += 1;
    }
    assert_eq!(checked, engine::standards::TABLE.len());
}
