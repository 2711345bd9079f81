//! 外来・在宅物価対応料 (R8 第2章 第14部 その他 第2節 O100 物価対応料 1), from 2026-06-01.
//!
//! ## 何をするか
//! After the visit's base fee and listed items are billed, bills 外来・在宅物価対応料 イ 初診時,
//! ロ 再診時等 or ハ 訪問診療時 when one of the visit's lines is a line the 通知 pairs it with, once
//! per visit day, at the master row's points — doubled from 2027-06-01. No 届出 (the 告示 names no
//! 施設基準). Listed O100 codes are reconciled: the derived code is billed as the input line, any
//! other listed O100 code is removed (R8通知 O100(2)–(4): "算定した場合に限り、算定できる").
//!
//! ## 根拠
//! - R8告示 O100 1 イ 初診時 2点 / ロ 再診時等 2点 / ハ 訪問診療時 3点; 注1–注3 (初診, 再診 or
//!   短期滞在手術等基本料１, 訪問診療); 注5 「１及び２の点数について、令和９年６月以降は、所定点数の
//!   100分の200に相当する点数を算定する」 (`shared/reference/text/r8/ika-kokuji.txt`, 第14部 第2節,
//!   PDF 001686842 p.389–390; H). The master carries no separate code for the doubled points, so the
//!   engine computes 2 × the row's points from 2027-06-01 and says so in the trace. Note: 注5 names
//!   "１及び２" (外来・在宅 and 入院物価対応料), so ハ 訪問診療時 is doubled too (3 → 6).
//! - Pairing: R8通知 O100(2) イ with A000, B001-2 1イ/2イ, B001-2-11 初診; (3) ロ with A001, A002,
//!   A400 1, B001-2 1ロ/2ロ, B001-2-7, -8, -9, B001-2-11 再診, B001-2-12; (4) ハ with C001, C001-2,
//!   C003 (`ika-tsuchi.txt` 第14部 第2節 O100, PDF 001686832 p.720; H). These are the lines the
//!   master's col 129 flags 1 / 3 / 5–7 ([`super::paired`]; the same lists as 通知 O001(2)–(5)).
//! - Codes: found in the loaded master by 区分 O100 and name (物価対応料 + 初診/再診/訪問), else the
//!   supplement's 180819910 / 180820010 (**M**, rules.md §1.4) and 180820110 ハ (**L**, not seen).
//! - Once per visit day: policy, **L** ([`super::paired`]).
//! - 入院物価対応料 (O100 2, 1日につき, with the 入院基本料) is out of scope: santei computes
//!   入院外 claims only.
//!
//! ## 使うマスタ項目
//! cols 85/92 (区分 O100), 5 (name), 129 (pairing flag of the visit's lines), 12, 87/88.

use super::paired::{self, Derived, Setting};
use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::Level;
use crate::rules::id;
use crate::CodeSpec;
use chrono::NaiveDate;
use masters::Code;

/// The first day of 物価対応料 (R8 改定).
pub const FROM: NaiveDate = match NaiveDate::from_ymd_opt(2026, 6, 1) {
    Some(d) => d,
    None => panic!(),
};
/// 注5: 100分の200 from 令和9年6月.
pub const DOUBLED_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2027, 6, 1) {
    Some(d) => d,
    None => panic!(),
};

const fn spec(words: &'static [&'static str], fallback: u32) -> CodeSpec {
    CodeSpec {
        alpha: 'O',
        kubun: &[100],
        eda: None,
        kouban: None,
        words,
        not: &["入院"],
        baseup1: None,
        fallback,
    }
}

/// イ 初診時, ロ 再診時等, ハ 訪問診療時.
pub const SPECS: [CodeSpec; 3] = [
    spec(&["物価対応料", "初診"], 180819910),
    spec(&["物価対応料", "再診"], 180820010),
    spec(&["物価対応料", "訪問"], 180820110),
];

const SOURCE: &str = "R8告示 O100 1 外来・在宅物価対応料 (p.389), R8通知 O100(2)–(4) (p.720); codes M (ハ L)";
const SOURCE_2027: &str = "R8告示 O100注5 (令和9年6月以降 100分の200), R8通知 O100(2)–(4); codes M (ハ L)";

/// Takes the listed 物価対応料 items before `items::stage` prices them.
pub fn take_listed(ctx: &Ctx<'_>, vs: &mut VisitState<'_>) -> Vec<usize> {
    paired::take_listed(ctx, vs, &SPECS)
}

/// The 物価対応料 stage of one visit (after `items::stage`).
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>, listed: &[usize]) {
    let d = vs.date;
    if d < FROM && listed.is_empty() {
        return;
    }
    // The reasons are read only when the claim lists a code of the family, or when tracing.
    let explain = led.trace || !listed.is_empty();
    let mut why_not = if explain {
        format!("no line of the visit gives 物価対応料 on {d} (R8通知 O100(2)–(4))")
    } else {
        String::new()
    };
    let derived = (|| {
        if d < FROM {
            why_not = format!("物価対応料 exists from {FROM}");
            return None;
        }
        let (setting, by_code, by_name) = paired::setting(led)?;
        let spec = match setting {
            Setting::Shoshin => &SPECS[0],
            Setting::Saishin => &SPECS[1],
            Setting::HoumonI | Setting::HoumonRo => &SPECS[2],
        };
        let Some((row, by)) = ctx.index.find(ctx.set, spec, d) else {
            led.diag(
                Level::Warning,
                "PAIRED_CODE_MISSING",
                format!(
                    "外来・在宅物価対応料 {:?}: no row of 区分 O100 named {:?} and no version of {} on {d}; not billed",
                    setting, spec.words, spec.fallback
                ),
                vs.path(),
            );
            return None;
        };
        let family: Vec<Code> = SPECS
            .iter()
            .filter_map(|s| ctx.index.find(ctx.set, s, d).map(|(r, _)| r.row.code))
            .collect();
        if let Some(c) = paired::billed_on_day(ctx, led, d, &family) {
            why_not = format!("{c} is billed on {d} already: once per visit day (santei policy, L)");
            led.diag(
                Level::Info,
                "PAIRED_ONCE_PER_DAY",
                format!("外来・在宅物価対応料: {why_not}"),
                vs.path(),
            );
            return None;
        }
        let (points, scaled) = paired::dated_points(row, d, DOUBLED_FROM, 2);
        let doubled = d >= DOUBLED_FROM;
        Some(Derived {
            row,
            points,
            rule: if doubled { id::BUKKA_200 } else { id::BUKKA },
            source: if doubled { SOURCE_2027 } else { SOURCE },
            detail: if !explain {
                String::new()
            } else {
                format!(
                    "{setting:?}: the visit bills {by_code} {by_name} (s col 129 flag); {}{}",
                    paired::found_note(by, spec, row.row.code),
                    scaled.map(|s| format!("; {s}")).unwrap_or_default()
                )
            },
        })
    })();
    paired::reconcile(ctx, led, vs, listed, derived, id::BUKKA, SOURCE, &why_not);
}
