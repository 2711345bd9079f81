//! The DX family: 電子的保健医療情報活用加算 (2022-04 → 09), 医療情報・システム基盤整備体制充実加算
//! (2022-10 → 2024-05), 医療情報取得加算 (2024-06 → 2026-05), 医療ＤＸ推進体制整備加算 (2024-06 →
//! 2026-05, single tier, then tiers 1–3 from 2024-10 and 1–6 from 2025-04), and the 2026-06
//! 電子的診療情報連携体制整備加算.
//!
//! ## 何をするか
//! Chooses, for a 初診/再診/外来診療料 visit on date d, which code of the family applies (if any),
//! from the facility's 届出 (施設基準コード on the master row, e.g. 4035), its capabilities
//! (`online_eligibility`, `e_prescription`, `ehr_sharing`, `pediatric_exception`), the visit's
//! `myna`, the マイナ保険証利用率 of the months the rule counts, and what was billed already.
//! Points and names always come from the master row valid on d (the same code changes tier and
//! points over time: 111703470 is 加算１ 11点 until 2025-03-31, 加算４ 10点 from 2025-04-01).
//!
//! ## 根拠
//! - Codes and points per period: SSK deltas s_20220304…0331, s_20220912, s_20230201, s_20231220,
//!   s_20240306, s_20240906, s_20241108, s_20250307 and s_ALL20240531 (H, data; rules.md §2.1).
//! - 医療情報取得加算: R6告示 A000注15, A001注19, A002注10 (H); 2024-12 single level (H data, M text);
//!   needs オンライン資格確認 (R6施設告示 三の七, no 届出; H). 初診 月1回, 再診 3月に1回 (05 table, H).
//! - 医療ＤＸ推進体制整備加算: R6告示 A000注16 (初診 only, 月1回, 届出; H). Tiers and マイナ保険証利用率
//!   thresholds per period: MHLW notices as reproduced (**M**, rules.md §2.3). Reference months: the
//!   best of M-3, M-4, M-5 (**M**, 疑義解釈 as reproduced). 加算1–3 need the 電子処方箋 体制 from
//!   2025-04-01 (**M**). 小児科特例 thresholds (**M**).
//! - Predecessors 2022-04 → 2024-05: conditions not detailed (**L**): on-line eligibility capability
//!   required; the lower-point variant when the patient used a マイナ保険証.
//! - 2026-06-01: 電子的診療情報連携体制整備加算 R8告示 A000注16, A001注19 (H for points); codes **M**;
//!   tier 1 = 電子処方箋 and 電子カルテ情報共有, 2 = either, 3 = neither (R8施設告示 三の七, H);
//!   the codes are found in the loaded master by 区分 (A000 / A001) and name ([`DENSHI_SPECS`],
//!   [`crate::Index::find`]) before the supplement's numbers, and the trace says which;
//!   「十分な実績」 = 30 % (**M**), reference months as before (**L**).
//! - Not on 2科目 lines (A000注5, A001注3, A002注5) nor on 電話等再診 (A001注9). H.
//! - On a 初診 bundled into 小児科外来診療料 / 小児かかりつけ診療料, the （医学管理等） code (R6通知
//!   B001-2(3); H).
//!
//! ## 使うマスタ項目
//! cols 72–81 (施設基準コード: 4035), 12 (points), 87/88 (validity), 85/92 and 5 (区分 and name of the
//! 2026 rows).

use super::kihon::BaseKind;
use super::monthly;
use crate::context::VisitState;
use crate::context::{month_key_minus, Billed, Ctx};
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::{id, RuleId};
use crate::{CodeSpec, FoundBy};
use chrono::NaiveDate;
use masters::{AnyVersion, Code};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid constant date")
}

/// 医療情報取得加算 and predecessors: one period.
struct JohoPeriod {
    from: (i32, u32, u32),
    to: (i32, u32, u32),
    /// (without マイナ保険証, with) per setting
    shoshin: (u32, u32),
    saishin: (u32, u32),
    gairai: (u32, u32),
    /// （医学管理等） variants (初診, 再診); 0 = none
    kanri_shoshin: (u32, u32),
    kanri_saishin: (u32, u32),
    /// 再診 versions: 3月に1回
    three_months: bool,
    name: &'static str,
    source: &'static str,
}

