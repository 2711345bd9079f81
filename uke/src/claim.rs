//! A receipt as a claim: conversion for recalculation, and the comparison of the recorded
//! figures with the recalculated ones (spec `uke.md` §8).
//!
//! ## Conversion ([`receipt_to_claim`], [`convert`])
//! - **Patient**: RE #7 生年月日 and #6 男女区分 (`1` male, `2` female).
//! - **Visits**: one per service day — every day column (算定日情報) of an SI/IY/TO line with a
//!   count is a day the line was billed; each line becomes an item on each of its days, with
//!   that day's count as the item's 回数. A day with a 診療識別 11 line is `"first"`, else a day
//!   with a 12 line `"revisit"`, else `"none"` (no base fee derived where the receipt billed
//!   none). The recorded base codes and 加算 stay listed as items, so the engine **checks** them
//!   instead of deriving new ones (listed add-ons are never duplicated by the engine).
//! - **剤**: every 算定単位 ([`Receipt::units`]) gets an `rp` label; a drug/material-only unit in a
//!   procedure block (注射, 処置, 手術, 検査, 画像 …) shares the label of the block's last
//!   procedure unit, so the engine prices it under that part's rules and 診療識別. IY quantity =
//!   使用量; usage from the 診療識別 (21 internal, 22 as needed, 23 external, 31–33 injection);
//!   for 21/22 the day's count is the number of days / doses (`days`), for the others `count`.
//!   SI 数量データ → `quantity` (きざみ値). CO lines carry no points and are not passed on.
//! - **Time class**: with a master set, a listed 加算 whose 時間加算区分 (s col 43) is set gives
//!   the visit's `time_class` (1 時間外, 2/3 休日, 4 深夜, 5 時間外特例, 6 夜間・早朝等); a UKE has
//!   no clock times.
//! - **院内 / 院外**: a day with 21–23 drug 剤 or a 院内 F row (F000/F100/F500) is `in_house`, a
//!   day with a 処方箋料 (F400, by the master's 区分) `outside`; both on one day: left unset.
//! - **Facility**: a UKE cannot carry 表示診療時間, 施設基準, capabilities, マイナ保険証利用率 or the
//!   facility kind (RE #13 病床数 only for 病院): they come from `--facility` (the claim format's
//!   `facility` object), else a default (診療所, 0 beds, nothing else). Every default taken is
//!   listed in [`Converted::assumptions`] — never silent.
//! - **`as_of`** re-dates every visit into the month of that date (same day of month, clamped;
//!   two days that clamp onto one are merged into one visit, and said so) for what-if pricing.
//!
//! ## Recalculation ([`recalculate`])
//! The engine rejects a whole claim when one listed code has no version valid on its date. A
//! receipt is a record of what was billed, so one unpriceable line must not hide the rest:
//! [`engine::diff::calculate_lenient`] leaves such lines out into [`Recalculated::unpriced`],
//! each with the engine's message (the code, the date and the versions that exist), computes
//! the rest, and the comparison lists them as a cause. Without `as_of` a 2021 receipt priced
//! with masters that start in 2023 therefore reports its drug lines as unpriced — never at a
//! made-up price.
//!
//! ## Comparison ([`Comparison`])
//! Unit by unit and day by day (a unit's 点数 covers all its lines, so the unit is the finest
//! level the recorded figures allow), then per 診療識別, then the receipt's HO (or 公費単独 KO)
//! 合計点数. Every difference names its causes: a line not priced (and why), a line removed by a
//! rule (rule and reason), a derived line the receipt does not have, points that differ (the
//! master row used, with file and line, against the recorded 点数), counts that differ.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use engine::claim::{
    Claim, Facility, FacilityKind, Item, Patient, Prescription, Sex, TimeClass, Usage, Visit, VisitKind,
};
use engine::diff::{calculate_lenient, Dropped};
use engine::{ClaimError, Engine, Options, Outcome};
use masters::{Code, MasterSet};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::receipt::{DetailItem, DetailLine, Receipt, UnitKind};
use crate::UkeDate;

