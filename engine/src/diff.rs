//! Revision diff: what changes for one claim between two master sets, or two dates.
//!
//! ## 何をするか
//! [`diff`] compares two [`Outcome`]s of the same claim (old and new) together with the master
//! set each was computed with, and returns a typed [`ClaimDiff`]: every line that appears,
//! disappears or changes points/count, each with its causes — a master row changed (both rows
//! with code, name, points or price, validity, `file:line`), a code abolished or new, a rule or
//! tier change (`reason.rule` differs), a line removed or allowed by a rule. [`Summary`] adds
//! claims up: claims changed, points delta in total and per 診療識別, top codes by impact.
//! Pure: no IO, no clock.
//!
//! Lines are matched by (visit index, code, occurrence), not by date, so the same claim re-dated
//! (`--old-date` / `--new-date`) matches visit by visit.
//!
//! ## What-if helpers shared by `santei diff`, `santei batch` and the UKE path
//! - [`redate_claim`] moves a claim into another month (same day-of-month, clamped).
//! - [`calculate_lenient`]: [`Engine::calculate`] rejects a whole claim when one listed code has
//!   no version on its date. For recalculating recorded receipts and for revision diffs that is
//!   too coarse, so this variant drops such an item into an explicit [`Dropped`] list (with the
//!   engine's own message, e.g. `code 620000402 has no version valid on 2021-10-01; versions:
//!   2023-04-01…2024-03-31 …`) and computes the rest. Nothing is priced silently: every dropped
//!   item is reported, and any other claim error still rejects the claim. Paths in the outcome
//!   keep referring to the caller's claim (item indices are mapped back).

use crate::claim::Claim;
use crate::outcome::{Line, Origin, Outcome, Removed};
use crate::{ClaimError, Engine, Options};
use chrono::NaiveDate;
use masters::{AnyVersion, Code, MasterSet, PointKind};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------------------------------------
// What-if helpers
// ---------------------------------------------------------------------------------------------

// Month arithmetic lives in `crate::month`; re-exported as part of the what-if helpers.
pub use crate::month::{add_months, months_between};

/// Moves the claim into the month of `target`: every visit date and every `history` date is
/// shifted by the same number of months (day-of-month kept, clamped to the month's length).
/// Facility facts (`standards`, `capabilities`, `myna_rates`) keep their own dates: the claim is
/// priced as that facility would be in that month. Returns the month shift applied.
pub fn redate_claim(claim: &mut Claim, target: NaiveDate) -> i32 {
    let Some(first) = claim.visits.first().map(|v| v.date) else {
        return 0;
    };
    let shift = months_between(first, target);
    if shift != 0 {
        for v in &mut claim.visits {
            v.date = add_months(v.date, shift);
        }
        for h in &mut claim.history {
            h.date = add_months(h.date, shift);
        }
    }
    shift
}

/// A listed item left out of the calculation because its code cannot be priced on its date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Visit index and item index in the caller's claim.
    pub visit: usize,
    pub item: usize,
    pub date: NaiveDate,
    pub code: String,
    /// JSON path in the caller's claim.
    pub path: String,
    /// The engine's message (names the code, the date and the versions that exist).
    pub message: String,
}

/// The result of [`calculate_lenient`].
#[derive(Clone, Debug)]
pub struct Lenient {
    pub outcome: Outcome,
    pub dropped: Vec<Dropped>,
}

/// Computes `claim`, leaving out (and reporting) every listed item whose code the engine rejects
/// (unknown, no version valid on the visit date, 経過措置 ended: [`crate::ErrorKind::is_item_code`]).
/// Any other claim error is returned as is. One pass: validation leaves such items out and the
/// pipeline runs once; items keep their indices, so every path names the caller's item.
pub fn calculate_lenient(engine: &Engine, claim: &Claim, opts: Options) -> Result<Lenient, ClaimError> {
    let (outcome, left_out) = engine.calculate_lenient_parts(claim, opts)?;
    let mut dropped: Vec<Dropped> = left_out
        .into_iter()
        .map(|l| Dropped {
            visit: l.visit,
            item: l.item,
            date: claim.visits[l.visit].date,
            code: claim.visits[l.visit].items[l.item].code.clone(),
            path: format!("visits[{}].items[{}]", l.visit, l.item),
            message: l.error.message().to_string(),
        })
        .collect();
    dropped.sort_by_key(|d: &Dropped| (d.visit, d.item));
    Ok(Lenient { outcome, dropped })
}

