//! C001 在宅患者訪問診療料（Ⅰ） and C001-2 在宅患者訪問診療料（Ⅱ）.
//!
//! ## 何をするか
//! - A listed C001 1 / 2 row (枝番 0, 項番 1 / 2) is billed as イ 同一建物居住者以外 or ロ
//!   同一建物居住者 from `visits[].home.same_building_patients` (2 or more = 同一建物居住者; absent →
//!   1, said by `ZAITAKU_ASSUMED`); a listed variant that the facts contradict is replaced by the
//!   other one (`ZAITAKU_VARIANT`).
//! - 週3回: C001 1 (イ and ロ together, R6告示 C001注1) and C001-2 注1イ (注2) are removed from
//!   the 4th in a week (Sunday–Saturday, as the 05 table's 週) unless the patient is one of the
//!   厚生労働大臣が定める疾病等 (`patient.home.specified_disease`). The 05 rows of 114001110 /
//!   114030310 carry 週 3 with 特例条件 1 (that exception), so the checking stage cannot apply them.
//! - 乳幼児加算 (C001注4, C001-2注6): the billed row's 年齢加算 columns (cols 100–111: 上限 6歳 →
//!   114015870), a listed one billed as input.
//! - 患家診療時間加算 (C001注5, C001-2注6): [`super::oushin::kanka_jikan`] (C001 項番 4).
//!
//! ## 根拠
//! R6告示 C001 注1, 注4, 注5; C001-2 注1, 注2, 注6 (ika-kokuji.txt, PDF 001218731 p.129–131; H).
//! R6通知 C001 (ika-tsuchi.txt p.227–): 同一建物居住者 = the facility sees another patient of the
//! same building on the same day (H). The week is Sunday–Saturday (R6通知 通則; the 05 table's 週).
//!
//! ## 使うマスタ項目
//! cols 5, 12, 68, 92–94, 100–111; 電子点数表 05 rows (for the 特例条件 note only).

use super::{assumed, find_row, listed};
use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::id;
use chrono::{Datelike, NaiveDate};
use masters::{Procedure, Version};

const SOURCE: &str = "R6告示 C001 在宅患者訪問診療料（Ⅰ） 1/2 イ・ロ, 注1 同一建物居住者 (PDF 001218731 p.129)";
const SOURCE2: &str = "R6告示 C001-2 在宅患者訪問診療料（Ⅱ） (PDF 001218731 p.131)";
const SOURCE_WEEK: &str =
    "R6告示 C001注1 / C001-2注2: 当該患者１人につき週３回に限り (別に厚生労働大臣が定める疾病等の患者を除く)";
const SOURCE_AGE: &str = "R6告示 C001注4 / C001-2注6 乳幼児加算 400点; 年齢加算 (cols 100–111)";

/// A main row of C001 1/2 (枝番 0, 項番 1/2 or 8 逓減) or C001-2 (枝番 2, 項番 0/3).
fn is_main(p: &Procedure) -> bool {
    p.tbl_alpha == 'C'
        && p.tbl_kubun == 1
        && p.kokuji1 == b'1'
        && p.name.contains("在宅患者訪問診療料")
        && ((p.tbl_eda == 0 && matches!(p.tbl_kouban, 1 | 2)) || (p.tbl_eda == 2 && p.tbl_kouban == 0))
}

/// A 訪問診療 row counted for 在総管's 「月２回以上訪問診療」: C001 1/2 (項番 1, 2, 8 逓減) and C001-2
/// (項番 0, 3 逓減).
pub fn is_visit_row(p: &Procedure) -> bool {
    p.tbl_alpha == 'C'
        && p.tbl_kubun == 1
        && p.kokuji1 == b'1'
        && p.name.starts_with("在宅患者訪問診療料")
        && ((p.tbl_eda == 0 && matches!(p.tbl_kouban, 1 | 2 | 8)) || (p.tbl_eda == 2 && matches!(p.tbl_kouban, 0 | 3)))
}

/// The week family of a row: C001 1 (項番 1 and its 逓減 rows 項番 8), C001-2 イ.
fn week_family(p: &Procedure) -> Option<u8> {
    if p.tbl_alpha != 'C' || p.tbl_kubun != 1 || p.kokuji1 != b'1' {
        return None;
    }
    match (p.tbl_eda, p.tbl_kouban) {
        (0, 1) | (0, 8) => Some(1),
        (2, 0) | (2, 3) if p.name.contains("（２）イ") => Some(2),
        _ => None,
    }
}

fn week_start(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(d.weekday().num_days_from_sunday() as i64)
}