const JOHO: &[JohoPeriod] = &[
    JohoPeriod {
        from: (2022, 4, 1),
        to: (2022, 9, 30),
        shoshin: (111015170, 111015170),
        saishin: (112024610, 112024610),
        gairai: (112024810, 112024810),
        kanri_shoshin: (0, 0),
        kanri_saishin: (0, 0),
        three_months: false,
        name: "電子的保健医療情報活用加算",
        source: "R4告示 A000注14 etc.; codes H (s_20220304…0331); conditions L",
    },
    JohoPeriod {
        from: (2022, 10, 1),
        to: (2024, 5, 31),
        shoshin: (111015970, 111016070),
        saishin: (112026570, 112026570),
        gairai: (112026670, 112026670),
        kanri_shoshin: (113045070, 113045170),
        kanri_saishin: (113045270, 113045270),
        three_months: false,
        name: "医療情報・システム基盤整備体制充実加算",
        source: "R4告示（令和4年10月改正） A000注14; codes H (s_20220912, s_20230201, s_20231220); conditions L",
    },
    JohoPeriod {
        from: (2024, 6, 1),
        to: (2024, 11, 30),
        shoshin: (111703170, 111703270),
        saishin: (112708870, 112708970),
        gairai: (112709170, 112709270),
        kanri_shoshin: (113705270, 113705370),
        kanri_saishin: (113705770, 113705570),
        three_months: true,
        name: "医療情報取得加算",
        source: "R6告示 A000注15, A001注19, A002注10 (H)",
    },
    JohoPeriod {
        from: (2024, 12, 1),
        to: (2026, 5, 31),
        shoshin: (111703270, 111703270),
        saishin: (112708970, 112708970),
        gairai: (112709270, 112709270),
        kanri_shoshin: (113705370, 113705370),
        kanri_saishin: (113705570, 113705570),
        three_months: true,
        name: "医療情報取得加算",
        source: "R6告示 A000注15 (令和6年12月改正); codes H (s_20241108), text M",
    },
];

/// Every code of the 医療情報取得加算 family (all periods).
pub const JOHO_CODES: &[u32] = &[
    111015170, 111015270, 112024610, 112024810, 111015970, 111016070, 112026570, 112026670, 113045070, 113045170,
    113045270, 111703170, 111703270, 112708870, 112708970, 112709170, 112709270, 113705270, 113705370, 113705570,
    113705770,
];
/// 再診/外来診療料 versions (the 3月に1回 window applies to them).
pub const JOHO_REVISIT_CODES: &[u32] = &[112708870, 112708970, 112709170, 112709270, 113705570, 113705770];

/// Every code of the 医療ＤＸ推進体制整備加算 family (all tiers, 初診 and （医学管理等）).
pub const DX_CODES: &[u32] = &[
    111703370, 111703470, 111703570, 111703670, 111703770, 111703870, 113705470, 113707770, 113707870, 113707970,
    113708070, 113708170,
];
/// 2026-06: 電子的診療情報連携体制整備加算 初診 tiers 1–3 — the supplement's codes (**M**), the
/// fallback of [`DENSHI_SPECS`] when no row of the loaded master matches by meaning.
pub const DENSHI_SHOSHIN: [u32; 3] = [111704070, 111704170, 111704270];
/// 2026-06: 電子的診療情報連携体制整備加算（再診） — the supplement's code (**M**), fallback of
/// [`DENSHI_SPECS`].
pub const DENSHI_SAISHIN: u32 = 112709570;