/// What the conversion needs besides the receipt.
#[derive(Clone, Copy, Default)]
pub struct ConvertOptions<'a> {
    /// The facility (claim format `facility` object); `None` = the default, reported.
    pub facility: Option<&'a Facility>,
    /// Re-date every visit into the month of this date.
    pub as_of: Option<NaiveDate>,
    /// Master set used to read time classes from the recorded 加算 codes (s col 43).
    pub masters: Option<&'a MasterSet>,
}

/// Where a claim item came from in the receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ItemOrigin {
    /// Index into [`Recorded::units`].
    pub unit: usize,
    /// 1-based record number of the SI/IY/TO line.
    pub record: u64,
}

/// One recorded SI/IY/TO/CO line of a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedLine {
    /// 1-based record number.
    pub record: u64,
    /// `SI`, `IY`, `TO` or `CO`.
    pub record_type: &'static str,
    /// Master code.
    pub code: String,
    /// 数量データ / 使用量 as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
    /// 点数 (closing line only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    /// 回数.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u16>,
}

/// One recorded 算定単位 (剤).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedUnit {
    /// 診療識別 of the unit's block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// How the unit ended.
    pub kind: UnitKind,
    /// Its lines, in file order.
    pub lines: Vec<RecordedLine>,
    /// Recorded 点数 of one application.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    /// Recorded 回数.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u16>,
    /// (date in the claim, count) from the closing line's 算定日情報, after re-dating.
    pub days: Vec<(NaiveDate, u16)>,
    /// 点数 × 回数.
    pub amount: u64,
    /// The `rp` label its items carry in the claim.
    pub rp: String,
}

impl RecordedUnit {
    /// Record number of the unit's first line.
    pub fn record(&self) -> u64 {
        self.lines.first().map(|l| l.record).unwrap_or(0)
    }
    /// Codes of its priced (non-comment) lines.
    pub fn codes(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| l.record_type != "CO")
            .map(|l| l.code.clone())
            .collect()
    }
}

/// The recorded figures of a receipt, kept for the comparison (never trusted as prices).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recorded {
    /// 1-based position of the receipt in its file.
    pub receipt: usize,
    /// Record number of its RE record.
    pub record: u64,
    /// HO 合計点数, or the first KO's on a receipt without HO.
    pub total: Option<u64>,
    /// HO (or first KO) 診療実日数.
    pub days: Option<u16>,
    /// Σ 点数 × 回数 over the units (equals `total` on a well-formed receipt).
    pub units_total: u64,
    /// Σ 点数 × 回数 per 診療識別.
    pub sections: BTreeMap<String, u64>,
    /// Every 算定単位.
    pub units: Vec<RecordedUnit>,
}

/// A receipt converted into a claim.
#[derive(Debug, Clone, Serialize)]
pub struct Converted {
    /// The claim to compute.
    pub claim: Claim,
    /// The recorded figures.
    pub recorded: Recorded,
    /// For `claim.visits[i].items[j]`: the unit and line it came from.
    pub origins: Vec<Vec<ItemOrigin>>,
    /// Every fact that was assumed because a UKE cannot carry it.
    pub assumptions: Vec<String>,
}

/// A receipt that cannot be turned into a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConvertError {
    /// Where: `RE`, `RE field 3 (レセプト種別)`, `record 12` ….
    pub path: String,
    /// What.
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ConvertError {}

fn naive(d: UkeDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

fn last_day(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.day())
        .unwrap_or(28)
}

fn usage_of(section: Option<&str>) -> Option<Usage> {
    match section? {
        "21" => Some(Usage::Internal),
        "22" => Some(Usage::AsNeeded),
        "23" => Some(Usage::External),
        "31" | "32" | "33" => Some(Usage::Injection),
        _ => None,
    }
}

