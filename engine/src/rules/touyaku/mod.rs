//! 投薬 (第5部) for outpatient claims: 調剤料 F000, 処方料 F100, 薬剤料 F200 (7種類以上 90/100),
//! 処方箋料 F400, 調剤技術基本料 F500 and their 加算, derived per prescription (= per visit).
//!
//! ## 何をするか
//! - 院内処方 (`prescription: "in_house"`): 調剤料 内服・屯服 once and 外用 once per prescription;
//!   麻薬等加算 (調剤料 and 処方料) when a drug has y col 14 ≠ 0; 処方料 7種類以上 (F100 2) or その他
//!   (F100 3); 乳幼児加算 from the chosen row's 年齢加算 columns; 特定疾患処方管理加算 (from
//!   2024-06-01) when the prescription period is ≥ 28 days and `patient.tokutei_shikkan` is true,
//!   月1回; 調剤技術基本料 月1回 with capability `pharmacist`. 7種類以上 also reduces every 内服 剤's
//!   drug points to 90/100 (y row 630010002 named on a 0-point line).
//! - 院外処方 (`outside`): 処方箋料 7種類以上 or その他, its 乳幼児加算, 特定疾患処方管理加算, 一般名処方加算
//!   1/2 from `items[].generic_name`; the drugs go to `removed` (pipeline).
//! - Not derived (listed only, checked for 院内/院外 and kept): 向精神薬多剤 (F100 1 / F400 1) and
//!   向精神薬長期 (F100 2 / F400 2) — the drug classes are not in any master column (an info
//!   diagnostic when ≥ 3 向精神薬 are prescribed); リフィル and 特定保険薬局 処方箋料; 抗悪性腫瘍剤処方管理加算;
//!   外来後発医薬品使用体制加算; 向精神薬調整連携加算.
//! - A listed F code equal to a derived one gives one line (origin input); a listed one that
//!   differs from the derived one of the same slot wins with a warning.
//!
//! ## 根拠
//! - Structure, 院内 vs 院外: R6告示 第5部 通則 (rules.md §4.0), H.
//! - F000 1 内服・屯服 11 / 外用 8 per 処方, 注 麻薬等加算 1: R6告示 F000, H.
//! - F100 2 「７種類以上の内服薬の投薬（臨時の投薬であって、投薬期間が２週間以内のもの及び区分番号Ａ００１
//!   に掲げる再診料の注12に掲げる地域包括診療加算を算定するものを除く。）」: R6告示 F100, H; 乳幼児加算 <3歳
//!   (注3), 麻薬等加算 (注2), 特定疾患処方管理加算 56点 月1回 28日以上 (注5, R6 only): H.
//! - 種類 counting: R6通知 F200(6): 内服薬 only, 1 銘柄 = 1 種類, **a 剤 of ≤ 205円 per 所定単位 is one
//!   種類**; H (rules.md §4.2). Powders mixed into one 剤 are the input's grouping (`rp`).
//! - F200 注3 (7種類以上 → 所定点数 (all 内服 drug points) × 90/100): H; rounding per 剤 per unit,
//!   四捨五入 (rules.md §4.3: **L**).
//! - F400 処方箋料 1/2/3, 乳幼児加算, 特定疾患処方管理加算, 一般名処方加算 1/2: R6告示 F400; 加算1 = all
//!   drugs that have a 後発医薬品 written by 一般名 and ≥ 2 such 一般名; 加算2 = at least one (R6通知
//!   F400(12), H). Eligibility = y col 39 ≠ 0 (**L**: which value means what is not documented).
//! - F500 14点 月1回 (入院外), 薬剤師常時勤務, not with 処方箋交付: R6告示 F500, H.
//! - 28日: the longest 内服 投薬期間 in the prescription (L for 頓服/外用: not counted).
//! - 特定疾患処方管理加算 before 2024-06 (R4: 加算1 18点 月2回 / 加算2 66点 月1回) is not derived (L):
//!   info diagnostic.
//!
//! ## 使うマスタ項目
//! s: points of every F row (col 12), 年齢加算 (cols 100–111), 点数欄集計先 (col 15: 210/230/250/260/270
//! 院内, 800 処方箋料). y: col 12 price, col 14 麻薬等, col 28 剤形, col 37 一般名コード, col 39
//! 一般名処方加算対象区分; 630010002 (薬剤料逓減 90/100).