// ---------------------------------------------------------------------------------------------
// Diff
// ---------------------------------------------------------------------------------------------

/// A master row, as shown in a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MasterRow {
    pub code: String,
    pub name: String,
    /// `291点` (診療行為), `5.70円` (医薬品 / 特定器材 price), empty for comments.
    pub value: String,
    pub valid_from: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Path of the file in its set, and the 1-based line.
    pub file: String,
    pub line: u32,
}

impl MasterRow {
    pub fn of(set: &MasterSet, v: AnyVersion<'_>) -> MasterRow {
        let value = match v {
            AnyVersion::S(s) => match s.row.point_kind {
                PointKind::Points => format!("{}点", s.row.points.normalize()),
                PointKind::MinusPoints => format!("-{}点", s.row.points.normalize()),
                PointKind::Yen => format!("{}円", s.row.points.normalize()),
                k => format!("{} ({k:?})", s.row.points.normalize()),
            },
            AnyVersion::Y(y) => format!("{}円", y.row.price.normalize()),
            AnyVersion::T(t) => format!("{}円", t.row.price.normalize()),
            AnyVersion::C(_) => String::new(),
        };
        let origin = v.origin();
        let code = match v {
            AnyVersion::S(s) => s.row.code,
            AnyVersion::Y(y) => y.row.code,
            AnyVersion::T(t) => t.row.code,
            AnyVersion::C(c) => c.row.code,
        };
        MasterRow {
            code: code.to_string(),
            name: v.name().to_string(),
            value,
            valid_from: v.valid_from(),
            valid_to: (v.valid_to() != masters::OPEN_END).then(|| v.valid_to()),
            file: set.file(origin).path.clone(),
            line: origin.line,
        }
    }

    /// `111000110 初診料 291点 (2024-06-01…, s_ALL20240531.zip:1)`.
    pub fn describe(&self) -> String {
        format!(
            "{} {} {} ({}…{}, {}:{})",
            self.code,
            self.name,
            self.value,
            self.valid_from,
            self.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            self.file,
            self.line
        )
    }
}

/// Why a line changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Cause {
    /// The master row of this code (or, for a drug, of a drug of the same 剤) differs.
    MasterRow { old: MasterRow, new: MasterRow },
    /// The code has no version valid on the new date.
    CodeAbolished {
        #[serde(skip_serializing_if = "Option::is_none")]
        last: Option<MasterRow>,
        date: NaiveDate,
    },
    /// The code has no version valid on the old date.
    CodeNew {
        #[serde(skip_serializing_if = "Option::is_none")]
        first: Option<MasterRow>,
        date: NaiveDate,
    },
    /// A line of one rule family replaced by another code of the same family (e.g. a DX tier).
    Tier {
        rule: String,
        old_code: String,
        new_code: String,
    },
    /// The rule that produced the line differs.
    Rule { old_rule: String, new_rule: String },
    /// A rule produced the line on one side only (derived lines).
    RuleApplies {
        side: Side,
        rule: String,
        source: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// The line was removed by a rule on one side.
    Removed { side: Side, rule: String, reason: String },
    /// 回数 differs.
    Count { old: u32, new: u32 },
    /// No cause found in the master rows or the rules' ids (look at the two traces).
    Unexplained,
}

/// Which side of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Old,
    New,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Appeared,
    Disappeared,
    Changed,
}

/// One side of a changed line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineSide {
    pub date: NaiveDate,
    pub points: i64,
    pub count: u32,
    pub rule: String,
    pub origin: Origin,
}

impl LineSide {
    fn of(l: &Line) -> LineSide {
        LineSide {
            date: l.date,
            points: l.points,
            count: l.count,
            rule: l.reason.rule.to_string(),
            origin: l.origin,
        }
    }
    pub fn amount(&self) -> i64 {
        self.points.saturating_mul(i64::from(self.count))
    }
}

