//! The checking stage after pricing: the 医科電子点数表 applied to the billed lines.
//!
//! ## 何をするか
//! - **包括 (02)**: when the set holds the 02 包括テーブル, a billed 親 removes the billed 子 of the
//!   groups its 01 row links, within the link's 包括単位 (1日 / 同一月 / 同時).
//! - **背反 (03-1 … 03-4)**: for every billed pair the tables list, within the file's scope
//!   (1日 = same date, 同一月 = the calendar month incl. `history`, 同時 = the same visit,
//!   1週間 = the same Sunday–Saturday week), 背反区分 1 keeps ①, 2 keeps ②, 3 keeps the one billed
//!   first (a line of `history` always stays; on the same visit the higher-point line stays) — the
//!   table does not say which, so the choice is santei's policy and the trace says so.
//! - **算定回数 (05)**: each code's limit per 算定単位 (日, 週, 月, 2–12月, 年度, 患者当り …): lines
//!   beyond the limit, counted with `history` in date order, are removed.
//! - A row whose 特例条件 is 1 (the outcome depends on facts the claim does not carry) gives a
//!   diagnostic instead of a removal.
//!
//! Every removal names the table, the file and line, and whether the row is official or from an
//! override file.
//!
//! ## 根拠
//! SSK 「医科電子点数表の活用手引き 令和６年度版」 (tensuhyo_01.pdf) pp.16–24, 27–37 (table
//! semantics, 背反区分, 算定単位) — `shared/spec/tensuhyo.md`. 週 = Sunday–Saturday, 月 = calendar
//! month (R6通知 通則6; H).
//!
//! ## 使うマスタ項目
//! 電子点数表 01 (包括 links), 02, 03-1…03-4 (①, ②, 背反区分, 特例条件), 05 (算定単位, 上限回数, 特例条件).

use crate::context::Billed;
use crate::context::Ctx;
use crate::ledger::{At, Entry as Line, Ledger};
use crate::outcome::{Diagnostic, Level};
use crate::rules::{id, RuleId};
use chrono::{Datelike, NaiveDate};
use masters::tensuhyo::{
    HaihanKubun, HaihanRow, HaihanScope, KaisuUnit, SpecialCondition, TableLayer, Tensuhyo, UnitSpan,
};
use masters::Code;

fn provenance(t: &Tensuhyo, layer: TableLayer, at: masters::tensuhyo::TableRowRef) -> String {
    let origin = match layer {
        TableLayer::Official => "official",
        TableLayer::Override => "override",
    };
    format!("{} ({origin})", t.locate(at))
}

fn same_week(a: NaiveDate, b: NaiveDate) -> bool {
    let start = |d: NaiveDate| d - chrono::Duration::days(d.weekday().num_days_from_sunday() as i64);
    start(a) == start(b)
}

fn in_scope(scope: HaihanScope, a: &Line<'_>, b: &Line<'_>) -> bool {
    match scope {
        HaihanScope::Day => a.date == b.date,
        HaihanScope::Month => (a.date.year(), a.date.month()) == (b.date.year(), b.date.month()),
        HaihanScope::SameTime => a.date == b.date && a.visit == b.visit,
        HaihanScope::Week => same_week(a.date, b.date),
    }
}

fn remove<'c>(
    lines: &mut [Option<Line<'c>>],
    removed: &mut Vec<Line<'c>>,
    i: usize,
    rule: RuleId,
    source: String,
    why: String,
) {
    if let Some(mut l) = lines[i].take() {
        l.rule = rule;
        l.source = source.into();
        l.detail = Some(why);
        removed.push(l);
    }
}

/// The checking stage: the tables applied to everything the claim billed.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    let lines = std::mem::take(&mut led.lines);
    led.lines = check(&ctx.set.tensuhyo, lines, &mut led.removed, &mut led.diags, &ctx.history);
}

/// Applies the tables; `history` is the patient's earlier billing.
pub fn check<'c>(
    t: &Tensuhyo,
    lines: Vec<Line<'c>>,
    removed: &mut Vec<Line<'c>>,
    diags: &mut Vec<Diagnostic>,
    history: &[Billed],
) -> Vec<Line<'c>> {
    if !t.missing.is_empty() {
        diags.push(Diagnostic {
            level: Level::Info,
            code: "TENSUHYO_MISSING",
            message: format!(
                "電子点数表 tables absent from the master set, not applied: {}",
                t.missing.join(", ")
            ),
            path: String::new(),
        });
    }
    if t.files.is_empty() {
        return lines;
    }
    let mut slots: Vec<Option<Line<'c>>> = lines.into_iter().map(Some).collect();
    let codes: Vec<Option<Code>> = slots.iter().map(|l| l.as_ref().map(|l| l.code)).collect();
    let code_of = |l: &Line<'_>| Some(l.code);
    hokatsu(t, &mut slots, removed, code_of);
    haihan(t, &mut slots, removed, diags, history, &codes);
    kaisu(t, &mut slots, removed, diags, history, &codes);
    slots.into_iter().flatten().collect()
}