fn is_drug_section(section: Option<&str>) -> bool {
    matches!(section, Some("21" | "22" | "23"))
}

fn record_type(l: &DetailLine<'_>) -> &'static str {
    match l.item {
        DetailItem::Si(_) => "SI",
        DetailItem::Iy(_) => "IY",
        DetailItem::To(_) => "TO",
        DetailItem::Co(_) => "CO",
    }
}

fn quantity_text(l: &DetailLine<'_>) -> Option<String> {
    match l.item {
        DetailItem::Si(x) => x.quantity.map(|q| q.to_string()),
        DetailItem::Iy(x) => x.quantity.clone(),
        DetailItem::To(x) => x.quantity.clone(),
        DetailItem::Co(_) => None,
    }
}

/// The time class a listed 加算 row stands for, from its 時間加算区分 (s col 43). Base rows
/// (告示等識別区分 1) carry col 43 too, meaning "time 加算 apply": only add-on rows count.
fn time_class_of(p: &masters::Procedure) -> Option<(TimeClass, &'static str)> {
    let add_on = matches!(p.kokuji1, b'7' | b'9') || (p.chu_kasan_code == 0 && (123..=125).contains(&p.sum_target_out));
    if !add_on {
        return None;
    }
    Some(match p.time_kasan {
        1 => (TimeClass::AfterHours, "時間外"),
        2 | 3 => (TimeClass::Holiday, "休日"),
        4 => (TimeClass::LateNight, "深夜"),
        5 => (
            TimeClass::AfterHours,
            "時間外特例 (needs capability after_hours_special)",
        ),
        6 => (TimeClass::NightEarly, "夜間・早朝等"),
        7 => (
            TimeClass::AfterHours,
            "小児科特例 夜間: a time_class cannot say 小児科特例; after_hours used",
        ),
        _ => return None,
    })
}

struct VisitBuild {
    orig_days: BTreeSet<u8>,
    items: Vec<Item>,
    origins: Vec<ItemOrigin>,
    sections: BTreeSet<String>,
}

/// Converts a receipt with the default options of a CLI run without masters: see [`convert`].
pub fn receipt_to_claim(
    r: &Receipt,
    facility: Option<&Facility>,
    as_of: Option<NaiveDate>,
) -> Result<Converted, ConvertError> {
    convert(
        r,
        &ConvertOptions {
            facility,
            as_of,
            masters: None,
        },
    )
}

/// Converts one receipt into a claim plus the recorded figures (module docs).
pub fn convert(r: &Receipt, o: &ConvertOptions<'_>) -> Result<Converted, ConvertError> {
    let re = &r.re;
    let mut assumptions = Vec::new();
    if re.is_inpatient() {
        return Err(ConvertError {
            path: "RE field 3 (レセプト種別)".into(),
            message: format!(
                "{} is an 入院 receipt: santei computes 入院外 claims only",
                re.receipt_type
            ),
        });
    }
    let (sy, sm) = (i32::from(re.service_month.year), u32::from(re.service_month.month));
    let (ty, tm) = match o.as_of {
        Some(d) => (d.year(), d.month()),
        None => (sy, sm),
    };
    let target_last = last_day(ty, tm);
    if (ty, tm) != (sy, sm) {
        assumptions.push(format!(
            "re-dated from {sy:04}-{sm:02} to {ty:04}-{tm:02} (--as-of): same day of month, clamped to {target_last}; weekdays and holidays follow the new dates"
        ));
    }
    let date_of = |day: u8| NaiveDate::from_ymd_opt(ty, tm, u32::from(day).min(target_last));

    // Facility.
    let facility = match o.facility {
        Some(f) => {
            if let Some(b) = re.beds.filter(|b| *b != f.beds) {
                assumptions.push(format!(
                    "RE 病床数 {b} differs from the --facility beds {}; the --facility value is used",
                    f.beds
                ));
            }
            f.clone()
        }
        None => {
            let (kind, beds) = match re.beds {
                Some(b) => {
                    assumptions.push(format!("facility: no --facility; 病院 with {b} beds from RE 病床数"));
                    (FacilityKind::Hospital, b)
                }
                None => {
                    assumptions.push("facility: no --facility; 診療所 (clinic) with 0 beds assumed".into());
                    (FacilityKind::Clinic, 0)
                }
            };
            assumptions.push("facility.hours: none (a UKE has no 表示診療時間)".into());
            assumptions.push(
                "facility.standards: none (a UKE has no 施設基準; listed 加算 that need a 届出 are removed)".into(),
            );
            assumptions.push("facility.capabilities and myna_rates: none".into());
            Facility {
                kind,
                beds,
                hours: Vec::new(),
                standards: Vec::new(),
                capabilities: Vec::new(),
                myna_rates: BTreeMap::new(),
            }
        }
    };

    // Patient.
    let birth_date = naive(re.birth_date).ok_or_else(|| ConvertError {
        path: "RE field 7 (生年月日)".into(),
        message: format!("{} is not a calendar date", re.birth_date),
    })?;
    let sex = match re.sex.as_str() {
        "1" => Some(Sex::Male),
        "2" => Some(Sex::Female),
        other => {
            assumptions.push(format!("RE 男女区分 `{other}` is not 1/2: sex left unknown"));
            None
        }
    };

    // Units → recorded units, rp labels, items per day.
    let units = r.units();
    let service_days = r.service_days();
    let mut recorded_units = Vec::with_capacity(units.len());
    let mut visits: BTreeMap<NaiveDate, VisitBuild> = BTreeMap::new();
    // Per block: the rp label of its last procedure unit, and whether a drug unit took it.
    let mut block_proc: BTreeMap<usize, (String, bool)> = BTreeMap::new();
    let mut comments = 0usize;
    let mut undated = Vec::new();
    for (ui, u) in units.iter().enumerate() {
        let section = u.section.map(str::to_owned);
        let has_si = u.priced_lines().any(|l| matches!(l.item, DetailItem::Si(_)));
        let own = format!("u{}", ui + 1);
        let rp = if has_si {
            block_proc.insert(u.block, (own.clone(), false));
            own
        } else {
            match block_proc.get_mut(&u.block) {
                Some((label, taken)) if !*taken && !is_drug_section(u.section) => {
                    *taken = true;
                    label.clone()
                }
                _ => own,
            }
        };
        let closing_days: Vec<(NaiveDate, u16)> = u
            .days()
            .or_else(|| u.priced_lines().next().and_then(|l| l.days()))
            .map(|d| d.iter().filter_map(|(day, c)| date_of(day).map(|dt| (dt, c))).collect())
            .unwrap_or_default();
        if u.kind == UnitKind::Unclosed {
            assumptions.push(format!(
                "unit at record {} has no 点数: recorded as 0",
                u.first_record_number()
            ));
        }
        recorded_units.push(RecordedUnit {
            section: section.clone(),
            kind: u.kind,
            lines: u
                .lines
                .iter()
                .map(|l| RecordedLine {
                    record: l.number,
                    record_type: record_type(l),
                    code: l.code().to_owned(),
                    quantity: quantity_text(l),
                    points: l.points(),
                    count: l.count(),
                })
                .collect(),
            points: u.points(),
            count: u.count(),
            days: closing_days,
            amount: u.amount(),
            rp: rp.clone(),
        });
        for l in &u.lines {
            if l.is_comment() {
                comments += 1;
                continue;
            }
            let Some(days) = l.days() else { continue };
            let mut placed: Vec<(u8, u16)> = days.iter().collect();
            if placed.is_empty() {
                let Some(first) = service_days.first().copied() else {
                    continue;
                };
                placed.push((first, l.count().unwrap_or(1).max(1)));
                undated.push(l.number);
            }
            for (day, c) in placed {
                let Some(date) = date_of(day) else { continue };
                let usage = if matches!(l.item, DetailItem::Iy(_)) {
                    usage_of(u.section)
                } else {
                    None
                };
                let per_day = u32::from(c);
                let quantity = quantity_text(l).and_then(|q| q.parse::<Decimal>().ok());
                let (days_field, count) = match usage {
                    Some(Usage::Internal | Usage::AsNeeded) => (Some(per_day), None),
                    _ => (None, Some(per_day)),
                };
                let v = visits.entry(date).or_insert_with(|| VisitBuild {
                    orig_days: BTreeSet::new(),
                    items: Vec::new(),
                    origins: Vec::new(),
                    sections: BTreeSet::new(),
                });
                v.orig_days.insert(day);
                if let Some(s) = &section {
                    v.sections.insert(s.clone());
                }
                v.items.push(Item {
                    code: l.code().to_owned(),
                    quantity,
                    days: days_field,
                    rp: Some(rp.clone()),
                    usage,
                    count,
                    specimen: None,
                    generic_name: None,
                    temporary: false,
                    minutes: None,
                    started: None,
                });
                v.origins.push(ItemOrigin {
                    unit: ui,
                    record: l.number,
                });
            }
        }
    }
    if comments > 0 {
        assumptions.push(format!(
            "{comments} CO comment line(s) not passed to the engine (comments carry no points)"
        ));
    }
    if !undated.is_empty() {
        assumptions.push(format!(
            "line(s) at record {:?} have no 算定日情報: placed on the first service day",
            undated
        ));
    }
    if visits.is_empty() {
        return Err(ConvertError {
            path: format!("RE at record {}", r.record_number),
            message: "the receipt has no SI/IY/TO line with a count on any day: no visit to compute".into(),
        });
    }

    // Visits.
    let mut claim_visits = Vec::with_capacity(visits.len());
    let mut origins = Vec::with_capacity(visits.len());
    let mut no_base = Vec::new();
    let mut timed = Vec::new();
    for (date, v) in visits {
        if v.orig_days.len() > 1 {
            assumptions.push(format!(
                "days {:?} of {sy:04}-{sm:02} all fall on {date} after re-dating: merged into one visit",
                v.orig_days
            ));
        }
        let kind = if v.sections.contains("11") {
            VisitKind::First
        } else if v.sections.contains("12") {
            VisitKind::Revisit
        } else {
            no_base.push(date.day());
            VisitKind::None
        };
        // 院内 when the day has 21–23 drug 剤 (or a 院内 F row), 院外 when it has a 処方箋料 (F400);
        // both on one day cannot be said with one `prescription`: left unset, and reported.
        let mut in_house = v.sections.iter().any(|s| is_drug_section(Some(s)));
        let mut outside = false;
        let mut time_class = None;
        if let Some(set) = o.masters {
            for it in &v.items {
                let Some(row) = Code::parse(&it.code).and_then(|c| set.s.lookup(c, date)) else {
                    continue;
                };
                let p = &row.row;
                if p.tbl_alpha == 'F' {
                    match p.tbl_kubun {
                        400 => outside = true,
                        0 | 100 | 500 => in_house = true,
                        _ => {}
                    }
                }
                if time_class.is_none() {
                    if let Some((tc, what)) = time_class_of(p) {
                        timed.push(format!("{date}: {tc:?} from {} {} ({what})", p.code, p.name));
                        time_class = Some(tc);
                    }
                }
            }
        }
        let prescription = match (in_house, outside) {
            (true, false) => Some(Prescription::InHouse),
            (false, true) => Some(Prescription::Outside),
            (true, true) => {
                assumptions.push(format!(
                    "{date}: 院内 drugs and a 処方箋料 on one day: prescription left unset"
                ));
                None
            }
            (false, false) => None,
        };
        claim_visits.push(Visit {
            date,
            time: None,
            kind,
            department: None,
            time_class,
            urgent: false,
            myna: false,
            management: false,
            phone: false,
            prescription,
            items: v.items,
            aid: None,
            tokutei: None,
            psychotropics: None,
            home: None,
        });
        origins.push(v.origins);
    }
    if !no_base.is_empty() {
        assumptions.push(format!(
            "day(s) {no_base:?}: no 初診 (11) or 再診 (12) line recorded: visit kind none (no base fee derived)"
        ));
    }
    if o.masters.is_none() {
        assumptions.push("time classes not read (no master set): every visit in regular hours".into());
    }
    assumptions.extend(timed);
    assumptions.push(
        "visits[].myna false: a UKE does not record マイナ保険証 use (listed 医療情報取得加算 codes are kept as listed)"
            .into(),
    );

    let recorded = Recorded {
        receipt: r.order,
        record: r.record_number,
        total: r.recorded_total(),
        days: r.recorded_days(),
        units_total: r.units_total(),
        sections: r.section_totals(),
        units: recorded_units,
    };
    let claim = Claim {
        facility,
        patient: Patient {
            birth_date,
            sex,
            tokutei_shikkan: None,
            rehab: Vec::new(),
            kaigo: None,
            discharged: None,
            home: None,
        },
        history: Vec::new(),
        visits: claim_visits,
        id: Some(format!("receipt {} (RE {})", r.order, re.receipt_no)),
        insurance: None,
        public_aid: Vec::new(),
        futan_history: None,
        inpatient: None,
    };
    Ok(Converted {
        claim,
        recorded,
        origins,
        assumptions,
    })
}

// ---------------------------------------------------------------------------------------------
// Recalculation and comparison
// ---------------------------------------------------------------------------------------------

/// A recorded line the engine could not price (its code has no version on the date, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unpriced {
    /// Service date (in the claim).
    pub date: NaiveDate,
    /// Master code.
    pub code: String,
    /// UKE record number of the line.
    pub record: u64,
    /// JSON path of the item in the converted claim.
    pub path: String,
    /// The engine's message.
    pub message: String,
}

