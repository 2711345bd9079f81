//! C002 在宅時医学総合管理料 / C002-2 施設入居時等医学総合管理料 (月1回).
//!
//! ## 何をするか
//! The listed main rows (区分 C002, 枝番 0 / 2, 項番 1–3, names 在医総管 / 施医総管) are taken per
//! visit and billed at the month stage, once per calendar month (a second one in the month, or one
//! when `history` has one in the month, is removed). The row billed is chosen, by 区分・枝番・項番 and
//! name, from:
//! - 居宅 (C002, 枝番 0) or 施設入居者等 (C002-2, 枝番 2): `patient.home.facility`, else the listed
//!   code's 枝番;
//! - the tier (項番 1 機能強化型 床有/床無, 2 在支診・在支病, 3 other — [`super::tier`]);
//! - the month's 訪問診療 (C001 / C001-2 lines billed in the month, with `history`): 2 or more →
//!   「月２回以上」 (「別に厚生労働大臣が定める状態の患者」 → the 難病等 rows, `patient.home.severe`),
//!   1 → 「月１回」; none → the listed row is removed (注1: 定期的な訪問診療を行っている場合);
//! - 単一建物診療患者 (`patient.home.single_building_patients`): 1 / 2–9 / 10–19 / 20–49 / 50以上;
//! - 情報通信機器 rows only when the listed row is one (the claim says so by listing it).
//!
//! The 減 rows (注の100分の…) and 注８注１４ rows (helper `teigen`'s) are never chosen here.
//! The chosen row's 施設基準 (cols 72–81) must be held.
//!
//! ## 根拠
//! R6告示 C002 1–3, 注1 (月１回, 単一建物診療患者), C002-2 (ika-kokuji.txt PDF 001218731 p.132–138;
//! H). Counting 訪問診療 days of the calendar month: 「月２回以上訪問診療を行っている場合」 (H);
//! C000 往診 does not count (R6通知 C002(5): 訪問診療 only; **M** for the exact reading).
//!
//! ## 使うマスタ項目
//! cols 5, 12, 68, 72–81, 92–94.

use super::{assumed, find_row, holds_row_standards, month_of, tier, Tier};
use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::id;
use masters::{AnyVersion, Procedure, Version};

const SOURCE: &str = "R6告示 C002 在宅時医学総合管理料 / C002-2 施設入居時等医学総合管理料 (月１回; PDF 001218731 p.132–138): tier, 訪問回数, 単一建物診療患者";

/// A main row of C002 / C002-2.
pub fn is_main(p: &Procedure) -> bool {
    p.tbl_alpha == 'C'
        && p.tbl_kubun == 2
        && matches!(p.tbl_eda, 0 | 2)
        && (1..=3).contains(&p.tbl_kouban)
        && p.kokuji1 == b'1'
        && (p.name.starts_with("在医総管") || p.name.starts_with("施医総管"))
}

/// Takes the listed main rows (billed at the month stage).
pub fn take_listed(ctx: &Ctx<'_>, vs: &mut VisitState<'_>) {
    for it in &ctx.items[vs.i] {
        if let AnyVersion::S(s) = it.v {
            if !vs.consumed[it.idx] && is_main(&s.row) {
                vs.consumed[it.idx] = true;
            }
        }
    }
}

/// 単一建物診療患者数 → the suffix of the row's name.
pub fn building_suffix(n: u32) -> &'static str {
    match n {
        0 | 1 => "１人）",
        2..=9 => "２～９人）",
        10..=19 => "１０～１９人）",
        20..=49 => "２０～４９人）",
        _ => "５０人～）",
    }
}

