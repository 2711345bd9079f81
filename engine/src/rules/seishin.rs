//! 精神科専門療法 (R6 第2章 第8部): I002 通院・在宅精神療法 and I002-2 精神科継続外来支援・指導料.
//!
//! ## 何をするか
//! Takes the listed I002 1 通院精神療法 / 2 在宅精神療法 rows and the I002-2 rows before `items::stage`:
//! - **time rows** (I002 1 ロ/ハ, 2 ロ/ハ): with `items[].minutes` the row of the listed one's
//!   location (通院/在宅), doctor (精神保健指定医 or not) and 減算 state that fits the minutes is billed:
//!   初診料を算定する初診の日 and 60分以上 → ロ; else 通院 30分以上 / 未満, 在宅 60分以上 / 30分以上60分未満
//!   / 30分未満 (ハ). 5分以下 (初診日 30分以下) → not billed (注2). Without minutes the listed row is
//!   kept (`SEISHIN_MINUTES_MISSING`). The イ rows (措置入院後) are kept as listed.
//! - **週1回** over 1 and 2 together (also 家族 and 情報通信機器 rows of I002), **週2回** within 4 weeks
//!   after a discharge (`patient.discharged`) (注1; week = Sunday–Saturday as the 05 table's 週).
//! - **多剤 100分の50** (注6): 3種類以上の抗うつ薬 or 抗精神病薬 in one prescription
//!   (`visits[].psychotropics`) and the 要件 not met → the master's 「要件減算」 row of the same class.
//! - **I002-2** (55点): 注2 3種類以上 of 抗不安薬 / 睡眠薬 / 抗うつ薬 / 抗精神病薬 → not billed (except
//!   臨時の投薬等 and 3種類の抗うつ薬/抗精神病薬 やむを得ず); 注5 → 180050230 (要件減算・注２除く, 28点);
//!   注6 another 精神科専門療法 on the same day → included in it (removed).
//!
//! Dated: R6 from 2024-06-01. From 2026-06-01 (R8) the listed rows are left to `items` with
//! `SEISHIN_R8_NOT_CODED`: R8告示 I002 1ロ/2ロ add (2) 精神保健指定医による30分以上60分未満 on the 初診日
//! (`shared/reference/text/r8/ika-kokuji.txt` 第8部 I002), a time class not coded here.
//!
//! The 向精神薬 classes are a claim fact: the 医薬品マスター carries no class column (y cols 14 麻薬等 and
//! the 薬価基準コード's 薬効分類 117 「精神神経用剤」 do not separate 抗うつ薬 from 抗精神病薬).
//!
//! ## 根拠
//! - R6告示 第8部 I002 1/2, 注1, 注2, 注6; I002-2 注1, 注2, 注5, 注6 (`shared/reference/text/r6/
//!   ika-kokuji.txt` 第8部, PDF 001218731 pp.225–228; H). 100分の50: the master's 要件減算 rows
//!   (180071630 205 = 410 × 50/100; 180050230 28 = 55 × 50/100 四捨五入).
//! - 「退院後４週間以内」 = the 28 days after the discharge day (**M**).
//! - The I002 rows' 施設基準コード 23 (every 精神科専門療法 row) is read as 精神科を標榜 (通則2, **L**) and not
//!   checked; B000 (注1 ただし書) is the 03-2 背反 table's.
//!
//! ## 使うマスタ項目
//! cols 5 (name), 12 (points), 85/92/93/94 (区分 I002, 枝番, 項番).

use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::id;
use chrono::{Datelike, NaiveDate};
use masters::{AnyVersion, Procedure, Version};

/// The first day of the R6 rules coded here.
pub const R6_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 1) {
    Some(d) => d,
    None => panic!(),
};
/// The R8 revision: its text differs (see the module doc); from this day the family's listed rows
/// are left to `items` (priced as listed) with an info diagnostic.
pub const R8_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2026, 6, 1) {
    Some(d) => d,
    None => panic!(),
};

/// 通院 (1) or 在宅 (2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Tsuin,
    Zaitaku,
}

