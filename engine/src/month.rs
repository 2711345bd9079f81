//! Calendar-month arithmetic: the one place the engine finds a month's first and last day,
//! moves a date by whole months, compares months and names them (`YYYY-MM`).
//!
//! Months are Gregorian calendar months (the 点数表's 「月」 is the calendar month: R6通知 通則6).
//! Nothing here panics: a date that would leave chrono's range falls back as each function
//! documents.

use chrono::{Datelike, NaiveDate};

/// Months since year 0 of `d`'s month (`year × 12 + month − 1`), the scale every function here
/// computes on.
fn index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// The first day of the month with [`index`] `i`, if chrono can represent it.
fn first_of_index(i: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i.div_euclid(12), i.rem_euclid(12) as u32 + 1, 1)
}

/// The first day of `d`'s month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The first day of the month `k` months after `d`'s month (`k` may be negative); `None`
/// outside chrono's range.
pub fn month_start_plus(d: NaiveDate, k: i32) -> Option<NaiveDate> {
    first_of_index(index(d).checked_add(k)?)
}

/// The last day of `d`'s month (`d` itself if the next month is out of chrono's range).
pub fn month_end(d: NaiveDate) -> NaiveDate {
    month_start_plus(d, 1).and_then(|n| n.pred_opt()).unwrap_or(d)
}

/// `d` moved by `months` calendar months, the day clamped to the target month's length
/// (2024-01-31 + 1 → 2024-02-29); `d` itself if the target is out of chrono's range.
pub fn add_months(d: NaiveDate, months: i32) -> NaiveDate {
    let Some(first) = month_start_plus(d, months) else {
        return d;
    };
    let last = month_end(first).day();
    first.with_day(d.day().min(last)).unwrap_or(d)
}

/// Months from `a`'s month to `b`'s month (negative when `b`'s month is earlier).
pub fn months_between(a: NaiveDate, b: NaiveDate) -> i32 {
    index(b) - index(a)
}

/// Whether `a` and `b` fall in the same calendar month.
pub fn same_month(a: NaiveDate, b: NaiveDate) -> bool {
    index(a) == index(b)
}

/// `d`'s month as `YYYY-MM`.
pub fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The month `k` months before `d`'s month, as `YYYY-MM` (also outside chrono's range).
pub fn month_key_minus(d: NaiveDate, k: u32) -> String {
    let i = index(d) - k as i32;
    format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// Parses `YYYY-MM` into the first day of that month.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    if s.len() != 7 {
        return None;
    }
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_end_of_february_in_leap_and_common_years() {
        assert_eq!(month_end(d(2024, 2, 10)), d(2024, 2, 29)); // divisible by 4
        assert_eq!(month_end(d(2025, 2, 1)), d(2025, 2, 28));
        assert_eq!(month_end(d(2000, 2, 29)), d(2000, 2, 29)); // divisible by 400
        assert_eq!(month_end(d(2100, 2, 15)), d(2100, 2, 28)); // divisible by 100, not 400
        assert_eq!(month_end(d(2024, 4, 30)), d(2024, 4, 30));
        assert_eq!(month_end(d(2024, 1, 1)), d(2024, 1, 31));
    }

    #[test]
    fn december_rolls_over_into_january() {
        assert_eq!(month_end(d(2024, 12, 10)), d(2024, 12, 31));
        assert_eq!(month_start_plus(d(2024, 12, 31), 1), Some(d(2025, 1, 1)));
        assert_eq!(month_start_plus(d(2025, 1, 15), -1), Some(d(2024, 12, 1)));
        assert_eq!(add_months(d(2024, 12, 15), 1), d(2025, 1, 15));
        assert_eq!(add_months(d(2025, 1, 31), -1), d(2024, 12, 31));
        assert_eq!(add_months(d(2024, 11, 30), 14), d(2026, 1, 30));
        assert_eq!(months_between(d(2024, 12, 31), d(2025, 1, 1)), 1);
        assert_eq!(month_key_minus(d(2025, 1, 15), 1), "2024-12");
        assert_eq!(month_key_minus(d(2025, 1, 15), 3), "2024-10");
        assert!(!same_month(d(2024, 12, 31), d(2025, 1, 1)));
        assert!(!same_month(d(2024, 12, 1), d(2025, 12, 1)), "same month, other year");
    }

    #[test]
    fn add_months_clamps_the_day() {
        assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
        assert_eq!(add_months(d(2023, 1, 31), 1), d(2023, 2, 28));
        assert_eq!(add_months(d(2021, 10, 31), 1), d(2021, 11, 30));
        assert_eq!(add_months(d(2024, 3, 31), -1), d(2024, 2, 29));
        assert_eq!(add_months(d(2021, 10, 15), 33), d(2024, 7, 15));
        assert_eq!(add_months(d(2024, 6, 4), 0), d(2024, 6, 4));
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX, "out of range: unchanged");
    }

    #[test]
    fn starts_keys_and_parsing() {
        assert_eq!(month_start(d(2024, 2, 29)), d(2024, 2, 1));
        assert_eq!(months_between(d(2021, 10, 5), d(2024, 7, 1)), 33);
        assert_eq!(months_between(d(2024, 7, 1), d(2021, 10, 5)), -33);
        assert!(same_month(d(2024, 2, 1), d(2024, 2, 29)));
        assert_eq!(month_key(d(2025, 4, 15)), "2025-04");
        assert_eq!(month_key_minus(d(2025, 4, 15), 3), "2025-01");
        assert_eq!(month_key_minus(d(2025, 4, 15), 0), "2025-04");
        assert_eq!(parse_month("2024-07"), Some(d(2024, 7, 1)));
        assert_eq!(parse_month("2024-13"), None);
        assert_eq!(parse_month("2024-7"), None);
    }
}
