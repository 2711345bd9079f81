//! Pricing of listed items: 診療行為 points (incl. きざみ値), drugs (F200 / G100 and the 0-point
//! floor of the other 部), 特定保険医療材料.
//!
//! ## 根拠
//! - 薬剤 yen → points, 投薬 F200 and 注射 G100: 15円以下 1点; above, 1 + ceil((yen − 15)/10), i.e.
//!   yen/10 with 五捨五超入 (R6告示 F200, G100; H). 在宅 C200, 検査 D500, 画像 E300, 処置 J300,
//!   手術 K940 …: the same steps but 15円以下 → 算定しない (0) (R6告示; H; rules.md §5).
//! - Units (所定単位): 内服 1剤1日分 × 日数, 屯服 1回分 × 回数, 外用 1調剤 (R6告示 F200 注; H).
//! - 特定保険医療材料: price ÷ 10円, 四捨五入, on the total used (材料価格基準 留意事項, M); t col 22
//!   特定器材種別 3 ÷ 50円, 4 ÷ 1000円 (S).
//! - きざみ値: for (下限 − きざみ) < q ≤ 上限, points = 点数 (col 12) + ⌈(q − 下限) / きざみ⌉⁺ × きざみ点数.
//!   Consistent with every example checked: 114000970 患家診療時間加算 (100; 下限 90, きざみ 30 × 100:
//!   61–90分 100, 91–120分 200), 113030470 (260 × 月), 170000410 写真診断 (85, 2枚目以降 +42.5: R6告示
//!   E001注 100分の50), 160056110 特異的ＩｇＥ (110 × 種類, 上限 13 = 1,430点: D015 13注), 160177770
//!   外来迅速検体検査加算 (10 × 項目, 上限 5). **M** (the spec's own wording is not staged). Above 上限 with
//!   エラー処理 (col 35) = 1 the 上限 is priced (L: read by analogy with col 37); the result is rounded
//!   四捨五入.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Which yen → points rule applies to a drug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrugRule {
    /// F200 / G100: 15円以下 = 1点.
    MinOne,
    /// C200, D500, E300, J300, K940 …: 15円以下 = 0点 (算定しない).
    ZeroBelow15,
}

impl DrugRule {
    pub fn id(self) -> &'static str {
        match self {
            DrugRule::MinOne => "F200",
            DrugRule::ZeroBelow15 => "J300",
        }
    }
    pub fn source(self) -> &'static str {
        match self {
            DrugRule::MinOne => "R6告示 F200 / G100: 15円以下 1点, 以降 10円又はその端数を増すごとに1点",
            DrugRule::ZeroBelow15 => {
                "R6告示 C200/D500/E300/J300/K940: 15円以下 算定しない, 以降 10円又はその端数ごとに1点"
            }
        }
    }
    /// The rounding rule in words, for the trace.
    pub fn rounding(self) -> &'static str {
        match self {
            DrugRule::MinOne => "15円以下 → 1点; 超えると 1 + ⌈(円 − 15) ÷ 10⌉",
            DrugRule::ZeroBelow15 => "15円以下 → 0点 (算定しない); 超えると 1 + ⌈(円 − 15) ÷ 10⌉",
        }
    }
}

