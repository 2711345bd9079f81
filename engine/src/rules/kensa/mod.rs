//! 検査 (第3部) for outpatient claims: item-count 包括 ladders, the D007 counting rules, 検体検査判断料
//! (D026) and the other 判断料, 血液採取 (D400), 外来迅速検体検査加算, 検体検査管理加算.
//!
//! ## 何をするか
//! - **Ladders.** Items of one 包括 group (master col 16) done on one specimen collection
//!   (「患者から１回に採取した血液を用いて」) are priced by item count instead of their sum once the
//!   count reaches the group's threshold. Like a receipt, every item stays a line; all but the last
//!   carry 0 points and the last carries the ladder points (rule `D007-hokatsu` etc., naming the
//!   count and the ladder row). A collection = same date + same `items[].specimen` label; without a
//!   label all same-day items of the group are one collection (one blood draw a day; info
//!   diagnostic when that default groups several items). Count caps: group 9 (8 items), group 10
//!   (2 items) — the excess lines are removed; group 11 (1,430点 per draw) — capped.
//! - **D007 counting rules** run before counting: カルシウム + イオン化カルシウム → one;
//!   ＴＩＢＣ + ＵＩＢＣ（比色法） → one; ＨＤＬ + 総コレステロール + ＬＤＬ → the main two;
//!   蛋白分画 + 総蛋白 + アルブミン → the main two. Which one goes is not said by the 通知 (clinical):
//!   the engine keeps the higher-point items, then the earlier-listed (L for the choice; info
//!   diagnostic). Not implemented: クレアチニン Jaffe 法 (no own code), マンガン 3月に1回 (needs a
//!   clinical fact).
//! - **判断料.** D026 検体検査判断料 is derived once a month per 判断グループ (col 51 of the 実施料,
//!   col 50 = 1) when this claim has a 実施料 of the group (billed, in a ladder, or bundled into
//!   外来診療料) and no 判断料 of the group is in `history` or earlier this month. A listed 判断料 is
//!   checked the same way (one line, origin input); other 判断料 (呼吸機能, 脳波, 神経・筋, RI,
//!   ロービジョン, 画像診断, 病理) are never derived, only checked: 月1回 and a 実施料 of their group
//!   this month (claim or history).
//! - **D400** 血液採取 is 1日につき: a second line of the same code on a date is removed. Its
//!   乳幼児加算 comes from the master's 年齢加算 columns (pipeline).
//! - **外来迅速検体検査加算** (160177770) is only kept when listed: at most 5 per day (excess removed);
//!   the eligible-test list is not hand-coded (L), so a kept line carries an info diagnostic.
//! - **検体検査管理加算（Ⅰ）** (160170170) 月1回.
//!
//! Stages: [`ladders`] (month level: ladders, caps, D007 counting) and [`handan`] (判断料).
//!
//! ## 根拠
//! - Ladders, R6 (from 2024-06-01): R6告示 D006注 (13–32: 3–4項目 530, 5項目以上 722), D007注 (1–8:
//!   5–7項目 93, 8–9項目 99, 10項目以上 103), D008注 (12–51: 3–5項目 410, 6–7 623, 8以上 900), D009注2
//!   (2–36: 2項目 230, 3項目 290, 4項目以上 385), D013注 (3–14: 3項目 290, 4項目 360, 5以上 425), D014注1
//!   (2項目 320, 3項目以上 490), D004-2注1/注2 (4,000/6,000/8,000; 8,000/12,000). H (R6告示 read for
//!   D008/D009; rules.md §3.2 H for the others); D006-27 (groups 15/16) per rules.md (M).
//! - Ladders, R4 (2022-04-01 → 2024-05-31), read in the R4 告示 text (H): D007 ≥10項目 **106**, D009
//!   4項目以上 **396**; D006, D008, D013, D014, D004-2 the same values as R6; D006-27: 2項目 4,000, 3項目以上
//!   6,000 (group 15), 8,000 (group 16). Before 2022-04-01: no ladder is applied (diagnostic).
//! - Caps: D012 11注 (8項目), D012 44注 (R6; 42 in R4) (2項目), D015 13注 (1,430点): R4 = R6, H.
//! - D007 counting: R6通知 D007 (1)–(7), H (rules.md §3.2).
//! - 判断料: R6告示 D026 注1 (月1回), 注2 (D000 alone: the data gives D000 判断区分 0), 注3 (遺伝子関連:
//!   the data gives those 実施料 group 17); A002 通知 (9)–(11): the 判断料 stays billable for tests
//!   bundled into 外来診療料. H.
//! - D400: R6告示 D400 (1日につき), 電子点数表 05 (160095710 = 日 1). H.
//! - 外来迅速検体検査加算: R6告示 第3部第1節第1款 通則3 (10点, 5項目限度, 当日). H; eligible list L.
//! - 検体検査管理加算: R6告示 D026注4 (月1回). H.
//!
//! ## 使うマスタ項目
//! s cols 16 (包括対象検査), 50/51 (実施判断区分/グループ), 85/90–94 (区分), 12 (points).

