//! 診療識別 (the two-digit section of a result line) from the master's 点数欄集計先識別（入院外）
//! (s col 15).
//!
//! ## 根拠
//! - 点数欄集計先識別 values: `shared/spec/masters.md` §3.1 col 15 (V: codes seen in the data).
//! - 診療識別 codes: 記録条件仕様 別表20 (`shared/spec/uke.md` §5.1): 11 初診, 12 再診, 13 医学管理,
//!   14 在宅, 21 内服, 22 屯服, 23 外用, 24 調剤, 25 処方, 26 麻毒, 27 調基, 31–33 注射, 40 処置,
//!   50 手術, 60 検査, 70 画像, 80 その他.

/// The section of a 診療行為 by its 点数欄集計先識別（入院外）; `None` when the code is not billable
/// as an outpatient (`0`).
pub fn section_of(sum_target_out: u16) -> Option<&'static str> {
    Some(match sum_target_out {
        0 => return None,
        110 => "11",
        120..=125 => "12",
        130 => "13",
        140 => "14",
        210 | 230 => "24",
        250 => "25",
        260 => "26",
        270 => "27",
        311 => "31",
        321 => "32",
        300 | 331 => "33",
        400 => "40",
        500..=599 => "50",
        600 => "60",
        700 => "70",
        _ => "80",
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn map() {
        assert_eq!(super::section_of(110), Some("11"));
        assert_eq!(super::section_of(122), Some("12"));
        assert_eq!(super::section_of(210), Some("24"));
        assert_eq!(super::section_of(600), Some("60"));
        assert_eq!(super::section_of(0), None);
    }
}
