//! 外来・在宅ベースアップ評価料（Ⅰ）: R6 第2章 第14部 O100 (2024-06-01 → 2026-05-31) and R8 第14部
//! 第1節 O001 (from 2026-06-01), for a facility holding its 届出.
//!
//! ## 何をするか
//! After the visit's base fee and listed items are billed, bills 1 初診時, 2 再診時等, 3 訪問診療時
//! イ / ロ when the facility holds the 施設基準 the row names (cols 72–81: 4307, resolved from
//! `{"name": "外来・在宅ベースアップ評価料（Ⅰ）"}` by `engine/data/standards.csv`) and one of the
//! visit's lines is one the 通知 pairs it with, once per visit day; from 2027-06-01 at 100分の200.
//! Listed codes are reconciled as for 物価対応料 ([`super::paired::reconcile`]): a listed code the
//! facts do not give (no 届出, no paired line, another tier) is removed.
//!
//! ## 根拠
//! - R6告示 O100 外来・在宅ベースアップ評価料（Ⅰ） 1 初診時 6点, 2 再診時等 2点, 3 訪問診療時 イ 28点 /
//!   ロ 7点, 注1–注4 (届出); R6通知 O100(2)–(5) (pairing). Codes and points: s_ALL20240531
//!   180725710…180726010 (H, data).
//! - R8告示 O001 1 初診時 17点, 2 再診時等 4点, 3 イ 79点 / ロ 19点 (`shared/reference/text/r8/
//!   ika-kokuji.txt` 第14部 第1節, PDF 001686842 p.374; H); R8通知 O001(2)–(5) (`ika-tsuchi.txt`
//!   p.719; H): 1 with A000, B001-2 1イ/2イ, B001-2-11 初診; 2 with A001, A002, A400 1, B001-2
//!   1ロ/2ロ, B001-2-7/8/9/11 再診/12; 3イ with C001 1イ/2イ, C003; 3ロ with C001 1ロ/2ロ, C001-2 —
//!   the lines the master's col 129 flags 1 / 3 / 5 / 7, and the ベースアップ rows carry the partner
//!   flag 2 / 4 / 6 / 8 (data). R8 points: supplement `5` 変更 rows of the R6 codes (code kept: **L**).
//! - R8告示 O001注6: 「１から３までに規定する点数について、令和９年６月以降においては、それぞれ所定点数の
//!   100分の200に相当する点数により算定する」 (p.375; H): computed as 2 × the row's points (no code).
//! - Codes: found in the loaded master by 区分 O100 (R6) / O001 (R8), name ベースアップ評価料 and the
//!   partner flag (col 129), else the fixed R6 codes.
//! - Once per day: the 05 算定回数 row of the code when the set carries one (R6 rows 180725710…
//!   180726010: 日 1, `05算定回数テーブル.csv`); otherwise policy over the family, **L** ([`super::paired`]).
//!
//! - R8告示 O001注5 (継続して賃上げに係る取組: 23 / 6 / 107 / 26点, 届出 R8施設告示 第十五 二の二
//!   `shisetsu-kokuji.txt` p.210) and 注7 (from 2027-06: 40 / 10 / 186 / 45点, not 100分の200): every row
//!   of the setting in the loaded master is a candidate; the facility's 届出 keep those whose
//!   施設基準 it holds, and the one of the most points is billed (注5: 「所定点数に代えて」). The staged
//!   masters and the supplement carry no 注5 row and no 施設基準コード for it, so today this picks the
//!   注1–3 row; with the official R8 master (its 注5 rows carrying their own 施設基準) it bills the
//!   注5 row, and a held row whose points are 注5's gets 注7's points from 2027-06 (**M**).
//! - 外来・在宅ベースアップ評価料（Ⅱ）: [`super::baseup2`].
//!
//! ## 使うマスタ項目
//! cols 72–81 (施設基準 of the found row), 85/92 (区分), 5 (name), 129 (pairing), 12, 87/88.

use super::paired::{self, Derived, Setting};
use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::Level;
use crate::rules::id;
use crate::CodeSpec;
use chrono::NaiveDate;
use masters::Code;

/// The first day of 外来・在宅ベースアップ評価料 (R6 改定).
pub const FROM: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 1) {
    Some(d) => d,
    None => panic!(),
};
/// R8 O001注6: 100分の200 from 令和9年6月.
pub const DOUBLED_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2027, 6, 1) {
    Some(d) => d,
    None => panic!(),
};

const fn spec(partner: u8, fallback: u32) -> CodeSpec {
    CodeSpec {
        alpha: 'O',
        kubun: &[100, 1],
        eda: None,
        kouban: None,
        words: &["ベースアップ評価料"],
        not: &["入院", "（２）", "（Ⅱ）", "歯科"],
        baseup1: Some(partner),
        fallback,
    }
}

/// 1 初診時, 2 再診時等, 3 イ, 3 ロ (partner flags 2, 4, 6, 8).
pub const SPECS: [CodeSpec; 4] = [
    spec(2, 180725710),
    spec(4, 180725810),
    spec(6, 180725910),
    spec(8, 180726010),
];

const SOURCE_R6: &str = "R6告示 O100 外来・在宅ベースアップ評価料（Ⅰ）, R6通知 O100(2)–(5) (H)";
const SOURCE_R8: &str = "R8告示 O001 外来・在宅ベースアップ評価料（Ⅰ） (p.374), R8通知 O001(2)–(5) (p.719); R8 codes L";
const SOURCE_2027: &str = "R8告示 O001注6 (令和9年6月以降 100分の200), R8通知 O001(2)–(5); R8 codes L";

