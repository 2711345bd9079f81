//! C000 往診料 and its 注1 / 注2 加算.
//!
//! ## 何をするか
//! A listed 往診料 (C000, 枝番 0, 項番 0) is billed at its row; then
//! - **注1** 緊急往診加算 / 夜間・休日往診加算 / 深夜往診加算: the visit's 往診 time class (below)
//!   picks the 時間加算区分 (col 43: 0 緊急, 7 夜間, 2 休日, 4 深夜) and the facility's tier (イ
//!   機能強化型 病床あり/なし, ロ 在支診・在支病, ハ other) or 注1 ニ (a patient not 別に定める) picks
//!   the row among the C000 項番 1 rows (not 特別往診) by name; the row's 施設基準 (cols 72–81) must
//!   be held. A listed 注1 row is billed as input when it is the derived one, removed otherwise.
//! - **注2** 患家診療時間加算: with `visits[].home.minutes` (or the listed row's quantity) above 60,
//!   the row's きざみ値 (cols 30–35: 100点, 下限 90, きざみ 30 × 100) prices it.
//!
//! ## 根拠
//! - R6告示 C000注1 イ–ニ, 注2 (ika-kokuji.txt 第2部 第1節 C000, PDF 001218731 p.127–128; H).
//! - R6通知 C000(2)–(7) (ika-tsuchi.txt, PDF 001220532 p.225–226): 緊急往診加算 = 標榜時間内, urgent
//!   (「概ね午前８時から午後１時まで」 is not enforced: **M**); 夜間 = 18:00–08:00 (深夜を除く),
//!   深夜 = 22:00–06:00, 休日 = 日曜・祝日・12/29–1/3, and 「これらの時間帯が標榜時間に含まれる
//!   場合」 neither 夜間・休日 nor 深夜 applies (H). An explicit `time_class` maps 休日 → 休日,
//!   深夜 → 深夜, 時間外/夜間・早朝等 → 夜間 (**M**), regular → 緊急 when `urgent`.
//! - 注1 ニ 「別に厚生労働大臣が定める患者以外」: `visits[].home.defined_patient` (claim field;
//!   absent → assumed 定める患者, said by `ZAITAKU_ASSUMED`).
//! - R6通知 C000(9): 診療時間 = 実際に診療に当たっている時間 (the claim's minutes).
//!
//! ## 使うマスタ項目
//! cols 5, 12, 30–35, 43, 68, 72–81, 92–94.

use super::{assumed, find_row, holds_row_standards, listed, tier, Tier};
use crate::calendar;
use crate::claim::TimeClass;
use crate::context::{Ctx, VisitState};
use crate::ledger::{At, Entry, Ledger};
use crate::outcome::{Level, Origin};
use crate::rules::{id, items, jikan};
use chrono::Datelike;
use masters::{Procedure, Version};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

const SOURCE: &str = "R6告示 C000 往診料 (PDF 001218731 p.127); points from the master row";
const SOURCE_CHU1: &str = "R6告示 C000注1 イ–ニ (p.127–128); R6通知 C000(2)–(7) (p.225–226): time class and tier";
const SOURCE_CHU2: &str = "R6告示 C000注2 / C001注5 患家診療時間加算: 1時間を超えた場合 30分又はその端数を増すごとに100点 (きざみ値 cols 30–35)";