pub mod handan;
pub mod ladders;

use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::{id, limits, Blocked, RuleId};
use chrono::NaiveDate;
use masters::tensuhyo::SpecialCondition;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// One item-count ladder of a 包括 group, valid for a date range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ladder {
    /// master col 16
    pub group: u8,
    pub kubun: &'static str,
    pub from: NaiveDate,
    /// last valid day (inclusive); `None` = open
    pub to: Option<NaiveDate>,
    /// The points per item count, ascending.
    pub steps: Steps,
    pub source: &'static str,
    /// The rule id of a line priced by this ladder.
    pub rule: RuleId,
}

/// Where a ladder's points come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Steps {
    /// (minimum item count, points) as the 告示 states them: no master row carries them.
    Points(&'static [(u32, i64)]),
    /// (minimum item count, master code): the points of the row valid on the date (the master
    /// carries the ladder as rows, e.g. D004-2 悪性腫瘍組織検査減算 160232170…160232670).
    Rows(&'static [(u32, u32)]),
}

const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(x) => x,
        None => panic!("bad date"),
    }
}

/// First day of the R4 (令和4年度) 点数表.
pub const R4_FROM: NaiveDate = ymd(2022, 4, 1);
/// First day of the R6 (令和6年度) 点数表.
pub const R6_FROM: NaiveDate = ymd(2024, 6, 1);
const R4_TO: NaiveDate = ymd(2024, 5, 31);