const fn denshi_spec(kubun: &'static [u16], words: &'static [&'static str], fallback: u32) -> CodeSpec {
    CodeSpec {
        alpha: 'A',
        kubun,
        eda: None,
        kouban: None,
        words,
        not: &["外来診療料", "医学管理"],
        baseup1: None,
        fallback,
    }
}

/// 2026-06: how the 電子的診療情報連携体制整備加算 rows are found in the loaded master — by 区分
/// (A000 初診 注16 / A001 再診 注19) and name, else the supplement's codes (R8 master codes are **M**):
/// 初診 1, 2, 3 and 再診. With the official R8 master in the set, its rows win even where their
/// numbers differ from the supplement's.
pub const DENSHI_SPECS: [CodeSpec; 4] = [
    denshi_spec(&[0], &["電子的診療情報連携体制整備加算１"], DENSHI_SHOSHIN[0]),
    denshi_spec(&[0], &["電子的診療情報連携体制整備加算２"], DENSHI_SHOSHIN[1]),
    denshi_spec(&[0], &["電子的診療情報連携体制整備加算３"], DENSHI_SHOSHIN[2]),
    denshi_spec(&[1], &["電子的診療情報連携体制整備加算", "再診"], DENSHI_SAISHIN),
];

/// The 電子的診療情報連携体制整備加算 codes valid on `d` (初診 1–3, 再診), found by meaning
/// ([`DENSHI_SPECS`]), with how each was found.
pub fn denshi_codes(ctx: &Ctx<'_>, d: NaiveDate) -> [(u32, FoundBy); 4] {
    DENSHI_SPECS.map(|s| {
        ctx.index
            .find(ctx.set, &s, d)
            .map(|(v, by)| (v.row.code.0, by))
            .unwrap_or((s.fallback, FoundBy::Fixed))
    })
}

/// The first day of 電子的診療情報連携体制整備加算 (R8).
pub const DENSHI_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2026, 6, 1) {
    Some(d) => d,
    None => panic!(),
};

/// Whether a code belongs to the family this module decides.
pub fn is_family(code: u32) -> bool {
    limit_group(code).is_some()
}

/// Whether a row belongs to the family: by its code, or (2026 rows) by meaning.
pub fn is_family_row(r: &masters::Procedure) -> bool {
    is_family(r.code.0) || DENSHI_SPECS.iter().any(|s| crate::Index::matches(s, r))
}

/// [`is_family_row`] with the by-meaning matches read from the index (built once per master set):
/// the form the per-visit stages use.
pub fn is_family_code(index: &crate::Index, code: Code) -> bool {
    is_family(code.0) || index.denshi_codes.contains(&code)
}

/// The codes that share one 月1回 with `code` (the group it is counted in), if it is a family code:
/// 医療情報取得加算 and predecessors, 医療ＤＸ推進体制整備加算 (every tier), 電子的診療情報連携体制整備加算
/// 初診 (every tier) and 再診 (kept apart, rules.md §2.5 L).
pub fn limit_group(code: u32) -> Option<&'static [u32]> {
    const SAISHIN: &[u32] = &[DENSHI_SAISHIN];
    [JOHO_CODES, DX_CODES, &DENSHI_SHOSHIN[..], SAISHIN]
        .into_iter()
        .find(|g| g.contains(&code))
}

/// マイナ保険証利用率 thresholds (percent) for tiers 1/4, 2/5, 3/6 and the 小児科特例 value of 3/6.
struct Thresholds {
    from: (i32, u32, u32),
    to: (i32, u32, u32),
    t: [u32; 3],
    child3: Option<u32>,
}

/// rules.md §2.3 table (**M**).
const THRESHOLDS: &[Thresholds] = &[
    Thresholds {
        from: (2024, 10, 1),
        to: (2024, 12, 31),
        t: [15, 10, 5],
        child3: None,
    },
    Thresholds {
        from: (2025, 1, 1),
        to: (2025, 3, 31),
        t: [30, 20, 10],
        child3: None,
    },
    Thresholds {
        from: (2025, 4, 1),
        to: (2025, 9, 30),
        t: [45, 30, 15],
        child3: Some(12),
    },
    Thresholds {
        from: (2025, 10, 1),
        to: (2026, 2, 28),
        t: [60, 40, 25],
        child3: Some(22),
    },
    Thresholds {
        from: (2026, 3, 1),
        to: (2026, 5, 31),
        t: [70, 50, 30],
        child3: Some(27),
    },
];

/// 2026-06 「十分な実績」 (**M**).
const DENSHI_THRESHOLD: u32 = 30;

/// The setting of a visit for this family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Shoshin,
    Saishin,
    Gairai,
}

/// One decision about a code of the family.
#[derive(Clone, Debug)]
pub struct Pick {
    pub code: u32,
    pub rule: RuleId,
    pub source: &'static str,
    pub detail: String,
}

/// A fact missing or a condition that a person should see.
#[derive(Clone, Debug)]
pub struct Note {
    pub level: Level,
    pub code: &'static str,
    pub message: String,
}