/// The 往診 time class: the 時間加算区分 (col 43) of the 注1 row, and why.
pub fn oushin_time(ctx: &Ctx<'_>, vi: usize) -> (Option<u8>, String) {
    let v = &ctx.claim.visits[vi];
    let d = v.date;
    if let Some(tc) = v.time_class {
        return match tc {
            TimeClass::Holiday => (Some(2), "time_class holiday: 休日往診".into()),
            TimeClass::LateNight => (Some(4), "time_class late_night: 深夜往診".into()),
            TimeClass::AfterHours | TimeClass::NightEarly => {
                (Some(7), format!("time_class {tc:?}: 夜間往診 (M: read as 18:00–08:00)"))
            }
            TimeClass::Regular if v.urgent => (Some(0), "time_class regular, urgent: 緊急往診".into()),
            TimeClass::Regular => (None, "time_class regular, not urgent: no 注1 加算".into()),
        };
    }
    let Some(min) = v.time.as_deref().and_then(calendar::parse_hhmm) else {
        return if v.urgent {
            (Some(0), "no time given, urgent: 緊急往診 (標榜時間内 assumed)".into())
        } else {
            (None, "no time given: no 注1 加算".into())
        };
    };
    let holiday = calendar::is_fee_holiday(d);
    let within = jikan::within_hours(ctx, d, min).unwrap_or_else(|| {
        // the standard hours (weekdays 08:00–18:00, Saturday 08:00–12:00), as rules/jikan
        !holiday && !calendar::is_outside_standard_day(d, min)
    }) && !(holiday && d.weekday() != chrono::Weekday::Sun);
    if within {
        return if v.urgent {
            (Some(0), "within 標榜時間, urgent: 緊急往診 (R6通知 C000(2))".into())
        } else {
            (
                None,
                "within 標榜時間, not urgent: no 注1 加算 (R6通知 C000(6): 標榜時間内は夜間・深夜加算なし)".into(),
            )
        };
    }
    if calendar::is_late_night(min) {
        (
            Some(4),
            "22:00–06:00 outside 標榜時間: 深夜往診 (R6通知 C000(6))".into(),
        )
    } else if holiday {
        (Some(2), "休日 outside 標榜時間: 休日往診 (R6通知 C000(7))".into())
    } else if !(480..1080).contains(&min) {
        (
            Some(7),
            "18:00–08:00 outside 標榜時間: 夜間往診 (R6通知 C000(6))".into(),
        )
    } else {
        (
            None,
            "daytime outside 標榜時間: neither 緊急 (標榜時間内 only) nor 夜間・休日・深夜".into(),
        )
    }
}

/// The words of the 注1 row's name for a tier, or 注1 ニ.
fn tier_pred(t: Tier, defined: bool) -> impl Fn(&Procedure) -> bool {
    move |p: &Procedure| {
        let n = &*p.name;
        if n.contains("特別往診") {
            return false;
        }
        if !defined {
            return n.contains("定める患者以外");
        }
        match t {
            Tier::Kyouka { beds: true } => n.contains("機能強化") && n.contains("病床あり"),
            Tier::Kyouka { beds: false } => n.contains("機能強化") && n.contains("病床なし"),
            Tier::Shien => n.contains("（在支診等）"),
            Tier::Other => n.contains("（在支診等以外）"),
        }
    }
}

pub fn is_oushin_base(p: &Procedure) -> bool {
    p.tbl_alpha == 'C'
        && p.tbl_kubun == 0
        && p.tbl_eda == 0
        && p.tbl_kouban == 0
        && p.kokuji1 == b'1'
        && &*p.name == "往診料"
}