/// One line that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineChange {
    pub change: Change,
    pub visit: usize,
    pub code: String,
    pub name: String,
    pub section: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<LineSide>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<LineSide>,
    /// new points × count − old points × count.
    pub delta: i64,
    pub causes: Vec<Cause>,
}

/// Old and new points of one 診療識別.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SectionDelta {
    pub old: i64,
    pub new: i64,
    pub delta: i64,
}

/// What changes for one claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimDiff {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub old_total: i64,
    pub new_total: i64,
    pub delta: i64,
    /// Sections whose totals differ.
    pub sections: BTreeMap<String, SectionDelta>,
    pub changes: Vec<LineChange>,
}

impl ClaimDiff {
    pub fn is_changed(&self) -> bool {
        self.delta != 0 || !self.changes.is_empty()
    }
}

type Key = (usize, Code, usize);

fn keyed(lines: &[Line]) -> BTreeMap<Key, &Line> {
    let mut seen: HashMap<(usize, Code), usize> = HashMap::new();
    let mut out = BTreeMap::new();
    for l in lines {
        let n = seen.entry((l.visit, l.code)).or_default();
        out.insert((l.visit, l.code, *n), l);
        *n += 1;
    }
    out
}

fn visit_dates(o: &Outcome) -> HashMap<usize, NaiveDate> {
    o.lines.iter().map(|l| (l.visit, l.date)).collect()
}

fn row(set: &MasterSet, c: Code, d: NaiveDate) -> Option<MasterRow> {
    set.lookup_any(c, d).map(|v| MasterRow::of(set, v))
}

/// The last version of `code` that starts on or before `d` (else the first one).
fn last_before(set: &MasterSet, c: Code, d: NaiveDate) -> Option<MasterRow> {
    let h = set.history_any(c);
    h.iter()
        .rev()
        .find(|v| v.valid_from() <= d)
        .or(h.first())
        .map(|v| MasterRow::of(set, *v))
}

fn removed_on(o: &Outcome, code: Code, d: NaiveDate) -> Option<&Removed> {
    o.removed.iter().find(|r| r.code == code && r.date == d)
}

/// Master-row causes of a line: its own row, and for a drug line the rows of the other drugs of
/// its 剤 (the 剤's points sit on its last line).
fn row_causes(
    old_set: &MasterSet,
    new_set: &MasterSet,
    old: &Line,
    new: &Line,
    old_o: &Outcome,
    new_o: &Outcome,
) -> Vec<Cause> {
    let mut codes = vec![new.code];
    if let Some(rp) = new.rp.as_deref() {
        for l in new_o.lines.iter().chain(old_o.lines.iter()) {
            if l.visit == new.visit && l.rp.as_deref() == Some(rp) && !codes.contains(&l.code) {
                codes.push(l.code);
            }
        }
    }
    let mut out = Vec::new();
    for (k, code) in codes.into_iter().enumerate() {
        match (row(old_set, code, old.date), row(new_set, code, new.date)) {
            (Some(a), Some(b)) if a.value != b.value => out.push(Cause::MasterRow { old: a, new: b }),
            // A drug of the same 剤 that only one side can price moves the 剤's points.
            (None, Some(b)) if k > 0 => out.push(Cause::CodeNew {
                first: Some(b),
                date: old.date,
            }),
            (Some(_), None) if k > 0 => out.push(Cause::CodeAbolished {
                last: last_before(new_set, code, new.date),
                date: new.date,
            }),
            _ => {}
        }
    }
    out
}

/// Compares two outcomes of one claim. `old_set` / `new_set` are the master sets each side was
/// computed with (the same set twice when only the date differs). The visit dates of each side
/// are read from its lines; see [`diff_dated`] when a visit may have no line on one side.
pub fn diff(old: &Outcome, new: &Outcome, old_set: &MasterSet, new_set: &MasterSet) -> ClaimDiff {
    diff_dated(old, new, old_set, new_set, &[], &[])
}

