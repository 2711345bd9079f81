//! 注加算 of the base fee, read from the master: the rows sharing the base's 注加算コード (col 38),
//! one per 注加算通番 (col 39), chosen by 年齢 (cols 41–42), 時間加算区分 (col 43), 病院・診療所区分
//! (col 19) and 施設基準コード (cols 72–81) valid on the service date. The 再診料/外来診療料 time
//! 加算 are base items of the same 区分 without a 注加算コード (masters.md §5); they are found by 区分
//! + 時間加算区分 + 入外.
//!
//! ## 何をするか
//! Returns a decision for every candidate: chosen (billed, `origin: derived`) or not, with why —
//! so that an add-on listed in the claim is kept when its conditions hold and otherwise removed
//! with the reason.
//!
//! ## 根拠
//! - Same 通番 = alternatives, different 通番 may be combined (SSK マスターファイル仕様; masters.md
//!   §3.1 col 39, S). 乳幼児 time codes replace both the time and the 乳幼児加算 (R6告示 A000注6/7,
//!   A001注4/5, A002注6/7; H).
//! - Facility 加算 need the 届出 on the date (R6告示 A000注10–14, A001注10, 注15–18; H); 機能強化加算
//!   is not for hospitals with 200+ beds (A000注10; H); 明細書発行体制等加算 needs no 届出 but the
//!   施設基準 of R6施設告示 第三 六 (capability `itemized_receipt`; H); from 2026-06 not for a facility
//!   that filed 電子的診療情報連携体制整備加算 (R8通知 A001(15); H).
//! - Patient-specific 加算 are never derived, only checked when listed: 発熱患者等対応加算 (A000注11
//!   ただし書), 地域包括診療加算 / 認知症地域包括診療加算 (A001注12–13: patients with the listed chronic
//!   diseases), 看護師等遠隔診療補助加算 (A001注20; and its 外来診療料 version 112709370, A002). H.
//! - 電話等再診 carries no 注8, 注12, 注13, 注15–注20 加算 (A001注9; H).
//!
//! ## 使うマスタ項目
//! cols 13, 19, 38, 39, 41–43, 68, 72–81, 85/90–94 (区分), 87/88.

use super::jikan::{self, Class};
use super::kihon::BaseKind;
use super::monthly;
use crate::context::VisitState;
use crate::context::{Billed, Ctx};
use crate::ledger::Ledger;
use crate::outcome::Origin;
use crate::rules::{id, RuleId};
use crate::Index;
use chrono::NaiveDate;
use masters::{AgeBound, Code, HospClinic, InOut, MasterSet, Procedure, Version};

/// Add-ons that depend on the patient, never derived (see module docs).
pub const PATIENT_SPECIFIC: &[u32] = &[
    111702970, 112708670, 112021770, 112017270, 112021870, 112017570, 112709070, 112709370,
];
/// 明細書発行体制等加算 (A001注11).
pub const MEISAISHO: u32 = 112015770;
/// Families a 電話等再診 may not carry (A001注9): 地域包括, 感染対策 family, 看護師等遠隔.
const PHONE_EXCLUDED: &[u32] = &[
    112021770, 112017270, 112021870, 112017570, 112024370, 112708670, 112024470, 112024570, 112708770, 112709070,
];

/// One decision about one candidate add-on.
#[derive(Clone, Debug)]
pub struct Decision<'m> {
    pub code: Code,
    pub v: &'m Version<Procedure>,
    pub chosen: bool,
    /// Why (chosen: the trace; not chosen: the reason). Only written when the caller asks for an
    /// explanation of this code (tracing, or the code is listed in the claim).
    pub why: String,
    pub rule: RuleId,
    pub source: &'static str,
    /// Not derived from the facts, but billable when the claim lists it and its 施設基準 and
    /// limits hold (patient-specific 加算, and 注加算 no rule derives).
    pub listable: bool,
}

pub struct Input<'a> {
    pub date: NaiveDate,
    pub base: BaseKind,
    pub base_row: &'a Version<Procedure>,
    pub class: Class,
    pub history: &'a [Billed],
    pub claim: &'a [Billed],
}

const RULE: RuleId = id::CHU_KASAN;