/// The 往診料 stage of one visit.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>) {
    let (i, d) = (vs.i, vs.date);
    let bases = listed(ctx, vs, is_oushin_base);
    let Some(&(bidx, base)) = bases.first() else {
        return;
    };
    let v = &ctx.claim.visits[i];
    let item = &v.items[bidx];
    vs.consumed[bidx] = true;
    let detail = led.detail(|| format!("C000 {}: priced from the master row valid on {d}", base.row.name));
    led.bill_s(
        d,
        i,
        base,
        item.count.unwrap_or(1),
        Origin::Input,
        id::C000,
        SOURCE,
        detail,
        Some(vs.at(bidx)),
        item.rp.as_deref(),
    );
    // --- 注1 -------------------------------------------------------------------------------
    let listed_chu1 = listed(ctx, vs, |p| {
        p.tbl_alpha == 'C' && p.tbl_kubun == 0 && p.tbl_eda == 0 && p.tbl_kouban == 1 && !p.name.contains("特別往診")
    });
    for (j, _) in &listed_chu1 {
        vs.consumed[*j] = true;
    }
    let (tk, why_time) = oushin_time(ctx, i);
    let defined = match v.home.as_ref().and_then(|h| h.defined_patient) {
        Some(b) => b,
        None => {
            if tk.is_some() {
                assumed(
                    led,
                    format!("visits[{i}].home.defined_patient"),
                    "往診: visits[].home.defined_patient not given: assumed 別に厚生労働大臣が定める患者 (R6告示 C000注1 イ–ハ, not ニ)".into(),
                );
            }
            true
        }
    };
    let t = tier(ctx, d);
    let derived: Option<&'c Version<Procedure>> = tk.and_then(|tk| {
        let pred = tier_pred(t, defined);
        find_row(ctx, d, 0, Some(0), Some(1), |p| p.time_kasan == tk && pred(p))
    });
    let mut why_not = why_time.clone();
    let derived = match derived {
        Some(row) if !holds_row_standards(ctx, &row.row, d) => {
            why_not = format!(
                "{} {} needs 施設基準 {:?} (cols 72–81), not held",
                row.row.code, row.row.name, row.row.facility_standards
            );
            None
        }
        Some(row) => Some(row),
        None => {
            if tk.is_some() {
                led.diag(
                    Level::Warning,
                    "ZAITAKU_ROW_MISSING",
                    format!(
                        "往診料 注1: no C000 項番 1 row for 時間加算区分 {tk:?} and {} on {d}",
                        t.label()
                    ),
                    vs.path(),
                );
            }
            None
        }
    };
    if let Some(row) = derived {
        let hit = listed_chu1
            .iter()
            .find(|(_, r)| r.row.code == row.row.code)
            .map(|(j, _)| *j);
        let detail = led.detail(|| {
            format!(
                "{why_time}; {} ({}); row {} {} (時間加算区分 {})",
                t.label(),
                if defined {
                    "定める患者: 注1 イ–ハ"
                } else {
                    "定める患者以外: 注1 ニ"
                },
                row.row.code,
                row.row.name,
                row.row.time_kasan
            )
        });
        let origin = if hit.is_some() { Origin::Input } else { Origin::Derived };
        led.bill_s(
            d,
            i,
            row,
            1,
            origin,
            id::C000_KASAN,
            SOURCE_CHU1,
            detail,
            hit.map(|j| vs.at(j)),
            None,
        );
    }
    for (j, r) in &listed_chu1 {
        if derived.is_some_and(|x| x.row.code == r.row.code) {
            continue;
        }
        let why = match derived {
            Some(x) => format!("the visit gives {} {} instead ({why_time})", x.row.code, x.row.name),
            None => format!("no 注1 加算 on this 往診: {why_not}"),
        };
        led.remove_s(
            d,
            r,
            1,
            Origin::Input,
            id::C000_KASAN,
            SOURCE_CHU1,
            why,
            Some(vs.at(*j)),
        );
    }
    // --- 注2 -------------------------------------------------------------------------------
    kanka_jikan(ctx, led, vs, 0, 2, "往診料");
}