/// The item-count ladders, hand-coded per group and period (module docs for sources).
pub const LADDERS: &[Ladder] = &[
    Ladder {
        group: 1,
        kubun: "D007",
        from: R6_FROM,
        to: None,
        steps: Steps::Points(&[(5, 93), (8, 99), (10, 103)]),
        source: "R6告示 D007注",
        rule: id::D007_HOKATSU,
    },
    Ladder {
        group: 1,
        kubun: "D007",
        from: R4_FROM,
        to: Some(R4_TO),
        steps: Steps::Points(&[(5, 93), (8, 99), (10, 106)]),
        source: "R4告示 D007注",
        rule: id::D007_HOKATSU,
    },
    Ladder {
        group: 2,
        kubun: "D008",
        from: R4_FROM,
        to: None,
        steps: Steps::Points(&[(3, 410), (6, 623), (8, 900)]),
        source: "R4/R6告示 D008注",
        rule: id::D008_HOKATSU,
    },
    Ladder {
        group: 3,
        kubun: "D013",
        from: R4_FROM,
        to: None,
        steps: Steps::Points(&[(3, 290), (4, 360), (5, 425)]),
        source: "R4/R6告示 D013注",
        rule: id::D013_HOKATSU,
    },
    Ladder {
        group: 5,
        kubun: "D009",
        from: R6_FROM,
        to: None,
        steps: Steps::Points(&[(2, 230), (3, 290), (4, 385)]),
        source: "R6告示 D009注2",
        rule: id::D009_HOKATSU,
    },
    Ladder {
        group: 5,
        kubun: "D009",
        from: R4_FROM,
        to: Some(R4_TO),
        steps: Steps::Points(&[(2, 230), (3, 290), (4, 396)]),
        source: "R4告示 D009注2",
        rule: id::D009_HOKATSU,
    },
    Ladder {
        group: 6,
        kubun: "D006",
        from: R4_FROM,
        to: None,
        steps: Steps::Points(&[(3, 530), (5, 722)]),
        source: "R4/R6告示 D006注",
        rule: id::D006_HOKATSU,
    },
    Ladder {
        group: 7,
        kubun: "D014",
        from: R4_FROM,
        to: None,
        steps: Steps::Points(&[(2, 320), (3, 490)]),
        source: "R4/R6告示 D014注1",
        rule: id::D014_HOKATSU,
    },
    Ladder {
        group: 13,
        kubun: "D004-2",
        from: R4_FROM,
        to: None,
        steps: Steps::Rows(&[(2, 160232170), (3, 160232270), (4, 160232370)]),
        source: "R4/R6告示 D004-2注1; points of 160232170/160232270/160232370",
        rule: id::D004_2_HOKATSU,
    },
    Ladder {
        group: 14,
        kubun: "D004-2",
        from: R4_FROM,
        to: None,
        steps: Steps::Rows(&[(2, 160232570), (3, 160232670)]),
        source: "R4/R6告示 D004-2注2; points of 160232570/160232670",
        rule: id::D004_2_HOKATSU,
    },
    Ladder {
        group: 15,
        kubun: "D006-27",
        from: R6_FROM,
        to: None,
        steps: Steps::Points(&[(2, 4000), (3, 6000), (4, 8000)]),
        source: "R6告示 D006-27注1 (rules.md §3.2; M)",
        rule: id::D006_27_HOKATSU,
    },
    Ladder {
        group: 15,
        kubun: "D006-27",
        from: R4_FROM,
        to: Some(R4_TO),
        steps: Steps::Points(&[(2, 4000), (3, 6000)]),
        source: "R4告示 D006-27注1",
        rule: id::D006_27_HOKATSU,
    },
    Ladder {
        group: 16,
        kubun: "D006-27",
        from: R6_FROM,
        to: None,
        steps: Steps::Points(&[(2, 8000), (3, 12000)]),
        source: "R6告示 D006-27注2 (rules.md §3.2; M)",
        rule: id::D006_27_HOKATSU,
    },
    Ladder {
        group: 16,
        kubun: "D006-27",
        from: R4_FROM,
        to: Some(R4_TO),
        steps: Steps::Points(&[(2, 8000)]),
        source: "R4告示 D006-27注2",
        rule: id::D006_27_HOKATSU,
    },
];

/// The ladder of `group` valid on `d`.
pub fn ladder(group: u8, d: NaiveDate) -> Option<&'static Ladder> {
    LADDERS
        .iter()
        .find(|l| l.group == group && l.from <= d && l.to.is_none_or(|t| d <= t))
}

/// Whether `group` has a ladder in some period (so a date outside every period needs a diagnostic).
pub fn has_ladder(group: u8) -> bool {
    LADDERS.iter().any(|l| l.group == group)
}

/// Points of `n` items on ladder `l`, or `None` when `n` is below the first step (items keep
/// their own points).
pub fn ladder_points(l: &Ladder, n: u32, set: &masters::MasterSet, d: NaiveDate) -> Option<Step> {
    match l.steps {
        Steps::Points(steps) => steps
            .iter()
            .rev()
            .find(|(min, _)| n >= *min)
            .map(|&(min, points)| Step::Points(min, points)),
        Steps::Rows(steps) => {
            let &(min, code) = steps.iter().rev().find(|(min, _)| n >= *min)?;
            Some(match set.s.lookup(masters::Code(code), d) {
                Some(row) => Step::Row(min, row.row.points.round().to_i64().unwrap_or(0), code),
                None => Step::RowMissing(min, code),
            })
        }
    }
}

/// The ladder step an item count reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// (minimum count, points) typed from the 告示.
    Points(u32, i64),
    /// (minimum count, points, code): the points of the master row.
    Row(u32, i64, u32),
    /// The step's master row has no version on the date (items keep their own points).
    RowMissing(u32, u32),
}

