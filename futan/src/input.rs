//! The input of one receipt-month: the standalone shape of `santei futan` (futan.md §7(c)) and the
//! claim additions of `santei calc` (§7(a)), as serde types.
//!
//! The JSON names are a fixed interface (futan.md §7): fields may be added, never renamed.
//! Every struct denies unknown fields, and [`parse_input`] names the JSON path of the first
//! problem (`insurance.income`, `visits[2].aid[0]`), as the claim parser does.

use crate::error::{ErrorKind, FutanError};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One receipt-month (医療機関 × 診療月 × 入院外/入院 × one 医療保険), futan.md §7(c).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FutanInput {
    /// The 診療月 (`YYYY-MM`); every visit lies in it.
    pub month: YearMonth,
    #[serde(deserialize_with = "iso_date")]
    pub birth_date: NaiveDate,
    /// The 医療保険; absent = 公費単独 (e.g. 生活保護 12 alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Insurance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_aid: Vec<PublicAid>,
    /// 入院 receipt (default 入院外).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inpatient: bool,
    /// The billing events in order (dates non-decreasing). Either `visits` or `medical_yen`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visits: Vec<VisitInput>,
    /// The month's 医療費 in yen as one billing event on the 1st (instead of `visits`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_yen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<History>,
}

/// `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }
    /// The 1st of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated month")
    }
    pub fn contains(self, date: NaiveDate) -> bool {
        YearMonth::of(date) == self
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for YearMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a month YYYY-MM");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if NaiveDate::from_ymd_opt(year, month, 1).is_none() {
            return Err(bad());
        }
        Ok(YearMonth { year, month })
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// 被用者保険 / 国民健康保険 / 後期高齢者医療.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InsuranceKind {
    /// 被用者保険 (協会けんぽ・組合・共済・船員).
    Shaho,
    /// 国民健康保険 (incl. 退職者).
    Kokuho,
    /// 後期高齢者医療.
    Kouki,
}

/// 本人 / 家族 (被扶養者).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub enum Relation {
    #[serde(rename = "self")]
    Insured,
    #[serde(rename = "family")]
    Family,
}

/// `insurance` (futan.md §7(a)).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Insurance {
    pub kind: InsuranceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    /// Override of the 負担割合, 0–1 (e.g. 0.3, 1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Decimal>,
    /// 所得区分, exactly as futan.md §7(a) spells it (`ア` … `オ`, `現役並みⅢ`, `一般Ⅱ` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income: Option<String>,
    /// The counter knows the 区分 (認定証 or オンライン資格確認); default `true` when `income` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_certified: Option<bool>,
    /// 特定疾病療養受療証: `10000` (マル長) or `20000` (長2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokutei_shippei: Option<i64>,
    /// 多数回該当 this month (else derived from `history.kougaku_months_in_last_12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasuu: Option<bool>,
    /// 75歳到達月の特例 (derived for the person turning 75; set it for the 被扶養者).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_halved: Option<bool>,
}

/// The 高額療養費 basis of a 公費 part (futan.md §5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 70歳未満 ウ (一般 before 2015-01), 70歳以上 一般 — whatever the patient's class.
    General,
    /// The patient's own 所得区分.
    Own,
    /// 70歳未満 オ (低所得), 70歳以上 低所得Ⅰ.
    LowIncome,
}

/// One `public_aid[]` entry: a 公費 受給者証 (futan.md §7(a), §5.5 for 地方単独公費).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublicAid {
    /// 法別番号, 2 digits.
    pub law: String,
    /// 公費負担者番号, 8 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// 受給者番号, 7 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The patient's share of the part's 医療費 (overrides the national rule), 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Decimal>,
    /// 自己負担上限月額 of the 受給者証 (yen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_limit: Option<i64>,
    /// Valid from / to (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_iso_date")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_iso_date")]
    pub to: Option<NaiveDate>,
    /// 地単: the patient's amount per visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_limit: Option<i64>,
    /// 地単: visits that pay `visit_limit`; later visits pay 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits_per_month: Option<u32>,
    /// 地単: the 高額 basis of its part (default `own`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// 地単: order among 地単 (lower first; default input order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u32>,
}

impl PublicAid {
    /// Whether the entry is valid on `date` (`from`/`to` inclusive, open when absent).
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t)
    }
}

/// One billing event of the standalone input.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    #[serde(deserialize_with = "iso_date")]
    pub date: NaiveDate,
    /// 点数 of the visit (医療費 = points × 10). Either `points` or `medical_yen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_yen: Option<i64>,
    /// The 公費 (`law`) that apply; default every `public_aid` entry valid on the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aid: Option<Vec<String>>,
    /// 特定疾病療養; default `true` when `insurance.tokutei_shippei` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokutei: Option<bool>,
}

/// `history` (standalone) / `futan_history` (claim).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// Months with 高額療養費 in the 12 months before this one (≥ 3 → 多数回該当).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kougaku_months_in_last_12: Option<u32>,
    /// Amounts already recorded on the 自己負担上限額管理票 by other providers this month.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limit_used: Vec<LimitUsed>,
}

/// One 自己負担上限額管理票 line: counted for visits after `date`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitUsed {
    pub law: String,
    pub yen: i64,
    #[serde(deserialize_with = "iso_date")]
    pub date: NaiveDate,
}

/// Parses the standalone input, naming the JSON path of the first problem.
pub fn parse_input(json: &[u8]) -> Result<FutanInput, FutanError> {
    let de = &mut serde_json::Deserializer::from_slice(json);
    serde_path_to_error::deserialize::<_, FutanInput>(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        FutanError::new(ErrorKind::Json, path, e.into_inner().to_string())
    })
}

/// Parses a date exactly `YYYY-MM-DD` (four, two and two digits, zero-padded): the claim
/// format's dates (chrono alone also reads `2024-7-1`). The engine's claim reader uses it too.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::from_ymd_opt(s[..4].parse().ok()?, s[5..7].parse().ok()?, s[8..].parse().ok()?)
}

fn iso_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    parse_iso_date(&s).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "`{}` is not a date YYYY-MM-DD",
            s.chars().take(40).collect::<String>()
        ))
    })
}

fn opt_iso_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    struct W(#[serde(deserialize_with = "iso_date")] NaiveDate);
    Option::<W>::deserialize(d).map(|o| o.map(|w| w.0))
}