/// The 薬剤料 区分 a drug line is billed under, by the 診療識別 of its context: the rule id, its
/// source and the rounding rule. 投薬 21–23 → F200, 注射 31–33 → G100 (15円以下 1点); 在宅 14 → C200,
/// 処置 40 → J300, 手術 50 → K940, 検査 60 → D500, 画像 70 → E300 (15円以下 0点). R6告示 各部 薬剤料; H.
pub fn drug_context(section: Section) -> (DrugRule, RuleId, &'static str) {
    match section.number() {
        21..=23 => (
            DrugRule::MinOne,
            id::F200,
            "R6告示 F200 薬剤: 15円以下 1点, 以降 10円又はその端数を増すごとに1点",
        ),
        31..=33 => (
            DrugRule::MinOne,
            id::G100,
            "R6告示 G100 薬剤: 15円以下 1点, 以降 10円又はその端数を増すごとに1点",
        ),
        14 => (
            DrugRule::ZeroBelow15,
            id::C200,
            "R6告示 C200 薬剤: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
        50 => (
            DrugRule::ZeroBelow15,
            id::K940,
            "R6告示 K940 薬剤: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
        60 => (
            DrugRule::ZeroBelow15,
            id::D500,
            "R6告示 D500 薬剤: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
        70 => (
            DrugRule::ZeroBelow15,
            id::E300,
            "R6告示 E300 薬剤: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
        _ => (
            DrugRule::ZeroBelow15,
            id::J300,
            "R6告示 J300 薬剤 (and H100/I100/L200 alike): 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
    }
}

/// The 特定保険医療材料 区分 by the 診療識別 of its context (R6告示 B200, C300, D600, E401, F300, G200,
/// J400, K950: 「材料価格を10円で除して得た点数」; H). フィルム (t codes 700…) under 画像 are E400.
pub fn material_context(section: Section, code: u32) -> (RuleId, &'static str) {
    if section == Section::GAZO && code / 1_000_000 == 700 {
        return (
            id::E400,
            "R6告示 E400 フィルム: 購入価格を10円で除して得た点数 (四捨五入; M)",
        );
    }
    match section.number() {
        13 => (id::B200, "R6告示 B200: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        14 => (id::C300, "R6告示 C300: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        21..=25 => (id::F300, "R6告示 F300: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        31..=33 => (id::G200, "R6告示 G200: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        40 => (id::J400, "R6告示 J400: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        50 => (id::K950, "R6告示 K950: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        60 => (id::D600, "R6告示 D600: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        70 => (id::E401, "R6告示 E401: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        _ => (id::MATERIAL, "材料価格基準; 留意事項 (価格÷10円, 四捨五入; M)"),
    }
}

/// The rule family that owns a listed 診療行為 row, by its 区分 letter (cols 85/90–94): the
/// row is priced from the master; the family's checks run in the pipeline.
pub fn listed_rule(p: &masters::Procedure) -> (RuleId, &'static str) {
    match p.tbl_alpha {
        'B' => (id::B_IGAKU, "R6告示 第2章第1部 医学管理等; points from the master row"),
        'C' => (
            id::C_ZAITAKU,
            "R6告示 第2章第2部 在宅医療; points from the master row (unchecked)",
        ),
        'D' | 'N' => (
            id::D_KENSA,
            "R6告示 第2章第3部 検査 / 第13部 病理; points from the master row",
        ),
        'E' => (
            id::E_GAZO,
            "R6告示 第2章第4部 画像診断: 撮影・診断・加算 as listed; points from the master row",
        ),
        'G' => (
            id::G_CHUSHA,
            "R6告示 第2章第6部 注射 第1節 注射料 (手技 by route); points from the master row",
        ),
        'J' => (id::J_SHOCHI, "R6告示 第2章第9部 処置; points from the master row"),
        'K' | 'L' => (
            id::K_SHUJUTSU,
            "R6告示 第2章第10部/第11部; points from the master row (unchecked)",
        ),
        _ => (
            id::UNCHECKED,
            "医科診療行為マスター (no rule family checks this item yet)",
        ),
    }
}

/// Points of one 所定単位 of drugs costing `yen`.
pub fn drug_points(yen: Decimal, rule: DrugRule) -> i64 {
    let fifteen = Decimal::from(15);
    if yen <= fifteen {
        return match rule {
            DrugRule::MinOne if yen > Decimal::ZERO => 1,
            DrugRule::MinOne => 0,
            DrugRule::ZeroBelow15 => 0,
        };
    }
    let steps = ((yen - fifteen) / Decimal::from(10)).ceil();
    1 + steps.to_i64().unwrap_or(i64::MAX - 1)
}

/// Points of a 特定保険医療材料 line: total price ÷ divisor, 四捨五入.
pub fn material_points(price: Decimal, quantity: Decimal, calc_kind: u8) -> i64 {
    let divisor = match calc_kind {
        3 => Decimal::from(50),
        4 => Decimal::from(1000),
        _ => Decimal::from(10),
    };
    (price * quantity / divisor)
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(0)
}

/// きざみ値 points for quantity `q` on a row whose 点数 (col 12) is `base`, or `None` when `q` is
/// out of range: `base` up to 下限値, then + きざみ点数 per きざみ値 or part of it above 下限値.
pub fn step_points(step: &masters::Step, base: Decimal, q: Decimal) -> Option<Decimal> {
    if step.step == 0 {
        return None;
    }
    let width = Decimal::from(step.step);
    let lower = Decimal::from(step.lower);
    if q <= lower - width || (step.upper != 99_999_999 && q > Decimal::from(step.upper)) {
        return None;
    }
    let extra = if q > lower {
        ((q - lower) / width).ceil()
    } else {
        Decimal::ZERO
    };
    Some(base + extra * step.step_points)
}

/// The quantity to price when `q` is above 上限値 and the row's エラー処理 (col 35) is 1 (上限値で算定;
/// by analogy with col 37, S/L): the upper limit. `None` = no clamping.
pub fn step_clamp(step: &masters::Step, q: Decimal) -> Option<Decimal> {
    (step.error_handling == 1 && step.upper != 99_999_999 && q > Decimal::from(step.upper))
        .then(|| Decimal::from(step.upper))
}

// ---------------------------------------------------------------------------------------------
// The listed-items stage
// ---------------------------------------------------------------------------------------------

use crate::context::{Ctx, VisitState};
use crate::ledger::{At, Entry, Ledger};
use crate::outcome::{Level, Origin};
use crate::rules::igaku_kanri::PediatricBundle;
use crate::rules::kihon::{age_fits, is_base_row};
use crate::rules::sections::{section_of, Section};
use crate::rules::{chusha, gairai_hokatsu, id, igaku_kanri, kanri_hokatsu, kensa, shochi, Blocked, RuleId};
use crate::validate::ParsedItem;
use masters::{AnyVersion, DosageForm, HospClinic, InOut, Procedure, Version};
use std::collections::BTreeMap;

/// What the listed-items stage leaves for the 投薬 stages.
pub struct Listed<'c> {
    /// Listed F-区分 rows (reconciled by the 投薬 family).
    pub listed_f: Vec<&'c ParsedItem<'c>>,
    /// Drugs by rp group (`#j` for a drug without one), in key order.
    pub drug_groups: BTreeMap<String, Vec<&'c ParsedItem<'c>>>,
    /// The section of each rp group's procedure, if it has one.
    pub rp_section: BTreeMap<&'c str, Section>,
    /// The pediatric bundle of the visit (everything else is included in it).
    pub pediatric: Option<PediatricBundle>,
}

/// The visit facts the family checks of a listed row read.
pub struct ItemFacts<'a> {
    /// 処置乳幼児加算区分 of the listed 処置 that are billed.
    pub shochi_bases: &'a [u8],
    /// The visit's injection drugs.
    pub inj_drugs: &'a [&'a masters::Drug],
}

/// The listed-items stage: every item no earlier stage took is checked against its master row
/// (入外, 病院・診療所, 年齢), the visit's bundles (小児科外来診療料, 外来診療料) and its family's
/// checks, then priced (きざみ値, 年齢加算, materials per 部, comments); drugs and F rows are left
/// for the 投薬 stages.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>) -> Listed<'c> {
    let (i, d) = (vs.i, vs.date);
    let v = &ctx.claim.visits[i];
    let set = ctx.set;
    let items: &'c [ParsedItem<'c>] = &ctx.items[i];
    let has_base = vs.kind.is_some() || vs.explicit_base;
    let mut rp_section: BTreeMap<&'c str, Section> = BTreeMap::new();
    for it in items {
        if let (AnyVersion::S(s), Some(rp)) = (it.v, v.items[it.idx].rp.as_deref()) {
            if s.row.tbl_alpha != 'F' {
                if let Some(sec) = section_of(s.row.sum_target_out) {
                    rp_section.entry(rp).or_insert(sec);
                }
            }
        }
    }
    // --- visit context: 外来診療料 bundle, pediatric bundle -----------------------------------
    let gairai = led
        .visit_lines()
        .iter()
        .any(|l| l.procedure().is_some_and(|r| is_base_row(r) && r.tbl_kubun == 2));
    let gairai_bundle = gairai && gairai_hokatsu::gairai_bundle_enabled(set) && d >= gairai_hokatsu::FROM;
    if gairai && d < gairai_hokatsu::FROM {
        led.diag(
            Level::Info,
            "BUNDLE_NOT_DATED",
            "外来診療料 bundle (A002注6) is coded from 2022-04-01 only: nothing bundled",
            vs.path(),
        );
    }
    let pediatric = items.iter().find_map(|it| match it.v {
        AnyVersion::S(s) if !vs.consumed[it.idx] && age_fits(ctx, &s.row, d) => PediatricBundle::of(s.row.code.0),
        _ => None,
    });
    // --- 年齢加算 of listed items (cols 100–111): which listed add-ons a base claims ----------
    let mut age_adds: Vec<(usize, &'c Version<Procedure>)> = Vec::new(); // (base idx, 加算 row)
    for it in items {
        let AnyVersion::S(s) = it.v else { continue };
        if vs.consumed[it.idx] || s.row.tbl_alpha == 'F' || is_base_row(&s.row) {
            continue;
        }
        for ak in &s.row.age_kasan {
            if !(ctx.at_least(&ak.lower, d) && ctx.below(&ak.upper, d)) {
                continue;
            }
            match set.s.lookup(ak.code, d) {
                Some(row) if crate::ledger::procedure_points(&row.row).is_some() => age_adds.push((it.idx, row)),
                // % rows (点数識別 5) are derived by rules::tsusoku after the listed items.
                Some(row) if row.row.point_kind == masters::PointKind::PercentAdd => {}
                Some(row) => led.diag(
                    Level::Info,
                    "AGE_KASAN_NOT_DERIVED",
                    format!(
                        "{} {}: 点数識別 {:?} is not derived; list it",
                        row.row.code, row.row.name, row.row.point_kind
                    ),
                    vs.item_path(it.idx),
                ),
                None => {}
            }
        }
    }
    let mut age_claimed: BTreeMap<usize, usize> = BTreeMap::new(); // listed 加算 idx → base idx
    for (base, row) in &age_adds {
        if let Some(it) = items
            .iter()
            .find(|it| !vs.consumed[it.idx] && it.code == row.row.code && !age_claimed.contains_key(&it.idx))
        {
            age_claimed.insert(it.idx, *base);
        }
    }
    let shochi_bases: Vec<u8> = items
        .iter()
        .filter_map(|it| match it.v {
            AnyVersion::S(s)
                if s.row.shochi_infant != 0
                    && !matches!(s.row.kokuji1, b'7' | b'9')
                    && !(gairai_bundle && gairai_hokatsu::bundled(&s.row).is_some()) =>
            {
                Some(s.row.shochi_infant)
            }
            _ => None,
        })
        .collect();
    let inj_drugs: Vec<&masters::Drug> = items
        .iter()
        .filter_map(|it| match it.v {
            AnyVersion::Y(y) if y.row.dosage_form == DosageForm::Injection => Some(&y.row),
            _ => None,
        })
        .collect();
    let facts = ItemFacts {
        shochi_bases: &shochi_bases,
        inj_drugs: &inj_drugs,
    };
    let mut listed = Listed {
        listed_f: Vec::new(),
        drug_groups: BTreeMap::new(),
        rp_section,
        pediatric,
    };
    let adds = AgeAdds {
        visit: i,
        claimed: &age_claimed,
        items,
    };
    for it in items {
        if vs.consumed[it.idx] {
            continue;
        }
        vs.consumed[it.idx] = true;
        if age_claimed.contains_key(&it.idx) {
            continue; // billed or removed with its base
        }
        let item = &v.items[it.idx];
        let at = Some(vs.at(it.idx));
        let rp = item.rp.as_deref();
        match it.v {
            AnyVersion::S(s) => {
                let p = &s.row;
                let count = item.count.unwrap_or(1);
                if let Some(why) = master_check(ctx, p, d, has_base) {
                    adds.remove(led, d, s, count, id::MASTER_CHECK, "医科診療行為マスター", why, it.idx);
                    continue;
                }
                if p.tbl_alpha == 'F' {
                    listed.listed_f.push(it);
                    continue;
                }
                if let Some(b) = pediatric {
                    if PediatricBundle::of(p.code.0).is_none() && !igaku_kanri::kept_beside(b, p) {
                        adds.remove(
                            led,
                            d,
                            s,
                            count,
                            id::B001_2_HOKATSU,
                            b.source(),
                            format!("included in {} on this visit", b.name_ja()),
                            it.idx,
                        );
                        continue;
                    }
                }
                if p.jisshi_handan == 2 {
                    continue; // 判断料: month stage (kensa::handan)
                }
                if gairai_bundle {
                    if let Some(why) = gairai_hokatsu::bundled(p) {
                        adds.remove(
                            led,
                            d,
                            s,
                            count,
                            id::A002_HOKATSU,
                            "R6告示 A002注6; R6通知 A002(12) (hand-coded until the 02包括テーブル)",
                            format!("included in 外来診療料: {why}"),
                            it.idx,
                        );
                        continue;
                    }
                }
                let blocked = kanri_hokatsu::listed_check(ctx, led, i, p)
                    .or_else(|| kensa::listed_check(ctx, led, i, p, count))
                    .or_else(|| chusha::listed_check(led, d, p, &facts))
                    .or_else(|| shochi::listed_check(p, &facts))
                    .or_else(|| igaku_kanri::listed_check(ctx, led, i, p, count));
                if let Some(Blocked { rule, source, why }) = blocked {
                    adds.remove(led, d, s, count, rule, source, why, it.idx);
                    continue;
                }
                let mut quantity = item.quantity;
                if p.code.0 == kensa::JINSOKU {
                    quantity = kensa::jinsoku(ctx, led, vs, s, it.idx, quantity);
                    if quantity == Some(rust_decimal::Decimal::ZERO) {
                        continue;
                    }
                }
                let mut points_override = None;
                let mut detail = None;
                if let Some(step) = &p.step {
                    if let Some(cap) = quantity.and_then(|q| step_clamp(step, q)) {
                        led.diag(Level::Info, "STEP_CAPPED", format!("{} {}: quantity {} above the master's 上限 {cap}; priced at {cap} (きざみ値 エラー処理 1)", p.code, p.name, quantity.unwrap_or_default()), format!("{}.quantity", vs.item_path(it.idx)));
                        quantity = Some(cap);
                    }
                    match quantity.and_then(|q| step_points(step, p.points, q).map(|pts| (q, pts))) {
                        Some((q, pts)) => {
                            points_override = pts
                                .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                                .to_i64();
                            detail = led.detail(|| format!("きざみ値: quantity {q} → {pts} points (点数 {}, 下限 {}, 上限 {}, きざみ {} × {}; 四捨五入)", p.points, step.lower, step.upper, step.step, step.step_points));
                        }
                        None => {
                            led.diag(
                                Level::Error,
                                "STEP_QUANTITY",
                                format!(
                                    "{} {}: needs a quantity in ({}, {}] (きざみ値)",
                                    p.code,
                                    p.name,
                                    step.lower as i64 - step.step as i64,
                                    step.upper
                                ),
                                format!("{}.quantity", vs.item_path(it.idx)),
                            );
                            adds.remove(
                                led,
                                d,
                                s,
                                count,
                                id::KIZAMI,
                                "医科診療行為マスター きざみ値",
                                "quantity missing or out of range".into(),
                                it.idx,
                            );
                            continue;
                        }
                    }
                }
                let detail = detail.or_else(|| {
                    led.detail(|| {
                        format!(
                            "{} {}: priced from the master row valid on {d}",
                            p.kubun_label(),
                            p.name
                        )
                    })
                });
                match points_override {
                    Some(pts) => led.bill(Entry {
                        date: d,
                        code: p.code,
                        row: it.v,
                        points: pts,
                        count,
                        section: Section::of_procedure(p),
                        origin: Origin::Input,
                        rule: id::KIZAMI,
                        source: "医科診療行為マスター きざみ値 (cols 30–35)".into(),
                        detail,
                        at,
                        visit: i,
                        rp,
                    }),
                    None => {
                        let (rule, source) = listed_rule(p);
                        let source = format!("{source}; 区分 {}", crate::rules::kubun_label(p));
                        led.bill_s(d, i, s, count, Origin::Input, rule, source, detail, at, rp);
                    }
                }
                // its 年齢加算 (listed → input, else derived)
                for (base, row) in age_adds.iter().filter(|(b, _)| *b == it.idx) {
                    let claimed = age_claimed
                        .iter()
                        .find(|(l, b)| **b == *base && items.iter().any(|x| x.idx == **l && x.code == row.row.code))
                        .map(|(l, _)| *l);
                    let (origin, aat) = match claimed {
                        Some(l) => (Origin::Input, Some(vs.at(l))),
                        None => (Origin::Derived, None),
                    };
                    let detail = led
                        .detail(|| format!("年齢加算 of {} (cols 100–111): age {} on {d}", p.code, ctx.age_years(d)));
                    led.bill_s(
                        d,
                        i,
                        row,
                        1,
                        origin,
                        id::AGE_KASAN,
                        format!(
                            "医科診療行為マスター 年齢加算 (cols 100–111) of {}; R6告示 {} 注 (乳幼児加算)",
                            p.code,
                            crate::rules::kubun_label(&row.row)
                        ),
                        detail,
                        aat,
                        rp,
                    );
                }
            }
            AnyVersion::Y(_) => {
                let key = item.rp.clone().unwrap_or_else(|| format!("#{}", it.idx));
                listed.drug_groups.entry(key).or_default().push(it);
            }
            AnyVersion::T(t) => {
                let q = item.quantity.unwrap_or(rust_decimal::Decimal::ONE);
                let section = rp
                    .and_then(|rp| listed.rp_section.get(rp))
                    .copied()
                    .unwrap_or(Section::OTHER);
                let pts = material_points(t.row.price, q, t.row.calc_kind);
                let mut e = Entry {
                    date: d,
                    code: t.row.code,
                    row: it.v,
                    points: pts,
                    count: 1,
                    section,
                    origin: Origin::Input,
                    rule: id::MATERIAL,
                    source: "".into(),
                    detail: None,
                    at,
                    visit: i,
                    rp,
                };
                if pediatric.is_some() {
                    led.strike(
                        e,
                        id::B001_2_HOKATSU,
                        "R6告示 B001-2 注3 / B001-2-11 注3",
                        "included in the pediatric 診療料 of this visit".into(),
                    );
                    continue;
                }
                let (rule, source) = material_context(section, t.row.code.0);
                if section == Section::GAZO && t.row.age_kasan == 1 && ctx.age_years(d) < 6 {
                    led.diag(
                        Level::Info,
                        "FILM_INFANT_NOT_APPLIED",
                        "フィルム 6歳未満 ×1.1 (R6告示 E400注) applies to 胸部/腹部単純撮影 only: not applied",
                        vs.item_path(it.idx),
                    );
                }
                e.rule = rule;
                e.source = source.into();
                e.detail = led.detail(|| format!("{} 円 × {q} ÷ 10 = {pts} (四捨五入)", t.row.price));
                led.bill(e);
            }
            AnyVersion::C(c) => {
                let section = led
                    .visit_lines()
                    .iter()
                    .rev()
                    .find(|l| l.visit == i)
                    .map_or(Section::OTHER, |l| l.section);
                // A comment is not counted for the limits.
                led.lines.push(Entry {
                    date: d,
                    code: c.row.code,
                    row: it.v,
                    points: 0,
                    count: 1,
                    section,
                    origin: Origin::Input,
                    rule: id::COMMENT,
                    source: "コメントマスター".into(),
                    detail: None,
                    at,
                    visit: i,
                    rp,
                });
            }
        }
    }
    listed
}

/// The master's own limits on a listed 診療行為 row: 入外適用区分, 点数欄集計先, 病院・診療所区分,
/// 年齢 (cols 17, 15, 19, 41–42), and one base fee per visit.
fn master_check(ctx: &Ctx<'_>, p: &Procedure, d: chrono::NaiveDate, has_base: bool) -> Option<String> {
    if p.in_out == InOut::InpatientOnly {
        Some("入院のみ (入外適用区分 1): not billable on an outpatient claim".into())
    } else if section_of(p.sum_target_out).is_none() {
        Some("点数欄集計先識別（入院外） 0: not billable as an outpatient".into())
    } else if p.hosp_clinic == HospClinic::ClinicOnly && !ctx.is_clinic() {
        Some("診療所のみ (病院・診療所区分 2)".into())
    } else if p.hosp_clinic == HospClinic::HospitalOnly && ctx.is_clinic() {
        Some("病院のみ (病院・診療所区分 1)".into())
    } else if !age_fits(ctx, p, d) {
        Some(format!(
            "age {} outside the item's age limits ({:?} … {:?})",
            ctx.age_years(d),
            p.age_lower,
            p.age_upper
        ))
    } else if is_base_row(p) && has_base {
        Some("one base fee per visit (R6告示 第1部 通則1)".into())
    } else {
        None
    }
}

/// The listed 年齢加算 rows claimed by their base item (removed together with it).
struct AgeAdds<'a, 'c> {
    visit: usize,
    claimed: &'a BTreeMap<usize, usize>,
    items: &'c [ParsedItem<'c>],
}

impl<'c> AgeAdds<'_, 'c> {
    /// Removes a listed row and the 年齢加算 rows it claimed.
    #[allow(clippy::too_many_arguments)]
    fn remove(
        &self,
        led: &mut Ledger<'c>,
        d: chrono::NaiveDate,
        s: &'c Version<Procedure>,
        count: u32,
        rule: RuleId,
        source: impl Into<crate::outcome::Text>,
        why: String,
        idx: usize,
    ) {
        let source = source.into();
        let visit = self.visit;
        led.remove_s(
            d,
            s,
            count,
            Origin::Input,
            rule,
            source.clone(),
            why.clone(),
            Some(At::item(visit, idx)),
        );
        for (l, _) in self.claimed.iter().filter(|(_, b)| **b == idx) {
            if let Some(AnyVersion::S(a)) = self.items.iter().find(|x| x.idx == *l).map(|x| x.v) {
                led.remove_s(
                    d,
                    a,
                    1,
                    Origin::Input,
                    rule,
                    source.clone(),
                    format!("年齢加算 of {}: {why}", s.row.code),
                    Some(At::item(visit, *l)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn sec(n: u16) -> crate::rules::sections::Section {
        let code = match n {
            21 => 210,
            33 => 331,
            40 => 400,
            60 => 600,
            70 => 700,
            _ => 0,
        };
        match n {
            21 => crate::rules::sections::Section::NAIFUKU,
            _ => crate::rules::sections::section_of(code).unwrap(),
        }
    }
    use super::*;
    use std::str::FromStr;
    fn y(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    #[test]
    fn f200_table_of_rules_md() {
        // rules.md §4.3 worked checks on real 2024-06 prices.
        assert_eq!(drug_points(y("60.60"), DrugRule::MinOne), 6);
        assert_eq!(drug_points(y("111.50"), DrugRule::MinOne), 11);
        assert_eq!(drug_points(y("169.80"), DrugRule::MinOne), 17);
        assert_eq!(drug_points(y("69.70"), DrugRule::MinOne), 7);
        assert_eq!(drug_points(y("120.40"), DrugRule::MinOne), 12);
        assert_eq!(drug_points(y("15.20"), DrugRule::MinOne), 2);
        assert_eq!(drug_points(y("28.80"), DrugRule::MinOne), 3);
        assert_eq!(drug_points(y("5.70"), DrugRule::MinOne), 1);
        for (yen, pts) in [("15.00", 1), ("15.01", 2), ("25.00", 2), ("25.01", 3), ("35.00", 3)] {
            assert_eq!(drug_points(y(yen), DrugRule::MinOne), pts, "{yen}");
        }
        assert_eq!(drug_points(y("15.00"), DrugRule::ZeroBelow15), 0);
        assert_eq!(drug_points(y("15.01"), DrugRule::ZeroBelow15), 2);
    }
    #[test]
    fn contexts() {
        assert_eq!(drug_context(sec(21)).1, "F200");
        assert_eq!(drug_context(sec(33)).1, "G100");
        assert_eq!(
            drug_context(sec(40)),
            (DrugRule::ZeroBelow15, crate::rules::id::J300, drug_context(sec(40)).2)
        );
        assert_eq!(drug_context(sec(60)).1, "D500");
        assert_eq!(material_context(sec(70), 700_010_000).0, "E400");
        assert_eq!(material_context(sec(40), 730_010_000).0, "J400");
    }
    #[test]
    fn materials_round_half_up() {
        assert_eq!(material_points(y("0.19"), y("500"), 2), 10); // 95円 → 9.5 → 10
        assert_eq!(material_points(y("144"), y("1"), 0), 14); // 14.4
        assert_eq!(material_points(y("145"), y("1"), 0), 15); // 14.5 → 15
    }
    #[test]
    fn steps() {
        // masters.md §3.2: 114000970 患家診療時間加算 下限 90, きざみ 30, 100点.
        let s = masters::Step {
            lower: 90,
            upper: 99_999_999,
            step: 30,
            step_points: y("100"),
            error_handling: 0,
        };
        assert_eq!(step_points(&s, y("100"), y("61")), Some(y("100")));
        assert_eq!(step_points(&s, y("100"), y("90")), Some(y("100")));
        assert_eq!(step_points(&s, y("100"), y("91")), Some(y("200")));
        assert_eq!(step_points(&s, y("100"), y("60")), None);
        // 170000410 写真診断: 85, 下限 1, 上限 5, きざみ 1 × 42.50 → 1枚 85, 2枚 127.5, 5枚 255.
        let e = masters::Step {
            lower: 1,
            upper: 5,
            step: 1,
            step_points: y("42.50"),
            error_handling: 1,
        };
        assert_eq!(step_points(&e, y("85"), y("1")), Some(y("85")));
        assert_eq!(step_points(&e, y("85"), y("2")), Some(y("127.50")));
        assert_eq!(step_points(&e, y("85"), y("6")), None);
        assert_eq!(step_clamp(&e, y("6")), Some(y("5")));
        // 160056110 特異的ＩｇＥ: 110 per 種類, 上限 13 → 1,430 (D015 13注).
        let g = masters::Step {
            lower: 1,
            upper: 13,
            step: 1,
            step_points: y("110"),
            error_handling: 1,
        };
        assert_eq!(step_points(&g, y("110"), y("13")), Some(y("1430")));
    }
}
