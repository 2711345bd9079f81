//! Dates and months as written in UKE files (spec §2): 西暦 `YYYYMMDD` / `YYYYMM` in files
//! claimed from 2020-05 on, 和暦 `GYYMMDD` / `GYYMM` before. Both forms are accepted by length.

use std::fmt;

/// 元号 (Japanese era) of a 和暦 date; the digit is the one UKE files use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Era {
    /// 明治 (1)
    Meiji,
    /// 大正 (2)
    Taisho,
    /// 昭和 (3)
    Showa,
    /// 平成 (4)
    Heisei,
    /// 令和 (5)
    Reiwa,
}

impl Era {
    /// The era for a UKE 元号 digit (1 明治 … 5 令和).
    pub fn from_digit(d: u8) -> Option<Era> {
        match d {
            1 => Some(Era::Meiji),
            2 => Some(Era::Taisho),
            3 => Some(Era::Showa),
            4 => Some(Era::Heisei),
            5 => Some(Era::Reiwa),
            _ => None,
        }
    }

    /// Western year of the era's year 0 (元年 = base + 1).
    pub fn base_year(self) -> u16 {
        match self {
            Era::Meiji => 1867,
            Era::Taisho => 1911,
            Era::Showa => 1925,
            Era::Heisei => 1988,
            Era::Reiwa => 2018,
        }
    }
}

/// A calendar date (年月日), always stored in the western calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UkeDate {
    /// Western year.
    pub year: u16,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31 (valid for the month).
    pub day: u8,
}

