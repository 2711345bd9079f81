//! 公費 by 法別番号: the national rules as data, the order of payers as data, and 地方単独公費
//! from input fields only (futan.md §5).
//!
//! ## 何をするか
//! Each `public_aid[]` entry becomes an [`AidRule`]: the patient's share of what reaches it
//! (`target`), the 自己負担上限月額 (`monthly_limit`, from the 受給者証 = input), the 高額 basis
//! of its part (§5.3) and its rank among the payers (§5.4). A law with no national rule must
//! carry its own rule fields (`rate`, `monthly_limit`, `visit_limit`) or it is
//! `FUTAN_AID_RULE_MISSING` — no prefecture is coded (§5.5).
//!
//! ## 根拠 (futan.md §5.1, §5.3, §5.4)
//! Share kinds: a **rate** of the part's 医療費 (10 結核 5%; 15/16/21/24 自立支援 1割); **up to the
//! insurance rate** (52/54: 2割, or the insurance rate if lower); **whole copay** (38, 51: the
//! patient pays the copay up to the monthly limit); **zero** (the 公費 pays the whole copay,
//! unless a monthly limit — 本人支払額 — is given, which the patient then pays).
//! Confidence per law in [`NATIONAL`]. The order of payers [`PAYER_ORDER`] is **M** (head and
//! tail read in [31][32], the middle as used by a peer レセコン); 25/53/62/66/79 are **L**.
//!
//! ## 例
//! 54, 2割, monthly limit 10,000, part copay 40,500 (M 135,000): share = min(40,500, 27,000) =
//! 27,000 → limit 10,000 → the patient pays 10,000, 54 pays 30,500 ([35] 高齢受給者 事例35).

use crate::error::{ErrorKind, FutanError};
use crate::input::{Basis, PublicAid};
use crate::rate::Rate;
use crate::round;

/// How a 公費 computes the patient's share of what reaches it (before its monthly limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    /// A rate of the part's 医療費, rounded half-up to 1円 (never more than what reached it).
    Rate(Rate),
    /// A rate, or the insurance rate when lower (52, 54).
    UpToInsuranceRate(Rate),
    /// The whole copay (then the monthly limit).
    WholeCopay,
    /// Nothing, unless a monthly limit (本人支払額) is given: then the whole copay up to it.
    Zero,
    /// No national share: the entry must carry `rate` or `monthly_limit`/`visit_limit`.
    FromInput,
}

/// A national 法別番号 rule (futan.md §5.1).
#[derive(Clone, Copy, Debug)]
pub struct NationalRule {
    pub law: &'static str,
    pub name: &'static str,
    pub share: Share,
    pub basis: Basis,
    pub source: &'static str,
}

const fn r(law: &'static str, name: &'static str, share: Share, basis: Basis, source: &'static str) -> NationalRule {
    NationalRule {
        law,
        name,
        share,
        basis,
        source,
    }
}

use Basis::{General, LowIncome, Own};
use Share::{FromInput, UpToInsuranceRate, WholeCopay, Zero};

