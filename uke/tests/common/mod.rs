//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The shared data folder: `SANTEI_DATA` (a relative value is taken from the workspace root),
/// else `../shared/data` from the workspace root. None (after a loud message) when absent.
pub fn data_dir() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = match std::env::var_os("SANTEI_DATA") {
        Some(v) => {
            let p = PathBuf::from(v);
            if p.is_absolute() {
                p
            } else {
                root.join(p)
            }
        }
        None => root.join("../shared/data"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: SANTEI_DATA directory {} not found (set SANTEI_DATA to shared/data)",
            dir.display()
        );
        None
    }
}

/// The bytes of the repository UKE sample, or None (with a loud message) when absent.
pub fn sample_bytes() -> Option<Vec<u8>> {
    let path = data_dir()?.join("uke/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE");
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!(
                "SKIPPED: UKE sample {} not found under SANTEI_DATA: {e}",
                path.display()
            );
            None
        }
    }
}

/// Encodes text as Shift_JIS; panics if a character has no Shift_JIS form.
pub fn sjis(s: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(s);
    assert!(!had_errors, "test text not encodable in Shift_JIS: {s}");
    bytes.into_owned()
}

/// Joins records with CRLF (after every record, the last included) and encodes them.
pub fn file(lines: &[String]) -> Vec<u8> {
    let mut s = String::new();
    for l in lines {
        s.push_str(l);
        s.push_str("\r\n");
    }
    sjis(&s)
}

/// Builds a record from `fields`, padding with empty fields up to `len`.
pub fn rec(len: usize, fields: &[&str]) -> String {
    let mut v: Vec<&str> = fields.to_vec();
    while v.len() < len {
        v.push("");
    }
    v.join(",")
}

pub fn ir() -> String {
    "IR,1,12,1,0000000,,,202111,00,05012345678".to_owned()
}

/// An RE record (38 fields) with the given number, レセプト種別 and 生年月日.
pub fn re(no: u32, kind: &str, birth: &str) -> String {
    let no = no.to_string();
    let mut v = vec![
        "RE",
        &no,
        kind,
        "202110",
        "テスト　太郎",
        "1",
        birth,
        "",
        "",
        "",
        "",
        "",
        "",
        "00001",
    ];
    v.resize(36, "");
    v.push("テストタロウ");
    v.push("");
    v.join(",")
}

pub fn ho(days: u32, total: u32) -> String {
    rec(
        15,
        &["HO", "01010016", "１", "１", &days.to_string(), &total.to_string()],
    )
}

pub fn ko(days: u32, total: u32) -> String {
    rec(
        12,
        &[
            "KO",
            "12143210",
            "0000000",
            "",
            &days.to_string(),
            &total.to_string(),
            "0",
        ],
    )
}

/// An SI/IY line (44 fields). `cols` = kind, 診療識別, 負担区分, code, 数量/使用量, 点数, 回数;
/// `days` = the day columns as (day, count).
pub fn line(cols: [&str; 7], days: &[(usize, u32)]) -> String {
    let mut v: Vec<String> = cols.iter().map(|s| s.to_string()).collect();
    v.resize(44, String::new());
    for &(d, c) in days {
        v[12 + d] = c.to_string();
    }
    v.join(",")
}

pub fn si(section: &str, code: &str, points: &str, count: &str, days: &[(usize, u32)]) -> String {
    line(["SI", section, "1", code, "", points, count], days)
}

pub fn go(count: u32, total: u64) -> String {
    format!("GO,{count},{total},99")
}

/// A small valid file: two 医保単独 receipts (288 × 1 初診; 73 × 2 再診) and GO.
pub fn small_file_lines() -> Vec<String> {
    vec![
        ir(),
        re(1, "1112", "19911121"),
        ho(1, 288),
        si("11", "111000110", "288", "1", &[(1, 1)]),
        re(2, "1112", "19800101"),
        ho(2, 146),
        si("12", "112007410", "73", "2", &[(5, 1), (12, 1)]),
        go(2, 434),
    ]
}