pub mod drugs;
pub mod family;

use crate::claim::Usage;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// F000 1 調剤料（内服薬・浸煎薬・屯服薬）(入院外).
pub const CHOZAI_NAIFUKU: u32 = 120000710;
/// F000 2 調剤料（外用薬）(入院外).
pub const CHOZAI_GAIYO: u32 = 120001010;
/// F000 注 麻薬等加算（調剤料）（入院外）.
pub const CHOZAI_MAYAKU: u32 = 120000110;
/// 調剤・処方料（麻薬等） — a 合成 code standing for both 麻薬等加算.
pub const CHOZAI_SHOHO_MAYAKU: u32 = 120002030;
/// F100 1 処方料（向精神薬多剤投与）.
pub const SHOHO_TAZAI: u32 = 120003610;
/// F100 2 処方料（７種類以上内服薬）.
pub const SHOHO_7: u32 = 120002610;
/// F100 2 処方料（向精神薬長期処方）.
pub const SHOHO_CHOKI: u32 = 120004410;
/// F100 3 処方料（その他）.
pub const SHOHO_OTHER: u32 = 120001210;
/// F100 注2 麻薬等加算（処方料）.
pub const SHOHO_MAYAKU: u32 = 120001310;
/// F100 注5 特定疾患処方管理加算（処方料） (from 2024-06-01).
pub const SHOHO_TOKUTEI: u32 = 120005610;
/// F400 1 / 2 / 2 / 3 処方箋料 (リフィル以外).
pub const SHOHOSEN_TAZAI: u32 = 120003710;
pub const SHOHOSEN_7: u32 = 120002710;
pub const SHOHOSEN_CHOKI: u32 = 120004610;
pub const SHOHOSEN_OTHER: u32 = 120002910;
/// Every 処方箋料 base row (リフィル and 特定保険薬局 variants included): one per prescription.
pub const SHOHOSEN_BASES: &[u32] = &[
    120003710, 120002710, 120004610, 120002910, 120004710, 120004810, 120004910, 120005010, 120005810, 120005910,
    120006010, 120006110, 120006210, 120006310, 120006410, 120006510,
];
/// Every 処方料 base row.
pub const SHOHO_BASES: &[u32] = &[SHOHO_TAZAI, SHOHO_7, SHOHO_CHOKI, SHOHO_OTHER];
/// F400 注4 特定疾患処方管理加算（処方箋料） (from 2024-06-01; R6告示 F400 注4, ika-kokuji.txt PDF p.210 —
/// 注5 is 抗悪性腫瘍剤処方管理加算; the 処方料 one is F100 注5).
pub const SHOHOSEN_TOKUTEI: u32 = 120005710;
/// 特定疾患処方管理加算 (R6) codes sharing the 月1回.
pub const TOKUTEI: &[u32] = &[SHOHO_TOKUTEI, SHOHOSEN_TOKUTEI];
/// F400 注6 一般名処方加算１ / ２ (R6告示 F400 注6, PDF p.210–211; 注7 is 向精神薬調整連携加算).
pub const IPPANMEI_1: u32 = 120004270;
pub const IPPANMEI_2: u32 = 120003570;
/// F500 調剤技術基本料（その他）.
pub const CHOKI: u32 = 120001810;
/// y 630010002 薬剤料逓減（９０／１００）（内服薬）.
pub const TEIGEN_90: u32 = 630010002;
/// A001注12 地域包括診療加算１／２: their patients are not subject to F100 2 / F200 注3.
pub const CHIIKI_HOKATSU: &[u32] = &[112021770, 112017270];
/// First day of the R6 特定疾患処方管理加算 (56点 月1回).
pub const TOKUTEI_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 1) {
    Some(d) => d,
    None => panic!(),
};
/// 種類 threshold of F100 2 / F400 2 / F200 注3.
pub const SEVEN: u32 = 7;
/// A 剤 at or below this price per 所定単位 counts as one 種類 (R6通知 F200(6)).
pub const ONE_KIND_YEN: i64 = 205;
/// 特定疾患処方管理加算: prescription period in days.
pub const TOKUTEI_DAYS: u32 = 28;