/// The national 法別番号 rules (futan.md §5.1; each source and confidence as written there).
pub const NATIONAL: &[NationalRule] = &[
    r(
        "10",
        "結核 適正医療 (感染症法37条の2)",
        Share::Rate(Rate(50)),
        General,
        "futan.md §5.1 [24][25] (H)",
    ),
    r(
        "11",
        "結核 入院勧告 (感染症法37条)",
        Zero,
        General,
        "futan.md §5.1 [24] (M)",
    ),
    r(
        "12",
        "生活保護 医療扶助",
        Zero,
        LowIncome,
        "futan.md §5.1 [26]; [35] 高齢受給者 事例29/30/56 (M)",
    ),
    r("13", "戦傷病者 療養給付", Zero, General, "futan.md §5.1 [24] (M)"),
    r("14", "戦傷病者 更生医療", Zero, General, "futan.md §5.1 [24] (M)"),
    r(
        "15",
        "自立支援 更生医療",
        Share::Rate(Rate(100)),
        General,
        "futan.md §5.1 [27] (H)",
    ),
    r(
        "16",
        "自立支援 育成医療",
        Share::Rate(Rate(100)),
        General,
        "futan.md §5.1 [27] (H)",
    ),
    r("17", "療育医療", Zero, General, "futan.md §5.1 [24] (M)"),
    r("18", "原爆 認定疾病", Zero, General, "futan.md §5.1 [24] (M)"),
    r("19", "原爆 一般疾病", Zero, General, "futan.md §5.1 [24] (M)"),
    r("20", "措置入院", Zero, General, "futan.md §5.1 [24] (M)"),
    r(
        "21",
        "自立支援 精神通院",
        Share::Rate(Rate(100)),
        General,
        "futan.md §5.1 [27] (H)",
    ),
    r("22", "麻薬入院措置", Zero, General, "futan.md §5.1 [24] (M)"),
    r("23", "養育医療", Zero, General, "futan.md §5.1 [24] (M)"),
    r(
        "24",
        "自立支援 療養介護医療",
        Share::Rate(Rate(100)),
        General,
        "futan.md §5.1 [24] (M)",
    ),
    r("25", "中国残留邦人等", Zero, LowIncome, "futan.md §5.1 [24] (L)"),
    r(
        "28",
        "1類・2類・指定感染症",
        Zero,
        General,
        "futan.md §5.1 [24]; [35] 後期 事例22/23 (M)",
    ),
    r("29", "新感染症", Zero, General, "futan.md §5.1 [24] (M)"),
    r("30", "心神喪失者等医療観察法", Zero, General, "futan.md §5.1 [24] (M)"),
    r(
        "38",
        "肝炎治療特別促進事業",
        WholeCopay,
        General,
        "futan.md §5.1; [35] 後期 事例19/20 (M)",
    ),
    r(
        "51",
        "特定疾患治療研究 (旧法)",
        WholeCopay,
        Own,
        "futan.md §5.1; [36] 外来現物給付化 事例12–34 (M)",
    ),
    r(
        "52",
        "小児慢性特定疾病",
        UpToInsuranceRate(Rate(200)),
        Own,
        "futan.md §5.1 [28]; [35] 難病 事例25–38 (H)",
    ),
    r(
        "53",
        "児童福祉施設措置",
        FromInput,
        General,
        "futan.md §5.1 [24] (L: rule as data)",
    ),
    r(
        "54",
        "指定難病 (難病法)",
        UpToInsuranceRate(Rate(200)),
        Own,
        "futan.md §5.1 [29][30]; [35] 難病 事例1–24 (H)",
    ),
    r(
        "62",
        "特定B型肝炎等",
        FromInput,
        General,
        "futan.md §5.1 [24] (L: rule as data)",
    ),
    r("66", "石綿", FromInput, General, "futan.md §5.1 [24] (L: rule as data)"),
    r(
        "79",
        "障害児施設",
        FromInput,
        General,
        "futan.md §5.1 [24] (L: rule as data)",
    ),
];

/// The order of payers after the insurance (futan.md §5.4, **M**); 地方単独公費 follow.
pub const PAYER_ORDER: &[&str] = &[
    "13", "14", "18", "29", "30", "10", "11", "20", "21", "15", "16", "24", "22", "28", "17", "79", "19", "23", "52",
    "54", "51", "38", "53", "66", "62", "25", "12",
];

/// A resolved `public_aid[]` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AidRule {
    /// Index of the input entry.
    pub index: usize,
    pub law: String,
    pub name: String,
    pub share: Share,
    pub basis: Basis,
    pub monthly_limit: Option<i64>,
    pub visit_limit: Option<i64>,
    pub visits_per_month: Option<u32>,
    /// Sort key: national laws by [`PAYER_ORDER`], then 地単 by `after`, then input order.
    pub rank: (u32, u32, usize),
    /// `futan.aid.<law>`.
    pub rule: String,
    pub source: String,
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// Resolves every entry (validating its fields; paths `public_aid[i].…`).
pub fn resolve(aids: &[PublicAid]) -> Result<Vec<AidRule>, FutanError> {
    aids.iter().enumerate().map(|(i, a)| resolve_one(i, a)).collect()
}

