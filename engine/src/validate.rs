//! Validation: a claim becomes a checked claim once — every code parsed and looked up in the
//! master set on its visit date, times and dates checked, the bounds of `docs/limits.md` applied
//! — so no later stage parses text again. Errors name the JSON path and carry an [`ErrorKind`].
//!
//! In lenient mode (the UKE recalculation, revision diffs), an item whose code cannot be priced
//! on its date ([`ErrorKind::is_item_code`]) is left out and reported instead of rejecting the
//! claim; the item keeps its index, so paths still name the caller's item.

use crate::claim::Claim;
use crate::context::KNOWN_CAPABILITIES;
use crate::{calendar, strict, ClaimError, ErrorKind};
use chrono::{Datelike, NaiveDate};
use masters::{AnyVersion, Code, MasterSet};
use rust_decimal::Decimal;

/// One listed item after validation: its index in the visit, its code and the master row valid
/// on the visit date.
#[derive(Clone, Copy, Debug)]
pub struct ParsedItem<'m> {
    pub idx: usize,
    pub code: Code,
    pub v: AnyVersion<'m>,
}

/// An item left out in lenient mode: where, and the error that would have rejected the claim.
#[derive(Clone, Debug)]
pub struct LeftOut {
    pub visit: usize,
    pub item: usize,
    pub error: ClaimError,
}

/// The items of each visit, validated; in lenient mode also the items left out.
pub struct Checked<'m> {
    pub items: Vec<Vec<ParsedItem<'m>>>,
    pub left_out: Vec<LeftOut>,
}

pub fn validate<'m>(set: &'m MasterSet, claim: &Claim, lenient: bool) -> Result<Checked<'m>, ClaimError> {
    if claim.visits.is_empty() {
        return Err(ClaimError::invalid("visits", "a claim needs at least one visit"));
    }
    bounds(claim)?;
    let first = claim.visits[0].date;
    // Service dates santei can reason about: the 点数表 calendar (holidays, eras) is defined for
    // these years only; anything else is a typo.
    let plausible = |d: NaiveDate| (2000..=2099).contains(&d.year());
    for (i, v) in claim.visits.iter().enumerate() {
        if !plausible(v.date) {
            return Err(ClaimError::invalid(
                format!("visits[{i}].date"),
                format!("{} is not a plausible service date (2000–2099)", v.date),
            ));
        }
    }
    for (i, h) in claim.facility.hours.iter().enumerate() {
        for (name, t) in [("open", &h.open), ("close", &h.close)] {
            if calendar::parse_hhmm(t).is_none() {
                return Err(ClaimError::invalid(
                    format!("facility.hours[{i}].{name}"),
                    format!("`{}` is not a time HH:MM", strict::clip(t)),
                ));
            }
        }
        if let Some(w) = h.weekdays.iter().find(|w| !(1..=7).contains(*w)) {
            return Err(ClaimError::invalid(
                format!("facility.hours[{i}].weekdays"),
                format!("weekday {w} is not 1 (Monday) … 7 (Sunday)"),
            ));
        }
    }
    for (i, s) in claim.facility.standards.iter().enumerate() {
        if s.code.is_none() && s.name.is_none() {
            return Err(ClaimError::invalid(
                format!("facility.standards[{i}]"),
                "a standard needs `code` or `name`",
            ));
        }
        if s.to.is_some_and(|t| t < s.from) {
            return Err(ClaimError::invalid(
                format!("facility.standards[{i}].to"),
                "`to` is before `from`",
            ));
        }
    }
    for (k, c) in claim.facility.capabilities.iter().enumerate() {
        if !KNOWN_CAPABILITIES.contains(&c.id.as_str()) {
            return Err(ClaimError::coded(
                ErrorKind::UnknownCapability,
                format!("facility.capabilities[{k}].id"),
                format!(
                    "`{}` is not a capability santei knows ({})",
                    strict::clip(&c.id),
                    KNOWN_CAPABILITIES.join(", ")
                ),
            ));
        }
        if c.to.is_some_and(|t| t < c.from) {
            return Err(ClaimError::invalid(
                format!("facility.capabilities[{k}].to"),
                "`to` is before `from`",
            ));
        }
    }
    for key in claim.facility.myna_rates.keys() {
        let b = key.as_bytes();
        let ok = b.len() == 7
            && b[4] == b'-'
            && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
            && matches!(key[5..].parse::<u8>(), Ok(1..=12));
        if !ok {
            return Err(ClaimError::invalid(
                format!("facility.myna_rates.{key}"),
                "month keys are YYYY-MM",
            ));
        }
    }
    for (k, h) in claim.history.iter().enumerate() {
        if Code::parse(&h.code).is_none() {
            return Err(ClaimError::invalid(
                format!("history[{k}].code"),
                format!("`{}` is not a master code (9 digits)", strict::clip(&h.code)),
            ));
        }
    }
    let mut out = Vec::with_capacity(claim.visits.len());
    let mut left_out = Vec::new();
    for (i, v) in claim.visits.iter().enumerate() {
        let vp = || format!("visits[{i}]");
        if (v.date.year(), v.date.month()) != (first.year(), first.month()) {
            return Err(ClaimError::invalid(
                format!("{}.date", vp()),
                format!(
                    "{} is outside the claim month {} (one claim = one calendar month)",
                    v.date,
                    first.format("%Y-%m")
                ),
            ));
        }
        if claim.patient.birth_date > v.date {
            return Err(ClaimError::invalid(
                "patient.birth_date",
                format!(
                    "birth date {} is after the visit on {}",
                    claim.patient.birth_date, v.date
                ),
            ));
        }
        if let Some(t) = &v.time {
            if calendar::parse_hhmm(t).is_none_or(|m| m >= 24 * 60) {
                return Err(ClaimError::invalid(
                    format!("{}.time", vp()),
                    format!("`{}` is not a time HH:MM (00:00–23:59)", strict::clip(t)),
                ));
            }
        }
        for (j, it) in v.items.iter().enumerate() {
            if let Some(t) = &it.started {
                if calendar::parse_hhmm(t).is_none_or(|m| m >= 24 * 60) {
                    return Err(ClaimError::invalid(
                        format!("{}.items[{j}].started", vp()),
                        format!("`{}` is not a time HH:MM (00:00–23:59)", strict::clip(t)),
                    ));
                }
            }
        }
        let mut items = Vec::with_capacity(v.items.len());
        for (j, it) in v.items.iter().enumerate() {
            match item(set, v.date, i, j, &it.code) {
                Ok(p) => items.push(p),
                Err(e) if lenient && e.kind().is_item_code() => left_out.push(LeftOut {
                    visit: i,
                    item: j,
                    error: e,
                }),
                Err(e) => return Err(e),
            }
        }
        out.push(items);
    }
    Ok(Checked { items: out, left_out })
}