/// One 剤 of a prescription, as the counting rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Zai {
    pub usage: Usage,
    /// yen per 所定単位 (内服: 1日分)
    pub yen: Decimal,
    /// distinct drug codes (銘柄) in the 剤
    pub brands: u32,
    /// 投薬日数 (内服)
    pub days: u32,
    /// listed as 臨時
    pub temporary: bool,
}

/// 種類 of 内服薬 for the 7種類以上 rule: 内服 剤 only, 臨時 ≤ 14 days left out; a 剤 of ≤ 205円
/// counts as one, else one per 銘柄.
pub fn kinds(zais: &[Zai]) -> u32 {
    zais.iter()
        .filter(|z| z.usage == Usage::Internal && !(z.temporary && z.days <= 14))
        .map(|z| {
            if z.yen <= Decimal::from(ONE_KIND_YEN) {
                1
            } else {
                z.brands
            }
        })
        .sum()
}

/// The prescription period for 特定疾患処方管理加算: the longest 内服 剤.
pub fn period_days(zais: &[Zai]) -> u32 {
    zais.iter()
        .filter(|z| z.usage == Usage::Internal)
        .map(|z| z.days)
        .max()
        .unwrap_or(0)
}

/// `points × num / den`, 四捨五入 to an integer (points ≥ 0).
pub fn reduce(points: i64, num: i64, den: i64) -> i64 {
    let x = Decimal::from(points) * Decimal::from(num) / Decimal::from(den);
    x.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(points)
}

/// One drug line as the 一般名処方加算 rule sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenericLine {
    /// y col 37 一般名コード (the drug code when empty)
    pub name_code: String,
    /// has a 後発医薬品 (y col 39 ≠ 0)
    pub eligible: bool,
    /// written by 一般名 (`items[].generic_name`)
    pub by_name: Option<bool>,
}

/// 一般名処方加算 tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ippanmei {
    Kasan1,
    Kasan2,
}

/// The 一般名処方加算 for one 処方箋: `Err` when no eligible line is stated and some are unstated.
pub fn ippanmei(lines: &[GenericLine]) -> Result<Option<Ippanmei>, &'static str> {
    let el: Vec<&GenericLine> = lines.iter().filter(|l| l.eligible).collect();
    if el.is_empty() {
        return Ok(None);
    }
    let any_yes = el.iter().any(|l| l.by_name == Some(true));
    if !any_yes {
        return if el.iter().any(|l| l.by_name.is_none()) {
            Err("items[].generic_name not given for drugs that have a 後発医薬品")
        } else {
            Ok(None)
        };
    }
    let all_yes = el.iter().all(|l| l.by_name == Some(true));
    let mut names: Vec<&str> = el.iter().map(|l| l.name_code.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    Ok(Some(if all_yes && names.len() >= 2 {
        Ippanmei::Kasan1
    } else {
        Ippanmei::Kasan2
    }))
}

/// Slots: a listed code and a derived code of the same slot are alternatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    ChozaiNaifuku,
    ChozaiGaiyo,
    ChozaiMayaku,
    ShohoBase,
    ShohoMayaku,
    ShohoAge,
    ShohosenBase,
    ShohosenAge,
    Tokutei,
    Ippanmei,
    Choki,
    Other,
}

/// The slot of an F code.
pub fn slot(code: u32) -> Slot {
    match code {
        CHOZAI_NAIFUKU => Slot::ChozaiNaifuku,
        CHOZAI_GAIYO => Slot::ChozaiGaiyo,
        CHOZAI_MAYAKU => Slot::ChozaiMayaku,
        SHOHO_MAYAKU => Slot::ShohoMayaku,
        120002170 => Slot::ShohoAge,
        120002470 => Slot::ShohosenAge,
        SHOHO_TOKUTEI | SHOHOSEN_TOKUTEI => Slot::Tokutei,
        IPPANMEI_1 | IPPANMEI_2 => Slot::Ippanmei,
        CHOKI => Slot::Choki,
        c if SHOHO_BASES.contains(&c) => Slot::ShohoBase,
        c if SHOHOSEN_BASES.contains(&c) => Slot::ShohosenBase,
        _ => Slot::Other,
    }
}

