//! 在宅療養指導管理料 (C101–C121) and 在宅療養指導管理材料加算 (C150–C175).
//!
//! ## 何をするか
//! After every visit, per calendar month:
//! - **主たるもの**: the billed 指導管理料 lines (区分 C101–C121, 告示等識別区分 1, not a 加算 by
//!   name) are grouped by 指導管理 (区分番号 + 枝番: C102 and its 頻回 row are one 指導管理). With
//!   two or more groups in the month, the group of the highest points is kept and the other groups'
//!   lines — with their 注加算 (same 区分番号 + 枝番) — are removed. Ties keep the first billed.
//! - **材料加算**: a C150–C175 line in a month where no 指導管理料 is billed (claim or `history`)
//!   is removed (第2款 通則1).
//! - 月1回 (第1款 通則1) and the 材料加算's own limits (月1回, ３月に３回, ２月に２回) are the 05
//!   算定回数 rows of each code, applied by the checking stage (`tensuhyo_check`); nothing is coded
//!   for them here.
//!
//! ## 根拠
//! - R6告示 第2部 第2節 第1款 通則1, 通則2 「２以上の指導管理を行っている場合は、主たる指導管理の
//!   所定点数のみにより算定する」 (ika-kokuji.txt PDF 001218731 p.152; H); R6通知 第2節 第1款 6
//!   (ika-tsuchi.txt PDF 001220532 p.270). 主たる = the highest points is santei's reading (**M**:
//!   the 通知 does not define 主たる; the common practice bills the higher one). The 通則3 exceptions
//!   (紹介月, 在宅療養後方支援病院) are not coded: they need facts the claim does not carry (**L**).
//! - R6告示 第2款 通則1 「第１款各区分に掲げる在宅療養指導管理料のいずれかの所定点数を算定する場合
//!   に、特に規定する場合を除き、月１回に限り算定する」 (p.156; H).
//! - C100 退院前在宅療養指導管理料 (入院中) is left out of the grouping.
//!
//! ## 使うマスタ項目
//! cols 5, 12, 68, 92–93; 電子点数表 05 (through `tensuhyo_check`).

use super::month_of;
use crate::context::Ctx;
use crate::ledger::{Entry, Ledger};
use crate::rules::id;
use masters::Procedure;

const SOURCE: &str = "R6告示 第2部第2節第1款 通則2: ２以上の指導管理 → 主たる指導管理の所定点数のみ (PDF 001218731 p.152; 主たる = highest points, M)";
const SOURCE_ZAIRYO: &str =
    "R6告示 第2部第2節第2款 通則1: 材料加算は第１款の在宅療養指導管理料を算定する場合に算定 (PDF 001218731 p.156)";

/// A 指導管理料 line (or its 注加算): its 指導管理 group (区分番号, 枝番) and whether it is the main row.
fn shidou_group(p: &Procedure) -> Option<((u16, u8), bool)> {
    if p.tbl_alpha != 'C' || !(101..=121).contains(&p.tbl_kubun) {
        return None;
    }
    let main = p.kokuji1 == b'1' && !p.name.contains("加算");
    Some(((p.tbl_kubun, p.tbl_eda), main))
}

pub fn is_zairyo(p: &Procedure) -> bool {
    p.tbl_alpha == 'C' && (150..=175).contains(&p.tbl_kubun)
}

/// The month stage.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    let mut months: Vec<(i32, u32)> = led
        .lines
        .iter()
        .filter(|l| l.procedure().is_some_and(|p| shidou_group(p).is_some() || is_zairyo(p)))
        .map(|l| month_of(l.date))
        .collect();
    months.sort();
    months.dedup();
    for m in months {
        // --- 主たるもの -------------------------------------------------------------------
        let mut groups: Vec<((u16, u8), i64, usize)> = Vec::new(); // (group, points, first line)
        for (k, l) in led.lines.iter().enumerate() {
            if month_of(l.date) != m {
                continue;
            }
            let Some((g, true)) = l.procedure().and_then(shidou_group) else {
                continue;
            };
            let pts = l.points.saturating_mul(i64::from(l.count));
            match groups.iter_mut().find(|(x, _, _)| *x == g) {
                Some(e) => e.1 = e.1.saturating_add(pts),
                None => groups.push((g, pts, k)),
            }
        }
        if groups.len() >= 2 {
            let keep = groups
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
                .map(|g| (g.0, g.1))
                .unwrap_or(((0, 0), 0));
            let kept_line = groups.iter().find(|g| g.0 == keep.0).map_or(0, |g| g.2);
            let kept_name = led.lines[kept_line]
                .procedure()
                .map(|p| p.name.to_string())
                .unwrap_or_default();
            let kept_code = led.lines[kept_line].code;
            let lines = std::mem::take(&mut led.lines);
            let mut kept: Vec<Entry<'c>> = Vec::with_capacity(lines.len());
            for l in lines {
                let drop =
                    month_of(l.date) == m && l.procedure().and_then(shidou_group).is_some_and(|(g, _)| g != keep.0);
                if drop {
                    let why = format!(
                        "主たる指導管理 in {}-{:02} is {kept_code} {kept_name} ({} 点): only its 所定点数 is billed",
                        m.0, m.1, keep.1
                    );
                    led.strike(l, id::C_SHIDOU_SHUTARU, SOURCE, why);
                } else {
                    kept.push(l);
                }
            }
            led.lines = kept;
        }
        // --- 材料加算 without a 指導管理料 ---------------------------------------------------
        let any_shidou = led
            .lines
            .iter()
            .any(|l| month_of(l.date) == m && l.procedure().and_then(shidou_group).is_some_and(|(_, main)| main))
            || ctx.history.iter().any(|h| {
                month_of(h.date) == m
                    && ctx
                        .set
                        .s
                        .lookup(h.code, h.date)
                        .and_then(|v| shidou_group(&v.row))
                        .is_some_and(|(_, main)| main)
            });
        if !any_shidou {
            let lines = std::mem::take(&mut led.lines);
            let mut kept: Vec<Entry<'c>> = Vec::with_capacity(lines.len());
            for l in lines {
                if month_of(l.date) == m && l.procedure().is_some_and(is_zairyo) {
                    let why = format!("no 在宅療養指導管理料 (C101–C121) billed in {}-{:02}", m.0, m.1);
                    led.strike(l, id::C_ZAIRYO, SOURCE_ZAIRYO, why);
                } else {
                    kept.push(l);
                }
            }
            led.lines = kept;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;
    #[test]
    fn groups() {
        let mut p = blank_procedure();
        p.tbl_alpha = 'C';
        p.tbl_kubun = 102;
        p.name = "在宅自己連続携行式腹膜灌流頻回指導管理".into();
        assert_eq!(shidou_group(&p), Some(((102, 0), true)));
        p.name = "遠隔モニタリング加算（在宅自己腹膜灌流指導管理料）".into();
        assert_eq!(shidou_group(&p), Some(((102, 0), false)));
        p.tbl_kubun = 100;
        assert_eq!(shidou_group(&p), None);
        p.tbl_kubun = 150;
        assert!(is_zairyo(&p));
    }
}