/// A per-specimen limit that is not a ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    /// at most this many items are billed
    Items(u32, &'static str),
    /// the points of all items are capped
    Points(i64, &'static str),
}

/// Count / point caps per specimen (R4 = R6, H).
pub fn cap(group: u8, d: NaiveDate) -> Option<Cap> {
    if d < R4_FROM {
        return None;
    }
    match group {
        9 => Some(Cap::Items(8, "R6告示 D012 11 注: ウイルス抗体価 同一検体 8項目を限度")),
        10 => Some(Cap::Items(
            2,
            "R6告示 D012 44 注: グロブリンクラス別ウイルス抗体価 同一検体 2項目を限度",
        )),
        11 => Some(Cap::Points(
            1430,
            "R6告示 D015 13 注: 特異的ＩｇＥ 1回採取 1,430点を限度",
        )),
        _ => None,
    }
}

/// D007 codes the 通知 counts together (R6通知 D007; codes H in s_ALL20240201 and s_ALL20240531).
pub const CA: u32 = 160021510;
pub const ICA: u32 = 160021610;
pub const TIBC: u32 = 160023610;
pub const UIBC: u32 = 160023710;
pub const HDL: u32 = 160023410;
pub const TCHO: u32 = 160022410;
pub const LDL: u32 = 160167250;
pub const PROTEIN_FRACTION: u32 = 160022810;
pub const TP: u32 = 160017410;
pub const ALB: u32 = 160018910;

/// One D007 item of a collection: its position (listing order), code and points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub pos: usize,
    pub code: u32,
    pub points: i64,
}

/// The items the D007 counting rules drop from one collection, with why. The kept ones are the
/// higher-point items, then the earlier-listed.
pub fn d007_drops(items: &[Item]) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    let rules: [(&[u32], usize, &'static str); 4] = [
        (
            &[CA, ICA],
            1,
            "カルシウム and イオン化カルシウム together: only one is billed (R6通知 D007(2))",
        ),
        (
            &[TIBC, UIBC],
            1,
            "ＴＩＢＣ and ＵＩＢＣ（比色法） together: only one is billed (R6通知 D007(3))",
        ),
        (
            &[HDL, TCHO, LDL],
            2,
            "ＨＤＬ, 総コレステロール and ＬＤＬ together: only the main two are billed (R6通知 D007(4))",
        ),
        (
            &[PROTEIN_FRACTION, TP, ALB],
            2,
            "蛋白分画, 総蛋白 and アルブミン together: only the main two are billed (R6通知 D007(6))",
        ),
    ];
    for (codes, keep, why) in rules {
        let mut present: Vec<&Item> = Vec::new();
        for c in codes {
            if let Some(it) = items.iter().find(|it| it.code == *c) {
                present.push(it);
            }
        }
        if present.len() == codes.len() {
            present.sort_by_key(|it| (-it.points, it.pos));
            for it in &present[keep..] {
                out.push((it.pos, why));
            }
        }
    }
    // the same code twice in one collection counts once
    for (k, it) in items.iter().enumerate() {
        if items[..k].iter().any(|e| e.code == it.code) && !out.iter().any(|(p, _)| *p == it.pos) {
            out.push((it.pos, "the same item twice on one specimen: counted and billed once"));
        }
    }
    out
}

/// D026 検体検査判断料 per 判断グループ (col 51): derived from the 実施料 (codes H, s_ALL20240531).
pub const D026: &[(u8, u32)] = &[
    (1, 160061710),
    (2, 160061810),
    (3, 160061910),
    (4, 160062010),
    (5, 160062110),
    (6, 160062210),
    (17, 160218110),
];

/// Every 判断料 / 診断料 row (col 50 = 2) by group, for the 月1回 check of listed ones.
pub const HANDAN: &[(u8, u32)] = &[
    (1, 160061710),
    (2, 160061810),
    (3, 160061910),
    (4, 160062010),
    (5, 160062110),
    (6, 160062210),
    (17, 160218110),
    (11, 160146910),
    (13, 160147610),
    (13, 160207610),
    (13, 160207710),
    (14, 160147710),
    (15, 160147910),
    (16, 160199510),
    (31, 170033310),
    (32, 170015310),
    (33, 170015410),
    (40, 160062310),
    (41, 160155110),
    (42, 160185210),
];

/// The 判断料 codes sharing `group`'s 月1回 (病理 40/41/42 share one family).
pub fn handan_family(group: u8) -> Vec<u32> {
    let fam: &[u8] = match group {
        40..=42 => &[40, 41, 42],
        g => return HANDAN.iter().filter(|(x, _)| *x == g).map(|(_, c)| *c).collect(),
    };
    HANDAN
        .iter()
        .filter(|(x, _)| fam.contains(x))
        .map(|(_, c)| *c)
        .collect()
}