/// Whether a row's name fits the facts.
pub fn fits(p: &Procedure, facility: bool, t: Tier, visits: u32, severe: bool, online: bool, building: &str) -> bool {
    let n = &*p.name;
    let prefix = if facility { "施医総管" } else { "在医総管" };
    let tier_ok = match t {
        Tier::Kyouka { beds: true } => n.contains("機能強化") && n.contains("床有"),
        Tier::Kyouka { beds: false } => n.contains("機能強化") && n.contains("床無"),
        Tier::Shien => n.contains("（在支診等・"),
        Tier::Other => n.contains("在支診等以外"),
    };
    let freq_ok = if visits >= 2 {
        n.contains("月２回") && (n.contains("難病等") == severe)
    } else {
        n.contains("月１回")
    };
    n.starts_with(prefix)
        && tier_ok
        && freq_ok
        && n.contains("通信機") == online
        && !n.contains("減）")
        && !n.contains("注８")
        && n.ends_with(building)
}

/// 訪問診療 billed in the month of `d` (claim lines and history).
fn visits_in_month(ctx: &Ctx<'_>, led: &Ledger<'_>, d: chrono::NaiveDate) -> u32 {
    let m = month_of(d);
    let from_lines: u32 = led
        .lines
        .iter()
        .filter(|l| month_of(l.date) == m && l.procedure().is_some_and(super::houmon::is_visit_row))
        .map(|l| l.count.max(1))
        .sum();
    let from_history: u32 = ctx
        .history
        .iter()
        .filter(|h| month_of(h.date) == m)
        .filter(|h| {
            ctx.set
                .s
                .lookup(h.code, h.date)
                .is_some_and(|v| super::houmon::is_visit_row(&v.row))
        })
        .map(|h| h.count.max(1))
        .sum();
    from_lines + from_history
}

