//! Japanese calendar facts the 点数表 uses: national holidays (国民の祝日に関する法律), the
//! 休日 of the fee schedule (Sundays, 祝日, 12/29–1/3), and time bands.
//!
//! ## 根拠
//! - 国民の祝日に関する法律 (as amended; 2020/2021 Olympic moves by 特別措置法).
//! - 休日 = 日曜日, 祝日, 1/2–1/3 and 12/29–12/31: R6通知 A000(19) (H, rules.md §1.1).
//! - 春分/秋分: the standard approximation valid 1980–2099 (official dates are published by
//!   国立天文台 each February; the formula agrees with them for 2000–2030).

use chrono::{Datelike, NaiveDate, Weekday};

fn nth_weekday(y: i32, m: u32, wd: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(y, m, wd, n).unwrap_or(NaiveDate::MIN)
}

/// 春分日 / 秋分日 (day of March / September), integer form of the usual formula.
fn equinox_day(y: i32, base_micro: i64) -> u32 {
    let n = (y - 1980) as i64;
    ((base_micro + 242_194 * n) / 1_000_000 - n.div_euclid(4)) as u32
}

/// Fixed-rule holidays of a year (before 振替休日 / 国民の休日). Outside 1980–2099 (where the
/// equinox formula holds) the list is empty: such dates are rejected by claim validation, and
/// nothing here may panic.
fn base_holidays(y: i32) -> &'static [NaiveDate] {
    static TABLE: std::sync::OnceLock<Vec<Vec<NaiveDate>>> = std::sync::OnceLock::new();
    if !(1980..=2099).contains(&y) {
        return &[];
    }
    let t = TABLE.get_or_init(|| (1980..=2099).map(compute_base_holidays).collect());
    &t[(y - 1980) as usize]
}

/// [`base_holidays`] of one year, computed (the table holds 1980–2099, built once).
fn compute_base_holidays(y: i32) -> Vec<NaiveDate> {
    let d = |m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
    let mut v = vec![
        d(1, 1),
        nth_weekday(y, 1, Weekday::Mon, 2),
        d(2, 11),
        d(3, equinox_day(y, 20_843_100)),
        d(4, 29),
        d(5, 3),
        d(5, 4),
        d(5, 5),
        nth_weekday(y, 9, Weekday::Mon, 3),
        d(9, equinox_day(y, 23_248_800)),
        d(11, 3),
        d(11, 23),
    ];
    if y >= 2020 {
        v.push(d(2, 23)); // 天皇誕生日 (令和)
    }
    match y {
        2020 => v.extend([d(7, 23), d(7, 24), d(8, 10)]),
        2021 => v.extend([d(7, 22), d(7, 23), d(8, 8)]),
        _ => v.extend([
            nth_weekday(y, 7, Weekday::Mon, 3),
            d(8, 11),
            nth_weekday(y, 10, Weekday::Mon, 2),
        ]),
    }
    v.sort();
    v
}

/// Whether `d` is a 国民の祝日 or 休日 under the holiday law (incl. 振替休日 and 国民の休日).
pub fn is_national_holiday(d: NaiveDate) -> bool {
    let y = d.year();
    let base = base_holidays(y);
    if base.contains(&d) {
        return true;
    }
    // 振替休日: the first non-holiday day after a holiday that falls on Sunday.
    let mut prev = d.pred_opt();
    while let Some(p) = prev {
        if !base_holidays(p.year()).contains(&p) {
            break;
        }
        if p.weekday() == Weekday::Sun {
            return true;
        }
        prev = p.pred_opt();
    }
    // 国民の休日: a weekday between two holidays.
    if d.weekday() != Weekday::Sun {
        if let (Some(p), Some(n)) = (d.pred_opt(), d.succ_opt()) {
            if base_holidays(p.year()).contains(&p) && base_holidays(n.year()).contains(&n) {
                return true;
            }
        }
    }
    false
}

/// 休日 in the sense of the 点数表: Sunday, national holiday, 1/2–1/3, 12/29–12/31.
pub fn is_fee_holiday(d: NaiveDate) -> bool {
    d.weekday() == Weekday::Sun
        || is_national_holiday(d)
        || (d.month() == 1 && d.day() <= 3)
        || (d.month() == 12 && d.day() >= 29)
}

/// Minutes since midnight from `HH:MM` (24 h; `24:00` allowed as a closing time).
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// 深夜: 22:00–06:00 (R6通知 A000(20)).
pub fn is_late_night(min: u16) -> bool {
    !(6 * 60..22 * 60).contains(&min)
}

/// The standard 時間外 band: before 08:00 or from 18:00 (Saturday from 12:00) (R6通知 A000(18)).
/// The same band defines 夜間・早朝等 inside 表示診療時間 (R6通知 A000(22)).
pub fn is_outside_standard_day(d: NaiveDate, min: u16) -> bool {
    let close = if d.weekday() == Weekday::Sat { 12 * 60 } else { 18 * 60 };
    min < 8 * 60 || min >= close
}

#[cfg(test)]
mod tests {
    use super::*;
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    #[test]
    fn known_holidays() {
        // 内閣府「国民の祝日」一覧 2024–2026.
        for h in [
            d(2024, 1, 1),
            d(2024, 1, 8),
            d(2024, 2, 12),
            d(2024, 3, 20),
            d(2024, 5, 6),
            d(2024, 8, 12),
            d(2024, 9, 16),
            d(2024, 9, 23),
            d(2024, 10, 14),
            d(2024, 11, 4),
            d(2025, 2, 24),
            d(2025, 3, 20),
            d(2025, 5, 6),
            d(2025, 9, 23),
            d(2025, 11, 24),
            d(2026, 3, 20),
            d(2026, 5, 6),
            d(2026, 9, 22),
            d(2026, 9, 23),
            d(2021, 7, 22),
            d(2021, 8, 9),
        ] {
            assert!(is_national_holiday(h), "{h} should be a holiday");
        }
        for w in [d(2024, 3, 21), d(2025, 5, 7), d(2026, 9, 24), d(2024, 12, 30)] {
            assert!(!is_national_holiday(w), "{w} is not a national holiday");
        }
        assert!(is_fee_holiday(d(2024, 12, 30)));
        assert!(is_fee_holiday(d(2025, 1, 3)));
        assert!(!is_fee_holiday(d(2025, 1, 6)));
    }
    #[test]
    fn times() {
        assert_eq!(parse_hhmm("22:30"), Some(1350));
        assert_eq!(parse_hhmm("25:00"), None);
        assert_eq!(parse_hhmm("9:00"), None);
        assert!(is_late_night(parse_hhmm("05:59").unwrap()));
        assert!(!is_late_night(parse_hhmm("06:00").unwrap()));
        assert!(is_outside_standard_day(d(2025, 5, 10), parse_hhmm("12:00").unwrap())); // Saturday
        assert!(!is_outside_standard_day(d(2025, 5, 12), parse_hhmm("12:00").unwrap()));
    }
}