/// Lines of the week family billed in `d`'s week (history and the claim so far).
fn used_in_week(ctx: &Ctx<'_>, led: &Ledger<'_>, fam: u8, d: NaiveDate) -> u32 {
    let start = week_start(d);
    ctx.history
        .iter()
        .chain(led.billed.iter())
        .filter(|b| b.date >= start && b.date <= d)
        .filter(|b| {
            ctx.set
                .s
                .lookup(b.code, b.date)
                .is_some_and(|v| week_family(&v.row) == Some(fam))
        })
        .map(|b| b.count.max(1))
        .sum()
}

const SOURCE_BASE: &str = "R6告示 C001注1/注2, C001-2注1: 初診料, 再診料, 外来診療料又は往診料は算定しない; 初診の日を除く (PDF 001218731 p.129–131)";

/// Moves the visit's 初診料 / 再診料 / 外来診療料 lines (with their 注加算: every line of 区分
/// A000–A002) and 往診料 lines (区分 C000) to `removed`: 「算定しない」 beside a 訪問診療 (the
/// 通知's 急変 往診 is another visit of the day).
fn strike_base<'c>(led: &mut Ledger<'c>, by: &Version<Procedure>) {
    let start = led.visit_start;
    if !led.lines[start..]
        .iter()
        .any(|l| l.procedure().is_some_and(is_excluded))
    {
        return;
    }
    let tail = led.lines.split_off(start);
    for l in tail {
        if l.procedure().is_some_and(is_excluded) {
            let why = format!("not billed beside {} {} (算定しない)", by.row.code, by.row.name);
            led.strike(l, id::C001_BASE, SOURCE_BASE, why);
        } else {
            led.lines.push(l);
        }
    }
}

/// The listed 乳幼児加算 / 患家診療時間加算 of a removed 訪問診療 row go with it.
fn remove_adds<'c>(
    ctx: &'c Ctx<'c>,
    led: &mut Ledger<'c>,
    vs: &mut VisitState<'c>,
    row: &Version<Procedure>,
    rule: crate::rules::RuleId,
    source: &'static str,
    what: &str,
) {
    let d = vs.date;
    let ages: Vec<masters::Code> = row.row.age_kasan.iter().map(|a| a.code).collect();
    let goes_with = |q: &Procedure| ages.contains(&q.code) || q.name.contains("患家診療時間加算（在宅患者訪問診療料");
    for (k, r) in listed(ctx, vs, goes_with) {
        vs.consumed[k] = true;
        led.remove_s(
            d,
            r,
            1,
            Origin::Input,
            rule,
            source,
            format!("加算 of {} (removed: {what})", row.row.code),
            Some(vs.at(k)),
        );
    }
}

fn is_excluded(q: &Procedure) -> bool {
    (q.tbl_alpha == 'A' && q.tbl_kubun <= 2) || (q.tbl_alpha == 'C' && q.tbl_kubun == 0)
}

