//! 外来・在宅ベースアップ評価料（Ⅱ）: R6 第2章 第14部 O101 (2024-06-01 → 2026-05-31) and R8 第14部
//! 第1節 O002 (from 2026-06-01), for a facility holding the 届出 of one of its tiers.
//!
//! ## 何をするか
//! After 外来・在宅ベースアップ評価料（Ⅰ） is billed on a visit ([`super::baseup`]), bills the (Ⅱ) row of
//! the tier whose 施設基準 the facility holds: イ 初診又は訪問診療を行った場合 with (Ⅰ) 1 or 3, ロ 再診時等
//! with (Ⅰ) 2, once a day. Listed (Ⅱ) codes are reconciled like the other paired items
//! ([`super::paired::reconcile`]): a listed row the facts do not give is removed.
//!
//! ## 根拠
//! - R6告示 O101 (1 イ 8点 / ロ 1点 … 8 イ 64点 / ロ 8点), 注 (届出の区分に従い); R6通知 O101(2) イ with (Ⅰ)
//!   「１」若しくは「３」, (3) ロ with (Ⅰ)「２」, 「１日につき１回に限り」 (`shared/reference/text/r6/
//!   ika-tsuchi.txt` O101, PDF 001220532 p.669; H).
//! - R8告示 O002 1–24 (イ 8×n点 / ロ n点 for n ≤ 12 …), 注1 届出の区分, 注2 イ with (Ⅰ) 1 or 3, 注3 ロ
//!   with (Ⅰ) 2, 注4 「13から24までに規定する点数については、令和９年６月以降に算定する」
//!   (`shared/reference/kokuji/r8/items/O0/O002.yaml`, PDF 001686842; H). 注5/注6 (継続賃上げ: other
//!   points per tier) need the R8 master's rows: a held row is billed at its own points, as for
//!   (Ⅰ) 注5 (**M**).
//! - Data: the (Ⅱ) rows of s_ALL20240531 are 180726110…180727610, 区分 O101, 項番 = tier, one
//!   施設基準 per tier (4308…4315, cols 72–81), and column 130 「外来・在宅ベースアップ評価料（２）」 =
//!   1 (イ) / 2 (ロ) (H, data). The (Ⅰ) line of the visit says which: its column 129 flag 2 (初診時)
//!   or 6/8 (訪問診療時) → イ, 4 (再診時等) → ロ (H, data).
//! - On R8 dates the rows are found by meaning (区分 O101 or O002, name, column 130); the staged sets
//!   have only the R6 rows, whose points equal R8 tiers 1–8 (R8告示 O002; the codes carried over are
//!   **L**, and `REVISION_NOT_COVERED` says the set is older).
//! - Several tiers held on one day (a re-filed 届出 without `to`): the tier of the latest `from` —
//!   the newer 届出 replaces the older (santei policy, **M**); a warning says so.
//! - Once a day: the code's 05 算定回数 row when the set has one, else the 通知's 1日につき1回 over
//!   the (Ⅱ) family (H).
//!
//! ## 使うマスタ項目
//! cols 85/92/94 (区分, 項番 = tier), 5 (name), 72–81 (施設基準), 129 (of the (Ⅰ) line), 130, 12, 87/88.

use super::paired::{self, Derived};
use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::Level;
use crate::rules::id;
use crate::CodeSpec;
use chrono::NaiveDate;
use masters::{Code, Procedure, Version};

/// R8告示 O002注4: tiers 13–24 from 令和9年6月.
pub const HIGH_TIERS_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2027, 6, 1) {
    Some(d) => d,
    None => panic!(),
};

/// The (Ⅱ) rows: 区分 O101 (R6) / O002 (R8), by name; the fixed code is R6 tier 1 イ.
pub const SPEC: CodeSpec = CodeSpec {
    alpha: 'O',
    kubun: &[101, 2],
    eda: None,
    kouban: None,
    words: &["ベースアップ評価料"],
    not: &["入院", "歯科", "（１）", "（Ⅰ）"],
    baseup1: None,
    fallback: 180726110,
};

const SOURCE_R6: &str = "R6告示 O101 外来・在宅ベースアップ評価料（Ⅱ）, R6通知 O101(2)(3) (p.669; H)";
const SOURCE_R8: &str = "R8告示 O002 外来・在宅ベースアップ評価料（Ⅱ） 注1–注4 (H); R8 codes L";

/// Takes the listed (Ⅱ) items before `items::stage` prices them.
pub fn take_listed(ctx: &Ctx<'_>, vs: &mut VisitState<'_>) -> Vec<usize> {
    paired::take_listed(ctx, vs, std::slice::from_ref(&SPEC))
}

/// イ (1) or ロ (2): the column 130 value a visit's (Ⅰ) line asks for, from its column 129 flag.
fn wanted_flag(baseup1_flag: u8) -> Option<u8> {
    match baseup1_flag {
        2 | 6 | 8 => Some(1),
        4 => Some(2),
        _ => None,
    }
}

