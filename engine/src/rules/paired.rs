//! The mechanics shared by the 第14部 その他 items that pair with a visit's lines: 外来・在宅物価対応料
//! ([`super::bukka`]) and 外来・在宅ベースアップ評価料（Ⅰ） ([`super::baseup`]). Each is billed with
//! a 初診 / 再診 / 訪問診療 line of the visit, once per visit day, at a dated multiple of the master
//! row's points; a listed code is reconciled with what the facts give.
//!
//! ## 根拠
//! - Which lines take which item: the 医科診療行為マスター column 129 「外来・在宅ベースアップ評価料
//!   （１）」 marks the base / 医学管理 / 在宅 rows (1 = 初診時, 3 = 再診時等, 5 = 訪問診療時 イ,
//!   7 = 訪問診療時 ロ) and the ベースアップ rows themselves (2, 4, 6, 8): s_ALL20240531 (H, data). The
//!   lists of R8通知 O001(2)–(5) and O100(2)–(4) (ika-tsuchi.txt p.719–720) name the same lines.
//! - Once per visit day: santei policy — the 告示 (O100 注1/注2, O001 注1/注2) bills per 初診 / 再診
//!   without a 1日につき limit, and the master flags 2科目 and 同日 rows too; santei bills the first
//!   qualifying visit of a day only and says so in the diagnostics (**L**: no 疑義解釈 was read).
//!
//! ## 使うマスタ項目
//! cols 85, 90–94 (区分, found by meaning: [`crate::Index::find`]), 129 (pairing flag), 12 (points),
//! 87/88 (validity), 72–81 (施設基準, [`super::baseup`]).

use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::RuleId;
use crate::{CodeSpec, FoundBy};
use chrono::NaiveDate;
use masters::{AnyVersion, Code, Procedure, Version};

/// The setting a visit's lines give, from the pairing flag (s col 129) of its billed lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Setting {
    /// flag 1: A000 初診料, B001-2 1イ/2イ, B001-2-11 初診.
    Shoshin,
    /// flag 3: A001, A002, A400 1, B001-2 1ロ/2ロ, B001-2-7/8/9/11 再診/12.
    Saishin,
    /// flag 5: C001 1イ/2イ, C003 (訪問診療時 イ).
    HoumonI,
    /// flag 7: C001 1ロ/2ロ, C001-2 (訪問診療時 ロ).
    HoumonRo,
}

impl Setting {
    pub fn of_flag(f: u8) -> Option<Setting> {
        match f {
            1 => Some(Setting::Shoshin),
            3 => Some(Setting::Saishin),
            5 => Some(Setting::HoumonI),
            7 => Some(Setting::HoumonRo),
            _ => None,
        }
    }
}

/// The setting of the visit (the first by 初診 → 再診 → 訪問 order) and the line that gives it.
pub fn setting(led: &Ledger<'_>) -> Option<(Setting, Code, std::sync::Arc<str>)> {
    led.visit_lines()
        .iter()
        .filter_map(|l| {
            let r = l.procedure()?;
            Setting::of_flag(r.baseup1).map(|s| (s, r.code, r.name.clone()))
        })
        .min_by_key(|(s, c, _)| (*s, *c))
}

/// A code of `codes` billed on `d` already (this claim or its history).
pub fn billed_on_day(ctx: &Ctx<'_>, led: &Ledger<'_>, d: NaiveDate, codes: &[Code]) -> Option<Code> {
    ctx.history
        .iter()
        .chain(led.billed.iter())
        .find(|b| b.date == d && codes.contains(&b.code))
        .map(|b| b.code)
}

/// Why `code` is not billed again on `d`, or `None`: its 05 算定回数 row decides when the set has
/// one (`rules::limits`); otherwise a code of `family` billed on `d` already (this claim or its
/// history) does, under the once-a-day rule `basis` names.
pub fn again_on_day(
    ctx: &Ctx<'_>,
    led: &Ledger<'_>,
    code: Code,
    family: &[Code],
    d: NaiveDate,
    basis: &str,
) -> Option<String> {
    if ctx.set.tensuhyo.santei_kaisu_on(code, d).next().is_some() {
        crate::rules::limits::reached(&ctx.set.tensuhyo, code, &[code.0], d, 1, &ctx.history, &led.billed)
            .map(|r| format!("{code} not billed again: {}", r.message()))
    } else {
        billed_on_day(ctx, led, d, family).map(|c| format!("{c} is billed on {d} already: {basis}"))
    }
}

