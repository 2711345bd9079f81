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