/// The time class of an I002 row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// ロ 初診日に60分以上
    First60,
    /// 在宅 ハ(1) 60分以上
    Over60,
    /// 在宅 ハ(2) 30分以上60分未満
    From30To60,
    /// 通院 ハ(1) 30分以上
    Over30,
    /// ハ(2)/(3) 30分未満
    Under30,
}

/// What the name of an I002 row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub place: Place,
    pub class: Option<Class>,
    pub designated: bool,
    pub reduced: bool,
}

/// An I002 row of 1/2 (or 家族 / 情報通信機器, which count for 注1 but are not re-chosen).
pub fn is_i002(p: &Procedure) -> bool {
    p.tbl_alpha == 'I' && p.tbl_kubun == 2 && p.tbl_eda == 0 && matches!(p.tbl_kouban, 1 | 2 | 3 | 9 | 10 | 11 | 16)
}

/// I002-2 精神科継続外来支援・指導料 (項番 000) or its 要件減算 row (項番 003).
pub fn is_i002_2(p: &Procedure) -> bool {
    p.tbl_alpha == 'I' && p.tbl_kubun == 2 && p.tbl_eda == 2 && matches!(p.tbl_kouban, 0 | 3)
}

/// Any row of I002-2 (the 指導料 and its own 加算, 枝番 02): not "another 精神科専門療法" (注6).
fn in_i002_2(p: &Procedure) -> bool {
    p.tbl_alpha == 'I' && p.tbl_kubun == 2 && p.tbl_eda == 2
}

/// The shape of a 通院/在宅精神療法 row that the time rule may re-choose, from its name.
pub fn shape(name: &str) -> Option<Shape> {
    let place = if name.starts_with("通院精神療法") {
        Place::Tsuin
    } else if name.starts_with("在宅精神療法") {
        Place::Zaitaku
    } else {
        return None;
    };
    if name.contains("情報通信機器") || name.contains("入院措置") {
        return None;
    }
    let class = if name.contains("初診日に６０分以上") {
        Class::First60
    } else if name.contains("３０分以上６０分未満") {
        Class::From30To60
    } else if name.contains("６０分以上") {
        Class::Over60
    } else if name.contains("３０分以上") {
        Class::Over30
    } else if name.contains("３０分未満") {
        Class::Under30
    } else {
        return None;
    };
    Some(Shape {
        place,
        class: Some(class),
        designated: name.contains("指定医"),
        reduced: name.contains("要件減算"),
    })
}

/// The class the minutes give (`None`: not billable, 注2).
pub fn class_for(place: Place, minutes: u32, first: bool) -> Result<Class, &'static str> {
    if minutes <= 5 {
        return Err("診療に要した時間が５分を超えたときに限り (注2)");
    }
    if first && minutes <= 30 {
        return Err("初診日は診療に要した時間が30分を超えたときに限り (注2 ただし書)");
    }
    Ok(match (place, first && minutes >= 60) {
        (_, true) => Class::First60,
        (Place::Tsuin, false) if minutes >= 30 => Class::Over30,
        (Place::Tsuin, false) => Class::Under30,
        (Place::Zaitaku, false) if minutes >= 60 => Class::Over60,
        (Place::Zaitaku, false) if minutes >= 30 => Class::From30To60,
        (Place::Zaitaku, false) => Class::Under30,
    })
}

fn find_shape<'c>(ctx: &Ctx<'c>, want: Shape, d: NaiveDate) -> Option<&'c Version<Procedure>> {
    ctx.index
        .by_kubun
        .get(&('I', 2))?
        .iter()
        .filter_map(|c| ctx.set.s.lookup(*c, d))
        .find(|v| v.row.tbl_eda == 0 && shape(&v.row.name) == Some(want))
}

