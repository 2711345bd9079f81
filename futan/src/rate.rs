//! 負担割合 — the patient's rate before any limit — and the classification of the patient
//! (age class, 所得区分, 多数回, 75歳到達月) on the first visit date of the month (futan.md §2).
//!
//! ## 何をするか
//! | rule id | who (on the service date) | rate | from | to | source | conf |
//! |---|---|---|---|---|---|---|
//! | `futan.rate.general` | 義務教育就学後 – 70歳到達月 | 3割 | 2003-04-01 | … | 健保法74条1項1号 [1] | H |
//! | `futan.rate.preschool` | until the first 31 March on/after the day before the 6th birthday | 2割 | 2008-04-01 | … | 健保法74条, [9] | H |
//! | `futan.rate.preschool` | 3歳未満 (older rule) | 2割 | 2002-10-01 | 2008-03-31 | [9] | **M** |
//! | `futan.rate.kourei` | 70–74, from the 1st of the month after 70歳到達 (the day before the 70th birthday) | 2割 | 2008-04-01 | … | 健保法74条1項2号 [1][10] | H |
//! | `futan.rate.kourei_tokurei` | 70–74 軽減特例: everyone | 1割 | 2008-04-01 | 2014-03-31 | [10] | H |
//! | `futan.rate.kourei_tokurei` | 70–74 born on or before 1944-04-01 | 1割 | 2014-04-01 | … | [10] | H |
//! | `futan.rate.kourei` | 70–74 現役並み所得 | 3割 | 2008-04-01 | … | 健保法74条1項3号, 施行令34条 [1][2] | H |
//! | `futan.rate.kouki` | 後期 (from the 75th birthday, or 65–74 障害認定): 一般/一般Ⅰ/低所得 | 1割 | 2008-04-01 | … | 高確法67条 [7] | H |
//! | `futan.rate.kouki` | 後期 一般Ⅱ | 2割 | 2022-10-01 | … | [7] | H |
//! | `futan.rate.kouki` | 後期 現役並み | 3割 | 2008-04-01 | … | 高確法67条 [7] | H |
//! | `futan.rate.override` | `insurance.rate` (the certificate says otherwise) | as given | — | — | — | H |
//!
//! The rate can only change at a month boundary (except the 75th birthday, which is a new
//! receipt), so it is decided on the month's first visit date. The 所得区分 is validated against
//! the dated limit tables of [`crate::kougaku`]: a name no table of the patient's group knows,
//! or one that no table valid on the date has, is `FUTAN_INCOME_INVALID` (e.g. `ウ` in 2014,
//! `現役並みⅢ` before 2018-08, `一般Ⅱ` outside 後期 or before 2022-10).
//!
//! ## 例
//! Born 1955-05-01: 70歳に達する日 = 2025-04-30, so 高齢受給者 from 2025-05-01 (a birthday on the
//! 1st counts from that month). Born 1955-05-02: from 2025-06-01.

use crate::error::{ErrorKind, FutanError};
use crate::input::{FutanInput, InsuranceKind};
use crate::kougaku::{self, Group};
use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// A 負担割合 in thousandths (300 = 3割, 50 = 5%), so every share is integer arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(pub u32);

impl Rate {
    pub const FULL: Rate = Rate(1000);
    pub fn permille(self) -> u32 {
        self.0
    }
    /// From a decimal 0–1 with at most three decimals (`0.3`, `0.05`, `1.0`).
    pub fn from_decimal(d: Decimal) -> Option<Rate> {
        if d < Decimal::ZERO || d > Decimal::ONE {
            return None;
        }
        let pm = d * Decimal::from(1000);
        if pm.fract() != Decimal::ZERO {
            return None;
        }
        pm.to_u32().map(Rate)
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = format!("{}.{:03}", self.0 / 1000, self.0 % 1000);
        f.write_str(s.trim_end_matches('0').trim_end_matches('.'))
    }
}

impl Serialize for Rate {
    /// As a JSON number (`0.3`): the decimal text is parsed into a JSON number for output only;
    /// all arithmetic uses the integer thousandths.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n: serde_json::Number = self.to_string().parse().map_err(serde::ser::Error::custom)?;
        n.serialize(s)
    }
}

/// `preschool` / `general` / `kourei` (70–74) / `kouki` (後期).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgeClass {
    Preschool,
    General,
    Kourei,
    Kouki,
}