/// The 訪問診療 stage of one visit.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>) {
    let (i, d) = (vs.i, vs.date);
    let v = &ctx.claim.visits[i];
    let mains = listed(ctx, vs, is_main);
    if mains.is_empty() {
        return;
    }
    let mut billed_any = false;
    for (j, listed_row) in mains {
        vs.consumed[j] = true;
        let item = &v.items[j];
        let at = Some(vs.at(j));
        let p = &listed_row.row;
        // --- イ / ロ by 同一建物居住者 (C001 1/2 only) ------------------------------------
        let mut row: &'c Version<Procedure> = listed_row;
        let mut why = String::new();
        if p.tbl_eda == 0 && !p.name.contains("逓減") {
            let n = match v.home.as_ref().and_then(|h| h.same_building_patients) {
                Some(n) => n,
                None => {
                    assumed(
                        led,
                        format!("visits[{i}].home.same_building_patients"),
                        "訪問診療: visits[].home.same_building_patients not given: assumed 1 (同一建物居住者以外)"
                            .into(),
                    );
                    1
                }
            };
            let same = n >= 2;
            let want = |q: &Procedure| {
                is_main(q)
                    && !q.name.contains("逓減")
                    && if same {
                        q.name.contains("（同一建物居住者）")
                    } else {
                        q.name.contains("（同一建物居住者以外）")
                    }
            };
            why = format!(
                "{n} patient(s) of the building seen that day: {}",
                if same {
                    "ロ 同一建物居住者"
                } else {
                    "イ 同一建物居住者以外"
                }
            );
            if !want(p) {
                if let Some(r) = find_row(ctx, d, 1, Some(0), Some(p.tbl_kouban), want) {
                    led.diag(
                        Level::Info,
                        "ZAITAKU_VARIANT",
                        format!(
                            "{} {} listed; {why}: billed as {} {}",
                            p.code, p.name, r.row.code, r.row.name
                        ),
                        vs.item_path(j),
                    );
                    row = r;
                }
            }
        }
        let (source, rule) = if p.tbl_eda == 2 {
            (SOURCE2, id::C001)
        } else {
            (SOURCE, id::C001)
        };
        // --- 週3回 -------------------------------------------------------------------------
        if let Some(fam) = week_family(&row.row) {
            let exempt = ctx.claim.patient.home.as_ref().and_then(|h| h.specified_disease);
            let used = used_in_week(ctx, led, fam, d);
            if used >= 3 {
                if exempt == Some(true) {
                    // 別に厚生労働大臣が定める疾病等: no weekly limit
                } else {
                    if exempt.is_none() {
                        assumed(
                            led,
                            "patient.home.specified_disease".into(),
                            "訪問診療 週3回: patient.home.specified_disease not given: assumed not 厚生労働大臣が定める疾病等 (the limit applies)".into(),
                        );
                    }
                    led.remove_s(
                        d,
                        row,
                        item.count.unwrap_or(1),
                        Origin::Input,
                        id::C001_WEEK3,
                        SOURCE_WEEK,
                        format!("already {used} in the week from {} (Sunday–Saturday)", week_start(d)),
                        at,
                    );
                    remove_adds(ctx, led, vs, row, id::C001_WEEK3, SOURCE_WEEK, "週3回");
                    continue;
                }
            }
        }
        // --- 初診料 / 再診料 / 外来診療料 / 往診料 of the same visit ----------------------------
        let first_day = led.visit_lines().iter().any(|l| {
            l.procedure()
                .is_some_and(|q| crate::rules::kihon::is_base_row(q) && q.tbl_kubun == 0)
        });
        if first_day && week_family(&row.row).is_some() {
            led.remove_s(
                d,
                row,
                item.count.unwrap_or(1),
                Origin::Input,
                id::C001_BASE,
                SOURCE_BASE,
                "初診料を算定する初診の日に訪問して診療を行った場合を除く (C001注1, C001-2注1イ)".into(),
                at,
            );
            remove_adds(ctx, led, vs, row, id::C001_BASE, SOURCE_BASE, "初診の日");
            continue;
        }
        strike_base(led, row);
        billed_any = true;
        let detail = led.detail(|| {
            if why.is_empty() {
                format!(
                    "{} {}: priced from the master row valid on {d}",
                    row.row.code, row.row.name
                )
            } else {
                format!("{why}; priced from the master row valid on {d}")
            }
        });
        led.bill_s(
            d,
            i,
            row,
            item.count.unwrap_or(1),
            Origin::Input,
            rule,
            source,
            detail,
            at,
            item.rp.as_deref(),
        );
        // --- 乳幼児加算 (年齢加算 columns of the billed row) -------------------------------
        for ak in &row.row.age_kasan {
            if !(ctx.at_least(&ak.lower, d) && ctx.below(&ak.upper, d)) {
                continue;
            }
            let Some(add) = ctx.set.s.lookup(ak.code, d) else {
                continue;
            };
            let hit = ctx.items[i]
                .iter()
                .find(|it| !vs.consumed[it.idx] && it.code == ak.code)
                .map(|it| it.idx);
            if let Some(k) = hit {
                vs.consumed[k] = true;
            }
            let detail = led.detail(|| {
                format!(
                    "年齢加算 of {} (cols 100–111): age {} on {d}",
                    row.row.code,
                    ctx.age_years(d)
                )
            });
            led.bill_s(
                d,
                i,
                add,
                1,
                if hit.is_some() { Origin::Input } else { Origin::Derived },
                id::C001_NYUYOJI,
                SOURCE_AGE,
                detail,
                hit.map(|k| vs.at(k)),
                None,
            );
        }
    }
    if billed_any {
        super::oushin::kanka_jikan(ctx, led, vs, 1, 4, "訪問診療料");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    #[test]
    fn weeks_start_on_sunday() {
        assert_eq!(week_start(d(2024, 6, 8)), d(2024, 6, 2)); // Saturday → Sunday before
        assert_eq!(week_start(d(2024, 6, 9)), d(2024, 6, 9)); // Sunday
    }
    #[test]
    fn families() {
        let mut p = blank_procedure();
        p.tbl_alpha = 'C';
        p.tbl_kubun = 1;
        p.tbl_kouban = 1;
        p.name = "在宅患者訪問診療料（１）１（同一建物居住者）".into();
        assert_eq!(week_family(&p), Some(1));
        assert!(is_main(&p));
        p.tbl_kouban = 2;
        assert_eq!(week_family(&p), None);
        p.tbl_eda = 2;
        p.tbl_kouban = 0;
        p.name = "在宅患者訪問診療料（２）イ".into();
        assert_eq!(week_family(&p), Some(2));
    }
}