/// Takes the listed I002 / I002-2 rows before `items::stage` prices them.
pub fn take_listed(ctx: &Ctx<'_>, vs: &mut VisitState<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    if vs.date < R6_FROM {
        return out;
    }
    for it in &ctx.items[vs.i] {
        if vs.consumed[it.idx] {
            continue;
        }
        if let AnyVersion::S(s) = it.v {
            if is_i002(&s.row) || is_i002_2(&s.row) {
                // R8: collected (for the diagnostic) but left to `items`.
                vs.consumed[it.idx] = vs.date < R8_FROM;
                out.push(it.idx);
            }
        }
    }
    // I002 first, then I002-2 (注6 reads the day's other 精神科専門療法).
    out.sort_by_key(|&j| {
        ctx.items[vs.i]
            .iter()
            .find(|it| it.idx == j)
            .is_some_and(|it| matches!(it.v, AnyVersion::S(s) if is_i002_2(&s.row)))
    });
    out
}

fn week_start(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_sunday()))
}

/// The 多剤 state of the visit: `Some(true)` = the 減算 applies (3種類以上 of 抗うつ薬 or 抗精神病薬, 要件
/// not met), `Some(false)` = it does not, `None` = not known.
fn tazai(ctx: &Ctx<'_>, led: &mut Ledger<'_>, vs: &VisitState<'_>) -> Option<bool> {
    let v = &ctx.claim.visits[vs.i];
    let Some(p) = &v.psychotropics else {
        led.diag(
            Level::Info,
            "SEISHIN_DRUGS_UNKNOWN",
            "visits[].psychotropics not stated: the 多剤 rules (I002注6, I002-2注2/注5) are not applied",
            vs.path(),
        );
        return None;
    };
    if p.antidepressants < 3 && p.antipsychotics < 3 {
        return Some(false);
    }
    match p.requirements_met {
        Some(m) => Some(!m),
        None => {
            led.diag(
                Level::Info,
                "SEISHIN_REQUIREMENT_UNKNOWN",
                "3種類以上の抗うつ薬又は抗精神病薬: whether the 別に厚生労働大臣が定める要件 are met is not stated (psychotropics.requirements_met); the listed row is kept",
                format!("{}.psychotropics", vs.path()),
            );
            None
        }
    }
}