/// 病院・診療所区分 (col 19) and 病床数区分 (col 71) against the facility.
/// The 注 of a time / age 加算 of the base fee, by the row's 区分 (col 92: A000 / A001 / A002) and
/// kind: 乳幼児加算 alone (時間加算区分 0), 時間外・休日・深夜 (with their 乳幼児 points, in the 注's
/// ただし書), 小児科特例, or 夜間・早朝等 (時間加算区分 6) (R6告示 A000注6/注7/注8/注9, A001注4/注5/注6/注7,
/// A002注7/注8/注9:
/// `shared/reference/kokuji/r6/items/A0/A000–A002.yaml`; H).
pub fn time_age_source(p: &Procedure) -> &'static str {
    let pediatric = jikan::PEDIATRIC_SPECIAL_CODES.contains(&p.code.0);
    match (p.tbl_kubun, p.time_kasan != 0, pediatric) {
        // 時間加算区分 6 = 夜間・早朝等加算 (s_ALL20240531 111012470, 112015570).
        (0, true, false) if p.time_kasan == 6 => "R6告示 A000注9 (夜間・早朝等加算)",
        (1, true, false) if p.time_kasan == 6 => "R6告示 A001注7 (夜間・早朝等加算)",
        (0, _, true) => "R6告示 A000注8 (小児科特例)",
        (0, true, false) => "R6告示 A000注7 (時間外・休日・深夜加算; 6歳未満は同注ただし書)",
        (0, false, false) => "R6告示 A000注6 (乳幼児加算)",
        (1, _, true) => "R6告示 A001注6 (小児科特例)",
        (1, true, false) => "R6告示 A001注5 (時間外・休日・深夜加算; 6歳未満は同注ただし書)",
        (1, false, false) => "R6告示 A001注4 (乳幼児加算)",
        (2, _, true) => "R6告示 A002注9 (小児科特例)",
        (2, true, false) => "R6告示 A002注8 (時間外・休日・深夜加算; 6歳未満は同注ただし書)",
        (2, false, false) => "R6告示 A002注7 (乳幼児加算)",
        _ => "R6告示 A000注6–9, A001注4–7, A002注7–9",
    }
}

pub fn fits_facility(ctx: &Ctx<'_>, p: &Procedure) -> Result<(), Unfit> {
    match p.hosp_clinic {
        HospClinic::ClinicOnly if !ctx.is_clinic() => return Err(Unfit::ClinicOnly),
        HospClinic::HospitalOnly if ctx.is_clinic() => return Err(Unfit::HospitalOnly),
        _ => {}
    }
    bed_ok(ctx, p.bed_count_kind)
}

/// Why a row does not fit the facility (written only when someone reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unfit {
    ClinicOnly,
    HospitalOnly,
    Beds { kind: u8, beds: u32 },
}

impl std::fmt::Display for Unfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unfit::ClinicOnly => f.write_str("診療所のみ (病院・診療所区分 2)"),
            Unfit::HospitalOnly => f.write_str("病院のみ (病院・診療所区分 1)"),
            Unfit::Beds { kind, beds } => write!(f, "病床数区分 {kind} does not fit a facility with {beds} beds"),
        }
    }
}

/// 病床数区分 (s col 71). Meanings from the item names (masters.md §3.1 col 71: 1 100床未満,
/// 2 100–200床, 3 許可病床200床未満の病院・診療所, 4 200床以上, 5 一般病床200床未満, 6 一般病床200床以上,
/// 7/8 400床未満/以上; **U** for the exact wording of 3). `facility.beds` is the 許可病床数; a
/// clinic counts as having fewer than 100 beds.
pub fn bed_ok(ctx: &Ctx<'_>, kind: u8) -> Result<(), Unfit> {
    let beds = if ctx.is_clinic() { 0 } else { ctx.claim.facility.beds };
    let ok = match kind {
        1 => beds < 100,
        2 => (100..200).contains(&beds) && !ctx.is_clinic(),
        3 | 5 => beds < 200,
        4 | 6 => beds >= 200 && !ctx.is_clinic(),
        7 => beds < 400,
        8 => beds >= 400 && !ctx.is_clinic(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Unfit::Beds { kind, beds })
    }
}

fn age_ok(ctx: &Ctx<'_>, p: &Procedure, d: NaiveDate) -> bool {
    ctx.below(&p.age_upper, d) && ctx.at_least(&p.age_lower, d)
}

fn has_age_bound(p: &Procedure) -> bool {
    p.age_upper != AgeBound::None || p.age_lower != AgeBound::None
}