/// Recorded and recalculated points of one 診療識別.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SectionCmp {
    /// Σ 点数 × 回数 recorded.
    pub recorded: u64,
    /// Σ points × count recalculated.
    pub recalculated: i64,
}

/// Why a unit-day differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum UnitCause {
    /// A recorded line was not priced (see [`Unpriced`]).
    Unpriced {
        /// Code.
        code: String,
        /// Engine message.
        message: String,
    },
    /// A recorded line was removed by a rule.
    Removed {
        /// Code.
        code: String,
        /// Rule id.
        rule: String,
        /// Why.
        reason: String,
    },
    /// A recorded line has no counterpart in the recalculation.
    Missing {
        /// Code.
        code: String,
    },
    /// The engine derived a line the receipt does not have.
    ExtraDerived {
        /// Code.
        code: String,
        /// Name.
        name: String,
        /// Rule id.
        rule: String,
        /// 告示/通知.
        source: String,
    },
    /// Points differ: what the recalculation used against the recorded 点数.
    Points {
        /// Recorded 点数 of one application of the unit.
        recorded: i64,
        /// Recalculated points of one application (Σ of the unit's lines).
        recalculated: i64,
        /// The recalculated lines: `code points×count [rule] (file:line)`.
        detail: String,
    },
    /// 回数 differs.
    Count {
        /// Recorded.
        recorded: u32,
        /// Recalculated.
        recalculated: u32,
    },
}

