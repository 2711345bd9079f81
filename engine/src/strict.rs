//! Strict readers for the claim JSON's values, and the bounds santei enforces on a claim.
//!
//! serde's defaults are lenient where a claim must not be: `rust_decimal` reads a number given
//! as a string (`"3"`), chrono reads `2024-7-1` as a date, and serde_json says only "expected
//! value" for an enumerated name given as a number. These readers accept exactly what
//! `docs/claim-format.md` documents and name what was wrong; the JSON path is added by
//! `serde_path_to_error`. The bounds are listed in `docs/limits.md` (and each is tested in
//! `tests/reliability.rs`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// Visits one claim may hold. A calendar month has at most 31 days; even a dialysis patient
/// seen several times a day stays far below this.
pub const MAX_VISITS: usize = 1_000;
/// Items (codes) one visit may list.
pub const MAX_ITEMS_PER_VISIT: usize = 1_000;
/// Items over all visits of one claim.
pub const MAX_ITEMS_PER_CLAIM: usize = 10_000;
/// History lines one claim may carry.
pub const MAX_HISTORY: usize = 10_000;
/// Largest `quantity`: the UKE's 数量データ is 8 digits (N8) and its 使用量 11 characters.
pub const MAX_QUANTITY: u32 = 99_999_999;
/// Decimal places a `quantity` may carry (the 使用量 of the UKE has at most 5).
pub const MAX_QUANTITY_SCALE: u32 = 5;
/// Largest `days` (日数 / 回数) and `count`: the UKE's 回数 field has 3 digits.
pub const MAX_DAYS: u32 = 999;
/// Largest `count` of a history line (a month of daily items at most, with margin).
pub const MAX_HISTORY_COUNT: u32 = 9_999;
/// Largest `facility.beds` (許可病床数; Japan's largest hospital has about 1,500).
pub const MAX_BEDS: u32 = 9_999;
/// 疾患別リハ episodes (`patient.rehab[]`) one claim may carry (5 区分, with margin).
pub const MAX_REHAB_EPISODES: usize = 50;
/// Minutes of a session or a home visit (`visits[].home.minutes`, `items[].minutes`): one day.
pub const MAX_MINUTES: u32 = 1_440;
/// Patients of one building (`same_building_patients`, `single_building_patients`) and 向精神薬 kinds
/// of one 区分 (`visits[].psychotropics`).
pub const MAX_PEOPLE: u32 = 9_999;
/// Characters of a free-text field (`id`, `department`, `rp`, `specimen`, codes, names).
pub const MAX_TEXT: usize = 200;

/// A date exactly `YYYY-MM-DD` (ISO 8601 calendar date, zero-padded).
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a date YYYY-MM-DD")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDate, E> {
            parse_date(s).ok_or_else(|| {
                let shape = s.len() == 10 && s.bytes().filter(u8::is_ascii_digit).count() == 8;
                E::custom(if shape && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' {
                    format!("`{s}` is not a calendar date (no such day)")
                } else {
                    format!("`{}` is not a date YYYY-MM-DD", clip(s))
                })
            })
        }
    }
    d.deserialize_str(V)
}

/// [`date`] for an optional field.
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(serde::Deserialize)]
    struct W(#[serde(deserialize_with = "date")] NaiveDate);
    Option::<W>::deserialize(d).map(|o| o.map(|w| w.0))
}

/// Parses `YYYY-MM-DD` with exactly four, two and two digits (one definition, in `futan`, for
/// the claim and the burden input alike).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    futan::input::parse_iso_date(s)
}

/// A JSON number (never a string) as a `Decimal`.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(NumberV)
}

/// [`number`] for an optional field.
pub fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    #[derive(serde::Deserialize)]
    struct W(#[serde(deserialize_with = "number")] Decimal);
    Option::<W>::deserialize(d).map(|o| o.map(|w| w.0))
}