/// What the family gives on one visit.
#[derive(Default, Debug)]
pub struct Result {
    pub picks: Vec<Pick>,
    pub notes: Vec<Note>,
}

pub struct Input<'a> {
    pub date: NaiveDate,
    pub base: BaseKind,
    pub myna: bool,
    /// 初診/再診 bundled into 小児科外来診療料 / 小児かかりつけ診療料 (use the （医学管理等） codes).
    pub kanri: bool,
    pub history: &'a [Billed],
    pub claim: &'a [Billed],
    /// 施設基準コード of a family row (from the master) → whether the facility holds it on the date.
    pub standards_of: &'a dyn Fn(u32) -> Vec<u16>,
}

fn within(dt: NaiveDate, from: (i32, u32, u32), to: (i32, u32, u32)) -> bool {
    d(from.0, from.1, from.2) <= dt && dt <= d(to.0, to.1, to.2)
}

/// The best マイナ保険証利用率 of months M-3, M-4, M-5, with the months read (for the trace).
fn best_rate(ctx: &Ctx<'_>, dt: NaiveDate) -> (Option<Decimal>, String) {
    let mut best: Option<Decimal> = None;
    let mut seen = Vec::new();
    for k in 3..=5 {
        let key = month_key_minus(dt, k);
        match ctx.claim.facility.myna_rates.get(&key) {
            Some(r) => {
                seen.push(format!("{key} {r}%"));
                best = Some(best.map_or(*r, |b: Decimal| b.max(*r)));
            }
            None => seen.push(format!("{key} —")),
        }
    }
    (best, seen.join(", "))
}

pub fn derive(ctx: &Ctx<'_>, inp: &Input<'_>) -> Result {
    let mut out = Result::default();
    if inp.base.second_dept() || inp.base == BaseKind::Phone {
        return out;
    }
    let setting = if inp.base.is_first() {
        Setting::Shoshin
    } else if inp.base.is_gairai() {
        Setting::Gairai
    } else {
        Setting::Saishin
    };
    joho(ctx, inp, setting, &mut out);
    if setting == Setting::Shoshin {
        dx(ctx, inp, &mut out);
    }
    denshi(ctx, inp, setting, &mut out);
    out
}

fn joho(ctx: &Ctx<'_>, inp: &Input<'_>, setting: Setting, out: &mut Result) {
    let dt = inp.date;
    let Some(p) = JOHO.iter().find(|p| within(dt, p.from, p.to)) else {
        return;
    };
    if !ctx.has_capability("online_eligibility", dt) {
        out.notes.push(Note {
            level: Level::Info,
            code: "JOHO_NO_ONLINE_ELIGIBILITY",
            message: format!("{}: not derived — no `online_eligibility` capability on {dt}", p.name),
        });
        return;
    }
    let pair = match (setting, inp.kanri) {
        (Setting::Shoshin, false) => p.shoshin,
        (Setting::Shoshin, true) => p.kanri_shoshin,
        (Setting::Saishin, false) => p.saishin,
        (Setting::Saishin, true) => p.kanri_saishin,
        (Setting::Gairai, _) => p.gairai,
    };
    let code = if inp.myna { pair.1 } else { pair.0 };
    if code == 0 {
        return;
    }
    if let Some(b) = crate::rules::monthly::already_billed(
        JOHO_CODES,
        dt,
        crate::rules::monthly::Window::Month,
        inp.history,
        inp.claim,
    ) {
        out.notes.push(Note {
            level: Level::Info,
            code: "MONTHLY_LIMIT",
            message: format!(
                "{}: already billed this month ({} on {}): 月1回",
                p.name, b.code, b.date
            ),
        });
        return;
    }
    if p.three_months && setting != Setting::Shoshin {
        if let Some(b) = crate::rules::monthly::already_billed(
            JOHO_REVISIT_CODES,
            dt,
            crate::rules::monthly::Window::ThreeMonths,
            inp.history,
            inp.claim,
        ) {
            out.notes.push(Note {
                level: Level::Info,
                code: "THREE_MONTH_LIMIT",
                message: format!("{}（再診）: billed on {} ({}): 3月に1回", p.name, b.date, b.code),
            });
            return;
        }
    }
    out.picks.push(Pick {
        code,
        rule: id::IRYO_JOHO,
        source: p.source,
        detail: format!(
            "{} ({:?}{}): online_eligibility on {dt}; マイナ保険証 {}",
            p.name,
            setting,
            if inp.kanri { ", （医学管理等）" } else { "" },
            if inp.myna { "used" } else { "not used" }
        ),
    });
}

