//! 注射 (第6部) basics: 手技 priced from the master by route, 薬剤 under G100 in the same `rp`,
//! 材料 under G200; 点滴注射 once a day; 麻薬注射加算 / 生物学的製剤注射加算 only with a matching drug.
//!
//! ## 何をするか
//! - The 手技 row is priced as listed (its 乳幼児加算 comes from the master's 年齢加算 columns in the
//!   pipeline). Drugs in the same `rp` as a 手技 are one 1回分 under G100 (15円以下 1点); without a
//!   手技 an injection drug is still G100 (section 33) — an info diagnostic asks for the 手技.
//! - G004 点滴注射 is 「１日につき」: a second 点滴注射 手技 row on the same date is removed.
//! - 通則3 生物学的製剤注射加算 (15点) and 通則5 麻薬注射加算 (5点) are derived ([`stage`]): once per
//!   注射 (`rp` group of the visit's drugs) whose injection drugs hold a 生物学的製剤 (y col 16 = 1) /
//!   a 麻薬 (y col 14 = 1), less the ones the claim lists; a listed one needs such a drug among the
//!   visit's injection drugs, else it is removed.
//!
//! ## 根拠
//! R6告示 第6部 通則, G000/G001/G004 (rules.md §5, H); G100 (15円以下 1点; H); G004 「１日につき」 (H);
//! 通則3 「生物学的製剤注射を行った場合は…15点を加算」, 通則5 「注射に当たって、麻薬を使用した場合は…
//! ５点を加算」 (`shared/reference/text/r6/ika-kokuji.txt` 第6部 通則, PDF 001218731 p.211; H); R6通知
//! 第6部 通則2(1) 「注射の方法にかかわらず」 (the y col 16 drugs: トキソイド, ワクチン, 抗毒素;
//! `ika-tsuchi.txt` p.444; H). One per 注射: the `rp` that groups a 手技 with its drugs (**M**: the
//! 告示 says per 注射; a drug without `rp` counts as its own 注射);
//! 通則 加算 and s col 29 医薬品関連区分 (1 麻薬注射加算, 4 生物学的製剤加算) paired with y cols 14/16
//! (masters.md §3.1, S).
//!
//! ## 使うマスタ項目
//! s cols 85/92–94 (G004 区分), 29 (医薬品関連区分), 100–111 (年齢加算); y cols 14, 16, 28.

/// G004 点滴注射 手技 rows (乳幼児 100mL以上, 500mL以上, その他（入院外）): one a day.
pub const TENTEKI: &[u32] = &[130003710, 130003810, 130009310];
/// 第6部 通則 麻薬注射加算 / 生物学的製剤注射加算.
pub const MAYAKU_KASAN: u32 = 130000310;
pub const SEIBUTSU_KASAN: u32 = 130000110;

/// Why a listed 通則 加算 cannot be billed, given whether the visit's injection drugs hold a 麻薬 /
/// a 生物学的製剤.
pub fn tsusoku_blocked(code: u32, has_narcotic: bool, has_biological: bool) -> Option<&'static str> {
    match code {
        MAYAKU_KASAN if !has_narcotic => {
            Some("麻薬注射加算 needs a 麻薬 (y col 14 = 1) among the injection drugs (R6告示 第6部 通則)")
        }
        SEIBUTSU_KASAN if !has_biological => Some(
            "生物学的製剤注射加算 needs a 生物学的製剤 (y col 16 = 1) among the injection drugs (R6告示 第6部 通則)",
        ),
        _ => None,
    }
}

