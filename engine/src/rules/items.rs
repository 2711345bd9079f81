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
pub fn drug_context(section: &str) -> (DrugRule, &'static str, &'static str) {
    match section {
        "21" | "22" | "23" => (
            DrugRule::MinOne,
            "F200",
            "R6告示 F200 薬剤: 15円以下 1点, 以降 10円又はその端数を増すごとに1点",
        ),
        "31" | "32" | "33" => (
            DrugRule::MinOne,
            "G100",
            "R6告示 G100 薬剤: 15円以下 1点, 以降 10円又はその端数を増すごとに1点",
        ),
        "14" => (
            DrugRule::ZeroBelow15,
            "C200",
            "R6告示 C200 薬剤: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
        "50" => (
            DrugRule::ZeroBelow15,
            "K940",
            "R6告示 K940 薬剤: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
        "60" => (
            DrugRule::ZeroBelow15,
            "D500",
            "R6告示 D500 薬剤: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
        "70" => (
            DrugRule::ZeroBelow15,
            "E300",
            "R6告示 E300 薬剤: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
        _ => (
            DrugRule::ZeroBelow15,
            "J300",
            "R6告示 J300 薬剤 (and H100/I100/L200 alike): 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        ),
    }
}

/// The 特定保険医療材料 区分 by the 診療識別 of its context (R6告示 B200, C300, D600, E401, F300, G200,
/// J400, K950: 「材料価格を10円で除して得た点数」; H). フィルム (t codes 700…) under 画像 are E400.
pub fn material_context(section: &str, code: u32) -> (&'static str, &'static str) {
    if section == "70" && code / 1_000_000 == 700 {
        return (
            "E400",
            "R6告示 E400 フィルム: 購入価格を10円で除して得た点数 (四捨五入; M)",
        );
    }
    match section {
        "13" => ("B200", "R6告示 B200: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        "14" => ("C300", "R6告示 C300: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        "21" | "22" | "23" | "24" | "25" => ("F300", "R6告示 F300: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        "31" | "32" | "33" => ("G200", "R6告示 G200: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        "40" => ("J400", "R6告示 J400: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        "50" => ("K950", "R6告示 K950: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        "60" => ("D600", "R6告示 D600: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        "70" => ("E401", "R6告示 E401: 材料価格を10円で除して得た点数 (四捨五入; M)"),
        _ => ("material", "材料価格基準; 留意事項 (価格÷10円, 四捨五入; M)"),
    }
}

/// The rule family that owns a listed 診療行為 row, by its 区分 letter (cols 85/90–94): the
/// row is priced from the master; the family's checks run in the pipeline.
pub fn listed_rule(p: &masters::Procedure) -> (&'static str, &'static str) {
    match p.tbl_alpha {
        'B' => ("B-igaku", "R6告示 第2章第1部 医学管理等; points from the master row"),
        'C' => (
            "C-zaitaku",
            "R6告示 第2章第2部 在宅医療; points from the master row (unchecked)",
        ),
        'D' | 'N' => (
            "D-kensa",
            "R6告示 第2章第3部 検査 / 第13部 病理; points from the master row",
        ),
        'E' => (
            "E-gazo",
            "R6告示 第2章第4部 画像診断: 撮影・診断・加算 as listed; points from the master row",
        ),
        'G' => (
            "G-chusha",
            "R6告示 第2章第6部 注射 第1節 注射料 (手技 by route); points from the master row",
        ),
        'J' => ("J-shochi", "R6告示 第2章第9部 処置; points from the master row"),
        'K' | 'L' => (
            "K-shujutsu",
            "R6告示 第2章第10部/第11部; points from the master row (unchecked)",
        ),
        _ => (
            "unchecked",
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

#[cfg(test)]
mod tests {
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
        assert_eq!(drug_context("21").1, "F200");
        assert_eq!(drug_context("33").1, "G100");
        assert_eq!(
            drug_context("40"),
            (DrugRule::ZeroBelow15, "J300", drug_context("40").2)
        );
        assert_eq!(drug_context("60").1, "D500");
        assert_eq!(material_context("70", 700_010_000).0, "E400");
        assert_eq!(material_context("40", 730_010_000).0, "J400");
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