/// The month stage: every listed main row, in visit order.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    let mut order: Vec<usize> = (0..ctx.claim.visits.len()).collect();
    order.sort_by_key(|&i| (ctx.claim.visits[i].date, i));
    let mut done: Vec<((i32, u32), masters::Code)> = Vec::new();
    for i in order {
        let d = ctx.claim.visits[i].date;
        for it in &ctx.items[i] {
            let AnyVersion::S(listed) = it.v else { continue };
            if !is_main(&listed.row) {
                continue;
            }
            let at = Some(crate::ledger::At::item(i, it.idx));
            let m = month_of(d);
            let in_history = ctx
                .history
                .iter()
                .find(|h| month_of(h.date) == m && ctx.set.s.lookup(h.code, h.date).is_some_and(|v| is_main(&v.row)));
            if let Some((_, c)) = done.iter().find(|(dm, _)| *dm == m) {
                let why = format!("{c} is billed in {}-{:02} already: 月１回", m.0, m.1);
                led.remove_s(d, listed, 1, Origin::Input, id::C002, SOURCE, why, at);
                continue;
            }
            if let Some(h) = in_history {
                let why = format!("history bills {} on {}: 月１回", h.code, h.date);
                led.remove_s(d, listed, 1, Origin::Input, id::C002, SOURCE, why, at);
                continue;
            }
            let home = ctx.claim.patient.home.as_ref();
            let facility = home.and_then(|h| h.facility).unwrap_or(listed.row.tbl_eda == 2);
            let n = match home.and_then(|h| h.single_building_patients) {
                Some(n) => n,
                None => {
                    assumed(
                        led,
                        "patient.home.single_building_patients".into(),
                        "在総管/施設総管: patient.home.single_building_patients not given: assumed 1 (単一建物診療患者が１人)".into(),
                    );
                    1
                }
            };
            let severe = match home.and_then(|h| h.severe) {
                Some(b) => b,
                None => {
                    assumed(
                        led,
                        "patient.home.severe".into(),
                        "在総管/施設総管: patient.home.severe not given: assumed not 別に厚生労働大臣が定める状態 (no 難病等 row)".into(),
                    );
                    false
                }
            };
            let t = tier(ctx, d);
            let visits = visits_in_month(ctx, led, d);
            let online = listed.row.name.contains("通信機");
            if visits == 0 {
                let why = format!(
                    "no 訪問診療 (C001 / C001-2) billed in {}-{:02}: 在総管 needs 定期的な訪問診療 (R6告示 C002注1)",
                    m.0, m.1
                );
                led.diag(
                    Level::Warning,
                    "ZAITAKU_NO_VISIT",
                    why.clone(),
                    crate::ledger::At::item(i, it.idx).path(),
                );
                led.remove_s(d, listed, 1, Origin::Input, id::C002, SOURCE, why, at);
                continue;
            }
            let building = building_suffix(n);
            let row: Option<&'c Version<Procedure>> =
                find_row(ctx, d, 2, Some(if facility { 2 } else { 0 }), None, |p| {
                    is_main(p) && fits(p, facility, t, visits, severe, online, building)
                });
            let Some(row) = row else {
                led.diag(
                    Level::Warning,
                    "ZAITAKU_ROW_MISSING",
                    format!(
                        "no C002 row for {} / {} / 訪問 {visits} / 単一建物 {n} on {d}; listed row billed as is",
                        if facility { "施設入居時等" } else { "在宅時" },
                        t.label()
                    ),
                    crate::ledger::At::item(i, it.idx).path(),
                );
                led.bill_s(d, i, listed, 1, Origin::Input, id::C002, SOURCE, None, at, None);
                done.push((m, listed.row.code));
                continue;
            };
            if !holds_row_standards(ctx, &row.row, d) {
                let why = format!(
                    "{} {} needs 施設基準 {:?} (cols 72–81), not held",
                    row.row.code, row.row.name, row.row.facility_standards
                );
                led.remove_s(d, listed, 1, Origin::Input, id::C002, SOURCE, why, at);
                continue;
            }
            if row.row.code != listed.row.code {
                led.diag(
                    Level::Info,
                    "ZAITAKU_VARIANT",
                    format!(
                        "{} {} listed; the facts give {} {}",
                        listed.row.code, listed.row.name, row.row.code, row.row.name
                    ),
                    crate::ledger::At::item(i, it.idx).path(),
                );
            }
            let detail = led.detail(|| {
                format!(
                    "{}; {}; 訪問診療 {visits} in {}-{:02} ({}); 単一建物診療患者 {n}; row {} {}",
                    if facility {
                        "施設入居者等 (C002-2)"
                    } else {
                        "居宅 (C002)"
                    },
                    t.label(),
                    m.0,
                    m.1,
                    if visits >= 2 { "月２回以上" } else { "月１回" },
                    row.row.code,
                    row.row.name
                )
            });
            led.bill_s(d, i, row, 1, Origin::Input, id::C002, SOURCE, detail, at, None);
            done.push((m, row.row.code));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;
    #[test]
    fn names() {
        let mut p = blank_procedure();
        p.name = "在医総管（在支診等・月２回～１人）".into();
        assert!(fits(&p, false, Tier::Shien, 2, false, false, building_suffix(1)));
        assert!(!fits(&p, false, Tier::Shien, 2, true, false, building_suffix(1)));
        assert!(!fits(&p, false, Tier::Shien, 1, false, false, building_suffix(1)));
        assert!(!fits(&p, true, Tier::Shien, 2, false, false, building_suffix(1)));
        p.name = "在医総管（在支診等以外・月１回・２～９人）".into();
        assert!(fits(&p, false, Tier::Other, 1, false, false, building_suffix(5)));
        p.name = "在医総管（在支診等以外・月２回～１０～１９人・注８注１４）".into();
        assert!(!fits(
            &p,
            false,
            Tier::Other,
            2,
            false,
            false,
            "１０～１９人・注８注１４）"
        ));
        p.name = "施医総管（機能強化在支診等・床有・月２回～１０～１９人減）".into();
        assert!(!fits(
            &p,
            true,
            Tier::Kyouka { beds: true },
            2,
            false,
            false,
            "１０～１９人減）"
        ));
        assert_eq!(building_suffix(19), "１０～１９人）");
        assert_eq!(building_suffix(50), "５０人～）");
        // "１人）" does not match "１９人）"
        assert!(!"１０～１９人）".ends_with(building_suffix(1)));
    }
}