/// A month (年月), e.g. 診療年月 or 請求年月, in the western calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UkeMonth {
    /// Western year.
    pub year: u16,
    /// Month 1–12.
    pub month: u8,
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Number of days in a month (28–31); 0 for an invalid month.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY` (western) or `GYY` (era digit + era year) into a western year.
fn parse_year(s: &str) -> Result<u16, String> {
    match s.len() {
        4 => {
            let y = digits(s).ok_or("year is not digits")?;
            if y == 0 {
                return Err("year 0".into());
            }
            Ok(y as u16)
        }
        3 => {
            let g = digits(&s[..1]).ok_or("era is not a digit")?;
            let era = Era::from_digit(g as u8).ok_or_else(|| format!("unknown era digit {g} (1 明治 … 5 令和)"))?;
            let yy = digits(&s[1..]).ok_or("era year is not digits")?;
            if yy == 0 {
                return Err("era year 00".into());
            }
            Ok(era.base_year() + yy as u16)
        }
        _ => Err("bad length".into()),
    }
}

fn parse_month_num(s: &str) -> Result<u8, String> {
    let m = digits(s).ok_or("month is not digits")?;
    if !(1..=12).contains(&m) {
        return Err(format!("month {m} is not 1–12"));
    }
    Ok(m as u8)
}

impl UkeMonth {
    /// A month, if `month` is 1–12 and `year` > 0.
    pub fn new(year: u16, month: u8) -> Option<Self> {
        (year > 0 && (1..=12).contains(&month)).then_some(UkeMonth { year, month })
    }

    /// Parses `YYYYMM` (西暦, 6 digits) or `GYYMM` (和暦, 5 digits).
    pub fn parse(s: &str) -> Result<Self, String> {
        if !s.is_ascii() {
            return Err("not half-width digits".into());
        }
        let (y, m) = match s.len() {
            6 => (&s[..4], &s[4..]),
            5 => (&s[..3], &s[3..]),
            n => return Err(format!("{n} characters; expected 6 (YYYYMM) or 5 (GYYMM)")),
        };
        Ok(UkeMonth {
            year: parse_year(y)?,
            month: parse_month_num(m)?,
        })
    }

    /// Number of days in this month.
    pub fn days(self) -> u8 {
        days_in_month(self.year, self.month)
    }

    /// The date of `day` in this month, if it exists.
    pub fn day(self, day: u8) -> Option<UkeDate> {
        UkeDate::new(self.year, self.month, day)
    }
}

impl UkeDate {
    /// A date, if it exists in the calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let m = UkeMonth::new(year, month)?;
        (day >= 1 && day <= m.days()).then_some(UkeDate { year, month, day })
    }

    /// Parses `YYYYMMDD` (西暦, 8 digits) or `GYYMMDD` (和暦, 7 digits).
    pub fn parse(s: &str) -> Result<Self, String> {
        if !s.is_ascii() {
            return Err("not half-width digits".into());
        }
        let (ym, d) = match s.len() {
            8 | 7 => (&s[..s.len() - 2], &s[s.len() - 2..]),
            n => return Err(format!("{n} characters; expected 8 (YYYYMMDD) or 7 (GYYMMDD)")),
        };
        let m = UkeMonth::parse(ym)?;
        let day = digits(d).ok_or("day is not digits")?;
        if day < 1 || day > u32::from(m.days()) {
            return Err(format!("day {day} does not exist in {:04}-{:02}", m.year, m.month));
        }
        Ok(UkeDate {
            year: m.year,
            month: m.month,
            day: day as u8,
        })
    }

    /// The month of this date.
    pub fn month_of(self) -> UkeMonth {
        UkeMonth {
            year: self.year,
            month: self.month,
        }
    }
}

/// How dates and months are spelled in a file (spec §2): 西暦 in files claimed from 2020-05
/// (請求年月 ≥ 2020-05), 和暦 with the 元号 digit before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateStyle {
    /// `YYYYMMDD` / `YYYYMM`.
    Western,
    /// `GYYMMDD` / `GYYMM` (元号 digit 1 明治 … 5 令和).
    Era,
}

impl DateStyle {
    /// The style the 仕様 prescribes for a file with this 請求年月.
    pub fn for_claim_month(claim: UkeMonth) -> DateStyle {
        if (claim.year, claim.month) >= (2020, 5) {
            DateStyle::Western
        } else {
            DateStyle::Era
        }
    }

    /// The style a date or month field is written in, from its length (8/6 western, 7/5 era).
    pub fn of_field(s: &str) -> Option<DateStyle> {
        match s.len() {
            8 | 6 => Some(DateStyle::Western),
            7 | 5 => Some(DateStyle::Era),
            _ => None,
        }
    }
}

/// First day of each era, newest first (明治 is taken from 1868-01-01: earlier dates do not
/// occur in claims).
const ERA_STARTS: [(Era, (u16, u8, u8)); 5] = [
    (Era::Reiwa, (2019, 5, 1)),
    (Era::Heisei, (1989, 1, 8)),
    (Era::Showa, (1926, 12, 25)),
    (Era::Taisho, (1912, 7, 30)),
    (Era::Meiji, (1868, 1, 1)),
];

impl Era {
    /// The UKE 元号 digit (1 明治 … 5 令和).
    pub fn digit(self) -> u8 {
        match self {
            Era::Meiji => 1,
            Era::Taisho => 2,
            Era::Showa => 3,
            Era::Heisei => 4,
            Era::Reiwa => 5,
        }
    }

    /// The era in force on a date; None before 明治.
    pub fn of(date: UkeDate) -> Option<Era> {
        let key = (date.year, date.month, date.day);
        ERA_STARTS.iter().find(|(_, start)| key >= *start).map(|(e, _)| *e)
    }
}

fn era_prefix(d: UkeDate) -> Result<String, String> {
    let era = Era::of(d).ok_or_else(|| format!("{d} is before 明治: no 和暦 form"))?;
    let yy = d.year - era.base_year();
    if yy > 99 {
        return Err(format!("{d}: era year {yy} has more than two digits"));
    }
    Ok(format!("{}{yy:02}", era.digit()))
}

impl UkeDate {
    /// The date as a UKE field: `YYYYMMDD` or `GYYMMDD`.
    pub fn to_uke(self, style: DateStyle) -> Result<String, String> {
        Ok(match style {
            DateStyle::Western => format!("{:04}{:02}{:02}", self.year, self.month, self.day),
            DateStyle::Era => format!("{}{:02}{:02}", era_prefix(self)?, self.month, self.day),
        })
    }
}

impl UkeMonth {
    /// The month as a UKE field: `YYYYMM` or `GYYMM` (the era in force on the month's last day).
    pub fn to_uke(self, style: DateStyle) -> Result<String, String> {
        Ok(match style {
            DateStyle::Western => format!("{:04}{:02}", self.year, self.month),
            DateStyle::Era => {
                let last = UkeDate {
                    year: self.year,
                    month: self.month,
                    day: self.days(),
                };
                format!("{}{:02}", era_prefix(last)?, self.month)
            }
        })
    }

    /// The month `n` months later (earlier for a negative `n`); None outside years 1–9999.
    pub fn plus_months(self, n: i32) -> Option<UkeMonth> {
        let idx = i32::from(self.year) * 12 + i32::from(self.month) - 1 + n;
        let (y, m) = (idx.div_euclid(12), idx.rem_euclid(12) + 1);
        UkeMonth::new(u16::try_from(y).ok()?, m as u8)
    }

    /// Months from `self` to `other` (positive when `other` is later).
    pub fn months_until(self, other: UkeMonth) -> i32 {
        (i32::from(other.year) * 12 + i32::from(other.month)) - (i32::from(self.year) * 12 + i32::from(self.month))
    }
}

impl fmt::Display for UkeDate {
    /// `YYYY-MM-DD`, as in the claim JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for UkeMonth {
    /// `YYYY-MM`, as in the claim JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl serde::Serialize for UkeDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl serde::Serialize for UkeMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn western_and_era_forms() {
        assert_eq!(UkeDate::parse("19911121").unwrap(), UkeDate::new(1991, 11, 21).unwrap());
        assert_eq!(UkeDate::parse("4070208").unwrap(), UkeDate::new(1995, 2, 8).unwrap());
        assert_eq!(UkeDate::parse("5060401").unwrap(), UkeDate::new(2024, 4, 1).unwrap());
        assert_eq!(UkeDate::parse("1450101").unwrap(), UkeDate::new(1912, 1, 1).unwrap());
        assert_eq!(UkeMonth::parse("202110").unwrap(), UkeMonth::new(2021, 10).unwrap());
        assert_eq!(UkeMonth::parse("43101").unwrap(), UkeMonth::new(2019, 1).unwrap());
    }

    #[test]
    fn writes_both_styles() {
        let d = UkeDate::new(2024, 4, 1).unwrap();
        assert_eq!(d.to_uke(DateStyle::Western).unwrap(), "20240401");
        assert_eq!(d.to_uke(DateStyle::Era).unwrap(), "5060401");
        assert_eq!(
            UkeDate::new(1995, 2, 8).unwrap().to_uke(DateStyle::Era).unwrap(),
            "4070208"
        );
        assert_eq!(
            UkeDate::new(2019, 4, 30).unwrap().to_uke(DateStyle::Era).unwrap(),
            "4310430"
        );
        assert_eq!(
            UkeDate::new(2019, 5, 1).unwrap().to_uke(DateStyle::Era).unwrap(),
            "5010501"
        );
        assert_eq!(
            UkeDate::new(1989, 1, 7).unwrap().to_uke(DateStyle::Era).unwrap(),
            "3640107"
        );
        assert_eq!(UkeMonth::new(2019, 1).unwrap().to_uke(DateStyle::Era).unwrap(), "43101");
        assert_eq!(
            UkeMonth::new(2021, 10).unwrap().to_uke(DateStyle::Western).unwrap(),
            "202110"
        );
        for s in ["19911121", "4070208", "5060401", "1450101"] {
            let d = UkeDate::parse(s).unwrap();
            assert_eq!(d.to_uke(DateStyle::of_field(s).unwrap()).unwrap(), s);
        }
        assert_eq!(
            DateStyle::for_claim_month(UkeMonth::new(2020, 4).unwrap()),
            DateStyle::Era
        );
        assert_eq!(
            DateStyle::for_claim_month(UkeMonth::new(2020, 5).unwrap()),
            DateStyle::Western
        );
        let m = UkeMonth::new(2021, 11).unwrap();
        assert_eq!(m.plus_months(2), UkeMonth::new(2022, 1));
        assert_eq!(m.plus_months(-11), UkeMonth::new(2020, 12));
        assert_eq!(
            UkeMonth::new(2021, 10)
                .unwrap()
                .months_until(UkeMonth::new(2024, 7).unwrap()),
            33
        );
    }

    #[test]
    fn rejects_impossible() {
        assert!(UkeMonth::parse("202113").is_err());
        assert!(UkeMonth::parse("202100").is_err());
        assert!(UkeDate::parse("20210230").is_err());
        assert!(UkeDate::parse("20200229").is_ok());
        assert!(UkeDate::parse("21000229").is_err());
        assert!(UkeDate::parse("6010101").is_err());
        assert!(UkeDate::parse("5000101").is_err());
        assert!(UkeDate::parse("２０２１").is_err());
        assert!(UkeDate::parse("00000101").is_err());
        assert!(UkeDate::parse("").is_err());
    }
}