/// The bounds of `docs/limits.md` (constants in [`strict`]): counts, quantities, days, rates and
/// text lengths. Checked before anything else, so no later sum can wrap and no claim costs more
/// than linear work in a bounded size.
pub fn bounds(claim: &Claim) -> Result<(), ClaimError> {
    use strict::*;
    let too_long = |path: &dyn Fn() -> String, s: &str| -> Result<(), ClaimError> {
        if s.chars().count() > MAX_TEXT {
            return Err(ClaimError::invalid(
                path(),
                format!("longer than {MAX_TEXT} characters: `{}`", clip(s)),
            ));
        }
        Ok(())
    };
    if claim.visits.len() > MAX_VISITS {
        return Err(ClaimError::invalid(
            "visits",
            format!(
                "{} visits: a claim (one patient-month) holds at most {MAX_VISITS}",
                claim.visits.len()
            ),
        ));
    }
    if claim.history.len() > MAX_HISTORY {
        return Err(ClaimError::invalid(
            "history",
            format!("{} history lines: at most {MAX_HISTORY}", claim.history.len()),
        ));
    }
    if claim.patient.rehab.len() > MAX_REHAB_EPISODES {
        return Err(ClaimError::invalid(
            "patient.rehab",
            format!("{} episodes: at most {MAX_REHAB_EPISODES}", claim.patient.rehab.len()),
        ));
    }
    let over = |path: &dyn Fn() -> String, n: Option<u32>, max: u32| -> Result<(), ClaimError> {
        match n {
            Some(n) if n > max => Err(ClaimError::invalid(path(), format!("{n}: at most {max}"))),
            _ => Ok(()),
        }
    };
    if let Some(h) = &claim.patient.home {
        over(
            &|| "patient.home.single_building_patients".into(),
            h.single_building_patients,
            MAX_PEOPLE,
        )?;
    }
    for (i, v) in claim.visits.iter().enumerate() {
        if let Some(h) = &v.home {
            over(&|| format!("visits[{i}].home.minutes"), h.minutes, MAX_MINUTES)?;
            over(
                &|| format!("visits[{i}].home.same_building_patients"),
                h.same_building_patients,
                MAX_PEOPLE,
            )?;
        }
        if let Some(p) = &v.psychotropics {
            for (name, n) in [
                ("anxiolytics", p.anxiolytics),
                ("hypnotics", p.hypnotics),
                ("antidepressants", p.antidepressants),
                ("antipsychotics", p.antipsychotics),
            ] {
                over(&|| format!("visits[{i}].psychotropics.{name}"), Some(n), MAX_PEOPLE)?;
            }
        }
        for (j, it) in v.items.iter().enumerate() {
            over(&|| format!("visits[{i}].items[{j}].minutes"), it.minutes, MAX_MINUTES)?;
        }
    }
    if let Some(id) = &claim.id {
        too_long(&|| "id".into(), id)?;
    }
    if claim.facility.beds > MAX_BEDS {
        return Err(ClaimError::invalid(
            "facility.beds",
            format!("{} beds: at most {MAX_BEDS}", claim.facility.beds),
        ));
    }
    for (key, rate) in &claim.facility.myna_rates {
        if *rate < Decimal::ZERO || *rate > Decimal::ONE_HUNDRED {
            return Err(ClaimError::invalid(
                format!("facility.myna_rates.{}", clip(key)),
                format!("{rate} is not a percentage (0–100)"),
            ));
        }
    }
    for (k, h) in claim.history.iter().enumerate() {
        if h.count == 0 || h.count > MAX_HISTORY_COUNT {
            return Err(ClaimError::invalid(
                format!("history[{k}].count"),
                format!("{} is not a count of 1–{MAX_HISTORY_COUNT}", h.count),
            ));
        }
    }
    let mut items = 0usize;
    for (i, v) in claim.visits.iter().enumerate() {
        if v.items.len() > MAX_ITEMS_PER_VISIT {
            return Err(ClaimError::invalid(
                format!("visits[{i}].items"),
                format!("{} items: a visit lists at most {MAX_ITEMS_PER_VISIT}", v.items.len()),
            ));
        }
        items += v.items.len();
        if items > MAX_ITEMS_PER_CLAIM {
            return Err(ClaimError::invalid(
                format!("visits[{i}].items"),
                format!("more than {MAX_ITEMS_PER_CLAIM} items in the claim"),
            ));
        }
        if let Some(dep) = &v.department {
            too_long(&|| format!("visits[{i}].department"), dep)?;
        }
        for (j, it) in v.items.iter().enumerate() {
            let ip = |f: &str| format!("visits[{i}].items[{j}].{f}");
            if let Some(q) = it.quantity {
                if q <= Decimal::ZERO || q > Decimal::from(MAX_QUANTITY) {
                    return Err(ClaimError::invalid(
                        ip("quantity"),
                        format!("{q} is not a quantity: more than 0 and at most {MAX_QUANTITY}"),
                    ));
                }
                if q.normalize().scale() > MAX_QUANTITY_SCALE {
                    return Err(ClaimError::invalid(
                        ip("quantity"),
                        format!("{q} has more than {MAX_QUANTITY_SCALE} decimal places"),
                    ));
                }
            }
            for (name, n) in [("days", it.days), ("count", it.count)] {
                if let Some(n) = n {
                    if n == 0 || n > MAX_DAYS {
                        return Err(ClaimError::invalid(
                            ip(name),
                            format!("{name} must be 1–{MAX_DAYS}, not {n}"),
                        ));
                    }
                }
            }
            too_long(&|| ip("code"), &it.code)?;
            if let Some(rp) = &it.rp {
                too_long(&|| ip("rp"), rp)?;
            }
            if let Some(sp) = &it.specimen {
                too_long(&|| ip("specimen"), sp)?;
            }
        }
    }
    Ok(())
}