/// [`diff`] with the visit dates of each side given (`claim.visits[i].date` after re-dating), so
/// that a line present on one side only is looked up on the other side's date even when that
/// visit has no line there (e.g. its base fee has no version on the old date).
pub fn diff_dated(
    old: &Outcome,
    new: &Outcome,
    old_set: &MasterSet,
    new_set: &MasterSet,
    old_visits: &[NaiveDate],
    new_visits: &[NaiveDate],
) -> ClaimDiff {
    let ok = keyed(&old.lines);
    let nk = keyed(&new.lines);
    let mut old_dates = visit_dates(old);
    let mut new_dates = visit_dates(new);
    old_dates.extend(old_visits.iter().copied().enumerate());
    new_dates.extend(new_visits.iter().copied().enumerate());
    let mut changes = Vec::new();
    let mut keys: Vec<Key> = ok.keys().chain(nk.keys()).copied().collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        match (ok.get(&k), nk.get(&k)) {
            (Some(a), Some(b)) => {
                if a.points == b.points && a.count == b.count {
                    continue;
                }
                let mut causes = row_causes(old_set, new_set, a, b, old, new);
                if a.reason.rule != b.reason.rule {
                    causes.push(Cause::Rule {
                        old_rule: a.reason.rule.to_string(),
                        new_rule: b.reason.rule.to_string(),
                    });
                }
                if a.count != b.count {
                    causes.push(Cause::Count {
                        old: a.count,
                        new: b.count,
                    });
                }
                if causes.is_empty() {
                    causes.push(Cause::Unexplained);
                }
                let (sa, sb) = (LineSide::of(a), LineSide::of(b));
                changes.push(LineChange {
                    change: Change::Changed,
                    visit: k.0,
                    code: b.code.to_string(),
                    name: b.name.to_string(),
                    section: b.section.to_string(),
                    delta: sb.amount() - sa.amount(),
                    old: Some(sa),
                    new: Some(sb),
                    causes,
                });
            }
            (Some(a), None) => {
                let nd = new_dates.get(&a.visit).copied().unwrap_or(a.date);
                let mut causes = Vec::new();
                if new_set.lookup_any(a.code, nd).is_none() {
                    causes.push(Cause::CodeAbolished {
                        last: last_before(new_set, a.code, nd),
                        date: nd,
                    });
                }
                if let Some(r) = removed_on(new, a.code, nd) {
                    causes.push(Cause::Removed {
                        side: Side::New,
                        rule: r.reason.rule.to_string(),
                        reason: r.reason.detail.clone().unwrap_or_default(),
                    });
                }
                if causes.is_empty() && a.origin == Origin::Derived {
                    causes.push(Cause::RuleApplies {
                        side: Side::Old,
                        rule: a.reason.rule.to_string(),
                        source: a.reason.source.to_string(),
                        detail: a.reason.detail.clone(),
                    });
                }
                if causes.is_empty() {
                    causes.push(Cause::Unexplained);
                }
                let sa = LineSide::of(a);
                changes.push(LineChange {
                    change: Change::Disappeared,
                    visit: k.0,
                    code: a.code.to_string(),
                    name: a.name.to_string(),
                    section: a.section.to_string(),
                    delta: -sa.amount(),
                    old: Some(sa),
                    new: None,
                    causes,
                });
            }
            (None, Some(b)) => {
                let od = old_dates.get(&b.visit).copied().unwrap_or(b.date);
                let mut causes = Vec::new();
                if old_set.lookup_any(b.code, od).is_none() {
                    causes.push(Cause::CodeNew {
                        first: row(new_set, b.code, b.date),
                        date: od,
                    });
                }
                if let Some(r) = removed_on(old, b.code, od) {
                    causes.push(Cause::Removed {
                        side: Side::Old,
                        rule: r.reason.rule.to_string(),
                        reason: r.reason.detail.clone().unwrap_or_default(),
                    });
                }
                if causes.is_empty() && b.origin == Origin::Derived {
                    causes.push(Cause::RuleApplies {
                        side: Side::New,
                        rule: b.reason.rule.to_string(),
                        source: b.reason.source.to_string(),
                        detail: b.reason.detail.clone(),
                    });
                }
                if causes.is_empty() {
                    causes.push(Cause::Unexplained);
                }
                let sb = LineSide::of(b);
                changes.push(LineChange {
                    change: Change::Appeared,
                    visit: k.0,
                    code: b.code.to_string(),
                    name: b.name.to_string(),
                    section: b.section.to_string(),
                    delta: sb.amount(),
                    old: None,
                    new: Some(sb),
                    causes,
                });
            }
            (None, None) => {}
        }
    }
    mark_tiers(&mut changes);
    let mut sections = BTreeMap::new();
    for s in old.sections.keys().chain(new.sections.keys()) {
        let (a, b) = (
            old.sections.get(s).copied().unwrap_or(0),
            new.sections.get(s).copied().unwrap_or(0),
        );
        if a != b {
            sections.insert(
                s.clone(),
                SectionDelta {
                    old: a,
                    new: b,
                    delta: b - a,
                },
            );
        }
    }
    ClaimDiff {
        id: new.id.clone().or_else(|| old.id.clone()),
        old_total: old.total_points,
        new_total: new.total_points,
        delta: new.total_points - old.total_points,
        sections,
        changes,
    }
}

