//! 医学管理等 (第1部) basics: 特定疾患療養管理料 月2回 and 初診月, 薬剤情報提供料 月1回 and 院外,
//! and what 小児科外来診療料 / 小児かかりつけ診療料 include.
//!
//! ## 何をするか
//! - 特定疾患療養管理料 (B000): at most 2 a month over every variant (history + earlier lines);
//!   not on the 初診 day nor within one month of it (a 初診料 line of the claim or history dated d0
//!   blocks dates before d0 + 1 month); `patient.tokutei_shikkan == false` removes it, `None` keeps it
//!   with an info diagnostic.
//! - 薬剤情報提供料 (B011-3): only when listed; 月1回 unless the prescription changed (the engine
//!   compares the drug codes with the visit that billed it earlier in the claim; against history it
//!   cannot, so a second one is kept with a warning); not with 院外処方 (注3).
//! - 小児科外来診療料 (B001-2 1/2) and 小児かかりつけ診療料 (B001-2-11): every other item of the visit,
//!   drugs and materials included, goes to `removed` (rule `B001-2-hokatsu`) except what the 注
//!   excludes.
//!
//! ## 根拠
//! - B000 注1 月2回, 注2 初診の日 and 初診の日から1月以内 → 初診料に含まれる: R6告示 B000 (M: not read
//!   here; rules.md does not carry B000). Disease list: R6 特掲施設基準 別表第一 (input fact).
//! - B011-3 注1 月1回（処方の内容に変更があった場合は、その都度）, 注3 処方箋交付 → 算定しない: R6告示 B011-3, H
//!   (read).
//! - B001-2 注3 and B001-2-11 注3: included are all 診療に係る費用 except 注4 (小児抗菌薬適正使用支援加算),
//!   A000注7・8・10・15・16, A001注5・6・19, A002注8–10, 通則3–6 (医学管理等 通則加算), B001-2-2, B001-2-5,
//!   B001-2-6, B010, B011, C000, 第14部 その他; B001-2-11 also keeps B009 and B009-2. R6告示, H (read).
//!   Base fee and 注加算 are handled before (base suppressed, DX family via （医学管理等） codes).
//!
//! ## 使うマスタ項目
//! s cols 85, 90–94 (区分; in the master B001-2-n are 枝番 02 with 項番 = sub-区分: B001-2 1–4,
//! B001-2-2 5, B001-2-5 8, B001-2-6 9, B001-2-11 19–21), 68 (告示等識別 9 = 通則加算), 91 (部 14).

use masters::Procedure;

/// B000 特定疾患療養管理料 (診療所 / 100床未満 / 100–200床, and the 情報通信機器 versions): 月2回.
/// The 告示 counts the variants together (注1 「月２回に限り」 over the 区分); the limit itself is the
/// 05 row of the listed code (113001810 月 2).
pub const TOKUTEI_KANRI: &[u32] = &[113001810, 113001910, 113002010, 113034010, 113034110, 113034210];
/// B011-3 薬剤情報提供料 (月1回) and its 手帳記載加算.
pub const YAKUZAI_JOHO: u32 = 120002370;
pub const TECHO_KASAN: u32 = 113701310;
/// B001-2 小児科外来診療料 (1イ, 1ロ, 2イ, 2ロ).
pub const SHONI_GAIRAI: &[u32] = &[113003510, 113003610, 113003710, 113003810];
/// B001-2-11 小児かかりつけ診療料 1/2 (イ/ロ × 初診/再診).
pub const SHONI_KAKARITSUKE: &[u32] = &[
    113037210, 113037310, 113037410, 113037510, 113037610, 113037710, 113037810, 113037910,
];

/// Which pediatric bundle a visit carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PediatricBundle {
    /// 小児科外来診療料 (B001-2)
    Gairai,
    /// 小児かかりつけ診療料 (B001-2-11)
    Kakaritsuke,
}