/// Whether an F row belongs to 院内 (調剤料/処方料/調基 点数欄 210, 230, 250, 260, 270) or 院外 (800).
pub fn side_of(sum_target_out: u16) -> Option<bool> {
    match sum_target_out {
        210 | 230 | 250 | 260 | 270 => Some(true),
        800 => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    fn z(yen: &str, brands: u32, days: u32) -> Zai {
        Zai {
            usage: Usage::Internal,
            yen: Decimal::from_str(yen).unwrap(),
            brands,
            days,
            temporary: false,
        }
    }
    #[test]
    fn seven_kinds_boundary() {
        // R6通知 F200(6): one 種類 per 銘柄; 6 vs 7 single-drug 剤 above 205円.
        let six: Vec<Zai> = (0..6).map(|_| z("300", 1, 28)).collect();
        assert_eq!(kinds(&six), 6);
        let mut seven = six.clone();
        seven.push(z("206", 1, 28));
        assert_eq!(kinds(&seven), 7);
    }
    #[test]
    fn cheap_zai_is_one_kind() {
        // a 剤 of ≤ 205円 per 1日分 counts as one 種類 however many 銘柄 it holds.
        assert_eq!(kinds(&[z("205", 5, 14)]), 1);
        assert_eq!(kinds(&[z("205.01", 5, 14)]), 5);
        // 臨時 ≤ 14 days is left out; 15 days counts; 屯服/外用 never count.
        let mut t = z("300", 3, 14);
        t.temporary = true;
        assert_eq!(kinds(&[t.clone()]), 0);
        t.days = 15;
        assert_eq!(kinds(&[t]), 3);
        let mut a = z("300", 2, 1);
        a.usage = Usage::AsNeeded;
        assert_eq!(kinds(&[a]), 0);
    }
    #[test]
    fn period_28_days() {
        assert_eq!(period_days(&[z("10", 1, 27), z("10", 1, 14)]), 27);
        assert!(period_days(&[z("10", 1, 27)]) < TOKUTEI_DAYS);
        assert!(period_days(&[z("10", 1, 28), z("10", 1, 7)]) >= TOKUTEI_DAYS);
    }
    #[test]
    fn ninety_percent() {
        // 6 × 0.9 = 5.4 → 5; 5 × 0.9 = 4.5 → 5 (四捨五入); 1 × 0.9 → 1.
        assert_eq!(reduce(6, 90, 100), 5);
        assert_eq!(reduce(5, 90, 100), 5);
        assert_eq!(reduce(1, 90, 100), 1);
        assert_eq!(reduce(17, 90, 100), 15);
    }
    #[test]
    fn generic_name_tiers() {
        let l = |n: &str, e, b| GenericLine {
            name_code: n.into(),
            eligible: e,
            by_name: b,
        };
        assert_eq!(
            ippanmei(&[l("a", true, Some(true)), l("b", true, Some(true))]),
            Ok(Some(Ippanmei::Kasan1))
        );
        assert_eq!(ippanmei(&[l("a", true, Some(true))]), Ok(Some(Ippanmei::Kasan2)));
        assert_eq!(
            ippanmei(&[l("a", true, Some(true)), l("b", true, Some(false))]),
            Ok(Some(Ippanmei::Kasan2))
        );
        assert_eq!(
            ippanmei(&[l("a", true, Some(true)), l("a", true, Some(true))]),
            Ok(Some(Ippanmei::Kasan2))
        );
        assert_eq!(ippanmei(&[l("a", false, None)]), Ok(None));
        assert!(ippanmei(&[l("a", true, None)]).is_err());
    }
    #[test]
    fn slots() {
        assert_eq!(slot(120002610), Slot::ShohoBase);
        assert_eq!(slot(120004810), Slot::ShohosenBase);
        assert_eq!(slot(120005710), Slot::Tokutei);
        assert_eq!(side_of(800), Some(false));
        assert_eq!(side_of(250), Some(true));
    }
}