fn resolve_one(i: usize, a: &PublicAid) -> Result<AidRule, FutanError> {
    let p = |f: &str| format!("public_aid[{i}].{f}");
    if !digits(&a.law, 2) {
        return Err(FutanError::input(
            p("law"),
            format!("`{}` is not a 法別番号 (2 digits)", a.law),
        ));
    }
    if let Some(x) = &a.payer {
        if !digits(x, 8) {
            return Err(FutanError::input(
                p("payer"),
                format!("`{x}` is not a 公費負担者番号 (8 digits)"),
            ));
        }
    }
    if let Some(x) = &a.recipient {
        if !digits(x, 7) {
            return Err(FutanError::input(
                p("recipient"),
                format!("`{x}` is not a 受給者番号 (7 digits)"),
            ));
        }
    }
    for (f, v) in [("monthly_limit", a.monthly_limit), ("visit_limit", a.visit_limit)] {
        if v.is_some_and(|v| v < 0) {
            return Err(FutanError::input(p(f), "a limit is 0 or more yen"));
        }
    }
    if let (Some(f), Some(t)) = (a.from, a.to) {
        if f > t {
            return Err(FutanError::input(p("to"), format!("{t} is before from {f}")));
        }
    }
    let rate =
        match a.rate {
            Some(d) => Some(Rate::from_decimal(d).ok_or_else(|| {
                FutanError::input(p("rate"), format!("{d} is not a rate 0–1 with at most 3 decimals"))
            })?),
            None => None,
        };
    let national = NATIONAL.iter().find(|n| n.law == a.law);
    let order = PAYER_ORDER.iter().position(|l| *l == a.law);
    if a.after.is_some() && order.is_some() {
        return Err(FutanError::input(
            p("after"),
            format!(
                "`after` orders 地方単独公費; 法別 {} has its place in the national order (futan.md §5.4)",
                a.law
            ),
        ));
    }
    if a.visits_per_month.is_some() && a.visit_limit.is_none() {
        return Err(FutanError::input(
            p("visits_per_month"),
            "`visits_per_month` counts the visits that pay `visit_limit`, which is missing",
        ));
    }
    let own_rule = rate.is_some() || a.monthly_limit.is_some() || a.visit_limit.is_some();
    let missing = || {
        FutanError::new(
            ErrorKind::AidRuleMissing,
            format!("public_aid[{i}]"),
            format!(
                "法別 {} has no national rule in santei: give its rule as data (`rate`, `monthly_limit` or `visit_limit`; futan.md §5.5)",
                a.law
            ),
        )
    };
    let (share, basis, name, source) = match national {
        Some(n) if !matches!(n.share, FromInput) => (
            rate.map(Share::Rate).unwrap_or(n.share),
            a.basis.unwrap_or(n.basis),
            n.name.to_string(),
            n.source.to_string(),
        ),
        Some(n) => {
            if !own_rule {
                return Err(missing());
            }
            (
                rate.map(Share::Rate).unwrap_or(WholeCopay),
                a.basis.unwrap_or(n.basis),
                n.name.to_string(),
                format!("{}; rule from the input", n.source),
            )
        }
        None => {
            if !own_rule {
                return Err(missing());
            }
            (
                rate.map(Share::Rate).unwrap_or(WholeCopay),
                a.basis.unwrap_or(Own),
                format!("地方単独公費 {}", a.law),
                "futan.md §5.5: 地方単独公費, rule from the input (rate/monthly_limit/visit_limit)".to_string(),
            )
        }
    };
    let rank = match order {
        Some(pos) => (0, pos as u32, i),
        None => (1, a.after.unwrap_or(0), i),
    };
    Ok(AidRule {
        index: i,
        law: a.law.clone(),
        name,
        share,
        basis,
        monthly_limit: a.monthly_limit,
        visit_limit: a.visit_limit,
        visits_per_month: a.visits_per_month,
        rank,
        rule: format!("futan.aid.{}", a.law),
        source,
    })
}

impl AidRule {
    /// The patient's share of `target` for a part with 医療費 `m`, before the monthly limit.
    pub fn share_of(&self, target: i64, m: i64, insurance_rate: Rate) -> Result<i64, FutanError> {
        Ok(match self.share {
            Share::Rate(r) => round::share(m, r.permille())?.min(target),
            Share::UpToInsuranceRate(r) => round::share(m, r.min(insurance_rate).permille())?.min(target),
            Share::WholeCopay | Share::FromInput => target,
            Share::Zero => {
                if self.monthly_limit.is_some() {
                    target
                } else {
                    0
                }
            }
        })
    }

    pub fn describe_share(&self) -> String {
        match self.share {
            Share::Rate(r) => format!("{r} of the part's 医療費"),
            Share::UpToInsuranceRate(r) => format!("{r} (or the insurance rate if lower) of the part's 医療費"),
            Share::WholeCopay | Share::FromInput => "the whole copay".to_string(),
            Share::Zero => {
                if self.monthly_limit.is_some() {
                    "本人支払額 up to the monthly limit".to_string()
                } else {
                    "0 (the 公費 pays the whole copay)".to_string()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_national_law_has_a_rank_and_ranks_are_unique() {
        for n in NATIONAL {
            assert!(PAYER_ORDER.contains(&n.law), "{} has no rank", n.law);
        }
        let mut seen = std::collections::HashSet::new();
        for l in PAYER_ORDER {
            assert!(seen.insert(l), "{l} twice");
        }
        // 12 生活保護 is last among national 公費 (他法優先, §5.4).
        assert_eq!(PAYER_ORDER.last(), Some(&"12"));
    }
}