impl PediatricBundle {
    pub fn of(code: u32) -> Option<Self> {
        if SHONI_GAIRAI.contains(&code) {
            Some(PediatricBundle::Gairai)
        } else if SHONI_KAKARITSUKE.contains(&code) {
            Some(PediatricBundle::Kakaritsuke)
        } else {
            None
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            PediatricBundle::Gairai => "小児科外来診療料",
            PediatricBundle::Kakaritsuke => "小児かかりつけ診療料",
        }
    }
    pub fn source(self) -> &'static str {
        match self {
            PediatricBundle::Gairai => "R6告示 B001-2 注3",
            PediatricBundle::Kakaritsuke => "R6告示 B001-2-11 注3",
        }
    }
}

/// Whether `p` stays billable beside the pediatric bundle `b` (else it is included in it).
pub fn kept_beside(b: PediatricBundle, p: &Procedure) -> bool {
    if p.tbl_alpha == 'A' || p.tbl_part == 14 && p.tbl_chapter == 2 {
        return true; // base fee rows and their 注加算 are handled before; 第14部 その他
    }
    match p.tbl_alpha {
        'B' => {
            if p.kokuji1 == b'9' {
                return true; // 通則3–6 加算
            }
            match (p.tbl_kubun, p.tbl_eda, b) {
                (1, 2, PediatricBundle::Gairai) => matches!(p.tbl_kouban, 1..=5 | 8 | 9),
                (1, 2, PediatricBundle::Kakaritsuke) => matches!(p.tbl_kouban, 5 | 8 | 9 | 19..=21),
                (10, 0, _) | (11, 0, _) => true,
                (9, 0, PediatricBundle::Kakaritsuke) | (9, 2, PediatricBundle::Kakaritsuke) => true,
                _ => false,
            }
        }
        'C' => p.tbl_kubun == 0 && p.tbl_eda == 0,
        _ => false,
    }
}

/// Whether date `d` is within one month of the 初診 on `first` (「初診の日から１月以内」: the same
/// day of the next month is outside; M).
pub fn within_month_of_first(first: chrono::NaiveDate, d: chrono::NaiveDate) -> bool {
    let limit = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(chrono::NaiveDate::MAX);
    first <= d && d < limit
}