/// The patient as the rules see them this month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    /// The first visit date (the date every dated rule of the month is read on).
    pub date: NaiveDate,
    pub age_class: AgeClass,
    pub group: Group,
    pub rate: Rate,
    pub rate_rule: &'static str,
    pub rate_detail: String,
    /// 公費単独 (no 医療保険): 10割 reaches the 公費, no 高額療養費.
    pub no_insurance: bool,
    /// The class given (validated), as written.
    pub income_given: Option<String>,
    /// The class the counter's limits use (`None`: 70歳未満 without a known class).
    pub income: Option<String>,
    pub tasuu: bool,
    pub halved: bool,
    /// 後期 一般Ⅱ (配慮措置 candidate).
    pub ippan2: bool,
}

/// The day the patient has `n` birthdays: for 29 February in a common year, 1 March
/// (年齢計算ニ関スル法律: the age rises at the end of the day before).
pub fn nth_birthday(birth: NaiveDate, n: u32) -> NaiveDate {
    let y = birth.year() + n as i32;
    NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(y, 3, 1).expect("1 March exists"))
}

/// Age in years on `date` (0 before the first birthday).
pub fn age_on(birth: NaiveDate, date: NaiveDate) -> u32 {
    if date < birth {
        return 0;
    }
    let mut n = (date.year() - birth.year()).max(0) as u32;
    while n > 0 && nth_birthday(birth, n) > date {
        n -= 1;
    }
    n
}

/// X歳に達する日: the day before the Xth birthday.
fn reaches(birth: NaiveDate, n: u32) -> NaiveDate {
    nth_birthday(birth, n) - Days::new(1)
}

fn first_of_next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid")
}

/// The last day of 未就学: the first 31 March on or after the day before the 6th birthday.
pub fn preschool_end(birth: NaiveDate) -> NaiveDate {
    let d6 = reaches(birth, 6);
    let march = NaiveDate::from_ymd_opt(d6.year(), 3, 31).expect("valid");
    if d6 <= march {
        march
    } else {
        NaiveDate::from_ymd_opt(d6.year() + 1, 3, 31).expect("valid")
    }
}

/// The first day of 高齢受給者: the 1st of the month after 70歳に達する日.
pub fn kourei_from(birth: NaiveDate) -> NaiveDate {
    first_of_next_month(reaches(birth, 70))
}

const D2002_10_01: u32 = 20021001;
const D2003_04_01: u32 = 20030401;
const D2008_04_01: u32 = 20080401;
const D2014_04_01: u32 = 20140401;
/// 後期 一般Ⅰ/一般Ⅱ from 2022-10-01 (before: 一般), [7].
pub const KOUKI_IPPAN2_FROM: u32 = 20221001;
/// 70–74 軽減特例 for those born on or before 1944-04-01 ([10]).
fn tokurei_birth() -> NaiveDate {
    NaiveDate::from_ymd_opt(1944, 4, 1).expect("valid")
}

fn table_missing(date: NaiveDate, what: &str) -> FutanError {
    FutanError::new(
        ErrorKind::TableMissing,
        "month",
        format!("no dated rule for {what} covers {date} (santei's tables: futan.md §2, §4)"),
    )
}