/// Whether a 実施料 of group `jisshi` lets a 判断料 of group `handan` be billed.
pub fn handan_matches(handan: u8, jisshi: u8) -> bool {
    handan == jisshi || ((40..=42).contains(&handan) && (40..=42).contains(&jisshi))
}

/// D400 血液採取 (静脈 / その他): 1日につき — the limit is the 05 row of each code (日 1).
pub const BLOOD_DRAW: &[u32] = &[160095710, 160095810];
/// 外来迅速検体検査加算 (通則3): 10点 per item; the items a day are limited by its 05 row (日 5),
/// counted as the listed quantity (項目数).
pub const JINSOKU: u32 = 160177770;
/// 検体検査管理加算（Ⅰ）: the limit is its 05 row (月 1).
pub const KANRI_1: u32 = 160170170;

/// The family checks of a listed 検査 row: D400 and 検体検査管理加算 limits (05 rows).
pub fn listed_check<'c>(
    ctx: &'c Ctx<'c>,
    led: &Ledger<'c>,
    visit: usize,
    p: &masters::Procedure,
    count: u32,
) -> Option<Blocked> {
    let code = p.code.0;
    let d = ctx.claim.visits[visit].date;
    let (rule, source) = if BLOOD_DRAW.contains(&code) {
        (id::D400, "R6告示 D400 (1日につき); 05 算定回数テーブル")
    } else if code == KANRI_1 {
        (id::MONTHLY, "R6告示 D026注4 (月1回); 05 算定回数テーブル")
    } else {
        return None;
    };
    let r = limits::reached(&ctx.set.tensuhyo, p.code, &[code], d, count, &ctx.history, &led.billed)?;
    Some(Blocked::new(rule, source, r.message()))
}

/// 外来迅速検体検査加算: the listed quantity (項目数) beyond the day's 05 limit is removed;
/// returns the quantity left to bill.
pub fn jinsoku<'c>(
    ctx: &'c Ctx<'c>,
    led: &mut Ledger<'c>,
    vs: &VisitState<'c>,
    s: &'c masters::Version<masters::Procedure>,
    idx: usize,
    quantity: Option<Decimal>,
) -> Option<Decimal> {
    let d = vs.date;
    let mut quantity = quantity;
    let limit = ctx
        .set
        .tensuhyo
        .santei_kaisu_on(s.row.code, d)
        .find(|r| r.unit == masters::tensuhyo::KaisuUnit::Day && r.special == SpecialCondition::Unconditional);
    if let Some(r) = limit {
        let max = Decimal::from(r.max_count);
        // 項目数 = quantity (データ規格 項目), over the day's visits.
        let so_far: Decimal = led
            .lines
            .iter()
            .filter(|l| l.date == d && l.code == s.row.code)
            .filter_map(|l| {
                let at = l.item()?;
                ctx.claim.visits.get(at.visit)?.items.get(at.item)?.quantity
            })
            .sum();
        let room = (max - so_far).max(Decimal::ZERO);
        if let Some(q) = quantity.filter(|q| *q > room) {
            led.remove_s(
                d,
                s,
                (q - room).to_u32().unwrap_or(1),
                Origin::Input,
                id::KENSA_JINSOKU,
                "R6告示 第3部第1節第1款 通則3 (5項目を限度); 05 算定回数テーブル",
                format!(
                    "外来迅速検体検査加算: {q} items listed, at most {max} a day ({so_far} earlier today; {})",
                    ctx.set.tensuhyo.locate(r.at())
                ),
                Some(vs.at(idx)),
            );
            quantity = Some(room);
        }
    }
    led.diag(
        Level::Info,
        "JINSOKU_LIST_UNCHECKED",
        "外来迅速検体検査加算 kept as listed: the eligible-test list (特掲施設基準) is not coded (L)",
        vs.item_path(idx),
    );
    quantity
}