/// The seishin stage of one visit (before `items::stage`).
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>, listed: &[usize]) {
    if listed.is_empty() {
        return;
    }
    if vs.date >= R8_FROM {
        led.diag(
            Level::Info,
            "SEISHIN_R8_NOT_CODED",
            "通院・在宅精神療法 (R8告示 I002 1ロ(2) 30分以上60分未満 added): the R8 rules are not coded yet; the listed rows are priced as listed",
            vs.path(),
        );
        return;
    }
    let d = vs.date;
    let i = vs.i;
    let v = &ctx.claim.visits[i];
    let first = v.kind == crate::claim::VisitKind::First;
    let reduce = tazai(ctx, led, vs);
    for &j in listed {
        let Some(s) = ctx.items[i].iter().find(|it| it.idx == j).and_then(|it| match it.v {
            AnyVersion::S(s) => Some(s),
            _ => None,
        }) else {
            continue;
        };
        let at = Some(vs.at(j));
        if is_i002_2(&s.row) {
            i002_2(ctx, led, vs, j, s, reduce);
            continue;
        }
        let mut row = s;
        let mut notes: Vec<String> = Vec::new();
        if let Some(sh) = shape(&row.row.name) {
            let mut want = sh;
            match v.items[j].minutes {
                Some(m) => match class_for(sh.place, m, first) {
                    Ok(c) => {
                        want.class = Some(c);
                        notes.push(format!("{m} 分{} → {c:?}", if first { " on the 初診日" } else { "" }));
                    }
                    Err(why) => {
                        led.remove_s(
                            d,
                            row,
                            1,
                            Origin::Input,
                            id::SEISHIN_I002,
                            "R6告示 I002注2",
                            format!("{m} 分: {why}"),
                            at,
                        );
                        continue;
                    }
                },
                None => {
                    led.diag(
                        Level::Info,
                        "SEISHIN_MINUTES_MISSING",
                        format!(
                            "{} {}: items[].minutes not stated; the listed time row is kept",
                            row.row.code, row.row.name
                        ),
                        vs.item_path(j),
                    );
                    if sh.class == Some(Class::First60) && !first {
                        led.remove_s(
                            d,
                            row,
                            1,
                            Origin::Input,
                            id::SEISHIN_I002,
                            "R6告示 I002 1ロ/2ロ (初診料を算定する初診の日において)",
                            "初診日 row on a visit that is not a 初診".into(),
                            at,
                        );
                        continue;
                    }
                }
            }
            if let Some(r) = reduce {
                want.reduced = r;
                if r {
                    notes.push("3種類以上の抗うつ薬/抗精神病薬, 要件 not met: 100分の50 (注6)".into());
                }
            }
            if want != sh {
                match find_shape(ctx, want, d) {
                    Some(r) => {
                        notes.push(format!("listed {} → {}", row.row.code, r.row.code));
                        row = r;
                    }
                    None => led.diag(
                        Level::Warning,
                        "SEISHIN_ROW_MISSING",
                        format!("{}: no I002 row {want:?} on {d}; the listed row is kept", row.row.code),
                        vs.item_path(j),
                    ),
                }
            }
        }
        // 注1: 週1回 (退院後4週間以内 週2回) over the family.
        let limit = match ctx.claim.patient.discharged {
            Some(dis) if d >= dis && (d - dis).num_days() < 28 => 2,
            _ => 1,
        };
        let ws = week_start(d);
        let in_week = |x: NaiveDate| x >= ws && x <= d;
        let used: u32 = led
            .lines
            .iter()
            .filter(|l| in_week(l.date) && l.procedure().is_some_and(is_i002))
            .map(|l| l.count)
            .sum::<u32>()
            + ctx
                .history
                .iter()
                .filter(|h| in_week(h.date) && ctx.set.s.lookup(h.code, h.date).is_some_and(|r| is_i002(&r.row)))
                .map(|h| h.count)
                .sum::<u32>();
        if used >= limit {
            led.remove_s(
                d,
                row,
                1,
                Origin::Input,
                id::SEISHIN_WEEK,
                "R6告示 I002注1 (1と2を合わせて週1回; 退院後4週間以内 週2回)",
                format!("{used} 通院・在宅精神療法 in the week from {ws} already; limit {limit}"),
                at,
            );
            continue;
        }
        let rule = if row.row.name.contains("要件減算") {
            id::SEISHIN_TAZAI
        } else {
            id::SEISHIN_I002
        };
        let detail = led.detail(|| {
            format!(
                "{} {}; week from {ws}: {} of {limit}; {}",
                row.row.code,
                row.row.name,
                used + 1,
                notes.join("; ")
            )
        });
        led.bill_s(
            d,
            i,
            row,
            1,
            Origin::Input,
            rule,
            "R6告示 I002 通院・在宅精神療法 (p.225–226), 注1, 注2, 注6",
            detail,
            at,
            v.items[j].rp.as_deref(),
        );
    }
}

