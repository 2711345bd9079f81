//! The 投薬 family stage of a visit: 調剤料, 処方料 / 処方箋料, their 加算, 調剤技術基本料 —
//! derived picks reconciled with the listed F rows (see the family doc in [`super`]).

use super::drugs::Drugs;
use super::*;
use crate::claim::{Prescription, Usage};
use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::items::Listed;
use crate::rules::{id, limits, monthly, RuleId};
use crate::validate::ParsedItem;
use masters::{AnyVersion, Code};
use std::collections::BTreeSet;

/// 調剤料, 処方料 / 処方箋料, their 加算, 調剤技術基本料: derived picks reconciled with the listed F rows.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &VisitState<'c>, listed: &Listed<'c>, drugs: &Drugs<'c>) {
    let i = vs.i;
    let v = &ctx.claim.visits[i];
    let d = vs.date;
    let set = ctx.set;
    let vp = vs.path();
    let listed_f: &[&ParsedItem<'c>] = &listed.listed_f;
    let (groups, touyaku_groups, zais) = (&drugs.groups, &drugs.touyaku_groups, &drugs.zais);
    let (n_kinds, seven, chiiki) = (drugs.kinds, drugs.seven, drugs.chiiki);
    if let Some(b) = listed.pediatric {
        for it in listed_f {
            if let AnyVersion::S(s) = it.v {
                led.remove_s(
                    d,
                    s,
                    v.items[it.idx].count.unwrap_or(1),
                    Origin::Input,
                    id::B001_2_HOKATSU,
                    b.source(),
                    "第5部 投薬 is included in the pediatric 診療料 of this visit".into(),
                    Some(vs.at(it.idx)),
                );
            }
        }
        return;
    }
    let outside = v.prescription == Some(Prescription::Outside);
    let has_drugs = !touyaku_groups.is_empty();
    struct Pick {
        code: u32,
        rule: RuleId,
        source: &'static str,
        why: String,
    }
    let mut picks: Vec<Pick> = Vec::new();
    let listed_of = |slot_: Slot| listed_f.iter().find(|it| slot(it.code.0) == slot_).map(|it| it.code.0);
    let drug_rows: Vec<&masters::Drug> = touyaku_groups
        .iter()
        .flat_map(|&k| groups[k].group.iter().copied())
        .filter_map(|it| match it.v {
            AnyVersion::Y(y) => Some(&y.row),
            _ => None,
        })
        .collect();
    let month = |codes: &[u32], led: &Ledger<'c>| {
        monthly::already_billed(codes, d, monthly::Window::Month, &ctx.history, &led.billed)
    };
    // 調剤技術基本料: the 05 row's limit (月1回).
    let choki_limit = |led: &Ledger<'c>| {
        limits::reached(
            &ctx.set.tensuhyo,
            Code(CHOKI),
            &[CHOKI],
            d,
            1,
            &ctx.history,
            &led.billed,
        )
    };
    let period = period_days(zais);
    let kind_note = format!(
        "{n_kinds} 種類 of 内服薬 (R6通知 F200(6): ≤205円の剤 = 1種類){}",
        if chiiki {
            "; 地域包括診療加算: F100 2 not applied"
        } else {
            ""
        }
    );
    if has_drugs {
        let psycho: BTreeSet<u32> = touyaku_groups
            .iter()
            .filter(|&&k| groups[k].usage == Usage::Internal)
            .flat_map(|&k| groups[k].group.iter().copied())
            .filter_map(|it| match it.v {
                AnyVersion::Y(y) if y.row.narcotic_kind == 5 => Some(y.row.code.0),
                _ => None,
            })
            .collect();
        if psycho.len() >= 3 {
            led.diag(Level::Info, "PSYCHOTROPIC_NOT_JUDGED", format!("{} 向精神薬 prescribed: 向精神薬多剤投与 (F100 1 / F400 1) needs the drug classes; list 120003610 / 120003710 if it applies", psycho.len()), vp.clone());
        }
        let narcotic = drug_rows.iter().any(|y| y.narcotic_kind != 0);
        let base = if outside {
            if seven {
                SHOHOSEN_7
            } else {
                SHOHOSEN_OTHER
            }
        } else if seven {
            SHOHO_7
        } else {
            SHOHO_OTHER
        };
        let (brule, bsrc) = if outside {
            (id::F400, "R6告示 F400 処方箋料 (1処方箋につき)")
        } else {
            (id::F100, "R6告示 F100 処方料 (1処方につき)")
        };
        let listed_base = listed_of(if outside { Slot::ShohosenBase } else { Slot::ShohoBase });
        if let Some(lb) = listed_base {
            if lb != base {
                led.diag(
                    Level::Warning,
                    "F_EXPLICIT_DIFFERS",
                    format!("listed {lb} differs from what the facts give ({base}: {kind_note}); billed as listed"),
                    vp.clone(),
                );
            }
        }
        let final_base = listed_base.unwrap_or(base);
        picks.push(Pick {
            code: base,
            rule: brule,
            source: bsrc,
            why: kind_note.clone(),
        });
        if !outside {
            if zais
                .iter()
                .any(|z| matches!(z.usage, Usage::Internal | Usage::AsNeeded))
            {
                picks.push(Pick {
                    code: CHOZAI_NAIFUKU,
                    rule: id::F000,
                    source: "R6告示 F000 1 (入院外, 1処方につき)",
                    why: "内服薬・屯服薬 in the prescription".into(),
                });
            }
            if zais.iter().any(|z| z.usage == Usage::External) {
                picks.push(Pick {
                    code: CHOZAI_GAIYO,
                    rule: id::F000,
                    source: "R6告示 F000 2 (入院外, 1処方につき)",
                    why: "外用薬 in the prescription".into(),
                });
            }
            if narcotic && listed_code_in(listed_f, &[CHOZAI_SHOHO_MAYAKU]).is_none() {
                picks.push(Pick {
                    code: CHOZAI_MAYAKU,
                    rule: id::F000_MAYAKU,
                    source: "R6告示 F000注 麻薬等加算 (1処方につき)",
                    why: "a 麻薬・向精神薬・覚醒剤原料・毒薬 (y col 14 ≠ 0) in the prescription".into(),
                });
                picks.push(Pick {
                    code: SHOHO_MAYAKU,
                    rule: id::F100_MAYAKU,
                    source: "R6告示 F100注2 麻薬等加算 (1処方につき)",
                    why: "a 麻薬・向精神薬・覚醒剤原料・毒薬 (y col 14 ≠ 0) in the prescription".into(),
                });
            }
            if ctx.has_capability("pharmacist", d) {
                match choki_limit(led) {
                    None => picks.push(Pick {
                        code: CHOKI,
                        rule: id::F500,
                        source: "R6告示 F500 2 (月1回; 薬剤師常時勤務, 院内)",
                        why: "capability pharmacist; first 院内 prescription this month".into(),
                    }),
                    Some(r) => led.diag(
                        Level::Info,
                        "MONTHLY_DONE",
                        format!("調剤技術基本料 not derived: {}", r.message()),
                        vp.clone(),
                    ),
                }
            }
        }
        // 乳幼児加算 from the base row's 年齢加算 columns
        if let Some(row) = set.s.lookup(Code(final_base), d) {
            for ak in &row.row.age_kasan {
                if ctx.at_least(&ak.lower, d) && ctx.below(&ak.upper, d) {
                    picks.push(Pick {
                        code: ak.code.0,
                        rule: if outside { id::F400_NYUYOJI } else { id::F100_NYUYOJI },
                        source: if outside {
                            "R6告示 F400注 乳幼児加算 (3歳未満); 年齢加算 cols 100–111"
                        } else {
                            "R6告示 F100注3 乳幼児加算 (3歳未満); 年齢加算 cols 100–111"
                        },
                        why: format!("age {} on {d}", ctx.age_years(d)),
                    });
                }
            }
        }
        // 特定疾患処方管理加算 (R6: 28日以上, 月1回)
        let tcode = if outside { SHOHOSEN_TOKUTEI } else { SHOHO_TOKUTEI };
        let facility_ok = ctx.is_clinic() || ctx.claim.facility.beds < 200;
        if period >= TOKUTEI_DAYS && facility_ok {
            if d < TOKUTEI_FROM {
                led.diag(
                    Level::Info,
                    "TOKUTEI_SHOHO_NOT_DATED",
                    "特定疾患処方管理加算 before 2024-06 (R4: 加算1/加算2) is not derived; list it",
                    vp.clone(),
                );
            } else {
                match ctx.claim.patient.tokutei_shikkan {
                    Some(true) => match month(TOKUTEI, led) {
                        None => picks.push(Pick {
                            code: tcode,
                            rule: id::F100_TOKUTEI,
                            source: if outside {
                                "R6告示 F400注4: 特定疾患処方管理加算 (28日以上, 月1回)"
                            } else {
                                "R6告示 F100注5: 特定疾患処方管理加算 (28日以上, 月1回)"
                            },
                            why: format!("処方期間 {period}日 ≥ 28; patient.tokutei_shikkan"),
                        }),
                        Some(b) => led.diag(
                            Level::Info,
                            "MONTHLY_DONE",
                            format!(
                                "特定疾患処方管理加算 already billed this month ({} on {})",
                                b.code, b.date
                            ),
                            vp.clone(),
                        ),
                    },
                    Some(false) => {}
                    None => led.diag(
                        Level::Info,
                        "TOKUTEI_SHIKKAN_UNKNOWN",
                        format!(
                            "処方期間 {period}日 ≥ 28 but patient.tokutei_shikkan not given: no 特定疾患処方管理加算"
                        ),
                        "patient.tokutei_shikkan",
                    ),
                }
            }
        }
        // 一般名処方加算 (院外)
        if outside {
            let lines: Vec<GenericLine> = touyaku_groups
                .iter()
                .flat_map(|&k| groups[k].group.iter().copied())
                .filter_map(|it| match it.v {
                    AnyVersion::Y(y) => {
                        let nc = y.raw.col(37).trim();
                        Some(GenericLine {
                            name_code: if nc.is_empty() {
                                y.row.code.to_string()
                            } else {
                                nc.to_string()
                            },
                            eligible: y.row.generic_rx_kasan != 0,
                            by_name: v.items[it.idx].generic_name,
                        })
                    }
                    _ => None,
                })
                .collect();
            match ippanmei(&lines) {
                Ok(Some(t)) => {
                    let (code, why) = match t {
                        Ippanmei::Kasan1 => (
                            IPPANMEI_1,
                            "every drug with a 後発医薬品 written by 一般名 (≥ 2 一般名)",
                        ),
                        Ippanmei::Kasan2 => (IPPANMEI_2, "at least one drug with a 後発医薬品 written by 一般名"),
                    };
                    picks.push(Pick {
                        code,
                        rule: id::F400_IPPANMEI,
                        source: "R6告示 F400注6; R6通知 F400(12) (eligibility = y col 39 ≠ 0: L)",
                        why: why.into(),
                    });
                }
                Ok(None) => {}
                Err(msg) => led.diag(
                    Level::Info,
                    "GENERIC_NAME_UNKNOWN",
                    format!("一般名処方加算 not derived: {msg}"),
                    vp.clone(),
                ),
            }
        }
    }
    // --- reconcile listed F rows ----------------------------------------------------------
    for it in listed_f {
        let AnyVersion::S(s) = it.v else { continue };
        let code = s.row.code.0;
        let count = v.items[it.idx].count.unwrap_or(1);
        let at = Some(vs.at(it.idx));
        if let (Some(side), Some(p)) = (side_of(s.row.sum_target_out), v.prescription) {
            let in_house = p == Prescription::InHouse;
            if side != in_house {
                led.remove_s(
                    d,
                    s,
                    count,
                    Origin::Input,
                    id::F_SIDE,
                    "R6告示 第5部 通則 (院内: F000/F100/F500; 院外: F400 only)",
                    format!(
                        "{} row on a visit with prescription {:?}",
                        if side { "院内処方" } else { "処方箋料" },
                        p
                    ),
                    at,
                );
                continue;
            }
        }
        let same = picks.iter().position(|p| p.code == code);
        let alt = picks
            .iter()
            .position(|p| slot(p.code) == slot(code) && slot(code) != Slot::Other);
        let check = match slot(code) {
            Slot::Tokutei => {
                if period < TOKUTEI_DAYS && has_drugs {
                    Some(format!("処方期間 {period}日 < 28"))
                } else if ctx.claim.patient.tokutei_shikkan == Some(false) {
                    Some("patient.tokutei_shikkan is false".into())
                } else {
                    month(TOKUTEI, led).map(|b| format!("already billed this month ({} on {}): 月1回", b.code, b.date))
                }
            }
            Slot::Choki => {
                if !ctx.has_capability("pharmacist", d) {
                    Some("no capability `pharmacist` on the date (薬剤師常時勤務)".into())
                } else {
                    choki_limit(led).map(|r| r.message())
                }
            }
            _ => None,
        };
        if let Some(why) = check {
            led.remove_s(
                d,
                s,
                count,
                Origin::Input,
                id::TOUYAKU,
                "R6告示 F100注5 / F400注4 / F500",
                why,
                at,
            );
            if let Some(k) = same.or(alt) {
                picks.remove(k);
            }
            continue;
        }
        let (rule, source, detail) = match same.or(alt) {
            Some(k) => {
                let p = picks.remove(k);
                if same.is_none() && slot(code) != Slot::ShohoBase && slot(code) != Slot::ShohosenBase {
                    led.diag(
                        Level::Warning,
                        "F_EXPLICIT_DIFFERS",
                        format!(
                            "listed {code} differs from what the facts give ({}); billed as listed",
                            p.code
                        ),
                        vs.item_path(it.idx),
                    );
                }
                (
                    if same.is_some() { p.rule } else { id::TOUYAKU_LISTED },
                    p.source,
                    led.detail(|| p.why.clone()),
                )
            }
            None => (
                id::TOUYAKU_LISTED,
                "R6告示 第5部 投薬; listed F row, checked for 院内/院外",
                led.detail(|| "listed; not derived by santei".into()),
            ),
        };
        led.bill_s(d, i, s, count, Origin::Input, rule, source, detail, at, None);
    }
    for p in picks {
        led.bill_derived(d, i, p.code, p.rule, p.source, &p.why);
    }
}

fn listed_code_in(listed_f: &[&ParsedItem<'_>], codes: &[u32]) -> Option<u32> {
    listed_f
        .iter()
        .find(|it| codes.contains(&it.code.0))
        .map(|it| it.code.0)
}