/// The candidate pool of a base row on a date.
pub fn candidates<'m>(
    set: &'m MasterSet,
    idx: &Index,
    base: &Version<Procedure>,
    d: NaiveDate,
) -> Vec<&'m Version<Procedure>> {
    let mut out: Vec<&Version<Procedure>> = Vec::new();
    let b = &base.row;
    if b.chu_kasan_code != 0 {
        for code in idx.kasan_of_group.get(&b.chu_kasan_code).into_iter().flatten() {
            if let Some(v) = set.s.lookup(*code, d) {
                if v.row.chu_kasan_code == b.chu_kasan_code
                    && v.row.chu_kasan_seq != b'0'
                    && matches!(v.row.kokuji1, b'7' | b'9')
                {
                    out.push(v);
                }
            }
        }
    }
    // 再診料 / 外来診療料: time 加算 are base items of the same 区分 (masters.md §5).
    if b.tbl_alpha == 'A' && matches!(b.tbl_kubun, 1 | 2) && b.tbl_eda == 0 && b.time_kasan != 0 {
        for code in idx
            .time_kasan_of_kubun
            .get(&(b.tbl_alpha, b.tbl_kubun))
            .into_iter()
            .flatten()
        {
            if let Some(v) = set.s.lookup(*code, d) {
                let r = &v.row;
                if r.chu_kasan_code == 0
                    && r.time_kasan != 0
                    && r.in_out == InOut::OutpatientOnly
                    && (123..=125).contains(&r.sum_target_out)
                {
                    out.push(v);
                }
            }
        }
    }
    out
}