/// One difference between the receipt and the recalculation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// Service date.
    pub date: NaiveDate,
    /// 診療識別 (recorded unit's, or the derived line's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Record number of the unit's first line (none for a derived line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// The codes concerned.
    pub codes: Vec<String>,
    /// Recorded 点数 × 回数 on that day.
    pub recorded: i64,
    /// Recalculated points × count on that day.
    pub recalculated: i64,
    /// Why.
    pub causes: Vec<UnitCause>,
}

/// Recorded against recalculated, for one receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// HO (or first KO) 合計点数.
    pub recorded_total: Option<u64>,
    /// Σ 点数 × 回数 of the units.
    pub recorded_units_total: u64,
    /// The recalculated total.
    pub recalculated_total: i64,
    /// Every 診療識別 present on either side.
    pub sections: BTreeMap<String, SectionCmp>,
    /// Every unit-day or derived line that differs.
    pub differences: Vec<Difference>,
}

impl Comparison {
    /// True when the totals agree and no unit differs.
    pub fn matches(&self) -> bool {
        self.differences.is_empty() && self.recorded_total.map(|t| t as i64) == Some(self.recalculated_total)
    }
}

/// A receipt recalculated.
#[derive(Debug, Clone)]
pub struct Recalculated {
    /// The result of the claim without the unpriced lines.
    pub outcome: Outcome,
    /// Lines left out, with the engine's message.
    pub unpriced: Vec<Unpriced>,
    /// Recorded against recalculated.
    pub comparison: Comparison,
}