/// A derived line that disappears and another of the same rule that appears on the same visit:
/// a tier (or variant) change of one family.
fn mark_tiers(changes: &mut [LineChange]) {
    let n = changes.len();
    for i in 0..n {
        if changes[i].change != Change::Disappeared {
            continue;
        }
        let Some(old) = changes[i].old.clone() else {
            continue;
        };
        if old.origin != Origin::Derived {
            continue;
        }
        let partner = (0..n).find(|&j| {
            changes[j].change == Change::Appeared
                && changes[j].visit == changes[i].visit
                && changes[j]
                    .new
                    .as_ref()
                    .is_some_and(|s| s.origin == Origin::Derived && s.rule == old.rule)
        });
        if let Some(j) = partner {
            let cause = Cause::Tier {
                rule: old.rule.clone(),
                old_code: changes[i].code.clone(),
                new_code: changes[j].code.clone(),
            };
            for k in [i, j] {
                changes[k]
                    .causes
                    .retain(|c| !matches!(c, Cause::RuleApplies { .. } | Cause::Unexplained));
                changes[k].causes.insert(0, cause.clone());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

/// Impact of one code over all claims.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CodeImpact {
    pub code: String,
    pub name: String,
    pub delta: i64,
    pub lines: u64,
    pub claims: u64,
}

/// Totals over many claims.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub claims: u64,
    pub changed: u64,
    /// Claims computed on one side only (an error on the other).
    pub errors_old: u64,
    pub errors_new: u64,
    pub old_total: i64,
    pub new_total: i64,
    pub delta: i64,
    /// Points delta per 診療識別.
    pub sections: BTreeMap<String, i64>,
    #[serde(skip)]
    codes: HashMap<String, CodeImpact>,
}

impl Summary {
    /// Adds one claim computed on both sides.
    pub fn add(&mut self, d: &ClaimDiff) {
        self.claims += 1;
        self.old_total += d.old_total;
        self.new_total += d.new_total;
        self.delta += d.delta;
        if d.is_changed() {
            self.changed += 1;
        }
        for (s, sd) in &d.sections {
            *self.sections.entry(s.clone()).or_default() += sd.delta;
        }
        let mut seen: Vec<&str> = Vec::new();
        for c in &d.changes {
            let e = self.codes.entry(c.code.clone()).or_insert_with(|| CodeImpact {
                code: c.code.clone(),
                name: c.name.clone(),
                ..Default::default()
            });
            e.delta += c.delta;
            e.lines += 1;
            if !seen.contains(&c.code.as_str()) {
                e.claims += 1;
                seen.push(&c.code);
            }
        }
    }

    /// Adds a claim that failed on one side (or both).
    pub fn add_error(&mut self, old_failed: bool, new_failed: bool) {
        self.claims += 1;
        self.errors_old += old_failed as u64;
        self.errors_new += new_failed as u64;
        if old_failed != new_failed {
            self.changed += 1;
        }
    }

    /// The `n` codes with the largest absolute points delta (ties by code).
    pub fn top_codes(&self, n: usize) -> Vec<CodeImpact> {
        let mut v: Vec<CodeImpact> = self.codes.values().cloned().collect();
        v.sort_by(|a, b| b.delta.abs().cmp(&a.delta.abs()).then_with(|| a.code.cmp(&b.code)));
        v.truncate(n);
        v
    }
}
