//! The drug stage of a visit: drugs priced per 所定単位 (one rp group = one 剤 / 1回分 / 1調剤),
//! the 7種類以上 reduction (F200注3), and the 投薬 facts the family stage needs.

use super::{kinds, reduce, Zai, CHIIKI_HOKATSU, SEVEN, SHOHOSEN_7, SHOHO_7, TEIGEN_90};
use crate::claim::{Prescription, Usage};
use crate::context::{Ctx, VisitState};
use crate::ledger::{Entry, Ledger};
use crate::outcome::{Level, Origin};
use crate::rules::items::{drug_context, drug_points, DrugRule, Listed};
use crate::rules::sections::Section;
use crate::rules::{id, RuleId};
use crate::validate::ParsedItem;
use masters::{AnyVersion, Code, DosageForm, PointKind};
use rust_decimal::Decimal;

/// One priced drug group (剤 / 1回分 / 1調剤).
pub struct DrugGroup<'c> {
    pub rp: String,
    pub group: Vec<&'c ParsedItem<'c>>,
    pub usage: Usage,
    /// Priced with a procedure of its rp (注射, 処置, 検査 …), not as 投薬.
    pub with_proc: bool,
    pub section: Section,
    pub rule: (DrugRule, RuleId, &'static str),
    pub yen: Decimal,
    pub parts: Vec<String>,
    pub count: u32,
    pub pts: i64,
}

/// What the drug stage leaves for the 投薬 family.
pub struct Drugs<'c> {
    pub groups: Vec<DrugGroup<'c>>,
    /// The groups that are 投薬 (not with a procedure, not injections).
    pub touyaku_groups: Vec<usize>,
    pub zais: Vec<Zai>,
    /// 種類 of 内服薬 (F200(6)).
    pub kinds: u32,
    pub seven: bool,
    /// 地域包括診療加算 on the visit (F100 2 not applied).
    pub chiiki: bool,
}

fn usage_of(it: &crate::claim::Item, form: DosageForm) -> (Usage, bool) {
    match it.usage {
        Some(u) => (u, false),
        None => (
            match form {
                DosageForm::External => Usage::External,
                DosageForm::Injection => Usage::Injection,
                _ => Usage::Internal,
            },
            true,
        ),
    }
}

pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &VisitState<'c>, listed: &Listed<'c>) -> Drugs<'c> {
    let i = vs.i;
    let v = &ctx.claim.visits[i];
    let d = vs.date;
    let set = ctx.set;
    let mut groups: Vec<DrugGroup<'c>> = Vec::new();
    for (rp, group) in &listed.drug_groups {
        let first = &v.items[group[0].idx];
        let form = match group[0].v {
            AnyVersion::Y(y) => y.row.dosage_form,
            _ => DosageForm::Other,
        };
        let (usage, inferred) = usage_of(first, form);
        if inferred && !listed.rp_section.contains_key(rp.as_str()) {
            led.diag(
                Level::Info,
                "USAGE_INFERRED",
                format!("usage not given: {usage:?} assumed from the drug's 剤形"),
                format!("{}.usage", vs.item_path(group[0].idx)),
            );
        }
        let with_proc = listed.rp_section.get(rp.as_str()).copied();
        let section = match (with_proc, usage) {
            (Some(sec), _) => sec,
            (None, Usage::Internal) => Section::NAIFUKU,
            (None, Usage::AsNeeded) => Section::TONPUKU,
            (None, Usage::External) => Section::GAIYO,
            (None, Usage::Injection) => Section::CHUSHA_OTHER,
        };
        if with_proc.is_none() && usage == Usage::Injection {
            led.diag(
                Level::Info,
                "INJECTION_WITHOUT_SHUGI",
                "an injection drug without a 注射 手技 in its rp: priced under G100 alone",
                vs.item_path(group[0].idx),
            );
        }
        let rule = drug_context(section);
        if with_proc.is_none() && usage != Usage::Injection && v.prescription.is_none() {
            led.diag(
                Level::Warning,
                "PRESCRIPTION_KIND_MISSING",
                "drugs given but `prescription` (in_house / outside) not set: in_house assumed",
                format!("{}.prescription", vs.path()),
            );
        }
        let mut yen = Decimal::ZERO;
        let mut parts = Vec::new();
        for it in group {
            let AnyVersion::Y(y) = it.v else { continue };
            let item = &v.items[it.idx];
            let q = match item.quantity {
                Some(q) => q,
                None => {
                    led.diag(
                        Level::Warning,
                        "QUANTITY_MISSING",
                        format!("{} {}: no quantity; 1 assumed", y.row.code, y.row.name),
                        format!("{}.quantity", vs.item_path(it.idx)),
                    );
                    Decimal::ONE
                }
            };
            if !matches!(y.row.price_kind, PointKind::Yen) {
                led.diag(
                    Level::Warning,
                    "PRICE_KIND_NOT_COMPUTED",
                    format!(
                        "{} {}: 金額種別 {:?} is not computed yet",
                        y.row.code, y.row.name, y.row.price_kind
                    ),
                    vs.item_path(it.idx),
                );
                continue;
            }
            yen += y.row.price * q;
            if led.trace {
                parts.push(format!("{} {}円×{}", y.row.code, y.row.price, q));
            }
        }
        let count = match (with_proc, usage) {
            (None, Usage::Internal) | (None, Usage::AsNeeded) => first.days.unwrap_or_else(|| {
                led.diag(
                    Level::Warning,
                    "DAYS_MISSING",
                    "no `days` for an internal / as-needed 剤: 1 assumed",
                    format!("{}.days", vs.item_path(group[0].idx)),
                );
                1
            }),
            (None, Usage::External) => 1,
            _ => first.count.unwrap_or(1),
        };
        let pts = drug_points(yen, rule.0);
        groups.push(DrugGroup {
            rp: rp.clone(),
            group: group.clone(),
            usage,
            with_proc: with_proc.is_some(),
            section,
            rule,
            yen,
            parts,
            count,
            pts,
        });
    }
    // --- 投薬 facts ------------------------------------------------------------------------
    let touyaku_groups: Vec<usize> = (0..groups.len())
        .filter(|&k| !groups[k].with_proc && groups[k].usage != Usage::Injection)
        .collect();
    let outside = v.prescription == Some(Prescription::Outside);
    let zais: Vec<Zai> = touyaku_groups
        .iter()
        .map(|&k| {
            let g = &groups[k];
            let mut codes: Vec<Code> = g.group.iter().map(|it| it.code).collect();
            codes.sort();
            codes.dedup();
            Zai {
                usage: g.usage,
                yen: g.yen,
                brands: codes.len() as u32,
                days: if g.usage == Usage::Internal { g.count } else { 0 },
                temporary: g.group.iter().any(|it| v.items[it.idx].temporary),
            }
        })
        .collect();
    let chiiki = led
        .visit_lines()
        .iter()
        .any(|l| l.visit == i && CHIIKI_HOKATSU.contains(&l.code.0));
    let n_kinds = kinds(&zais);
    let listed_seven = listed
        .listed_f
        .iter()
        .any(|it| it.code.0 == SHOHO_7 || it.code.0 == SHOHOSEN_7);
    let seven = !chiiki && (n_kinds >= SEVEN || listed_seven);
    let reduced = seven && !outside && listed.pediatric.is_none() && zais.iter().any(|z| z.usage == Usage::Internal);
    // --- drug lines ----------------------------------------------------------------------
    let mut reduced_parts = Vec::new();
    for g in &groups {
        let outside_drug = !g.with_proc && g.usage != Usage::Injection && outside;
        let mut pts = g.pts;
        let mut note = String::new();
        if reduced && !g.with_proc && g.usage == Usage::Internal {
            pts = reduce(g.pts, 90, 100);
            note = format!("; 7種類以上 (F200注3): {} × 90/100 = {pts} (四捨五入; L)", g.pts);
            reduced_parts.push(format!("{}: {}→{}", g.rp, g.pts, pts));
        }
        let detail_text = if led.trace {
            Some(format!(
                "Σ {} = {}円 per 所定単位 → {}点 × {} ({}: {}){note}",
                g.parts.join(" + "),
                g.yen,
                g.pts,
                g.count,
                g.rule.1,
                g.rule.0.rounding()
            ))
        } else {
            None
        };
        let n = g.group.len();
        for (k, it) in g.group.iter().enumerate() {
            if !matches!(it.v, AnyVersion::Y(_)) {
                continue;
            }
            let last = k + 1 == n;
            let e = Entry {
                date: d,
                code: it.code,
                row: it.v,
                points: if last { pts } else { 0 },
                count: g.count,
                section: g.section,
                origin: Origin::Input,
                rule: g.rule.1,
                source: g.rule.2.into(),
                detail: if last { detail_text.clone() } else { None },
                at: Some(vs.at(it.idx)),
                visit: i,
                rp: v.items[it.idx].rp.as_deref(),
            };
            if outside_drug {
                let mut e = e;
                e.rule = id::F400;
                e.source = "R6告示 第5部 通則: 院外処方 — drugs are billed by the pharmacy".into();
                e.detail = None;
                led.removed.push(e);
                continue;
            }
            if let Some(b) = listed.pediatric {
                led.strike(
                    e,
                    id::B001_2_HOKATSU,
                    b.source(),
                    "included in the pediatric 診療料 of this visit".into(),
                );
                continue;
            }
            led.bill(e);
        }
    }
    if reduced {
        if let Some(y) = set.y.lookup(Code(TEIGEN_90), d) {
            let detail = led.detail(|| {
                format!(
                    "{n_kinds} 種類 of 内服薬 (R6通知 F200(6)); per 剤 {}",
                    reduced_parts.join(", ")
                )
            });
            led.lines.push(Entry {
                date: d,
                code: y.row.code,
                row: AnyVersion::Y(y),
                points: 0,
                count: 1,
                section: Section::NAIFUKU,
                origin: Origin::Derived,
                rule: id::F200_CHU3,
                source: "R6告示 F200注3: 7種類以上の内服薬 → 所定点数の100分の90 (applied on the 剤 lines)".into(),
                detail,
                at: None,
                visit: i,
                rp: None,
            });
        }
    }
    Drugs {
        groups,
        touyaku_groups,
        zais,
        kinds: n_kinds,
        seven,
        chiiki,
    }
}
