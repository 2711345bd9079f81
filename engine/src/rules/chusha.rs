//! 注射 (第6部) basics: 手技 priced from the master by route, 薬剤 under G100 in the same `rp`,
//! 材料 under G200; 点滴注射 once a day; 麻薬注射加算 / 生物学的製剤注射加算 only with a matching drug.
//!
//! ## 何をするか
//! - The 手技 row is priced as listed (its 乳幼児加算 comes from the master's 年齢加算 columns in the
//!   pipeline). Drugs in the same `rp` as a 手技 are one 1回分 under G100 (15円以下 1点); without a
//!   手技 an injection drug is still G100 (section 33) — an info diagnostic asks for the 手技.
//! - G004 点滴注射 is 「１日につき」: a second 点滴注射 手技 row on the same date is removed.
//! - 通則 加算 are never derived; a listed 麻薬注射加算 needs a 麻薬 (y col 14 = 1) and a listed
//!   生物学的製剤注射加算 a 生物学的製剤 (y col 16 = 1) among the visit's injection drugs, else removed.
//!
//! ## 根拠
//! R6告示 第6部 通則, G000/G001/G004 (rules.md §5, H); G100 (15円以下 1点; H); G004 「１日につき」 (H);
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