/// A map of JSON numbers (`facility.myna_rates`).
pub fn number_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Decimal>, D::Error> {
    #[derive(serde::Deserialize)]
    struct W(#[serde(deserialize_with = "number")] Decimal);
    BTreeMap::<String, W>::deserialize(d).map(|m| m.into_iter().map(|(k, w)| (k, w.0)).collect())
}

/// Writes a `Decimal` as a JSON number (the crate's default writes a string, which [`number`]
/// refuses). Claim values are bounded ([`MAX_QUANTITY`], 5 decimals: 13 significant digits), so
/// the f64 text reads back exactly.
pub fn ser_number<S: serde::Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    use rust_decimal::prelude::ToPrimitive;
    match (v.fract().is_zero(), v.to_i64()) {
        (true, Some(i)) => s.serialize_i64(i),
        _ => s.serialize_f64(v.to_f64().unwrap_or(f64::NAN)),
    }
}

/// [`ser_number`] for an optional field.
pub fn ser_opt_number<S: serde::Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => ser_number(d, s),
        None => s.serialize_none(),
    }
}

/// [`ser_number`] for `facility.myna_rates`.
pub fn ser_number_map<S: serde::Serializer>(m: &BTreeMap<String, Decimal>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    struct N<'a>(&'a Decimal);
    impl serde::Serialize for N<'_> {
        fn serialize<S2: serde::Serializer>(&self, s: S2) -> Result<S2::Ok, S2::Error> {
            ser_number(self.0, s)
        }
    }
    let mut map = s.serialize_map(Some(m.len()))?;
    for (k, v) in m {
        map.serialize_entry(k, &N(v))?;
    }
    map.end()
}

struct NumberV;

impl Visitor<'_> for NumberV {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // The shortest text that reads back as `v` (`0.1` stays 0.1, not 0.1000000000000000055…).
        let text = v.to_string();
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
            .map_err(|_| E::custom(format!("{v} is out of range")))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Decimal, E> {
        Err(E::custom(format!("expected a number, got the string \"{}\"", clip(s))))
    }
}

/// An enumerated name (`"first"`, `"clinic"` …) given as a JSON string; anything else is an
/// error saying which names are allowed.
pub fn name<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("one of the documented names (a string)")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
            T::deserialize(s.into_deserializer())
        }
    }
    d.deserialize_any(V(PhantomData))
}

/// [`name`] for an optional field.
pub fn opt_name<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    struct W<T>(T);
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for W<T> {
        fn deserialize<D2: Deserializer<'de>>(d: D2) -> Result<Self, D2::Error> {
            name(d).map(W)
        }
    }
    Option::<W<T>>::deserialize(d).map(|o| o.map(|w| w.0))
}

/// At most [`MAX_TEXT`] characters of `s`, for messages (an error never echoes a whole input).
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_as_numbers() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Q(#[serde(serialize_with = "ser_number", deserialize_with = "number")] Decimal);
        for text in ["1", "0.5", "99999999", "12345678.12345", "0.00001", "44.1"] {
            let d = Decimal::from_str(text).unwrap();
            let json = serde_json::to_string(&Q(d)).unwrap();
            assert_eq!(json, text, "written as a number");
            assert_eq!(serde_json::from_str::<Q>(&json).unwrap().0, d, "{text} reads back");
        }
        assert!(serde_json::from_str::<Q>("\"3\"").is_err());
    }

    #[test]
    fn dates_are_iso_only() {
        assert_eq!(parse_date("2024-07-01"), NaiveDate::from_ymd_opt(2024, 7, 1));
        assert_eq!(parse_date("2024-7-1"), None);
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("20240701"), None);
        assert_eq!(parse_date("２０２４-07-01"), None);
    }

    #[test]
    fn clip_cuts_on_a_char_boundary() {
        let long = "あ".repeat(500);
        let c = clip(&long);
        assert_eq!(c.chars().count(), MAX_TEXT + 1);
        assert!(c.ends_with('…'));
    }
}