/// Computes the converted claim (leaving out unpriceable lines) and compares it with the
/// recorded figures. Errors only when the engine rejects the claim for another reason.
pub fn recalculate(engine: &Engine, conv: &Converted, opts: Options) -> Result<Recalculated, ClaimError> {
    let lenient = calculate_lenient(engine, &conv.claim, opts)?;
    let origin = |i: usize, j: usize| conv.origins.get(i).and_then(|v| v.get(j)).copied();
    let unpriced: Vec<Unpriced> = lenient
        .dropped
        .iter()
        .map(|d: &Dropped| Unpriced {
            date: d.date,
            code: d.code.clone(),
            record: origin(d.visit, d.item).map(|o| o.record).unwrap_or(0),
            path: d.path.clone(),
            message: d.message.clone(),
        })
        .collect();
    let comparison = compare(conv, &lenient.outcome, &lenient.dropped);
    Ok(Recalculated {
        outcome: lenient.outcome,
        unpriced,
        comparison,
    })
}

#[derive(Default)]
struct Day<'o> {
    recorded: i64,
    recalculated: i64,
    lines: Vec<&'o engine::Line>,
    removed: Vec<&'o engine::Removed>,
    dropped: Vec<&'o Dropped>,
}

fn master_ref(l: &engine::Line) -> String {
    l.reason
        .master
        .as_ref()
        .map(|m| format!(" ({}:{})", m.file, m.line))
        .unwrap_or_default()
}

