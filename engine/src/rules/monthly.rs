//! 月1回 / 3月に1回 limits shared by several codes (a family counts as one).
//!
//! ## 何をするか
//! Answers "was any code of this family already billed in the window" from `history` and the
//! lines billed earlier in the claim.
//!
//! ## 根拠
//! - 外来感染対策向上加算 and its family: R6告示 A000注11–14, A001注15–18; R6通知 A001(14): the 初診
//!   and 再診 versions share one 月1回. H.
//! - 医療情報取得加算: 初診 月1回, 再診 3月に1回; all versions share the month (03-2 背反 pairs,
//!   区分3). 医療ＤＸ推進体制整備加算: 月1回 over every tier. rules.md §2.1–§2.4, H (data: 05 table
//!   units 131 月 / 144 ３月).
//! - 2026: 電子的診療情報連携体制整備加算 初診 月1回, 再診 月1回 (R8告示 A000注16, A001注19); whether the
//!   two share one month is not stated (rules.md §2.5, L): kept separate.
//!
//! The 05 算定回数テーブル will take over these windows when the engine reads it; until then the
//! families are listed here.

use crate::context::{month_start, Billed};
use chrono::{Datelike, NaiveDate};

/// A counting window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// the calendar month of the date
    Month,
    /// the calendar month and the two before it (「3月に1回」, rules.md §6: L on the exact window)
    ThreeMonths,
}

/// Families of codes that share one limit, with the source.
pub struct Family {
    pub name: &'static str,
    pub codes: &'static [u32],
    pub source: &'static str,
}

pub const INFECTION: Family = Family {
    name: "外来感染対策向上加算",
    codes: &[111014870, 112024370],
    source: "R6告示 A000注11, A001注15; R6通知 A001(14)",
};
pub const FEVER: Family = Family {
    name: "発熱患者等対応加算",
    codes: &[111702970, 112708670],
    source: "R6告示 A000注11, A001注15; R6通知 A001(14)",
};
pub const RENKEI: Family = Family {
    name: "連携強化加算",
    codes: &[111014970, 112024470],
    source: "R6告示 A000注12, A001注16; R6通知 A001(14)",
};
pub const SURVEILLANCE: Family = Family {
    name: "サーベイランス強化加算",
    codes: &[111015070, 112024570],
    source: "R6告示 A000注13, A001注17; R6通知 A001(14)",
};
pub const ANTIMICROBIAL: Family = Family {
    name: "抗菌薬適正使用体制加算",
    codes: &[111703070, 112708770],
    source: "R6告示 A000注14, A001注18; R6通知 A001(14)",
};

/// Families of facility 加算 with a shared 月1回.
pub const FACILITY_FAMILIES: &[&Family] = &[&INFECTION, &FEVER, &RENKEI, &SURVEILLANCE, &ANTIMICROBIAL];

pub fn family_of(code: u32) -> Option<&'static Family> {
    FACILITY_FAMILIES.iter().copied().find(|f| f.codes.contains(&code))
}

fn window_start(d: NaiveDate, w: Window) -> NaiveDate {
    let m = month_start(d);
    match w {
        Window::Month => m,
        Window::ThreeMonths => {
            let total = m.year() * 12 + m.month0() as i32 - 2;
            NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(m)
        }
    }
}

/// The first billed line of `codes` in the window ending on `d` (inclusive), if any.
pub fn already_billed(codes: &[u32], d: NaiveDate, w: Window, history: &[Billed], claim: &[Billed]) -> Option<Billed> {
    let start = window_start(d, w);
    history
        .iter()
        .chain(claim.iter())
        .find(|b| b.date >= start && b.date <= d && codes.contains(&b.code.0))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use masters::Code;
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    #[test]
    fn windows() {
        let h = [Billed {
            date: d(2025, 3, 31),
            code: Code(112708970),
            count: 1,
        }];
        assert!(already_billed(&[112708970], d(2025, 5, 1), Window::ThreeMonths, &h, &[]).is_some());
        assert!(already_billed(&[112708970], d(2025, 6, 1), Window::ThreeMonths, &h, &[]).is_none());
        assert!(already_billed(&[112708970], d(2025, 4, 1), Window::Month, &h, &[]).is_none());
    }
}
