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
//! - きざみ値: points = ceil((q − (下限 − きざみ)) / きざみ) × きざみ点数 for (下限 − きざみ) < q ≤ 上限
//!   (masters.md §3.2: formula consistent with every staged example; to be confirmed, **M**).

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
            DrugRule::ZeroBelow15 => "R6告示 C200/D500/E300/J300/K940: 15円以下 算定しない, 以降 10円又はその端数ごとに1点",
        }
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

/// きざみ値 points for quantity `q`, or `None` when `q` is out of range.
pub fn step_points(step: &masters::Step, q: Decimal) -> Option<Decimal> {
    if step.step == 0 {
        return None;
    }
    let width = Decimal::from(step.step);
    let floor = Decimal::from(step.lower) - width;
    if q <= floor || (step.upper != 99_999_999 && q > Decimal::from(step.upper)) {
        return None;
    }
    Some(((q - floor) / width).ceil() * step.step_points)
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
    fn materials_round_half_up() {
        assert_eq!(material_points(y("0.19"), y("500"), 2), 10); // 95円 → 9.5 → 10
        assert_eq!(material_points(y("144"), y("1"), 0), 14); // 14.4
        assert_eq!(material_points(y("145"), y("1"), 0), 15); // 14.5 → 15
    }
    #[test]
    fn steps() {
        // masters.md §3.2: 114000970 患家診療時間加算 下限 90, きざみ 30, 100点.
        let s = masters::Step { lower: 90, upper: 99_999_999, step: 30, step_points: y("100"), error_handling: 0 };
        assert_eq!(step_points(&s, y("61")), Some(y("100")));
        assert_eq!(step_points(&s, y("90")), Some(y("100")));
        assert_eq!(step_points(&s, y("91")), Some(y("200")));
        assert_eq!(step_points(&s, y("60")), None);
    }
}