pub fn derive<'m>(
    set: &'m MasterSet,
    idx: &Index,
    ctx: &Ctx<'_>,
    inp: &Input<'_>,
    trace: bool,
    listed: &dyn Fn(Code) -> bool,
) -> Vec<Decision<'m>> {
    let d = inp.date;
    let mut out: Vec<Decision<'m>> = Vec::new();
    let pool = candidates(set, idx, inp.base_row, d);
    if inp.base.second_dept() {
        for v in pool {
            out.push(Decision {
                code: v.row.code,
                v,
                chosen: false,
                why: "２科目 lines carry no 注加算 (A000注5, A001注3, A002注5)".into(),
                rule: RULE,
                source: "R6告示 A000注5, A001注3, A002注5",
                listable: false,
            });
        }
        return out;
    }
    let after_hours_special = ctx.has_capability("after_hours_special", d);
    let wanted = jikan::wanted_time_kasan(inp.class, after_hours_special);
    let age = ctx.age_years(d);
    let mut time_age: Vec<&'m Version<Procedure>> = Vec::new();
    for v in pool {
        let p = &v.row;
        let code = p.code.0;
        if super::iryo_dx::is_family_code(ctx.index, p.code) {
            continue; // decided by iryo_dx
        }
        // Reasons are formatted only when someone will read them.
        let explain = trace || listed(p.code);
        let reject = |why: &dyn Fn() -> String| Decision {
            code: p.code,
            v,
            chosen: false,
            why: if explain { why() } else { String::new() },
            rule: RULE,
            source: "R6告示 A000–A002 注",
            listable: false,
        };
        if inp.base == BaseKind::Phone && PHONE_EXCLUDED.contains(&code) {
            out.push(reject(&|| "not with 電話等再診 (A001注9)".into()));
            continue;
        }
        if let Err(why) = fits_facility(ctx, p) {
            out.push(reject(&|| why.to_string()));
            continue;
        }
        if PATIENT_SPECIFIC.contains(&code) {
            out.push(Decision {
                listable: true,
                ..reject(&|| "depends on the patient: billed only when listed in the claim".into())
            });
            continue;
        }
        if p.time_kasan != 0 || (has_age_bound(p) && p.facility_standards.is_empty()) {
            time_age.push(v);
            continue;
        }
        if code == MEISAISHO {
            let ok = ctx.has_capability("itemized_receipt", d);
            let blocked_2026 = d >= NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
                && ctx
                    .index
                    .find(set, &super::iryo_dx::DENSHI_SPECS[3], d)
                    .is_some_and(|(dv, _)| dv.row.facility_standards.iter().any(|s| ctx.has_standard(*s, d)));
            if blocked_2026 {
                out.push(reject(&|| {
                    "not for a facility that filed 電子的診療情報連携体制整備加算 (R8通知 A001(15))".into()
                }));
            } else if ok {
                out.push(Decision {
                    code: p.code,
                    v,
                    chosen: true,
                    why: if trace {
                        format!("capability itemized_receipt on {d}")
                    } else {
                        String::new()
                    },
                    rule: RULE,
                    source: "R6告示 A001注11; R6施設告示 第三 六",
                    listable: false,
                });
            } else {
                out.push(reject(&|| {
                    format!("no `itemized_receipt` capability on {d} (R6施設告示 第三 六)")
                }));
            }
            continue;
        }
        if !p.facility_standards.is_empty() {
            let held: Vec<u16> = p
                .facility_standards
                .iter()
                .copied()
                .filter(|s| ctx.has_standard(*s, d))
                .collect();
            if held.is_empty() {
                out.push(reject(&|| {
                    format!("no 届出 of 施設基準 {:?} on {d}", p.facility_standards)
                }));
                continue;
            }
            if let Some(fam) = monthly::family_of(code) {
                if let Some(b) = monthly::already_billed(fam.codes, d, monthly::Window::Month, inp.history, inp.claim) {
                    out.push(Decision {
                        code: p.code,
                        v,
                        chosen: false,
                        why: format!(
                            "{}: already billed this month ({} on {}): 月1回",
                            fam.name, b.code, b.date
                        ),
                        rule: id::MONTHLY,
                        source: fam.source,
                        listable: false,
                    });
                    continue;
                }
            }
            out.push(Decision {
                code: p.code,
                v,
                chosen: true,
                why: if trace {
                    format!("届出 of 施設基準 {held:?} on {d}")
                } else {
                    String::new()
                },
                rule: RULE,
                source: "R6告示 A000–A002 注 (施設基準)",
                listable: false,
            });
            continue;
        }
        out.push(Decision {
            listable: true,
            ..reject(&|| "no rule derives this 注加算 from the claim's facts: billed only when listed".into())
        });
    }
    // Time and age: one choice among the time/age candidates (乳幼児 time codes replace the pair).
    let pediatric = matches!(inp.class, Class::PediatricSpecial(_));
    let matches_time: Vec<&&Version<Procedure>> = time_age
        .iter()
        .filter(|v| {
            let p = &v.row;
            p.time_kasan != 0
                && wanted.contains(&p.time_kasan)
                && (pediatric == jikan::PEDIATRIC_SPECIAL_CODES.contains(&p.code.0))
                && age_ok(ctx, p, d)
        })
        .collect();
    let time_choice: Option<&Version<Procedure>> = matches_time
        .iter()
        .find(|v| has_age_bound(&v.row))
        .or_else(|| matches_time.first())
        .map(|v| **v);
    // 夜間・早朝等加算 (時間加算区分 6) is its own 注 (A000注9, A001注7) and combines with 乳幼児加算;
    // the other time 加算 replace it (乳幼児 time codes).
    let age_only = || {
        time_age
            .iter()
            .copied()
            .find(|v| v.row.time_kasan == 0 && has_age_bound(&v.row) && age_ok(ctx, &v.row, d))
    };
    let choices: Vec<&Version<Procedure>> = match time_choice {
        Some(t) if t.row.time_kasan == 6 => std::iter::once(t).chain(age_only()).collect(),
        Some(t) => vec![t],
        None => age_only().into_iter().collect(),
    };
    for v in time_age {
        let p = &v.row;
        let chosen = choices.iter().any(|c| std::ptr::eq(*c, v));
        let why = if !(trace || listed(p.code)) {
            String::new()
        } else if chosen {
            if trace {
                format!(
                    "time class {:?}, age {age}: 時間加算区分 {} / 上限年齢 {:?}",
                    inp.class, p.time_kasan, p.age_upper
                )
            } else {
                String::new()
            }
        } else if p.time_kasan != 0 && !wanted.contains(&p.time_kasan) {
            format!(
                "time class {:?} does not call for 時間加算区分 {}",
                inp.class, p.time_kasan
            )
        } else if !age_ok(ctx, p, d) {
            format!(
                "age {age} outside the row's age limits ({:?} … {:?})",
                p.age_lower, p.age_upper
            )
        } else if p.time_kasan != 0 && pediatric != jikan::PEDIATRIC_SPECIAL_CODES.contains(&p.code.0) {
            "小児科特例 applies only within 表示診療時間 at a 小児科 (A000注8)".to_string()
        } else {
            "another time/age 加算 of the same 通番 applies".to_string()
        };
        out.push(Decision {
            code: p.code,
            v,
            chosen,
            why,
            rule: id::CHU_KASAN_TIME_AGE,
            source: time_age_source(p),
            listable: false,
        });
    }
    // One per 通番: when several facility rows of one 通番 are held (e.g. 時間外対応加算１–４), keep the
    // first and say so.
    let mut seen_seq: Vec<(u16, u8)> = Vec::new();
    for dec in out.iter_mut().filter(|d| d.chosen) {
        let key = (dec.v.row.chu_kasan_code, dec.v.row.chu_kasan_seq);
        if key.0 != 0 && seen_seq.contains(&key) {
            dec.chosen = false;
            dec.why = format!(
                "another 加算 of 注加算通番 {} was chosen (same 通番 = alternatives)",
                key.1 as char
            );
        } else {
            seen_seq.push(key);
        }
    }
    out
}
/// The 注加算 stage, first half: the decisions for the visit's base fee (before the DX family).
pub fn derive_stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>) {
    let (Some(k), Some(row)) = (vs.kind, vs.base_row) else {
        return;
    };
    let inp = Input {
        date: vs.date,
        base: k,
        base_row: row,
        class: vs.class,
        history: &ctx.history,
        claim: &led.billed,
    };
    let items = &ctx.items[vs.i];
    let listed = |c: Code| items.iter().any(|it| it.code == c);
    vs.decisions = derive(ctx.set, ctx.index, ctx, &inp, led.trace, &listed);
}