/// 患家診療時間加算 of 往診料 (C000注2: 項番 2) or 訪問診療料 (C001注5: 項番 4): from
/// `visits[].home.minutes` or the listed row's quantity.
pub fn kanka_jikan<'c>(
    ctx: &'c Ctx<'c>,
    led: &mut Ledger<'c>,
    vs: &mut VisitState<'c>,
    kubun: u16,
    kouban: u16,
    of: &str,
) {
    let (i, d) = (vs.i, vs.date);
    let v = &ctx.claim.visits[i];
    let pred = |p: &Procedure| {
        p.tbl_alpha == 'C'
            && p.tbl_kubun == kubun
            && p.tbl_eda == 0
            && p.tbl_kouban == kouban
            && p.name.contains("患家診療時間加算")
            && !p.name.contains("特別往診")
    };
    let listed_rows = listed(ctx, vs, pred);
    for (j, _) in &listed_rows {
        vs.consumed[*j] = true;
    }
    let minutes: Option<Decimal> = v
        .home
        .as_ref()
        .and_then(|h| h.minutes)
        .map(Decimal::from)
        .or_else(|| listed_rows.first().and_then(|(j, _)| v.items[*j].quantity));
    let Some(row) = find_row(ctx, d, kubun, Some(0), Some(kouban), pred) else {
        return;
    };
    let Some(m) = minutes else {
        assumed(
            led,
            format!("visits[{i}].home.minutes"),
            format!(
                "{of}: visits[].home.minutes not given: 患家診療時間 assumed not over 1 hour (no 患家診療時間加算)"
            ),
        );
        for (j, r) in &listed_rows {
            led.remove_s(
                d,
                r,
                1,
                Origin::Input,
                id::C_KANKA_JIKAN,
                SOURCE_CHU2,
                "no minutes given (visits[].home.minutes or the item's quantity)".into(),
                Some(vs.at(*j)),
            );
        }
        return;
    };
    let pts = row
        .row
        .step
        .as_ref()
        .and_then(|s| items::step_points(s, row.row.points, m))
        .and_then(|p| {
            p.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .to_i64()
        });
    let hit = listed_rows
        .iter()
        .find(|(_, r)| r.row.code == row.row.code)
        .map(|(j, _)| *j);
    match pts {
        Some(p) if m > Decimal::from(60) => {
            let detail = led.detail(|| {
                let s = row.row.step.as_ref();
                format!(
                    "患家診療時間 {m} 分 > 60: {p} 点 (きざみ値: 点数 {}, 下限 {}, きざみ {} × {})",
                    row.row.points,
                    s.map_or(0, |s| s.lower),
                    s.map_or(0, |s| s.step),
                    s.map_or(Decimal::ZERO, |s| s.step_points)
                )
            });
            led.bill(Entry {
                date: d,
                code: row.row.code,
                row: masters::AnyVersion::S(row),
                points: p,
                count: 1,
                section: crate::rules::sections::Section::of_procedure(&row.row),
                origin: if hit.is_some() { Origin::Input } else { Origin::Derived },
                rule: id::C_KANKA_JIKAN,
                source: SOURCE_CHU2.into(),
                detail,
                at: hit.map(|j| At::item(i, j)),
                visit: i,
                rp: None,
            });
            for (j, r) in &listed_rows {
                if Some(*j) != hit {
                    led.remove_s(
                        d,
                        r,
                        1,
                        Origin::Input,
                        id::C_KANKA_JIKAN,
                        SOURCE_CHU2,
                        format!("{} is the 加算 of this visit", row.row.code),
                        Some(vs.at(*j)),
                    );
                }
            }
        }
        _ => {
            for (j, r) in &listed_rows {
                led.remove_s(
                    d,
                    r,
                    1,
                    Origin::Input,
                    id::C_KANKA_JIKAN,
                    SOURCE_CHU2,
                    format!("患家診療時間 {m} 分: not over 1 hour"),
                    Some(vs.at(*j)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;
    #[test]
    fn tier_words() {
        let mut p = blank_procedure();
        p.name = "夜間往診加算（機能強化した在支診等）（病床なし）".into();
        assert!(tier_pred(Tier::Kyouka { beds: false }, true)(&p));
        assert!(!tier_pred(Tier::Kyouka { beds: true }, true)(&p));
        p.name = "夜間往診加算（在支診等）".into();
        assert!(tier_pred(Tier::Shien, true)(&p));
        assert!(!tier_pred(Tier::Other, true)(&p));
        p.name = "夜間往診加算（特別往診）（在支診等）".into();
        assert!(!tier_pred(Tier::Shien, true)(&p));
        p.name = "夜間往診加算（定める患者以外の患者）".into();
        assert!(tier_pred(Tier::Shien, false)(&p));
    }
}