fn hokatsu<'c>(
    t: &Tensuhyo,
    slots: &mut [Option<Line<'c>>],
    removed: &mut Vec<Line<'c>>,
    code_of: impl Fn(&Line<'_>) -> Option<Code>,
) {
    if !t.has(masters::tensuhyo::TableId::Hokatsu) {
        return;
    }
    for i in 0..slots.len() {
        let Some(parent) = slots[i].clone() else { continue };
        let Some(pc) = code_of(&parent) else { continue };
        for h in t.hokatsu_for_on(pc, parent.date) {
            for j in 0..slots.len() {
                if i == j {
                    continue;
                }
                let Some(child) = slots[j].as_ref() else { continue };
                if code_of(child) != Some(h.child.code) {
                    continue;
                }
                let window = match h.unit {
                    masters::tensuhyo::HokatsuUnit::Day => child.date == parent.date,
                    masters::tensuhyo::HokatsuUnit::Month => child.date.month() == parent.date.month(),
                    masters::tensuhyo::HokatsuUnit::SameTime => {
                        child.date == parent.date && child.visit == parent.visit
                    }
                    _ => false,
                };
                if !window {
                    continue;
                }
                if h.child.special != SpecialCondition::Unconditional {
                    continue;
                }
                let why = format!(
                    "included in {} {} ({:?}) — 02 包括テーブル {}",
                    parent.code,
                    parent.row.name(),
                    h.unit,
                    provenance(t, h.child.meta.layer, h.child.meta.at)
                );
                remove(
                    slots,
                    removed,
                    j,
                    id::TENSUHYO_02_HOKATSU,
                    "医科電子点数表 02 包括テーブル".into(),
                    why,
                );
            }
        }
    }
}

fn haihan<'c>(
    t: &Tensuhyo,
    slots: &mut [Option<Line<'c>>],
    removed: &mut Vec<Line<'c>>,
    diags: &mut Vec<Diagnostic>,
    history: &[Billed],
    codes: &[Option<Code>],
) {
    // The distinct codes of the claim and of the history: the only possible partners.
    let mut partners: Vec<Code> = codes
        .iter()
        .flatten()
        .copied()
        .chain(history.iter().map(|h| h.code))
        .collect();
    partners.sort_unstable();
    partners.dedup();
    let mut warned: Vec<(u32, u32)> = Vec::new();
    for i in 0..slots.len() {
        let Some(ac) = codes[i] else { continue };
        for scope in HaihanScope::ALL {
            // Rows with ① = ac, sorted by ②; the tables hold both directions of every pair.
            let rows = t.haihan(scope, ac);
            if rows.is_empty() {
                continue;
            }
            for &bc in &partners {
                if bc == ac {
                    continue;
                }
                let lo = rows.partition_point(|r| r.code2 < bc);
                for r in rows[lo..].iter().take_while(|r| r.code2 == bc) {
                    let Some(a) = slots[i].as_ref() else { break };
                    if !r.covers(a.date) {
                        continue;
                    }
                    apply_pair(t, slots, removed, diags, history, codes, &mut warned, i, ac, bc, r);
                }
                if slots[i].is_none() {
                    break;
                }
            }
            if slots[i].is_none() {
                break;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_pair<'c>(
    t: &Tensuhyo,
    slots: &mut [Option<Line<'c>>],
    removed: &mut Vec<Line<'c>>,
    diags: &mut Vec<Diagnostic>,
    history: &[Billed],
    codes: &[Option<Code>],
    warned: &mut Vec<(u32, u32)>,
    i: usize,
    ac: Code,
    bc: Code,
    r: &HaihanRow,
) {
    let Some(a) = slots[i].as_ref() else { return };
    let (a_date, a_visit, a_pts) = (a.date, a.visit, a.points.saturating_mul(i64::from(a.count)));
    let rule_src = || format!("医科電子点数表 03 背反テーブル ({})", r.scope.name_ja());
    // Against history (day / month / week scopes): a history line always stays.
    if matches!(r.scope, HaihanScope::Month | HaihanScope::Week | HaihanScope::Day) {
        let hit = history.iter().find(|h| {
            h.code == bc
                && match r.scope {
                    HaihanScope::Month => (h.date.year(), h.date.month()) == (a_date.year(), a_date.month()),
                    HaihanScope::Week => same_week(h.date, a_date),
                    _ => h.date == a_date,
                }
        });
        if let Some(h) = hit {
            let drop_a = match r.kubun {
                HaihanKubun::KeepFirst => r.code1 != ac,
                HaihanKubun::KeepSecond => r.code2 != ac,
                _ => true,
            };
            if r.special != SpecialCondition::Unconditional {
                note(diags, warned, t, r, slots[i].as_ref().expect("present"));
            } else if drop_a {
                let why = format!(
                    "{bc} billed on {} (history): 背反 {} {:?}, {}",
                    h.date,
                    r.scope.name_ja(),
                    r.kubun,
                    provenance(t, r.meta.layer, r.meta.at)
                );
                remove(slots, removed, i, id::TENSUHYO_03_HAIHAN, rule_src(), why);
            }
            return;
        }
    }
    for j in 0..slots.len() {
        if j == i || codes[j] != Some(bc) {
            continue;
        }
        let Some(b) = slots[j].as_ref() else { continue };
        let Some(a) = slots[i].as_ref() else { return };
        if !in_scope(r.scope, a, b) {
            continue;
        }
        if r.special != SpecialCondition::Unconditional {
            note(diags, warned, t, r, a);
            continue;
        }
        let (b_date, b_visit, b_pts) = (b.date, b.visit, b.points.saturating_mul(i64::from(b.count)));
        let (drop, policy) = match r.kubun {
            HaihanKubun::KeepFirst => (if r.code1 == ac { j } else { i }, "背反区分 1: ① is billed"),
            HaihanKubun::KeepSecond => (if r.code2 == ac { j } else { i }, "背反区分 2: ② is billed"),
            _ => {
                // 3 (either): keep the one billed first; on the same visit the higher points.
                let a_first =
                    (a_date, a_visit) < (b_date, b_visit) || ((a_date, a_visit) == (b_date, b_visit) && a_pts >= b_pts);
                (
                    if a_first { j } else { i },
                    "背反区分 3: either one — santei keeps the line billed first (same visit: the higher points)",
                )
            }
        };
        let kept = if drop == i { b } else { a };
        let why = format!(
            "{} with {} {} on {}; {}; {}",
            r.scope.name_ja(),
            kept.code,
            kept.row.name(),
            kept.date,
            policy,
            provenance(t, r.meta.layer, r.meta.at)
        );
        remove(slots, removed, drop, id::TENSUHYO_03_HAIHAN, rule_src(), why);
        if drop == i {
            return;
        }
    }
}

fn note(diags: &mut Vec<Diagnostic>, warned: &mut Vec<(u32, u32)>, t: &Tensuhyo, r: &HaihanRow, a: &Line<'_>) {
    // One warning per pair (the tables hold both directions of it).
    let (lo, hi) = if r.code1 <= r.code2 {
        (r.code1, r.code2)
    } else {
        (r.code2, r.code1)
    };
    let key = (lo.0, hi.0);
    if warned.contains(&key) {
        return;
    }
    warned.push(key);
    diags.push(Diagnostic {
        level: Level::Warning,
        code: "HAIHAN_CONDITIONAL",
        message: format!(
            "{} {} and {} {}: 背反 ({}) with 特例条件 — whether both may be billed depends on facts the claim does not carry; both kept, check by hand ({})",
            r.code1,
            r.name1(),
            r.code2,
            r.name2(),
            r.scope.name_ja(),
            provenance(t, r.meta.layer, r.meta.at)
        ),
        path: a.at.map(At::path).unwrap_or_default(),
    });
}

/// The first day of the counting window of `unit` that contains `d`, or `None` when the unit
/// is not a calendar window (per 手術, 入院 …: not applied to outpatient claims here).
pub(crate) fn window_start(unit: KaisuUnit, d: NaiveDate) -> Option<NaiveDate> {
    match unit {
        KaisuUnit::Patient => Some(NaiveDate::MIN),
        _ => match unit.span()? {
            UnitSpan::Days(1) => Some(d),
            UnitSpan::Days(_) => None,
            UnitSpan::Weeks(n) => {
                let sunday = d - chrono::Duration::days(d.weekday().num_days_from_sunday() as i64);
                Some(sunday - chrono::Duration::weeks(n as i64 - 1))
            }
            UnitSpan::Months(n) => {
                let total = d.year() * 12 + d.month0() as i32 - (n as i32 - 1);
                NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1)
            }
            UnitSpan::FiscalYear => {
                let y = if d.month() >= 4 { d.year() } else { d.year() - 1 };
                NaiveDate::from_ymd_opt(y, 4, 1)
            }
        },
    }
}

fn kaisu<'c>(
    t: &Tensuhyo,
    slots: &mut [Option<Line<'c>>],
    removed: &mut Vec<Line<'c>>,
    diags: &mut Vec<Diagnostic>,
    history: &[Billed],
    codes: &[Option<Code>],
) {
    let mut order: Vec<usize> = (0..slots.len())
        .filter(|i| slots[*i].is_some() && codes[*i].is_some())
        .collect();
    order.sort_by_key(|i| slots[*i].as_ref().map(|l| (l.date, l.visit)));
    for pos in 0..order.len() {
        let i = order[pos];
        let Some(c) = codes[i] else { continue };
        let Some((l_date, l_count)) = slots[i].as_ref().map(|l| (l.date, l.count)) else {
            continue;
        };
        let rows = t.santei_kaisu(c);
        if rows.is_empty() {
            continue;
        }
        for r in rows.iter().filter(|r| r.covers(l_date)) {
            let Some(start) = window_start(r.unit, l_date) else {
                continue;
            };
            let before_hist: u32 = history
                .iter()
                .filter(|h| h.code == c && h.date >= start && h.date <= l_date)
                .map(|h| h.count.max(1))
                .sum();
            let before_claim: u32 = order[..pos]
                .iter()
                .filter(|k| codes[**k] == Some(c))
                .filter_map(|k| slots[*k].as_ref())
                .filter(|o| o.date >= start && o.date <= l_date)
                .map(|o| o.count)
                .sum();
            let used = before_hist + before_claim;
            let max = r.max_count as u32;
            if used + l_count <= max {
                continue;
            }
            let Some(l) = slots[i].as_ref() else { break };
            if r.special != SpecialCondition::Unconditional {
                diags.push(Diagnostic {
                    level: Level::Warning,
                    code: "KAISU_CONDITIONAL",
                    message: format!(
                        "{} {}: over {} 回 per {} but the limit has 特例条件 — check by hand ({})",
                        l.code,
                        l.row.name(),
                        max,
                        r.unit.name_ja().unwrap_or("?"),
                        provenance(t, r.meta.layer, r.meta.at)
                    ),
                    path: l.at.map(At::path).unwrap_or_default(),
                });
                continue;
            }
            let why = format!(
                "算定回数 {} 回 per {} already reached ({} billed in the window from {}), {}",
                max,
                r.unit.name_ja().unwrap_or("?"),
                used,
                if start == NaiveDate::MIN {
                    "the first visit".to_string()
                } else {
                    start.to_string()
                },
                provenance(t, r.meta.layer, r.meta.at)
            );
            if used >= max {
                remove(
                    slots,
                    removed,
                    i,
                    id::TENSUHYO_05_KAISU,
                    "医科電子点数表 05 算定回数テーブル".into(),
                    why,
                );
                break;
            } else if let Some(line) = slots[i].as_mut() {
                // Part of the count fits: bill the allowed count, remove the rest.
                let allowed = max - used;
                let mut extra = line.clone();
                extra.count = line.count - allowed;
                line.count = allowed;
                extra.rule = id::TENSUHYO_05_KAISU;
                extra.source = "医科電子点数表 05 算定回数テーブル".into();
                extra.detail = Some(why);
                removed.push(extra);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    #[test]
    fn windows() {
        assert_eq!(window_start(KaisuUnit::Month, d(2025, 5, 20)), Some(d(2025, 5, 1)));
        assert_eq!(
            window_start(KaisuUnit::ThreeMonths, d(2025, 2, 20)),
            Some(d(2024, 12, 1))
        );
        assert_eq!(window_start(KaisuUnit::Week, d(2025, 5, 21)), Some(d(2025, 5, 18))); // Wednesday → Sunday
        assert_eq!(window_start(KaisuUnit::FiscalYear, d(2025, 2, 1)), Some(d(2024, 4, 1)));
        assert!(same_week(d(2025, 5, 18), d(2025, 5, 24)));
        assert!(!same_week(d(2025, 5, 17), d(2025, 5, 18)));
    }
}