const SOURCE_CHU5: &str =
    "R8告示 O001注5 (継続して賃上げ: 23/6/107/26点), 注7 (令和9年6月以降 40/10/186/45点), R8施設告示 第十五 二の二; codes M";

/// R8告示 O001注5: the points that replace 1, 2, 3イ, 3ロ for a facility with the 注5 届出
/// (`ika-kokuji.txt` 第14部 第1節 O001, PDF 001686842 p.374–375; H). A held row of these points is
/// taken as the 注5 row (**M**: the R8 master's 注5 rows are not staged).
pub const CHU5_POINTS: [i64; 4] = [23, 6, 107, 26];
/// R8告示 O001注7: the 注5 points from 令和9年6月 (p.375; H) — not 100分の200 of 注5.
pub const CHU7_POINTS: [i64; 4] = [40, 10, 186, 45];

fn r8() -> NaiveDate {
    super::bukka::FROM
}

/// Takes the listed ベースアップ評価料（Ⅰ） items before `items::stage` prices them.
pub fn take_listed(ctx: &Ctx<'_>, vs: &mut VisitState<'_>) -> Vec<usize> {
    paired::take_listed(ctx, vs, &SPECS)
}

/// The ベースアップ評価料（Ⅰ） stage of one visit (after `items::stage`).
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>, listed: &[usize]) {
    let d = vs.date;
    if d < FROM && listed.is_empty() {
        return;
    }
    // The reasons are read only when the claim lists a code of the family, or when tracing.
    let explain = led.trace || !listed.is_empty();
    let mut why_not = if explain {
        format!("no line of the visit gives 外来・在宅ベースアップ評価料（Ⅰ） on {d} (通知 O001(2)–(5))")
    } else {
        String::new()
    };
    let derived = (|| {
        if d < FROM {
            why_not = format!("外来・在宅ベースアップ評価料 exists from {FROM}");
            return None;
        }
        let (setting, by_code, by_name) = paired::setting(led)?;
        let spec = match setting {
            Setting::Shoshin => &SPECS[0],
            Setting::Saishin => &SPECS[1],
            Setting::HoumonI => &SPECS[2],
            Setting::HoumonRo => &SPECS[3],
        };
        // Every row of the setting the loaded master carries; the facility's 届出 pick one. With
        // the 注5 (継続賃上げ) 届出 the master's 注5 row — its own 施設基準 — is held too, and
        // replaces the 所定点数 (R8告示 O001注5: 「所定点数に代えて」): the held row of the most points.
        let rows = ctx.index.find_all(ctx.set, spec, d);
        let first = rows.first()?.0;
        let held = rows
            .iter()
            .filter(|(r, _)| {
                !r.row.facility_standards.is_empty() && r.row.facility_standards.iter().all(|s| ctx.has_standard(*s, d))
            })
            .max_by_key(|(r, _)| {
                (
                    crate::ledger::procedure_points(&r.row).unwrap_or(0),
                    std::cmp::Reverse(r.row.code),
                )
            });
        let Some(&(row, by)) = held else {
            let stds = &first.row.facility_standards;
            why_not = format!("no 届出 of 施設基準 {stds:?} on {d} (告示 注1–注4)");
            return None;
        };
        let stds = &row.row.facility_standards;
        let family: Vec<Code> = SPECS
            .iter()
            .filter_map(|s| ctx.index.find(ctx.set, s, d).map(|(r, _)| r.row.code))
            .collect();
        // The 05 算定回数 row of the code decides when the set carries one (R6: 日 1); only
        // without it does the once-per-day policy over the family apply.
        if let Some(why) = paired::again_on_day(
            ctx,
            led,
            row.row.code,
            &family,
            d,
            "once per visit day (santei policy, L)",
        ) {
            why_not = why;
            led.diag(
                Level::Info,
                "PAIRED_ONCE_PER_DAY",
                format!("外来・在宅ベースアップ評価料（Ⅰ）: {why_not}"),
                vs.path(),
            );
            return None;
        }
        let k = match setting {
            Setting::Shoshin => 0,
            Setting::Saishin => 1,
            Setting::HoumonI => 2,
            Setting::HoumonRo => 3,
        };
        let row_points = crate::ledger::procedure_points(&row.row).unwrap_or(0);
        let chu5 = d >= r8() && row_points == CHU5_POINTS[k] && row.valid_from < DOUBLED_FROM;
        let (points, scaled) = if chu5 && d >= DOUBLED_FROM {
            (
                CHU7_POINTS[k],
                Some(format!(
                    "注5 row ({row_points}点): from {DOUBLED_FROM} 注7 gives {} (R8告示 O001注7; not 100分の200)",
                    CHU7_POINTS[k]
                )),
            )
        } else {
            paired::dated_points(row, d, DOUBLED_FROM, 2)
        };
        let (rule, source) = if chu5 {
            (id::BASEUP1, SOURCE_CHU5)
        } else if d >= DOUBLED_FROM {
            (id::BASEUP1_200, SOURCE_2027)
        } else if d >= r8() {
            (id::BASEUP1, SOURCE_R8)
        } else {
            (id::BASEUP1, SOURCE_R6)
        };
        Some(Derived {
            row,
            points,
            rule,
            source,
            detail: if !explain {
                String::new()
            } else {
                format!(
                "{setting:?}: the visit bills {by_code} {by_name} (s col 129 flag); 届出 {stds:?} held on {d}; {}{}",
                paired::found_note(by, spec, row.row.code),
                scaled.map(|s| format!("; {s}")).unwrap_or_default()
            )
            },
        })
    })();
    let remove_source = if d >= r8() { SOURCE_R8 } else { SOURCE_R6 };
    paired::reconcile(ctx, led, vs, listed, derived, id::BASEUP1, remove_source, &why_not);
}
