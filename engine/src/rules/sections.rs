//! 診療識別 (the two-digit section of a result line) from the master's 点数欄集計先識別（入院外）
//! (s col 15).
//!
//! ## 根拠
//! - 点数欄集計先識別 values: `shared/spec/masters.md` §3.1 col 15 (V: codes seen in the data).
//! - 診療識別 codes: 記録条件仕様 別表20 (`shared/spec/uke.md` §5.1): 11 初診, 12 再診, 13 医学管理,
//!   14 在宅, 21 内服, 22 屯服, 23 外用, 24 調剤, 25 処方, 26 麻毒, 27 調基, 31–33 注射, 40 処置,
//!   50 手術, 60 検査, 70 画像, 80 その他.

/// A 診療識別: the two-digit section of a result line (11 初診 … 80 その他), as a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Section(u8);

impl Section {
    pub const SHOSHIN: Section = Section(11);
    pub const SAISHIN: Section = Section(12);
    pub const IGAKU: Section = Section(13);
    pub const ZAITAKU: Section = Section(14);
    pub const NAIFUKU: Section = Section(21);
    pub const TONPUKU: Section = Section(22);
    pub const GAIYO: Section = Section(23);
    pub const CHOZAI: Section = Section(24);
    pub const SHOHO: Section = Section(25);
    pub const MADOKU: Section = Section(26);
    pub const CHOKI: Section = Section(27);
    pub const HIKA: Section = Section(31);
    pub const JOMYAKU: Section = Section(32);
    pub const CHUSHA_OTHER: Section = Section(33);
    pub const SHOCHI: Section = Section(40);
    pub const SHUJUTSU: Section = Section(50);
    pub const KENSA: Section = Section(60);
    pub const GAZO: Section = Section(70);
    pub const OTHER: Section = Section(80);

    /// The two digits as a number.
    pub fn number(self) -> u8 {
        self.0
    }
    /// The section of a 診療行為 row; その他 (80) when it is not billable as an outpatient.
    pub fn of_procedure(p: &masters::Procedure) -> Section {
        section_of(p.sum_target_out).unwrap_or(Section::OTHER)
    }
    /// 投薬 (21–23).
    pub fn is_touyaku_drug(self) -> bool {
        matches!(self.0, 21..=23)
    }
    /// 注射 (31–33).
    pub fn is_chusha(self) -> bool {
        matches!(self.0, 31..=33)
    }
}

impl std::fmt::Display for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl serde::Serialize for Section {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = [b'0' + self.0 / 10, b'0' + self.0 % 10];
        s.serialize_str(std::str::from_utf8(&b).unwrap_or("80"))
    }
}

impl PartialEq<str> for Section {
    fn eq(&self, o: &str) -> bool {
        o.len() == 2 && o.parse::<u8>() == Ok(self.0)
    }
}
impl PartialEq<&str> for Section {
    fn eq(&self, o: &&str) -> bool {
        *self == **o
    }
}

/// The section of a 診療行為 by its 点数欄集計先識別（入院外）; `None` when the code is not billable
/// as an outpatient (`0`).
pub fn section_of(sum_target_out: u16) -> Option<Section> {
    Some(Section(match sum_target_out {
        0 => return None,
        110 => 11,
        120..=125 => 12,
        130 => 13,
        140 => 14,
        210 | 230 => 24,
        250 => 25,
        260 => 26,
        270 => 27,
        311 => 31,
        321 => 32,
        300 | 331 => 33,
        400 => 40,
        500..=599 => 50,
        600 => 60,
        700 => 70,
        _ => 80,
    }))
}

#[cfg(test)]
mod tests {
    use super::Section;
    #[test]
    fn map() {
        assert_eq!(super::section_of(110), Some(Section::SHOSHIN));
        assert_eq!(super::section_of(122), Some(Section::SAISHIN));
        assert_eq!(super::section_of(210), Some(Section::CHOZAI));
        assert_eq!(super::section_of(600), Some(Section::KENSA));
        assert_eq!(super::section_of(0), None);
    }
}