/// Whether a listed row belongs to a family (matches one of its specs by meaning, or is one of
/// their fixed codes).
pub fn is_member(specs: &[CodeSpec], r: &Procedure) -> bool {
    specs
        .iter()
        .any(|s| s.fallback == r.code.0 || crate::Index::matches(s, r))
}

/// Marks the listed items of a family as taken (before `items::stage` would price them), so that
/// the family's stage reconciles them after the visit's lines are known.
pub fn take_listed(ctx: &Ctx<'_>, vs: &mut VisitState<'_>, specs: &[CodeSpec]) -> Vec<usize> {
    let mut out = Vec::new();
    for it in &ctx.items[vs.i] {
        if vs.consumed[it.idx] {
            continue;
        }
        if let AnyVersion::S(s) = it.v {
            if is_member(specs, &s.row) {
                vs.consumed[it.idx] = true;
                out.push(it.idx);
            }
        }
    }
    out
}

/// Points of one unit on `d`: the row's points, or `factor`× them from `from` when the master
/// has no version of its own dated from then (the 告示 multiplies 所定点数; no separate code).
pub fn dated_points(row: &Version<Procedure>, d: NaiveDate, from: NaiveDate, factor: i64) -> (i64, Option<String>) {
    let p = crate::ledger::procedure_points(&row.row).unwrap_or(0);
    if d < from {
        return (p, None);
    }
    if row.valid_from >= from {
        return (
            p,
            Some(format!(
                "the master row is dated from {} (on or after {from}): its points {p} are taken as they are",
                row.valid_from
            )),
        );
    }
    (
        p * factor,
        Some(format!(
            "from {from} 所定点数の100分の{}: row points {p} × {factor} = {} (computed: no master code carries the multiplied points)",
            factor * 100,
            p * factor
        )),
    )
}

/// What a family derived for a visit.
pub struct Derived<'c> {
    pub row: &'c Version<Procedure>,
    pub points: i64,
    pub rule: RuleId,
    pub source: &'static str,
    pub detail: String,
}

/// Reconciles the listed family items with the derived line: a listed code equal to the derived
/// one is billed as the input line (derived rule and points); any other listed code is removed —
/// the 通知 allows the item only with the lines it names ("算定した場合に限り") — with `why_not`;
/// the derived line is billed when no listed item took it.
#[allow(clippy::too_many_arguments)]
pub fn reconcile<'c>(
    ctx: &'c Ctx<'c>,
    led: &mut Ledger<'c>,
    vs: &VisitState<'c>,
    listed: &[usize],
    mut derived: Option<Derived<'c>>,
    remove_rule: RuleId,
    remove_source: &'static str,
    why_not: &str,
) {
    let (i, d) = (vs.i, vs.date);
    for &j in listed {
        let Some(it) = ctx.items[i].iter().find(|it| it.idx == j) else {
            continue;
        };
        let AnyVersion::S(row) = it.v else { continue };
        let at = Some(vs.at(j));
        match derived.take() {
            Some(dv) if dv.row.row.code == row.row.code => {
                let detail = led.detail(|| format!("listed; {}", dv.detail));
                led.bill_at(d, i, row, dv.points, Origin::Input, dv.rule, dv.source, detail, at);
            }
            other => {
                let why = match &other {
                    Some(dv) => format!(
                        "listed {} ({}) is not what the visit's lines give: {} ({})",
                        row.row.code, row.row.name, dv.row.row.code, dv.row.row.name
                    ),
                    None => format!("listed {} ({}): {why_not}", row.row.code, row.row.name),
                };
                led.diag(Level::Warning, "PAIRED_LISTED_REMOVED", why.clone(), vs.item_path(j));
                led.remove_s(d, row, 1, Origin::Input, remove_rule, remove_source, why, at);
                derived = other;
            }
        }
    }
    if let Some(dv) = derived {
        let detail = led.detail(|| dv.detail);
        led.bill_at(
            d,
            i,
            dv.row,
            dv.points,
            Origin::Derived,
            dv.rule,
            dv.source,
            detail,
            None,
        );
    }
}

/// The trace words for how a code was found.
pub fn found_note(by: FoundBy, spec: &CodeSpec, code: Code) -> String {
    by.describe(spec, code)
}
