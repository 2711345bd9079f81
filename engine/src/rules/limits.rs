//! Count limits read from the 医科電子点数表 05 算定回数テーブル, applied where a rule bills or
//! checks a code (so that a limit also decides what is derived, and a listed line is removed
//! together with the 加算 it carries).
//!
//! ## 何をするか
//! [`reached`]: whether billing `adding` more of a code on `d` would exceed the 05 row valid on
//! `d` for that code (算定単位 日 / 週 / 月 / n月 / 年度 / 患者当り, 上限回数), counting the
//! patient's history and what the claim billed so far inside the row's window. A rule that the
//! 告示 counts over several codes (B000 特定疾患療養管理料: every variant together) passes them as
//! the family; the limit itself is always the 05 row's.
//!
//! A row with 特例条件 (the limit depends on facts the claim does not carry) is not applied here:
//! the checking stage reports it (`KAISU_CONDITIONAL`). Without an 05 table in the set, nothing is
//! limited here and the claim says so (`TENSUHYO_MISSING`, from the checking stage).
//!
//! ## 根拠
//! SSK 「医科電子点数表の活用手引き 令和６年度版」 pp.33–37 (05 算定単位, 上限回数, 特例条件) —
//! `shared/spec/tensuhyo.md`; windows as in [`super::tensuhyo_check`] (week = Sunday–Saturday,
//! month = calendar month; R6通知 通則6; H).
//!
//! ## 使うマスタ項目
//! 05 cols 2 (code), 4 (算定単位), 6 (上限回数), 7 (特例条件), 13/14 (validity).

use crate::context::Billed;
use chrono::NaiveDate;
use masters::tensuhyo::{SpecialCondition, Tensuhyo};
use masters::Code;

/// A limit that is reached, with what the message needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    /// Counted in the window before this line (history + the claim so far).
    pub used: u32,
    /// The 05 row's 上限回数.
    pub max: u32,
    /// The 算定単位 in Japanese (日, 月, …).
    pub unit: &'static str,
    /// The 05 row: `file:line`.
    pub row: String,
}

impl Reached {
    /// `already 2 this 月: 2 回 per 月 (05算定回数テーブル.csv:1234)`.
    pub fn message(&self) -> String {
        format!(
            "already {} in the {}: {} 回 per {} ({})",
            self.used, self.unit, self.max, self.unit, self.row
        )
    }
}

/// Whether `adding` more of `code` on `d` would exceed its 05 limit, counting `family` (the
/// codes counted together; `&[code]` when it is counted alone) in `history` and `billed`.
pub fn reached(
    t: &Tensuhyo,
    code: Code,
    family: &[u32],
    d: NaiveDate,
    adding: u32,
    history: &[Billed],
    billed: &[Billed],
) -> Option<Reached> {
    for r in t.santei_kaisu_on(code, d) {
        if r.special != SpecialCondition::Unconditional {
            continue;
        }
        let Some(start) = super::tensuhyo_check::window_start(r.unit, d) else {
            continue;
        };
        let used: u32 = history
            .iter()
            .chain(billed)
            .filter(|b| family.contains(&b.code.0) && b.date >= start && b.date <= d)
            .map(|b| b.count.max(1))
            .sum();
        let max = u32::from(r.max_count);
        if used + adding > max {
            return Some(Reached {
                used,
                max,
                unit: r.unit.name_ja().unwrap_or("?"),
                row: t.locate(r.at()),
            });
        }
    }
    None
}