fn i002_2<'c>(
    ctx: &'c Ctx<'c>,
    led: &mut Ledger<'c>,
    vs: &VisitState<'c>,
    j: usize,
    s: &'c Version<Procedure>,
    reduce: Option<bool>,
) {
    let d = vs.date;
    let i = vs.i;
    let at = Some(vs.at(j));
    let v = &ctx.claim.visits[i];
    // 注6: another 精神科専門療法 on the same day.
    let other_listed = ctx.items[i].iter().find_map(|it| match it.v {
        AnyVersion::S(r) if it.idx != j && r.row.tbl_alpha == 'I' && !in_i002_2(&r.row) => Some(r.row.code),
        _ => None,
    });
    let other_billed = led
        .lines
        .iter()
        .find(|l| l.date == d && l.procedure().is_some_and(|p| p.tbl_alpha == 'I' && !in_i002_2(p)))
        .map(|l| l.code);
    if let Some(c) = other_billed.or(other_listed) {
        led.remove_s(
            d,
            s,
            1,
            Origin::Input,
            id::SEISHIN_I002_2,
            "R6告示 I002-2注6 (他の精神科専門療法と同一日: その所定点数に含まれる)",
            format!("{c} (精神科専門療法) on {d}"),
            at,
        );
        return;
    }
    let mut row = s;
    let mut note = String::new();
    if let Some(p) = &v.psychotropics {
        let multi = p.anxiolytics >= 3 || p.hypnotics >= 3 || p.antidepressants >= 3 || p.antipsychotics >= 3;
        let excepted = p.temporary
            || (p.unavoidable
                && p.anxiolytics < 3
                && p.hypnotics < 3
                && p.antidepressants <= 3
                && p.antipsychotics <= 3);
        if multi && !excepted {
            led.remove_s(
                d,
                s,
                1,
                Origin::Input,
                id::SEISHIN_TAZAI,
                "R6告示 I002-2注2 (3種類以上の抗不安薬/睡眠薬/抗うつ薬/抗精神病薬: 算定しない)",
                format!(
                    "抗不安薬 {}, 睡眠薬 {}, 抗うつ薬 {}, 抗精神病薬 {} kinds (not 臨時, not 3種類 やむを得ず)",
                    p.anxiolytics, p.hypnotics, p.antidepressants, p.antipsychotics
                ),
                at,
            );
            return;
        }
        let want_reduced = reduce == Some(true);
        let is_reduced = s.row.tbl_kouban == 3;
        if reduce.is_some() && want_reduced != is_reduced {
            let kouban = if want_reduced { 3 } else { 0 };
            if let Some(r) = ctx.index.by_kubun.get(&('I', 2)).and_then(|cs| {
                cs.iter()
                    .filter_map(|c| ctx.set.s.lookup(*c, d))
                    .find(|r| r.row.tbl_eda == 2 && r.row.tbl_kouban == kouban)
            }) {
                note = format!(
                    "listed {} → {} (注5: 要件 {})",
                    s.row.code,
                    r.row.code,
                    if want_reduced {
                        "not met"
                    } else {
                        "met or not 3種類以上"
                    }
                );
                row = r;
            }
        }
    }
    let rule = if row.row.tbl_kouban == 3 {
        id::SEISHIN_TAZAI
    } else {
        id::SEISHIN_I002_2
    };
    let detail = led.detail(|| format!("{} {}; {note}", row.row.code, row.row.name));
    led.bill_s(
        d,
        i,
        row,
        1,
        Origin::Input,
        rule,
        "R6告示 I002-2 精神科継続外来支援・指導料 (p.227–228), 注2, 注5, 注6",
        detail,
        at,
        v.items[j].rp.as_deref(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn shapes() {
        let s = shape("通院精神療法（３０分以上）（精神保健指定医による場合）").unwrap();
        assert_eq!(
            (s.place, s.class, s.designated, s.reduced),
            (Place::Tsuin, Some(Class::Over30), true, false)
        );
        let s = shape("在宅精神療法（要件減算）（３０分以上６０分未満）（指定医）").unwrap();
        assert_eq!((s.class, s.reduced), (Some(Class::From30To60), true));
        let s = shape("通院精神療法（初診日に６０分以上）（（１）以外）").unwrap();
        assert_eq!((s.class, s.designated), (Some(Class::First60), false));
        assert!(shape("通院精神療法（３０分以上）（精神保健指定医）（情報通信機器）").is_none());
    }
    #[test]
    fn minutes() {
        assert_eq!(class_for(Place::Tsuin, 30, false), Ok(Class::Over30));
        assert_eq!(class_for(Place::Tsuin, 29, false), Ok(Class::Under30));
        assert!(class_for(Place::Tsuin, 5, false).is_err());
        assert!(class_for(Place::Tsuin, 30, true).is_err());
        assert_eq!(class_for(Place::Tsuin, 31, true), Ok(Class::Over30));
        assert_eq!(class_for(Place::Tsuin, 60, true), Ok(Class::First60));
        assert_eq!(class_for(Place::Zaitaku, 45, false), Ok(Class::From30To60));
    }
    #[test]
    fn weeks() {
        let d = NaiveDate::from_ymd_opt(2024, 7, 10).unwrap(); // Wednesday
        assert_eq!(week_start(d), NaiveDate::from_ymd_opt(2024, 7, 7).unwrap());
    }
}