fn compare(conv: &Converted, out: &Outcome, dropped: &[Dropped]) -> Comparison {
    let rec = &conv.recorded;
    let unit_of = |i: usize, j: usize| conv.origins.get(i).and_then(|v| v.get(j)).map(|o| o.unit);
    let mut days: BTreeMap<(usize, NaiveDate), Day<'_>> = BTreeMap::new();
    for (u, unit) in rec.units.iter().enumerate() {
        for &(date, c) in &unit.days {
            days.entry((u, date)).or_default().recorded += i64::from(unit.points.unwrap_or(0)) * i64::from(c);
        }
    }
    let mut derived = Vec::new();
    for l in &out.lines {
        match l.item.and_then(|r| unit_of(r.visit, r.item)) {
            Some(u) => {
                let d = days.entry((u, l.date)).or_default();
                d.recalculated += l.points * i64::from(l.count);
                d.lines.push(l);
            }
            None => derived.push(l),
        }
    }
    for r in &out.removed {
        if let Some(u) = r.item.and_then(|r| unit_of(r.visit, r.item)) {
            days.entry((u, r.date)).or_default().removed.push(r);
        }
    }
    for d in dropped {
        if let Some(u) = unit_of(d.visit, d.item) {
            days.entry((u, d.date)).or_default().dropped.push(d);
        }
    }
    let mut differences = Vec::new();
    for ((u, date), d) in &days {
        if d.recorded == d.recalculated && d.removed.is_empty() && d.dropped.is_empty() {
            continue;
        }
        let unit = &rec.units[*u];
        let mut causes = Vec::new();
        for x in &d.dropped {
            causes.push(UnitCause::Unpriced {
                code: x.code.clone(),
                message: x.message.clone(),
            });
        }
        for x in &d.removed {
            causes.push(UnitCause::Removed {
                code: x.code.to_string(),
                rule: x.reason.rule.to_string(),
                reason: x.reason.detail.clone().unwrap_or_default(),
            });
        }
        for code in unit.codes() {
            let seen = d.lines.iter().any(|l| l.code == code)
                || d.removed.iter().any(|r| r.code == code)
                || d.dropped.iter().any(|x| x.code == code);
            if !seen {
                causes.push(UnitCause::Missing { code });
            }
        }
        if d.recorded != d.recalculated && !d.lines.is_empty() {
            let rec_count: u32 = unit
                .days
                .iter()
                .filter(|(dt, _)| dt == date)
                .map(|(_, c)| u32::from(*c))
                .sum();
            // The count of the unit's application on that day, as the engine billed it.
            let calc_count = d.lines.iter().map(|l| l.count).max().unwrap_or(0);
            let per_unit: i64 = d.lines.iter().map(|l| l.points).sum();
            let recorded_points = i64::from(unit.points.unwrap_or(0));
            if per_unit != recorded_points {
                let detail = d
                    .lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{} {}点×{} [{}]{}",
                            l.code,
                            l.points,
                            l.count,
                            l.reason.rule,
                            master_ref(l)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" + ");
                causes.push(UnitCause::Points {
                    recorded: recorded_points,
                    recalculated: per_unit,
                    detail,
                });
            }
            if calc_count != rec_count {
                causes.push(UnitCause::Count {
                    recorded: rec_count,
                    recalculated: calc_count,
                });
            }
        }
        if causes.is_empty() {
            // Totals differ without a line-level cause (e.g. a 剤 split differently).
            causes.push(UnitCause::Points {
                recorded: d.recorded,
                recalculated: d.recalculated,
                detail: d
                    .lines
                    .iter()
                    .map(|l| format!("{} {}点×{}", l.code, l.points, l.count))
                    .collect::<Vec<_>>()
                    .join(" + "),
            });
        }
        differences.push(Difference {
            date: *date,
            section: unit.section.clone(),
            record: Some(unit.record()),
            codes: unit.codes(),
            recorded: d.recorded,
            recalculated: d.recalculated,
            causes,
        });
    }
    for l in derived {
        let amount = l.points * i64::from(l.count);
        if amount == 0 {
            continue;
        }
        differences.push(Difference {
            date: l.date,
            section: Some(l.section.to_string()),
            record: None,
            codes: vec![l.code.to_string()],
            recorded: 0,
            recalculated: amount,
            causes: vec![UnitCause::ExtraDerived {
                code: l.code.to_string(),
                name: l.name.to_string(),
                rule: l.reason.rule.to_string(),
                source: l.reason.source.to_string(),
            }],
        });
    }
    differences.sort_by_key(|d| (d.date, d.record.unwrap_or(u64::MAX)));
    let mut sections: BTreeMap<String, SectionCmp> = BTreeMap::new();
    for (s, v) in &rec.sections {
        sections
            .entry(s.clone())
            .or_insert(SectionCmp {
                recorded: 0,
                recalculated: 0,
            })
            .recorded = *v;
    }
    for (s, v) in &out.sections {
        sections
            .entry(s.clone())
            .or_insert(SectionCmp {
                recorded: 0,
                recalculated: 0,
            })
            .recalculated = *v;
    }
    Comparison {
        recorded_total: rec.total,
        recorded_units_total: rec.units_total,
        recalculated_total: out.total_points,
        sections,
        differences,
    }
}
