//! 処置 (第9部) basics: 手技 from the master (きざみ値 via [`super::items::step_points`]), 薬剤 under
//! J300 (15円以下 0点), 材料 under J400, and the 処置乳幼児加算 check.
//!
//! ## 何をするか
//! - A 処置 row is priced as listed; a quantity-dependent row (col 30 = 1) needs `quantity`.
//! - 処置乳幼児加算 (col 46 on the 加算 row: 1 3歳未満 (110), 2 3歳未満 (55), 3 6歳未満 (110), 4 6歳未満 (83),
//!   5 6歳未満 (55) — points from the master) is kept when listed only if a 処置 of the same visit
//!   carries the same col 46 value (the 加算's own age limits are checked from its row); derived
//!   only where the base's 年齢加算 columns name it (pipeline, all 区分).
//! - 外来診療料 visits: the bundled 処置 go to `removed` ([`super::gairai_hokatsu`]); their drugs and
//!   materials stay.
//!
//! ## 根拠
//! R6告示 第9部 通則 (処置乳幼児加算 by 区分; 薬剤 J300; 材料 J400), H for the structure; col 46 meanings
//! masters.md §3.1 (S) and the R6 加算 rows' names and points (H, data). The per-区分 points moved in
//! R6 (e.g. 6歳未満 55 / 83 / 110), which is why they are read from the rows.
//!
//! ## 使うマスタ項目
//! s cols 46 (処置乳幼児加算区分), 41/42 (年齢), 68 (告示等識別 7 = 加算), 30–35 (きざみ値).

/// Why a listed 処置乳幼児加算 (col 46 = `kasan`) cannot be billed, given the col 46 values of the
/// visit's 処置 rows.
pub fn infant_blocked(kasan: u8, bases: &[u8]) -> Option<String> {
    if bases.contains(&kasan) {
        None
    } else {
        Some(format!("処置乳幼児加算 (区分 {kasan}) needs a 処置 of the same visit whose 処置乳幼児加算区分 (col 46) is {kasan}; found {bases:?}"))
    }
}

/// The family check of a listed 処置乳幼児加算 row: it needs a billed 処置 of its kind.
pub fn listed_check(
    p: &masters::Procedure,
    facts: &crate::rules::items::ItemFacts<'_>,
) -> Option<crate::rules::Blocked> {
    if p.tbl_alpha == 'J' && p.shochi_infant != 0 && matches!(p.kokuji1, b'7' | b'9') {
        if let Some(why) = infant_blocked(p.shochi_infant, facts.shochi_bases) {
            return Some(crate::rules::Blocked::new(
                crate::rules::id::J_NYUYOJI,
                "R6告示 第9部 通則 処置乳幼児加算",
                why,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn infant() {
        assert!(super::infant_blocked(5, &[5, 0]).is_none());
        assert!(super::infant_blocked(5, &[3]).is_some());
        assert!(super::infant_blocked(1, &[]).is_some());
    }
}