/// The latest `from` of the facility's 届出 of `std` valid on `d`.
fn held_from(ctx: &Ctx<'_>, std: u16, d: NaiveDate) -> Option<NaiveDate> {
    ctx.standards
        .iter()
        .filter(|s| s.code == Some(std) && s.from <= d && s.to.is_none_or(|t| d <= t))
        .map(|s| s.from)
        .max()
}

/// The (Ⅱ) stage of one visit (after [`super::baseup::stage`]).
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>, listed: &[usize]) {
    let d = vs.date;
    if d < super::baseup::FROM && listed.is_empty() {
        return;
    }
    let explain = led.trace || !listed.is_empty();
    let mut why_not = if explain {
        format!("no 外来・在宅ベースアップ評価料（Ⅰ） line on this visit of {d} (通知 O101(2)(3), R8告示 O002注2/注3)")
    } else {
        String::new()
    };
    let derived = (|| {
        // The visit's (Ⅰ) line and the column-130 value it asks for.
        let (flag, one_code) = led.visit_lines().iter().find_map(|l| {
            let r = l.procedure()?;
            (r.tbl_alpha == 'O' && r.name.contains("ベースアップ評価料"))
                .then(|| wanted_flag(r.baseup1).map(|f| (f, r.code)))
                .flatten()
        })?;
        let rows = ctx.index.find_all(ctx.set, &SPEC, d);
        let mut held: Vec<(&'c Version<Procedure>, NaiveDate)> = rows
            .iter()
            .filter(|(r, _)| r.row.baseup2 == flag && !r.row.facility_standards.is_empty())
            .filter_map(|(r, _)| {
                let froms: Option<Vec<NaiveDate>> =
                    r.row.facility_standards.iter().map(|s| held_from(ctx, *s, d)).collect();
                froms.and_then(|f| f.into_iter().max()).map(|f| (*r, f))
            })
            .collect();
        if held.is_empty() {
            why_not =
                format!("no 届出 of a tier of 外来・在宅ベースアップ評価料（Ⅱ） held on {d} (告示 O101 注 / O002 注1)");
            return None;
        }
        held.sort_by_key(|(r, from)| (std::cmp::Reverse(*from), r.row.code));
        if held.len() > 1 {
            led.diag(
                Level::Warning,
                "BASEUP2_TIERS",
                format!(
                    "外来・在宅ベースアップ評価料（Ⅱ）: the 届出 of {} tiers are held on {d} ({}); the latest 届出 ({}, from {}) is taken",
                    held.len(),
                    held.iter()
                        .map(|(r, f)| format!("{} from {f}", r.row.code))
                        .collect::<Vec<_>>()
                        .join(", "),
                    held[0].0.row.code,
                    held[0].1
                ),
                vs.path(),
            );
        }
        let (row, from) = held[0];
        let r8 = d >= super::bukka::FROM;
        if r8 && row.row.tbl_kubun == 2 && row.row.tbl_kouban >= 13 && d < HIGH_TIERS_FROM {
            why_not = format!(
                "{} is tier {}: tiers 13–24 are billed from {HIGH_TIERS_FROM} (R8告示 O002注4)",
                row.row.code, row.row.tbl_kouban
            );
            return None;
        }
        let family: Vec<Code> = rows.iter().map(|(r, _)| r.row.code).collect();
        let again = paired::again_on_day(ctx, led, row.row.code, &family, d, "1日につき1回 (R6通知 O101(2)(3))");
        if let Some(m) = again {
            why_not = m;
            led.diag(
                Level::Info,
                "PAIRED_ONCE_PER_DAY",
                format!("外来・在宅ベースアップ評価料（Ⅱ）: {why_not}"),
                vs.path(),
            );
            return None;
        }
        let points = crate::ledger::procedure_points(&row.row).unwrap_or(0);
        Some(Derived {
            row,
            points,
            rule: id::BASEUP2,
            source: if r8 { SOURCE_R8 } else { SOURCE_R6 },
            detail: if explain {
                format!(
                    "the visit bills (Ⅰ) {one_code} (s col 129) → {} (s col 130 = {flag}); tier {} = 届出 {:?} held from {from}",
                    if flag == 1 { "イ 初診又は訪問診療" } else { "ロ 再診時等" },
                    row.row.tbl_kouban,
                    row.row.facility_standards
                )
            } else {
                String::new()
            },
        })
    })();
    let source = if d >= super::bukka::FROM { SOURCE_R8 } else { SOURCE_R6 };
    paired::reconcile(ctx, led, vs, listed, derived, id::BASEUP2, source, &why_not);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_line_decides_i_or_ro() {
        // s_ALL20240531: 180725710 初診時 col 129 = 2, 180725810 再診時等 = 4, 180725910/180726010
        // 訪問診療時 イ/ロ = 6/8 (R6通知 O101(2): イ with (Ⅰ) 1 or 3; (3): ロ with (Ⅰ) 2).
        assert_eq!(wanted_flag(2), Some(1));
        assert_eq!(wanted_flag(6), Some(1));
        assert_eq!(wanted_flag(8), Some(1));
        assert_eq!(wanted_flag(4), Some(2));
        assert_eq!(wanted_flag(1), None, "a 初診料 line is not a (Ⅰ) line");
    }
}