/// The 注加算 stage, second half (after the DX family): each decision reconciled with the listed
/// add-ons — a listed add-on the facts give is billed as input; a listable one is checked for its
/// 施設基準 and 月1回; any other listed one is removed with the decision's reason.
pub fn reconcile_stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>) {
    let (i, d) = (vs.i, vs.date);
    let items = &ctx.items[i];
    let decisions = std::mem::take(&mut vs.decisions);
    // The time class's reasoning goes on the trace of the last time × age line.
    let last_time_age = decisions
        .iter()
        .rposition(|dec| dec.chosen && dec.rule == id::CHU_KASAN_TIME_AGE);
    for (k, dec) in decisions.iter().enumerate() {
        let listed = items.iter().find(|it| !vs.consumed[it.idx] && it.code == dec.code);
        if let Some(it) = listed {
            vs.consumed[it.idx] = true;
        }
        let at = listed.map(|it| vs.at(it.idx));
        let origin = if listed.is_some() {
            Origin::Input
        } else {
            Origin::Derived
        };
        if dec.chosen {
            let detail = led.detail(|| {
                if Some(k) == last_time_age {
                    format!("{}; {}", dec.why, vs.class_why)
                } else {
                    dec.why.clone()
                }
            });
            led.bill_s(d, i, dec.v, 1, origin, dec.rule, dec.source, detail, at, None);
        } else if listed.is_some() {
            if dec.listable {
                let p = &dec.v.row;
                let stds_ok =
                    p.facility_standards.is_empty() || p.facility_standards.iter().any(|s| ctx.has_standard(*s, d));
                let month = monthly::family_of(dec.code.0).and_then(|f| {
                    monthly::already_billed(f.codes, d, monthly::Window::Month, &ctx.history, &led.billed)
                });
                if !stds_ok {
                    led.remove_s(
                        d,
                        dec.v,
                        1,
                        origin,
                        dec.rule,
                        dec.source,
                        format!("no 届出 of 施設基準 {:?} on {d}", p.facility_standards),
                        at,
                    );
                } else if let Some(b) = month {
                    led.remove_s(
                        d,
                        dec.v,
                        1,
                        origin,
                        id::MONTHLY,
                        dec.source,
                        format!("already billed this month ({} on {}): 月1回", b.code, b.date),
                        at,
                    );
                } else {
                    let detail = led.detail(|| "listed; 施設基準 and limits checked".to_string());
                    led.bill_s(
                        d,
                        i,
                        dec.v,
                        1,
                        origin,
                        id::CHU_KASAN_LISTED,
                        dec.source,
                        detail,
                        at,
                        None,
                    );
                }
            } else {
                led.remove_s(d, dec.v, 1, origin, dec.rule, dec.source, dec.why.clone(), at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;

    #[test]
    fn time_age_source_names_the_note_of_the_row() {
        // R6告示 A001: 注4 乳幼児加算, 注5 時間外等, 注6 小児科特例, 注7 夜間・早朝等 (A001.yaml).
        let mut p = blank_procedure();
        p.tbl_alpha = 'A';
        p.tbl_kubun = 1;
        assert_eq!(time_age_source(&p), "R6告示 A001注4 (乳幼児加算)");
        p.time_kasan = 1;
        assert!(time_age_source(&p).starts_with("R6告示 A001注5"));
        p.time_kasan = 6;
        assert_eq!(time_age_source(&p), "R6告示 A001注7 (夜間・早朝等加算)");
        p.code = masters::Code(112014170); // 乳幼児夜間加算（小児科再診）
        p.time_kasan = 7;
        assert_eq!(time_age_source(&p), "R6告示 A001注6 (小児科特例)");
        p.tbl_kubun = 2;
        p.code = masters::Code(112000000);
        p.time_kasan = 0;
        assert_eq!(time_age_source(&p), "R6告示 A002注7 (乳幼児加算)");
    }
}