/// The family checks of a listed 注射 row: G004 once a day (over the three 手技 rows: the 告示's
/// 「１日につき」 covers the family, which no per-code 05 row expresses) and the 通則 加算 that need
/// a matching drug.
pub fn listed_check(
    led: &crate::ledger::Ledger<'_>,
    d: chrono::NaiveDate,
    p: &masters::Procedure,
    facts: &crate::rules::items::ItemFacts<'_>,
) -> Option<crate::rules::Blocked> {
    use crate::rules::{id, Blocked};
    let code = p.code.0;
    if TENTEKI.contains(&code) {
        if let Some(b) = led.billed.iter().find(|b| b.date == d && TENTEKI.contains(&b.code.0)) {
            return Some(Blocked::new(
                id::G004,
                "R6告示 G004 点滴注射 (1日につき)",
                format!("点滴注射 already billed on {} ({})", b.date, b.code),
            ));
        }
    }
    let narcotic = facts.inj_drugs.iter().any(|y| y.narcotic_kind == 1);
    let bio = facts.inj_drugs.iter().any(|y| y.biological == 1);
    tsusoku_blocked(code, narcotic, bio).map(|why| Blocked::new(id::G_TSUSOKU, "R6告示 第6部 通則", why))
}

const SOURCE_SEIBUTSU: &str = "R6告示 第6部 通則3 生物学的製剤注射加算 (p.211), R6通知 第6部 通則2 (p.444)";
const SOURCE_MAYAKU: &str = "R6告示 第6部 通則5 麻薬注射加算 (p.211)";

/// The 通則 加算 stage of one visit (after `items::stage`): per 注射 (`rp` group) with a
/// 生物学的製剤 / 麻薬 among its injection drugs, one 加算, less those the claim lists (kept by the
/// listed check).
pub fn stage<'c>(
    ctx: &'c crate::context::Ctx<'c>,
    led: &mut crate::ledger::Ledger<'c>,
    vs: &crate::context::VisitState<'c>,
    listed: &crate::rules::items::Listed<'c>,
) {
    use masters::{AnyVersion, DosageForm};
    let d = vs.date;
    type Takes = fn(&masters::Drug) -> bool;
    let kinds: [(u32, Takes, &'static str, &'static str); 2] = [
        (
            SEIBUTSU_KASAN,
            |y| y.biological == 1,
            SOURCE_SEIBUTSU,
            "生物学的製剤 (y col 16 = 1)",
        ),
        (
            MAYAKU_KASAN,
            |y| y.narcotic_kind == 1,
            SOURCE_MAYAKU,
            "麻薬 (y col 14 = 1)",
        ),
    ];
    for (kasan, takes, source, what) in kinds {
        let groups: Vec<(&'c str, &'c masters::Drug)> = listed
            .drug_groups
            .values()
            .filter_map(|g| {
                g.iter().find_map(|it| match it.v {
                    AnyVersion::Y(y) if y.row.dosage_form == DosageForm::Injection && takes(&y.row) => {
                        Some((ctx.claim.visits[vs.i].items[it.idx].rp.as_deref().unwrap_or(""), &y.row))
                    }
                    _ => None,
                })
            })
            .collect();
        if groups.is_empty() {
            continue;
        }
        let have = led
            .visit_lines()
            .iter()
            .filter(|l| l.code.0 == kasan)
            .map(|l| l.count as usize)
            .sum::<usize>();
        let Some(row) = ctx.set.s.lookup(masters::Code(kasan), d) else {
            led.diag(
                crate::outcome::Level::Info,
                "CODE_NOT_VALID_ON_DATE",
                format!("{kasan} has no master version valid on {d}; not billed"),
                vs.path(),
            );
            continue;
        };
        for (rp, drug) in groups.into_iter().skip(have) {
            let detail = led.detail(|| {
                format!(
                    "注射 {} uses {} {}: {what}",
                    if rp.is_empty() { "(no rp)" } else { rp },
                    drug.code,
                    drug.name
                )
            });
            led.bill_s(
                d,
                vs.i,
                row,
                1,
                crate::outcome::Origin::Derived,
                crate::rules::id::G_TSUSOKU,
                source,
                detail,
                None,
                (!rp.is_empty()).then_some(rp),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn tsusoku() {
        assert!(tsusoku_blocked(MAYAKU_KASAN, false, true).is_some());
        assert!(tsusoku_blocked(MAYAKU_KASAN, true, false).is_none());
        assert!(tsusoku_blocked(SEIBUTSU_KASAN, true, false).is_some());
        assert!(tsusoku_blocked(130003510, false, false).is_none());
    }
}