/// The family checks of a listed 医学管理 row: B000 (主病, 05 月2回 over the variants, 初診月)
/// and B011-3 (院外, 月1回 unless the prescription changed — the 05 row carries 特例条件 1 for it,
/// so the condition is coded here from the 告示).
pub fn listed_check<'c>(
    ctx: &'c crate::context::Ctx<'c>,
    led: &mut crate::ledger::Ledger<'c>,
    i: usize,
    p: &Procedure,
    count: u32,
) -> Option<crate::rules::Blocked> {
    use crate::claim::Prescription;
    use crate::outcome::Level;
    use crate::rules::{id, limits, monthly, Blocked};
    use std::collections::BTreeSet;
    let v = &ctx.claim.visits[i];
    let d = v.date;
    let code = p.code.0;
    let month = |codes: &[u32], led: &crate::ledger::Ledger<'c>| {
        monthly::already_billed(codes, d, monthly::Window::Month, &ctx.history, &led.billed)
    };
    if TOKUTEI_KANRI.contains(&code) {
        match ctx.claim.patient.tokutei_shikkan {
            Some(false) => {
                return Some(Blocked::new(
                    id::B000,
                    "R6告示 B000 (別表第一の疾患を主病とする患者)",
                    "patient.tokutei_shikkan is false",
                ))
            }
            None => led.diag(
                Level::Info,
                "TOKUTEI_SHIKKAN_UNKNOWN",
                "特定疾患療養管理料 kept as listed: patient.tokutei_shikkan not given",
                format!("visits[{i}]"),
            ),
            Some(true) => {}
        }
        if let Some(r) = limits::reached(
            &ctx.set.tensuhyo,
            p.code,
            TOKUTEI_KANRI,
            d,
            count,
            &ctx.history,
            &led.billed,
        ) {
            return Some(Blocked::new(
                id::B000,
                "R6告示 B000 注1 (月2回); 05 算定回数テーブル",
                r.message(),
            ));
        }
        let first = ctx.history.iter().chain(led.billed.iter()).find(|b| {
            ctx.set
                .s
                .lookup(b.code, b.date)
                .is_some_and(|r| crate::rules::kihon::is_base_row(&r.row) && r.row.tbl_kubun == 0)
                && within_month_of_first(b.date, d)
        });
        if let Some(f) = first {
            return Some(Blocked::new(
                id::B000,
                "R6告示 B000 注2 (初診の日から1月以内は初診料に含まれる; M)",
                format!("初診 {} on {}: within one month", f.code, f.date),
            ));
        }
    }
    if code == YAKUZAI_JOHO || code == TECHO_KASAN {
        if v.prescription == Some(Prescription::Outside) {
            return Some(Blocked::new(
                id::B011_3,
                "R6告示 B011-3 注3",
                "処方箋を交付した患者: 算定しない",
            ));
        }
        if code == YAKUZAI_JOHO {
            if let Some(b) = month(&[code], led) {
                let drugs = |j: usize| -> BTreeSet<masters::Code> {
                    ctx.items[j]
                        .iter()
                        .filter(|x| matches!(x.v, masters::AnyVersion::Y(_)))
                        .map(|x| x.code)
                        .collect()
                };
                let earlier = led
                    .lines
                    .iter()
                    .find(|l| l.code == b.code && l.date == b.date)
                    .map(|l| l.visit);
                match earlier {
                    Some(j) if drugs(j) == drugs(i) => return Some(Blocked::new(id::B011_3, "R6告示 B011-3 注1 (月1回; 処方の内容に変更があった場合は、その都度)", format!("already billed on {} and the drugs did not change", b.date))),
                    Some(_) => {}
                    None => led.diag(Level::Warning, "MONTHLY_UNVERIFIED", format!("薬剤情報提供料 already in history on {}: kept (allowed again only when the prescription changed)", b.date), format!("visits[{i}]")),
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    fn row(alpha: char, kubun: u16, eda: u8, kouban: u16) -> Procedure {
        let mut p = crate::rules::test_support::blank_procedure();
        p.tbl_alpha = alpha;
        p.tbl_chapter = 2;
        p.tbl_part = 1;
        p.tbl_kubun = kubun;
        p.tbl_eda = eda;
        p.tbl_kouban = kouban;
        p.kokuji1 = b'1';
        p
    }
    #[test]
    fn bundle_exceptions() {
        let g = PediatricBundle::Gairai;
        assert!(kept_beside(g, &row('B', 1, 2, 4))); // 小児抗菌薬適正使用支援加算
        assert!(kept_beside(g, &row('B', 1, 2, 5))); // B001-2-2
        assert!(!kept_beside(g, &row('B', 1, 2, 6))); // B001-2-3 乳幼児育児栄養指導料
        assert!(kept_beside(g, &row('B', 10, 0, 0))); // B010
        assert!(!kept_beside(g, &row('B', 9, 0, 0))); // B009 (kept only by かかりつけ)
        assert!(kept_beside(PediatricBundle::Kakaritsuke, &row('B', 9, 0, 0)));
        assert!(!kept_beside(g, &row('B', 11, 3, 1))); // 薬剤情報提供料
        assert!(kept_beside(g, &row('C', 0, 0, 0))); // 往診料
        assert!(!kept_beside(g, &row('D', 7, 0, 1)));
        assert!(!kept_beside(g, &row('G', 1, 0, 0)));
        let mut o = row('O', 100, 0, 0);
        o.tbl_part = 14;
        assert!(kept_beside(g, &o));
    }
    #[test]
    fn first_visit_month() {
        let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
        assert!(within_month_of_first(d(7, 10), d(7, 10)));
        assert!(within_month_of_first(d(7, 10), d(8, 9)));
        assert!(!within_month_of_first(d(7, 10), d(8, 10)));
        assert!(!within_month_of_first(d(7, 10), d(7, 9)));
    }
}