#[cfg(test)]
mod tests {
    /// The points of a ladder typed from the 告示 (the row-backed ones are tested with the data).
    fn pts(l: &Ladder, n: u32) -> Option<(u32, i64)> {
        match l.steps {
            Steps::Points(steps) => steps.iter().rev().find(|(min, _)| n >= *min).copied(),
            Steps::Rows(_) => panic!("row-backed ladder"),
        }
    }
    use super::*;
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    #[test]
    fn d007_ladder_boundaries_r6() {
        // R6告示 D007注: 5–7項目 93, 8–9項目 99, 10項目以上 103.
        let l = ladder(1, d(2024, 6, 1)).unwrap();
        assert_eq!(pts(l, 4), None);
        assert_eq!(pts(l, 5), Some((5, 93)));
        assert_eq!(pts(l, 7), Some((5, 93)));
        assert_eq!(pts(l, 8), Some((8, 99)));
        assert_eq!(pts(l, 9), Some((8, 99)));
        assert_eq!(pts(l, 10), Some((10, 103)));
        assert_eq!(pts(l, 30), Some((10, 103)));
    }
    #[test]
    fn r4_values_differ() {
        // R4告示 D007注 ハ 10項目以上 106; D009注2 ハ 4項目以上 396.
        assert_eq!(pts(ladder(1, d(2024, 5, 31)).unwrap(), 10), Some((10, 106)));
        assert_eq!(pts(ladder(5, d(2024, 5, 31)).unwrap(), 4), Some((4, 396)));
        assert_eq!(pts(ladder(5, d(2024, 6, 1)).unwrap(), 4), Some((4, 385)));
        assert!(ladder(1, d(2022, 3, 31)).is_none());
        assert!(has_ladder(1));
    }
    #[test]
    fn other_groups() {
        let x = d(2025, 1, 10);
        // D008: 3項目以上5項目以下 410, 6–7 623, 8以上 900.
        let l = ladder(2, x).unwrap();
        assert_eq!(
            (pts(l, 2), pts(l, 3), pts(l, 6), pts(l, 8)),
            (None, Some((3, 410)), Some((6, 623)), Some((8, 900)))
        );
        // D013: 3 → 290, 4 → 360, 5+ → 425; D006: 3–4 → 530, 5+ → 722; D014: 2 → 320, 3+ → 490.
        assert_eq!(pts(ladder(3, x).unwrap(), 4), Some((4, 360)));
        assert_eq!(pts(ladder(6, x).unwrap(), 4), Some((3, 530)));
        assert_eq!(pts(ladder(6, x).unwrap(), 5), Some((5, 722)));
        assert_eq!(pts(ladder(7, x).unwrap(), 1), None);
        assert_eq!(pts(ladder(7, x).unwrap(), 3), Some((3, 490)));
        assert!(matches!(cap(9, x), Some(Cap::Items(8, _))));
        assert!(matches!(cap(10, x), Some(Cap::Items(2, _))));
        assert!(matches!(cap(11, x), Some(Cap::Points(1430, _))));
    }
    #[test]
    fn d007_counting() {
        let it = |pos, code, points| Item { pos, code, points };
        // HDL 17, Tcho 17, LDL 18: keep LDL and the earlier of the two 17s.
        let drops = d007_drops(&[it(0, HDL, 17), it(1, TCHO, 17), it(2, LDL, 18), it(3, 160019410, 11)]);
        assert_eq!(drops.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1]);
        // Ca 11 + iCa 26: keep iCa.
        let drops = d007_drops(&[it(0, CA, 11), it(1, ICA, 26)]);
        assert_eq!(drops.iter().map(|x| x.0).collect::<Vec<_>>(), vec![0]);
        // HDL + Tcho only: nothing dropped.
        assert!(d007_drops(&[it(0, HDL, 17), it(1, TCHO, 17)]).is_empty());
        // 蛋白分画 18 + TP 11 + Alb 11: drop the later 11.
        let drops = d007_drops(&[it(0, ALB, 11), it(1, TP, 11), it(2, PROTEIN_FRACTION, 18)]);
        assert_eq!(drops.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1]);
    }
    #[test]
    fn handan() {
        assert_eq!(handan_family(13).len(), 3);
        assert_eq!(handan_family(41), vec![160062310, 160155110, 160185210]);
        assert!(handan_matches(41, 40) && handan_matches(3, 3) && !handan_matches(3, 4));
    }
}