fn holds_any(ctx: &Ctx<'_>, inp: &Input<'_>, code: u32) -> (bool, Vec<u16>) {
    let stds = (inp.standards_of)(code);
    (stds.iter().any(|s| ctx.has_standard(*s, inp.date)), stds)
}

fn dx(ctx: &Ctx<'_>, inp: &Input<'_>, out: &mut Result) {
    let dt = inp.date;
    if dt < d(2024, 6, 1) || dt > d(2026, 5, 31) {
        return;
    }
    const SOURCE: &str = "R6告示 A000注16; tiers and thresholds: MHLW notices (M)";
    // Tier tables: [tier1, tier2, tier3] per period and variant.
    let (codes, kanri_codes, label): ([u32; 3], [u32; 3], &str) = if dt <= d(2024, 9, 30) {
        ([111703370; 3], [113705470; 3], "single tier (2024-06-01 … 2024-09-30)")
    } else if dt <= d(2025, 3, 31) {
        (
            [111703470, 111703570, 111703370],
            [113707770, 113707870, 113705470],
            "加算1–3 (2024-10-01 … 2025-03-31)",
        )
    } else if ctx.has_capability("e_prescription", dt) {
        (
            [111703670, 111703770, 111703870],
            [113707970, 113708070, 113708170],
            "加算1–3, 電子処方箋 体制あり (2025-04-01 …)",
        )
    } else {
        (
            [111703470, 111703570, 111703370],
            [113707770, 113707870, 113705470],
            "加算4–6, 電子処方箋 体制なし (2025-04-01 …)",
        )
    };
    let table = if inp.kanri { kanri_codes } else { codes };
    let (holds, stds) = holds_any(ctx, inp, table[2]);
    if !holds {
        if !stds.is_empty() {
            out.notes.push(Note {
                level: Level::Info,
                code: "DX_NO_STANDARD",
                message: format!("医療ＤＸ推進体制整備加算: not derived — no 届出 of 施設基準 {stds:?} on {dt}"),
            });
        }
        return;
    }
    if let Some(b) = crate::rules::monthly::already_billed(
        DX_CODES,
        dt,
        crate::rules::monthly::Window::Month,
        inp.history,
        inp.claim,
    ) {
        out.notes.push(Note {
            level: Level::Info,
            code: "MONTHLY_LIMIT",
            message: format!(
                "医療ＤＸ推進体制整備加算: already billed this month ({} on {}): 月1回",
                b.code, b.date
            ),
        });
        return;
    }
    if dt <= d(2024, 9, 30) {
        out.picks.push(Pick {
            code: table[0],
            rule: id::IRYO_DX,
            source: SOURCE,
            detail: format!("{label}; 届出 {stds:?} on {dt}"),
        });
        return;
    }
    let Some(th) = THRESHOLDS.iter().find(|t| within(dt, t.from, t.to)) else {
        return;
    };
    let (rate, months) = best_rate(ctx, dt);
    let Some(rate) = rate else {
        out.notes.push(Note {
            level: crate::outcome::Level::Warning,
            code: "DX_NO_RATE",
            message: format!("医療ＤＸ推進体制整備加算: the tier needs the マイナ保険証利用率 of {months} (facility.myna_rates); none given, so no tier is billed"),
        });
        return;
    };
    let child = ctx.has_capability("pediatric_exception", dt);
    let t3 = match (child, th.child3) {
        (true, Some(c)) => c,
        _ => th.t[2],
    };
    let limits = [th.t[0], th.t[1], t3];
    let tier = limits.iter().position(|l| rate >= Decimal::from(*l));
    let Some(tier) = tier else {
        out.notes.push(Note {
            level: crate::outcome::Level::Warning,
            code: "DX_RATE_TOO_LOW",
            message: format!(
                "医療ＤＸ推進体制整備加算: 届出 held but the best rate ({months}) {rate}% is below the lowest threshold {t3}% for {dt}: not billed"
            ),
        });
        return;
    };
    out.picks.push(Pick {
        code: table[tier],
        rule: id::IRYO_DX,
        source: SOURCE,
        detail: format!(
            "{label}; rates {months} → best {rate}%; thresholds {}/{}/{}%{} for {}…{} → tier {} (of this table)",
            limits[0],
            limits[1],
            limits[2],
            if child && th.child3.is_some() {
                " (小児科特例)"
            } else {
                ""
            },
            d(th.from.0, th.from.1, th.from.2),
            d(th.to.0, th.to.1, th.to.2),
            tier + 1
        ),
    });
}