/// One listed item: its code parsed and looked up on the visit date.
fn item<'m>(
    set: &'m MasterSet,
    date: NaiveDate,
    i: usize,
    j: usize,
    code_text: &str,
) -> Result<ParsedItem<'m>, ClaimError> {
    let ip = || format!("visits[{i}].items[{j}]");
    let code = Code::parse(code_text).filter(|c| c.kind().is_some()).ok_or_else(|| {
            let msg = if Code::parse(code_text).is_some() {
                format!(
                    "no such code in the master set: `{}` (master codes start with 1 診療行為, 6 医薬品, 7 特定器材 or 8 コメント)",
                    code_text
                )
            } else {
                format!(
                    "`{}` is not a master code (9 digits: 1… 診療行為, 6… 医薬品, 7… 特定器材, 8… コメント)",
                    strict::clip(code_text)
                )
            };
            ClaimError::of(ErrorKind::UnknownCode, format!("{}.code", ip()), msg)
        })?;
    let Some(any) = set.lookup_any(code, date) else {
        let hist = set.history_any(code);
        let msg = if hist.is_empty() {
            format!("unknown code {code}: no version in the master set ({})", set.origin)
        } else {
            let vs: Vec<String> = hist
                .iter()
                .map(|h| {
                    format!(
                        "{}…{} {}",
                        h.valid_from(),
                        if h.valid_to() == masters::OPEN_END {
                            "".into()
                        } else {
                            h.valid_to().to_string()
                        },
                        h.name()
                    )
                })
                .collect();
            format!(
                "code {code} has no version valid on {}; versions: {}",
                date,
                vs.join("; ")
            )
        };
        let kind = if hist.is_empty() {
            ErrorKind::UnknownCode
        } else {
            ErrorKind::NoVersionOnDate
        };
        return Err(ClaimError::of(kind, format!("{}.code", ip()), msg));
    };
    let transition = match any {
        AnyVersion::Y(y) => y.row.transition_date,
        AnyVersion::T(t) => t.row.transition_date,
        _ => None,
    };
    if let Some(t) = transition {
        if date > t {
            return Err(ClaimError::of(
                ErrorKind::TransitionEnded,
                format!("{}.code", ip()),
                format!("code {code}: 経過措置 ended on {t}; not billable on {}", date),
            ));
        }
    }
    Ok(ParsedItem { idx: j, code, v: any })
}