/// Classifies the patient on `date` (the month's first visit date).
pub fn classify(input: &FutanInput, date: NaiveDate) -> Result<Classification, FutanError> {
    let birth = input.birth_date;
    let d = kougaku::ymd(date);
    let age = age_on(birth, date);
    let ins = input.insurance.as_ref();
    let kind = ins.map(|i| i.kind);

    let age_class = match kind {
        Some(InsuranceKind::Kouki) => {
            if age < 65 {
                return Err(FutanError::new(
                    ErrorKind::KoukiAge,
                    "insurance.kind",
                    format!("後期高齢者医療 needs 65 or more (障害認定) or 75; the patient is {age} on {date}"),
                ));
            }
            AgeClass::Kouki
        }
        _ if age >= 75 && kind.is_some() => {
            return Err(FutanError::input(
                "insurance.kind",
                format!("the patient is {age} on {date}: 後期高齢者医療 applies (kind \"kouki\")"),
            ));
        }
        _ if age >= 75 => AgeClass::Kouki,
        _ if date >= kourei_from(birth) => AgeClass::Kourei,
        _ if d >= D2008_04_01 && date <= preschool_end(birth) => AgeClass::Preschool,
        _ if d < D2008_04_01 && age < 3 => AgeClass::Preschool,
        _ => AgeClass::General,
    };
    let group = match age_class {
        AgeClass::Kourei | AgeClass::Kouki => Group::Over70,
        _ => Group::Under70,
    };

    // 所得区分: validated against the dated tables (the names are table data).
    let income_given = ins.and_then(|i| i.income.clone());
    if let Some(name) = &income_given {
        let invalid = |why: String| FutanError::new(ErrorKind::IncomeInvalid, "insurance.income", why);
        if !kougaku::known_income(group, name) {
            return Err(invalid(format!(
                "`{name}` is not a 所得区分 of {} (futan.md §7(a))",
                if group == Group::Under70 {
                    "70歳未満"
                } else {
                    "70歳以上"
                }
            )));
        }
        let table = kougaku::table(group, date).ok_or_else(|| table_missing(date, "高額療養費"))?;
        if table.row(name).is_none() {
            return Err(invalid(format!(
                "`{name}` does not exist on {date} ({} has {})",
                table.rule,
                table.rows.iter().map(|r| r.income).collect::<Vec<_>>().join(" ")
            )));
        }
        let split_names = name == "一般Ⅰ" || name == "一般Ⅱ";
        if split_names && age_class != AgeClass::Kouki {
            return Err(invalid(format!("`{name}` exists for 後期高齢者医療 only")));
        }
        if split_names && d < KOUKI_IPPAN2_FROM {
            return Err(invalid(format!(
                "`{name}` exists from 2022-10-01; before, the class is `一般`"
            )));
        }
        if name == "一般" && age_class == AgeClass::Kouki && d >= KOUKI_IPPAN2_FROM {
            return Err(invalid(
                "後期 from 2022-10-01: `一般Ⅰ` (1割) or `一般Ⅱ` (2割), not `一般`".to_string(),
            ));
        }
    }

    let certified = ins.and_then(|i| i.limit_certified).unwrap_or(income_given.is_some());
    let kouki_split = age_class == AgeClass::Kouki && d >= KOUKI_IPPAN2_FROM;
    let default_ippan = if kouki_split { "一般Ⅰ" } else { "一般" };
    let income = match (group, &income_given) {
        (Group::Under70, Some(n)) if certified => Some(n.clone()),
        (Group::Under70, _) => None,
        (Group::Over70, None) => Some(default_ippan.to_string()),
        (Group::Over70, Some(n)) if certified => Some(n.clone()),
        // Without 認定証 the counter cannot apply the lower classes (futan.md §4.1; L):
        // 現役並みⅡ/Ⅰ are charged as 現役並みⅢ, 低所得Ⅱ/Ⅰ as 一般.
        (Group::Over70, Some(n)) => Some(match n.as_str() {
            "現役並みⅡ" | "現役並みⅠ" => "現役並みⅢ".to_string(),
            "低所得Ⅱ" | "低所得Ⅰ" => default_ippan.to_string(),
            _ => n.clone(),
        }),
    };

    // The rate.
    let genekinami = income_given.as_deref().is_some_and(|n| n.starts_with("現役並み"));
    let ippan2 = age_class == AgeClass::Kouki && income_given.as_deref() == Some("一般Ⅱ");
    let no_insurance = ins.is_none();
    let (rate, rate_rule, rate_detail) = if no_insurance {
        (
            Rate::FULL,
            "futan.aid.tandoku",
            "公費単独: 10割 reaches the 公費".to_string(),
        )
    } else if let Some(r) = ins.and_then(|i| i.rate) {
        let rate = Rate::from_decimal(r).ok_or_else(|| {
            FutanError::input(
                "insurance.rate",
                format!("{r} is not a rate 0–1 with at most 3 decimals"),
            )
        })?;
        (rate, "futan.rate.override", format!("insurance.rate {rate}"))
    } else {
        match age_class {
            AgeClass::General => {
                if d < D2003_04_01 {
                    return Err(table_missing(date, "the 3割 rate"));
                }
                (Rate(300), "futan.rate.general", "3割 (健保法74条1項1号)".to_string())
            }
            AgeClass::Preschool => {
                if d < D2002_10_01 {
                    return Err(table_missing(date, "the 未就学 rate"));
                }
                (
                    Rate(200),
                    "futan.rate.preschool",
                    format!("2割: 未就学 until {} (健保法74条)", preschool_end(birth)),
                )
            }
            AgeClass::Kourei => {
                if d < D2008_04_01 {
                    return Err(table_missing(date, "the 高齢受給者 rate"));
                }
                if genekinami {
                    (
                        Rate(300),
                        "futan.rate.kourei",
                        "3割: 現役並み所得 (健保法74条1項3号)".to_string(),
                    )
                } else if d < D2014_04_01 {
                    (
                        Rate(100),
                        "futan.rate.kourei_tokurei",
                        "1割: 軽減特例 2008-04-01 – 2014-03-31".to_string(),
                    )
                } else if birth <= tokurei_birth() {
                    (
                        Rate(100),
                        "futan.rate.kourei_tokurei",
                        "1割: born on or before 1944-04-01".to_string(),
                    )
                } else {
                    (
                        Rate(200),
                        "futan.rate.kourei",
                        format!("2割: 高齢受給者 from {} (健保法74条1項2号)", kourei_from(birth)),
                    )
                }
            }
            AgeClass::Kouki => {
                if d < D2008_04_01 {
                    return Err(table_missing(date, "the 後期 rate"));
                }
                if genekinami {
                    (
                        Rate(300),
                        "futan.rate.kouki",
                        "3割: 現役並み所得 (高確法67条)".to_string(),
                    )
                } else if ippan2 {
                    (Rate(200), "futan.rate.kouki", "2割: 一般Ⅱ (2022-10-01 …)".to_string())
                } else {
                    (Rate(100), "futan.rate.kouki", "1割 (高確法67条)".to_string())
                }
            }
        }
    };

    let history_tasuu = input
        .history
        .as_ref()
        .and_then(|h| h.kougaku_months_in_last_12)
        .is_some_and(|n| n >= 3);
    let tasuu = ins.and_then(|i| i.tasuu).unwrap_or(history_tasuu);

    // 75歳到達月の特例: the person turning 75 this month, birthday not on the 1st (§4.5). A 後期
    // patient seen before the birthday was already 後期 (障害認定): no halving.
    let b75 = nth_birthday(birth, 75);
    let derived_halved = input.month.contains(b75)
        && b75.day() != 1
        && match kind {
            Some(InsuranceKind::Kouki) => date >= b75,
            Some(_) => true,
            None => false,
        };
    let halved = ins.and_then(|i| i.limit_halved).unwrap_or(derived_halved);

    Ok(Classification {
        date,
        age_class,
        group,
        rate,
        rate_rule,
        rate_detail,
        no_insurance,
        income_given,
        income,
        tasuu,
        halved,
        ippan2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn boundaries() {
        assert_eq!(kourei_from(d("1955-05-01")), d("2025-05-01"));
        assert_eq!(kourei_from(d("1955-05-02")), d("2025-06-01"));
        // Born 2019-04-01: the day before the 6th birthday is 2025-03-31 → 未就学 until then.
        assert_eq!(preschool_end(d("2019-04-01")), d("2025-03-31"));
        // Born 2019-04-02: 2025-04-01 → until 2026-03-31.
        assert_eq!(preschool_end(d("2019-04-02")), d("2026-03-31"));
        assert_eq!(nth_birthday(d("2000-02-29"), 1), d("2001-03-01"));
        assert_eq!(age_on(d("1950-06-15"), d("2025-06-14")), 74);
        assert_eq!(age_on(d("1950-06-15"), d("2025-06-15")), 75);
    }

    #[test]
    fn rate_text() {
        assert_eq!(Rate(300).to_string(), "0.3");
        assert_eq!(Rate(50).to_string(), "0.05");
        assert_eq!(Rate(1000).to_string(), "1");
        assert_eq!(Rate::from_decimal("0.3".parse().unwrap()), Some(Rate(300)));
        assert_eq!(Rate::from_decimal("1.0".parse().unwrap()), Some(Rate(1000)));
        assert_eq!(Rate::from_decimal("0.3333".parse().unwrap()), None);
        assert_eq!(Rate::from_decimal("1.5".parse().unwrap()), None);
    }
}