fn denshi(ctx: &Ctx<'_>, inp: &Input<'_>, setting: Setting, out: &mut Result) {
    let dt = inp.date;
    if dt < d(2026, 6, 1) {
        return;
    }
    const SOURCE: &str = "R8告示 A000注16, A001注19 (H); codes and 30% threshold M";
    let found = denshi_codes(ctx, dt);
    let code_for_std = match setting {
        Setting::Shoshin => found[2].0,
        Setting::Saishin => found[3].0,
        Setting::Gairai => {
            out.notes.push(Note {
                level: Level::Info,
                code: "DENSHI_GAIRAI_CODE_UNKNOWN",
                message:
                    "電子的診療情報連携体制整備加算（外来診療料）: its master code is not known yet (L); not derived"
                        .into(),
            });
            return;
        }
    };
    let (holds, _stds) = holds_any(ctx, inp, code_for_std);
    if !holds {
        return;
    }
    if inp.kanri {
        out.notes.push(Note {
            level: crate::outcome::Level::Warning,
            code: "DENSHI_KANRI_CODE_UNKNOWN",
            message: "電子的診療情報連携体制整備加算（医学管理等）: code unknown (L); not derived".into(),
        });
        return;
    }
    let shoshin = [found[0].0, found[1].0, found[2].0];
    let saishin = [found[3].0];
    let family: &[u32] = if setting == Setting::Shoshin {
        &shoshin
    } else {
        &saishin
    };
    if let Some(b) =
        crate::rules::monthly::already_billed(family, dt, crate::rules::monthly::Window::Month, inp.history, inp.claim)
    {
        out.notes.push(Note {
            level: Level::Info,
            code: "MONTHLY_LIMIT",
            message: format!(
                "電子的診療情報連携体制整備加算: already billed this month ({} on {}): 月1回",
                b.code, b.date
            ),
        });
        return;
    }
    let (rate, months) = best_rate(ctx, dt);
    match rate {
        Some(r) if r >= Decimal::from(DENSHI_THRESHOLD) => {}
        Some(r) => {
            out.notes.push(Note {
                level: crate::outcome::Level::Warning,
                code: "DX_RATE_TOO_LOW",
                message: format!(
                    "電子的診療情報連携体制整備加算: best rate ({months}) {r}% below {DENSHI_THRESHOLD}%: not billed"
                ),
            });
            return;
        }
        None => {
            out.notes.push(Note {
                level: crate::outcome::Level::Warning,
                code: "DX_NO_RATE",
                message: format!(
                    "電子的診療情報連携体制整備加算: needs the マイナ保険証利用率 of {months}; none given, not billed"
                ),
            });
            return;
        }
    }
    let k = if setting == Setting::Shoshin {
        let e = ctx.has_capability("e_prescription", dt);
        let h = ctx.has_capability("ehr_sharing", dt);
        match (e, h) {
            (true, true) => 0,
            (true, false) | (false, true) => 1,
            (false, false) => 2,
        }
    } else {
        3
    };
    let (code, by) = found[k];
    out.picks.push(Pick {
        code,
        rule: id::DENSHI_RENKEI,
        source: SOURCE,
        detail: format!(
            "rates {months}; e_prescription {}, ehr_sharing {}; {}",
            ctx.has_capability("e_prescription", dt),
            ctx.has_capability("ehr_sharing", dt),
            by.describe(&DENSHI_SPECS[k], Code(code))
        ),
    });
}
/// The DX family stage: the family's picks for the visit, reconciled with the listed family
/// codes (a listed code wins, with a warning when it contradicts the facts; limits checked).
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>) {
    let (i, d) = (vs.i, vs.date);
    let v = &ctx.claim.visits[i];
    let set = ctx.set;
    let kind = vs.kind;
    let mut dx = Result::default();
    if let Some(k) = kind {
        let standards_of = |code: u32| -> Vec<u16> {
            set.s
                .lookup(Code(code), d)
                .map(|r| r.row.facility_standards.clone())
                .unwrap_or_default()
        };
        let inp = Input {
            date: d,
            base: k,
            myna: v.myna,
            kanri: vs.bundle,
            history: &ctx.history,
            claim: &led.billed,
            standards_of: &standards_of,
        };
        dx = derive(ctx, &inp);
    }
    for n in &dx.notes {
        led.diag(n.level, n.code, n.message.clone(), vs.path());
    }
    // Listed family codes: explicit DX/医療情報 codes win (with a warning when they contradict).
    let found = (d >= DENSHI_FROM).then(|| denshi_codes(ctx, d));
    for it in ctx.items[i].iter() {
        if vs.consumed[it.idx] {
            continue;
        }
        let AnyVersion::S(row) = it.v else { continue };
        if !is_family_code(ctx.index, row.row.code) {
            continue;
        }
        vs.consumed[it.idx] = true;
        let at = Some(vs.at(it.idx));
        let same = dx.picks.iter().position(|p| p.code == it.code.0);
        // A 2026 row found by meaning shares the 月1回 of its group (初診 tiers / 再診).
        let denshi_group: Vec<u32> = match found {
            Some(f) if f[..3].iter().any(|(c, _)| *c == it.code.0) => f[..3].iter().map(|(c, _)| *c).collect(),
            Some(f) if f[3].0 == it.code.0 => vec![f[3].0],
            _ => Vec::new(),
        };
        let group: &[u32] = if denshi_group.is_empty() {
            limit_group(it.code.0).unwrap_or(JOHO_CODES)
        } else {
            &denshi_group
        };
        let in_group = |c: u32| group.contains(&c);
        if kind.is_none_or(|k| k.second_dept() || k == BaseKind::Phone) {
            led.remove_s(
                d,
                row,
                1,
                Origin::Input,
                id::IRYO_DX,
                "R6告示 A000注5, A001注3/注9",
                "not on a ２科目 / 電話等再診 / no-base visit".into(),
                at,
            );
            continue;
        }
        if same.is_none() {
            if let Some(b) = monthly::already_billed(group, d, monthly::Window::Month, &ctx.history, &led.billed) {
                led.remove_s(
                    d,
                    row,
                    1,
                    Origin::Input,
                    id::MONTHLY,
                    "R6告示 A000注15/16 (月1回)",
                    format!("already billed this month ({} on {}): 月1回", b.code, b.date),
                    at,
                );
                continue;
            }
            if JOHO_REVISIT_CODES.contains(&it.code.0) {
                if let Some(b) = monthly::already_billed(
                    JOHO_REVISIT_CODES,
                    d,
                    monthly::Window::ThreeMonths,
                    &ctx.history,
                    &led.billed,
                ) {
                    led.remove_s(
                        d,
                        row,
                        1,
                        Origin::Input,
                        id::MONTHLY,
                        "R6告示 A001注19, A002注10 (3月に1回)",
                        format!("billed on {} ({}): 3月に1回", b.date, b.code),
                        at,
                    );
                    continue;
                }
            }
        }
        let (detail, rule, source) = match same {
            Some(p) => {
                let p = dx.picks.remove(p);
                (led.detail(|| p.detail.clone()), p.rule, p.source)
            }
            None => {
                let facts: Vec<String> = dx
                    .picks
                    .iter()
                    .filter(|p| in_group(p.code))
                    .map(|p| p.code.to_string())
                    .collect();
                dx.picks.retain(|p| !in_group(p.code));
                led.diag(
                    Level::Warning,
                    "DX_EXPLICIT_DIFFERS",
                    format!(
                        "listed {} ({}) differs from what the facts give ({}); billed as listed",
                        it.code,
                        row.row.name,
                        if facts.is_empty() {
                            "none".into()
                        } else {
                            facts.join(", ")
                        }
                    ),
                    vs.item_path(it.idx),
                );
                (None, id::IRYO_DX_LISTED, "R6告示 A000注15/16; claim lists the code")
            }
        };
        led.bill_s(d, i, row, 1, Origin::Input, rule, source, detail, at, None);
    }
    for p in std::mem::take(&mut dx.picks) {
        led.bill_derived(d, i, p.code, p.rule, p.source, &p.detail);
    }
}
