//! The percentage 加算 of the 通則 of 第2章 (and the 注 that work the same way): the 年齢加算
//! (新生児 / 乳幼児 / 幼児 / 小児) of 生体検査, 画像診断, 手術, 麻酔 and 放射線治療, and the
//! 時間外・休日・深夜加算 of 内視鏡検査, 処置, 手術 and 麻酔.
//!
//! ## 何をするか
//! After the listed items are billed (`items::stage`), looks at every billed 診療行為 line of the
//! visit that the master marks as taking a percentage 加算, works out its 所定点数 (the line plus
//! the 注加算 lines that belong to it), and bills each 加算 that the facts give as its own line:
//! code = the % row, points = 所定点数 × % rounded 四捨五入, same count, 診療識別 and rp as its
//! base. Listed % codes of the family are taken before `items` prices them ([`take_listed`]) and
//! checked, not duplicated: a listed code the facts give is billed once as that input line; one
//! they do not give is removed with the reason ([`stage`]).
//!
//! ## 根拠 (R6告示 = `shared/reference/text/r6/ika-kokuji.txt`, PDF 001218731; R6通知 =
//! `ika-tsuchi.txt`, PDF 001220532)
//! - 生体検査: 第3部 第3節 通則1/2 新生児 100分の100, 3歳未満 100分の70, 3歳以上6歳未満
//!   100分の40 (p.181–182; H). The excluded items (イ–レ) are the rows without the 加算 in their
//!   年齢加算 columns (data).
//! - 画像診断: E001–E002 注2 (撮影), E100/E101… 注 (核医学), 第3節 通則4 (CT/MRI; 頭部外傷 85/55/35)
//!   新生児 100分の80, 乳幼児 100分の50, 幼児 100分の30 (p.202–205; H). R6通知 E002(7): the
//!   所定点数 is the 撮影's points (注3 included), 端数処理 at the end: 68 × 1.8 = 122.4 → 122
//!   (p.421; H). E202 注7 小児鎮静下ＭＲＩ撮影加算 (170036170, 100分の80, 15歳未満) needs 鎮静 — a
//!   fact the claim does not carry: kept only when listed (**M**).
//! - 処置: J122 注 ギプス 乳幼児加算 100分の55 (the same mechanism: a % row in the 年齢加算 columns).
//! - 手術: 第10部 通則7 (the listed 区分 only: 新生児 100分の300, 手術時体重1,500g未満 100分の400) and
//!   通則8 (3歳未満 100分の100, 3歳以上6歳未満 100分の50, not with 通則7), p.255 (H). The 通則7
//!   list is coded here ([`K_TSUSOKU7`]); entries that name a sub-item (K142の6, K393の1 …) are
//!   not derived, only a listed 新生児加算 is kept on them (**M**). 極低出生体重児 (150306890) needs
//!   the 手術時体重: kept only when listed on a 通則7 区分 (**M**). R6通知 第10部 通則9: the
//!   所定点数 is the 手術料 with its 注 加算, not 通則 加算, not 手術医療機器等加算 / 薬剤 / 材料
//!   (p.552; H).
//! - 麻酔: 第11部 通則2 未熟児 100分の200, 新生児 100分の200, 乳児 100分の50, 1歳以上3歳未満
//!   100分の20 (p.329; H). 未熟児 = 出生時体重2,500g未満, 出生後90日以内 (R6通知
//!   第11部 通則8): the weight is not in the claim, so 150286690 is kept only when listed (**M**).
//!   R6通知 第11部 通則6: the 所定点数 is the 麻酔料 with its 注 加算 (not 酸素/窒素) (p.643; H).
//! - 放射線治療: 第12部 通則3 小児放射線治療加算 新生児 80, 乳幼児 50, 幼児 30, 小児 (6–15) 20
//!   (100分の; M000–M001-3, M002–M004), p.333 (H).
//! - Time: 処置 第9部 通則5 (イ 所定点数1,000点以上 + 届出: 休日/深夜 160, 時間外 80; ロ 150点以上,
//!   入院外: 休日/深夜 80, 時間外 40; 特例医療機関 80 / 40), p.238–239; 手術 第10部 通則12 (イ 届出
//!   160/80/160, ロ 80/40/80), p.256; 麻酔 第11部 通則3 (80/40/80, 特例 40); 内視鏡検査 第3部 第3節
//!   通則5 (80/40/80, 特例 40), p.195 (H). The 届出 of イ is the 施設基準 code of the % row itself
//!   (cols 72–81: 3362–3364 処置, 3397–3399 手術) (data). R6通知 第9部 通則5 and 10 (p.513–514): 加算２
//!   only after an 初診/再診 that takes the 時間外・休日・深夜加算 (a visit without a base fee gets
//!   none), the 所定点数 includes the 注 加算 (ギプスの乳幼児加算 included); 第3部 通則5(7): the
//!   内視鏡 所定点数 is the 区分's points with its 注 (H). The time class is the visit's class
//!   ([`super::jikan`]) or, when the item gives `started` (claim addition), the class of its start
//!   time; an in-hours 初診/再診 followed by a start outside hours within 8 hours qualifies
//!   (R6通知 第10部 通則12(2), 第9部 通則4(2); not 処置 加算２, 通知 第9部 通則5). Without `started`
//!   the visit's time is used (said by `TSUSOKU_START_TIME`); 夜間・早朝等加算 and 小児科特例 visits get none (通知 D 通則5(6),
//!   K 通則14: 夜間・早朝等 → not; 小児科特例 is within 表示診療時間 → not; **M** for 小児科特例).
//! - Rounding: 1点未満 四捨五入 of 所定点数 × % (R6通知 E002(7) example; the other 部 the same,
//!   **M**: the rule's own text, 診療報酬の算定方法 本文, is not staged). The 所定点数 of the ledger is
//!   already an integer, so rounding the 加算 alone equals rounding the total.
//!
//! ## 使うマスタ項目
//! 点数識別 (col 11: 5 % 加算), 点数 (col 12 = the %), 注加算コード/通番 (cols 38/39: which 注加算
//! lines belong to a base), 通則年齢 (col 40: the base takes the 部's 通則 年齢加算), 上下限年齢
//! (cols 41/42 of the % rows), 時間加算区分 (col 43: the base takes the time 加算), 通則加算所定点数
//! 対象区分 (col 62: 1 = not in the 所定点数), 施設基準 (cols 72–81 of the % rows), 区分 (cols 85,
//! 92, 93), 年齢加算 (cols 100–111: which % row a 検査 / 画像 base takes).

use crate::context::{Ctx, VisitState};
use crate::ledger::{At, Entry, Ledger};
use crate::outcome::{Level, Origin};
use crate::rules::jikan::Class;
use crate::rules::{id, RuleId};
use chrono::NaiveDate;
use masters::{AgeBound, AnyVersion, Code, PointKind, Procedure, Version};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// 小児鎮静下ＭＲＩ撮影加算 (E202 注7): needs 麻酔を用いた鎮静, not a claim fact.
const SEDATION_MRI: u32 = 170036170;
/// 極低出生体重児加算（手術） 100分の400 (手術時体重 1,500g未満).
const K_VLBW: u32 = 150306890;
/// 新生児加算（手術） 100分の300 (通則7 list only).
const K_NEWBORN: u32 = 150000190;
/// 乳幼児加算（手術） 100分の100, 幼児加算（手術） 100分の50 (通則8).
const K_AGE: [u32; 2] = [150000290, 150342890];
/// 未熟児加算（麻酔） 100分の200.
const L_PREMATURE: u32 = 150286690;
/// 新生児 / 乳児 / 幼児加算（麻酔）.
const L_AGE: [u32; 3] = [150231590, 150231690, 150265390];
/// 小児放射線治療加算 新生児 / 乳幼児 / 幼児 / 小児.
const M_AGE: [u32; 4] = [180034890, 180034990, 180035090, 180035190];

/// The time % rows of one 部: [休日, 時間外, 深夜, 時間外特例].
struct TimeRows {
    alpha: char,
    /// 加算１ (届出; 処置: 所定点数 1,000点以上).
    one: Option<[u32; 4]>,
    /// 加算２ (or the only set).
    two: [u32; 4],
    /// 加算１ threshold of the 所定点数 (処置 1,000), 加算２ threshold (処置 150).
    min_one: i64,
    min_two: i64,
    source: &'static str,
}

const TIME: [TimeRows; 4] = [
    TimeRows {
        alpha: 'J',
        one: Some([140055290, 140055390, 140055490, 140055590]),
        two: [140000290, 140000190, 140000390, 140000490],
        min_one: 1000,
        min_two: 150,
        source: "R6告示 第9部 処置 通則5 (p.238–239); R6通知 第9部 通則4–10 (p.513–514)",
    },
    TimeRows {
        alpha: 'K',
        one: Some([150371290, 150371390, 150371490, 150371590]),
        two: [150000590, 150000490, 150000690, 150000790],
        min_one: 0,
        min_two: 0,
        source: "R6告示 第10部 手術 通則12 (p.256); R6通知 第10部 通則12–15 (p.553)",
    },
    TimeRows {
        alpha: 'L',
        one: None,
        two: [150231890, 150231790, 150231990, 150232090],
        min_one: 0,
        min_two: 0,
        source: "R6告示 第11部 麻酔 通則3 (p.329); R6通知 第11部 通則9 (p.644)",
    },
    TimeRows {
        alpha: 'D',
        one: None,
        two: [160203970, 160204070, 160204170, 160204270],
        min_one: 0,
        min_two: 0,
        source: "R6告示 第3部 第3節 内視鏡検査 通則5 (p.195); R6通知 同 通則(6)(7) (p.406)",
    },
];

const AGE_SOURCE: &str =
    "R6告示 第3部第3節 通則1/2, E002注2 ほか, 第10部 通則7/8, 第11部 通則2, 第12部 通則3 (年齢の % 加算)";

/// A 区分 range of K 通則7 (inclusive, (区分番号, 枝番)); `sub` = the 告示 names a sub-item only
/// (not derived).
struct KRange {
    from: (u16, u8),
    to: (u16, u8),
    sub: bool,
}

const fn k(a: u16, ae: u8, b: u16, be: u8) -> KRange {
    KRange {
        from: (a, ae),
        to: (b, be),
        sub: false,
    }
}
const fn k1(a: u16, ae: u8) -> KRange {
    k(a, ae, a, ae)
}
const fn ks(a: u16, ae: u8) -> KRange {
    KRange {
        from: (a, ae),
        to: (a, ae),
        sub: true,
    }
}

/// R6告示 第10部 通則7 (p.255): the 手術 with the 新生児 (100分の300) / 1,500g未満 (100分の400)
/// 加算. "ＫａからＫｂまで" is read as every 区分 (with 枝番) from Ka to Kb (**M**). R8告示 第10部
/// 通則7 (`r8/ika-kokuji.txt`) names K142の21–24 instead of K142の6 (a sub-item either way, so the
/// same entry) and splits K275–K281 into K275, K276, K277–K281 (the same 区分); no other change was
/// seen on reading both lists, so one list serves both revisions (**M**).
const K_TSUSOKU7: &[KRange] = &[
    k1(2, 0),
    k1(138, 0),
    ks(142, 0),
    k1(145, 0),
    k1(147, 0),
    k1(147, 3),
    k1(149, 0),
    k1(149, 2),
    k1(150, 0),
    k1(151, 2),
    k1(154, 0),
    k1(154, 2),
    k1(155, 0),
    k(163, 0, 164, 2),
    k1(166, 0),
    k1(169, 0),
    k(172, 0, 174, 0),
    k1(178, 0),
    k1(180, 0),
    k1(191, 0),
    k1(192, 0),
    k1(239, 0),
    k1(241, 0),
    k1(243, 0),
    k1(245, 0),
    k1(259, 0),
    k1(261, 0),
    k1(268, 0),
    k1(269, 0),
    k(275, 0, 281, 0),
    k1(282, 0),
    k1(346, 0),
    k1(386, 0),
    ks(393, 0),
    k1(397, 0),
    ks(398, 0),
    k1(399, 0),
    k1(403, 0),
    k(425, 0, 426, 2),
    k(501, 0, 501, 3),
    ks(511, 0),
    k1(513, 0),
    k1(519, 0),
    k1(522, 0),
    k1(528, 0),
    k1(528, 3),
    k1(534, 3),
    k1(535, 0),
    k(554, 0, 558, 0),
    k(562, 0, 587, 0),
    k(589, 0, 591, 0),
    k1(601, 0),
    k1(601, 2),
    k1(603, 2),
    ks(610, 0),
    k1(616, 3),
    k1(625, 0),
    ks(633, 0),
    k1(634, 0),
    k(635, 3, 636, 0),
    k1(636, 3),
    k1(636, 4),
    k1(639, 0),
    k1(644, 0),
    k1(647, 0),
    k1(664, 0),
    k1(666, 0),
    k1(666, 2),
    k1(667, 2),
    k1(674, 0),
    k1(674, 2),
    k1(681, 0),
    k1(684, 0),
    k1(684, 2),
    k1(697, 5),
    k1(714, 0),
    k1(714, 2),
    ks(716, 0),
    k1(716, 2),
    k1(717, 0),
    k(725, 0, 726, 2),
    k(729, 0, 729, 3),
    k(734, 0, 735, 0),
    k1(735, 3),
    k1(745, 0),
    ks(751, 0),
    k1(751, 2),
    k1(756, 0),
    k1(756, 2),
    k1(773, 0),
    k1(773, 5),
    k1(775, 0),
    k1(804, 0),
    k(805, 0, 805, 3),
    k1(812, 2),
    k1(838, 0),
    k1(913, 0),
];

/// Whether a K row is in the 通則7 list: `Some(true)` a whole-区分 entry, `Some(false)` an entry
/// that names a sub-item only, `None` not listed.
pub fn k_tsusoku7(p: &Procedure) -> Option<bool> {
    if p.tbl_alpha != 'K' {
        return None;
    }
    let key = (p.tbl_kubun, p.tbl_eda);
    K_TSUSOKU7.iter().find(|r| r.from <= key && key <= r.to).map(|r| !r.sub)
}

/// The increment of a % 加算: 所定点数 × percent / 100, 1点未満 四捨五入 (R6通知 E002(7)).
pub fn increment(base: i64, percent: Decimal) -> Option<i64> {
    (Decimal::from(base) * percent / Decimal::from(100))
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
}

/// Whether a row is one of the family's % rows (taken from the listed items before pricing).
pub fn is_family_row(p: &Procedure) -> bool {
    p.point_kind == PointKind::PercentAdd
        && matches!(p.tbl_alpha, 'D' | 'E' | 'J' | 'K' | 'L' | 'M')
        && (p.tsusoku_age != 0 || p.time_kasan != 0 || p.age_lower != AgeBound::None || p.age_upper != AgeBound::None)
}

/// Takes the listed % items of the family before `items::stage` prices them.
pub fn take_listed(ctx: &Ctx<'_>, vs: &mut VisitState<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    for it in &ctx.items[vs.i] {
        if vs.consumed[it.idx] {
            continue;
        }
        if let AnyVersion::S(s) = it.v {
            if is_family_row(&s.row) {
                vs.consumed[it.idx] = true;
                out.push(it.idx);
            }
        }
    }
    out
}

/// Days since birth on `d`.
fn days_old(ctx: &Ctx<'_>, d: NaiveDate) -> i64 {
    (d - ctx.claim.patient.birth_date).num_days()
}

/// Whether the age on `d` is within a % row's 上下限年齢 (cols 41/42).
fn in_band(ctx: &Ctx<'_>, p: &Procedure, d: NaiveDate) -> bool {
    ctx.at_least(&p.age_lower, d) && ctx.below(&p.age_upper, d)
}

/// One 加算 the facts give for a base line.
struct Give<'c> {
    row: &'c Version<Procedure>,
    points: i64,
    rule: RuleId,
    source: &'static str,
    why: String,
}

/// A base line of the visit: index in `led.lines`, its 所定点数.
struct Base<'c> {
    line: usize,
    row: &'c Version<Procedure>,
    shotei: i64,
    parts: String,
}

/// The family stage of one visit (after `items::stage`).
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>, listed: &[usize]) {
    let d = vs.date;
    let i = vs.i;
    let start = led.visit_start;
    // --- the base lines and their 所定点数 ------------------------------------------------------
    let mut bases: Vec<Base<'c>> = Vec::new();
    // 注加算 lines already counted for a base (indexes relative to `start`: the visit's lines only).
    let mut used = vec![false; led.lines.len() - start];
    for li in start..led.lines.len() {
        let l = &led.lines[li];
        let AnyVersion::S(s) = l.row else { continue };
        let p = &s.row;
        if l.visit != i
            || p.point_kind != PointKind::Points
            || !matches!(p.tbl_alpha, 'D' | 'E' | 'J' | 'K' | 'L' | 'M')
        {
            continue;
        }
        let takes_age = p.age_kasan.iter().any(|a| {
            ctx.set
                .s
                .lookup(a.code, d)
                .is_some_and(|r| r.row.point_kind == PointKind::PercentAdd)
        }) || (p.tsusoku_age != 0 && matches!(p.tbl_alpha, 'K' | 'L' | 'M'));
        let takes_time = p.time_kasan == 1 && TIME.iter().any(|t| t.alpha == p.tbl_alpha);
        if !takes_age && !takes_time {
            continue;
        }
        // its 注加算 lines: same 注加算コード (≠ 0), 通番 ≠ 0, same rp, counted in the 所定点数
        // (col 62 = 0), not yet given to another base.
        let mut shotei = l.points;
        let mut parts = format!("{} {}", p.code, l.points);
        if p.chu_kasan_code != 0 {
            for (k, u) in used.iter_mut().enumerate() {
                let lj = start + k;
                let m = &led.lines[lj];
                let Some(q) = m.procedure() else { continue };
                if lj != li
                    && !*u
                    && m.visit == i
                    && m.rp == l.rp
                    && q.tbl_alpha == p.tbl_alpha
                    && q.chu_kasan_code == p.chu_kasan_code
                    && q.chu_kasan_seq != b'0'
                    && q.point_kind == PointKind::Points
                    && q.tsusoku_base == 0
                {
                    *u = true;
                    shotei = shotei.saturating_add(m.points);
                    parts.push_str(&format!(" + {} {} (注加算)", q.code, m.points));
                }
            }
        }
        bases.push(Base {
            line: li,
            row: s,
            shotei,
            parts,
        });
    }
    // --- listed % items ---------------------------------------------------------------------
    let items = &ctx.items[i];
    let listed_rows: Vec<(usize, &'c Version<Procedure>)> = listed
        .iter()
        .filter_map(|&j| {
            items.iter().find(|it| it.idx == j).and_then(|it| match it.v {
                AnyVersion::S(s) => Some((j, s)),
                _ => None,
            })
        })
        .collect();
    let mut matched = vec![false; listed_rows.len()];
    let is_listed = |code: u32, matched: &[bool]| {
        listed_rows
            .iter()
            .enumerate()
            .any(|(k, (_, r))| !matched[k] && r.row.code.0 == code)
    };
    let mut any_time = false;
    for b in &bases {
        let base = &led.lines[b.line];
        let (count, section, rp) = (base.count, base.section, base.rp);
        let started = base
            .item()
            .and_then(|r| ctx.claim.visits[i].items[r.item].started.as_deref());
        let p = &b.row.row;
        let mut gives: Vec<Give<'c>> = Vec::new();
        // --- 年齢 ---
        let age_g = age_give(ctx, led, vs, p, b, d, &|c| is_listed(c, &matched));
        let age = age_g.as_ref().map(|g| (g.row.row.code, g.points));
        if let Some(g) = age_g {
            gives.push(g);
        }
        if is_listed(SEDATION_MRI, &matched) {
            gives.extend(sedation_give(ctx, p, b, d));
        }
        // --- 時間 ---
        if p.time_kasan == 1 {
            if let Some(t) = TIME.iter().find(|t| t.alpha == p.tbl_alpha) {
                // 処置: the ギプス 乳幼児加算 (J122注) is part of the 所定点数 (R6通知 第9部 通則10).
                let (shotei, parts) = match (&age, t.alpha) {
                    (Some((code, pts)), 'J') => (
                        b.shotei.saturating_add(*pts),
                        format!("{} + {code} {pts} (乳幼児加算)", b.parts),
                    ),
                    _ => (b.shotei, b.parts.clone()),
                };
                if let Some(g) = time_give(ctx, led, vs, t, b, shotei, &parts, started, d) {
                    any_time |= started.is_none();
                    gives.push(g);
                }
            }
        }
        for g in gives {
            let k = listed_rows
                .iter()
                .enumerate()
                .position(|(k, (_, r))| !matched[k] && r.row.code == g.row.row.code);
            let (origin, at) = match k {
                Some(k) => {
                    matched[k] = true;
                    (Origin::Input, Some(At::item(i, listed_rows[k].0)))
                }
                None => (Origin::Derived, None),
            };
            let detail = (led.trace || origin == Origin::Input).then(|| g.why.clone());
            led.bill(Entry {
                date: d,
                code: g.row.row.code,
                row: AnyVersion::S(g.row),
                points: g.points,
                count,
                section,
                origin,
                rule: g.rule,
                source: g.source.into(),
                detail,
                at,
                visit: i,
                rp,
            });
        }
    }
    if any_time {
        led.diag(
            Level::Info,
            "TSUSOKU_START_TIME",
            format!(
                "the start time of the procedures with a 時間外・休日・深夜加算 was taken as the visit's time ({}); give `items[].started` if they started later",
                vs.class_why
            ),
            vs.path(),
        );
    }
    for (k, (j, row)) in listed_rows.iter().enumerate() {
        if matched[k] {
            continue;
        }
        let p = &row.row;
        let rule = if p.time_kasan != 0 {
            id::TSUSOKU_TIME
        } else {
            id::TSUSOKU_AGE
        };
        let why = format!(
            "{} {}: not given by the visit's facts (age {} on {d}, time class {:?}; no billed line of the visit takes it with these facts and 届出)",
            p.code,
            p.name,
            ctx.age_years(d),
            vs.class
        );
        led.remove_s(d, row, 1, Origin::Input, rule, AGE_SOURCE, why, Some(At::item(i, *j)));
    }
}

/// 小児鎮静下ＭＲＩ撮影加算 (E202 注7, 100分の80, 15歳未満, 届出 = the row's 施設基準): the claim has no
/// 鎮静 fact, so only a listed one is kept, on a base whose 年齢加算 columns name it, within its age
/// band and with the 届出 (**M**). It
/// is added beside the 新生児・乳幼児・幼児加算 of 第3節 通則4, on the same 所定点数.
fn sedation_give<'c>(ctx: &'c Ctx<'c>, p: &Procedure, b: &Base<'c>, d: NaiveDate) -> Option<Give<'c>> {
    let a = p.age_kasan.iter().find(|a| a.code.0 == SEDATION_MRI)?;
    if !(ctx.at_least(&a.lower, d) && ctx.below(&a.upper, d)) {
        return None;
    }
    let row = ctx.set.s.lookup(a.code, d)?;
    // its 届出 (施設基準 of the % row, cols 72–81).
    if !row.row.facility_standards.is_empty() && !row.row.facility_standards.iter().any(|&s| ctx.has_standard(s, d)) {
        return None;
    }
    let points = increment(b.shotei, row.row.points)?;
    Some(Give {
        row,
        points,
        rule: id::TSUSOKU_AGE,
        source: "R6告示 E202 注7 小児鎮静下ＭＲＩ撮影加算 (p.207; listed: 麻酔を用いた鎮静 is not a claim fact; M)",
        why: format!(
            "{} {}: listed; age {} on {d}; 所定点数 {} = {}; × {}/100 = {points} (1点未満 四捨五入)",
            row.row.code,
            row.row.name,
            ctx.age_years(d),
            b.shotei,
            b.parts,
            row.row.points.normalize()
        ),
    })
}

/// The 年齢 % 加算 of one base, if the facts give one.
fn age_give<'c>(
    ctx: &'c Ctx<'c>,
    led: &mut Ledger<'c>,
    vs: &VisitState<'c>,
    p: &Procedure,
    b: &Base<'c>,
    d: NaiveDate,
    listed: &dyn Fn(u32) -> bool,
) -> Option<Give<'c>> {
    let lookup = |c: u32| ctx.set.s.lookup(Code(c), d);
    let mk = |row: &'c Version<Procedure>, rule: RuleId, source: &'static str, note: &str| {
        let points = increment(b.shotei, row.row.points)?;
        Some(Give {
            row,
            points,
            rule,
            source,
            why: format!(
                "{} {}: age {} ({} days) on {d}; 所定点数 {} = {}; × {}/100 = {} (1点未満 四捨五入){note}",
                row.row.code,
                row.row.name,
                ctx.age_years(d),
                days_old(ctx, d),
                b.shotei,
                b.parts,
                row.row.points.normalize(),
                points
            ),
        })
    };
    // 検査 / 画像 / ギプス: the % rows of the base's 年齢加算 columns.
    if !p.age_kasan.is_empty() {
        for a in &p.age_kasan {
            let Some(row) = lookup(a.code.0) else { continue };
            if row.row.point_kind != PointKind::PercentAdd {
                continue;
            }
            if !(ctx.at_least(&a.lower, d) && ctx.below(&a.upper, d)) {
                continue;
            }
            if row.row.code.0 == SEDATION_MRI {
                continue; // needs 鎮静: see `sedation_give`
            }
            let source = match p.tbl_alpha {
                'D' => "R6告示 第3部 第3節 生体検査料 通則1/2 (p.181–182)",
                'E' => "R6告示 E002注2 / E100注3 / E101注2 / 第3節 通則4 (p.202–205); R6通知 E002(7) 端数 四捨五入",
                'J' => "R6告示 J122 注 ギプス 乳幼児加算",
                _ => AGE_SOURCE,
            };
            return mk(row, id::TSUSOKU_AGE, source, "");
        }
        return None;
    }
    if p.tsusoku_age == 0 {
        return None;
    }
    match p.tbl_alpha {
        'K' => {
            let t7 = k_tsusoku7(p);
            // 通則7: 1,500g未満 (listed only) / 新生児 — instead of 通則8.
            if t7.is_some() && listed(K_VLBW) {
                if let Some(row) = lookup(K_VLBW) {
                    return mk(
                        row,
                        id::TSUSOKU_AGE,
                        "R6告示 第10部 通則7 (手術時体重1,500g未満 100分の400; listed: the weight is not a claim fact, M)",
                        "",
                    );
                }
            }
            if let Some(row) = lookup(K_NEWBORN) {
                let whole = t7 == Some(true);
                if t7.is_some() && in_band(ctx, &row.row, d) && (whole || listed(K_NEWBORN)) {
                    return mk(
                        row,
                        id::TSUSOKU_AGE,
                        "R6告示 第10部 通則7 (新生児 100分の300; p.255)",
                        "",
                    );
                }
                if t7 == Some(false) && in_band(ctx, &row.row, d) {
                    led.diag(
                        Level::Info,
                        "TSUSOKU_K7_SUBITEM",
                        format!(
                            "{} {}: 通則7 names only a sub-item of this 区分; 新生児加算 not derived (list 150000190 if it applies)",
                            p.code, p.name
                        ),
                        vs.path(),
                    );
                }
            }
            for c in K_AGE {
                if let Some(row) = lookup(c) {
                    if in_band(ctx, &row.row, d) {
                        return mk(row, id::TSUSOKU_AGE, "R6告示 第10部 通則8 (3歳未満 100分の100, 3歳以上6歳未満 100分の50; p.255); R6通知 第10部 通則9", "");
                    }
                }
            }
            None
        }
        'L' => {
            // 未熟児: 出生時体重2,500g未満, 出生後90日以内 (R6通知 第11部 通則8): listed only.
            if listed(L_PREMATURE) && days_old(ctx, d) <= 90 {
                if let Some(row) = lookup(L_PREMATURE) {
                    return mk(
                        row,
                        id::TSUSOKU_AGE,
                        "R6告示 第11部 通則2 未熟児加算; R6通知 第11部 通則8 (listed: the birth weight is not a claim fact, M)",
                        "",
                    );
                }
            }
            for c in L_AGE {
                if let Some(row) = lookup(c) {
                    if in_band(ctx, &row.row, d) {
                        return mk(
                            row,
                            id::TSUSOKU_AGE,
                            "R6告示 第11部 麻酔 通則2 (p.329); R6通知 第11部 通則6/7 (p.643–644)",
                            "",
                        );
                    }
                }
            }
            None
        }
        'M' => {
            for c in M_AGE {
                if let Some(row) = lookup(c) {
                    if in_band(ctx, &row.row, d) {
                        return mk(
                            row,
                            id::TSUSOKU_AGE,
                            "R6告示 第12部 放射線治療 通則3 小児放射線治療加算 (p.333)",
                            "",
                        );
                    }
                }
            }
            None
        }
        _ => None,
    }
}

/// The time class a base's 時間外・休日・深夜加算 goes by, and whether the 通知's route holds:
/// (1) the 初診/再診 itself took the time 加算 (the visit's class), or (2) with `started`, the
/// procedure started within 8 hours of the visit's `time` (R6通知 第10部 通則12(2), 第9部 通則4(2)).
/// Returns (class, why, visit route (1), route (2)).
fn start_class(ctx: &Ctx<'_>, vs: &VisitState<'_>, started: Option<&str>) -> (Class, String, bool, bool) {
    let visit_ok = qualifies(vs.class);
    let v = &ctx.claim.visits[vs.i];
    match started {
        None => (vs.class, vs.class_why.clone(), visit_ok, false),
        Some(t) => {
            let mut at = v.clone();
            at.time = Some(t.to_string());
            at.time_class = None;
            let (c, why, _) = crate::rules::jikan::classify(ctx, &at);
            let within8 = match (
                v.time.as_deref().and_then(crate::calendar::parse_hhmm),
                crate::calendar::parse_hhmm(t),
            ) {
                (Some(a), Some(b)) => within_8h(a, b),
                _ => false,
            };
            (c, format!("started {t}: {why}"), visit_ok, within8)
        }
    }
}

/// R6通知 第10部 通則12(2): the procedure starts within 8 hours of the 初診/再診 (minutes of the
/// day, same date; a start before the visit's time does not count).
fn within_8h(visit: u16, start: u16) -> bool {
    start >= visit && start - visit <= 8 * 60
}

fn qualifies(c: Class) -> bool {
    matches!(c, Class::Holiday | Class::AfterHours | Class::LateNight)
}

/// The 時間外・休日・深夜 % 加算 of one base, if the facts give one.
#[allow(clippy::too_many_arguments)]
fn time_give<'c>(
    ctx: &'c Ctx<'c>,
    led: &mut Ledger<'c>,
    vs: &VisitState<'c>,
    t: &TimeRows,
    b: &Base<'c>,
    shotei: i64,
    parts: &str,
    started: Option<&str>,
    d: NaiveDate,
) -> Option<Give<'c>> {
    let (class, class_why, route1, route2) = start_class(ctx, vs, started);
    if !qualifies(class) {
        return None;
    }
    if !(route1 || route2) {
        led.diag(
            Level::Info,
            "TSUSOKU_TIME_NOT_ELIGIBLE",
            format!(
                "{} started in {class:?} hours, but the visit is {:?} and the start is not within 8 hours of its time: no 時間外・休日・深夜加算 ({})",
                b.row.row.code,
                vs.class,
                t.source
            ),
            vs.path(),
        );
        return None;
    }
    // Both routes start from an 初診/再診 (R6通知 第9部 通則4/5, 第10部 通則12).
    if vs.kind.is_none() && !vs.explicit_base {
        led.diag(
            Level::Info,
            "TSUSOKU_TIME_NO_BASE",
            format!(
                "no 初診/再診 on this visit, so no 時間外・休日・深夜加算 of {} ({})",
                b.row.row.code, t.source
            ),
            vs.path(),
        );
        return None;
    }
    let special = ctx.has_capability("after_hours_special", d);
    let slot = match class {
        Class::Holiday => 0,
        Class::AfterHours if special => 3,
        Class::AfterHours => 1,
        _ => 2,
    };
    let lookup = |c: u32| ctx.set.s.lookup(Code(c), d);
    // 加算１: the 施設基準 of the % row (cols 72–81), and 処置 1,000点以上.
    let one = t.one.and_then(|codes| lookup(codes[slot])).filter(|row| {
        shotei >= t.min_one
            && !row.row.facility_standards.is_empty()
            && row.row.facility_standards.iter().any(|&s| ctx.has_standard(s, d))
    });
    let (row, tier) = match one {
        Some(r) => (r, "加算１ (届出)"),
        None => {
            if shotei < t.min_two {
                if led.trace {
                    led.diag(
                        Level::Info,
                        "TSUSOKU_TIME_BELOW",
                        format!(
                            "{}: 所定点数 {shotei} < {}: no 時間外・休日・深夜加算 ({})",
                            b.row.row.code, t.min_two, t.source
                        ),
                        vs.path(),
                    );
                }
                return None;
            }
            // 処置 加算２: only after an 初診/再診 that took the time 加算 (R6通知 第9部 通則5).
            if t.one.is_some() && t.alpha == 'J' && !route1 {
                led.diag(
                    Level::Info,
                    "TSUSOKU_TIME_NOT_ELIGIBLE",
                    format!(
                        "処置 {} 加算２ needs an 初診/再診 with the 時間外・休日・深夜加算 (visit {:?}); not billed ({})",
                        b.row.row.code,
                        vs.class,
                        t.source
                    ),
                    vs.path(),
                );
                return None;
            }
            let r = lookup(t.two[slot])?;
            (r, if t.one.is_some() { "加算２" } else { "" })
        }
    };
    let points = increment(shotei, row.row.points)?;
    Some(Give {
        row,
        points,
        rule: id::TSUSOKU_TIME,
        source: t.source,
        why: format!(
            "{} {} {tier}: time class {class:?} ({class_why}); 所定点数 {shotei} ({parts}) × {}/100 = {points} (1点未満 四捨五入)",
            row.row.code,
            row.row.name,
            row.row.points.normalize()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;
    use std::str::FromStr;
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    #[test]
    fn rounding_half_up() {
        // R6通知 E002(7): 68 × 0.8 = 54.4 → 54 (total 122).
        assert_eq!(increment(68, dec("80")), Some(54));
        // 3 films: 136 × 0.8 = 108.8 → 109 (total 245, as the 通知's example).
        assert_eq!(increment(136, dec("80")), Some(109));
        // .5 rounds up: 85 × 0.3 = 25.5 → 26; 45 × 0.7 = 31.5 → 32.
        assert_eq!(increment(85, dec("30")), Some(26));
        assert_eq!(increment(45, dec("70")), Some(32));
        assert_eq!(increment(530, dec("100")), Some(530));
        assert_eq!(increment(1200, dec("55")), Some(660));
        assert_eq!(increment(0, dec("80")), Some(0));
    }
    #[test]
    fn eight_hours() {
        assert!(within_8h(16 * 60, 19 * 60));
        assert!(within_8h(10 * 60, 18 * 60)); // exactly 8 hours
        assert!(!within_8h(10 * 60, 18 * 60 + 1));
        assert!(!within_8h(19 * 60, 18 * 60)); // before the visit
        assert!(qualifies(Class::LateNight) && !qualifies(Class::NightEarly) && !qualifies(Class::Regular));
    }
    #[test]
    fn k_list() {
        let mut p = blank_procedure();
        p.tbl_alpha = 'K';
        p.tbl_kubun = 2;
        assert_eq!(k_tsusoku7(&p), Some(true)); // K002 デブリードマン
        p.tbl_kubun = 0;
        assert_eq!(k_tsusoku7(&p), None); // K000 創傷処理
        p.tbl_kubun = 164;
        p.tbl_eda = 2;
        assert_eq!(k_tsusoku7(&p), Some(true)); // K163 … K164-2
        p.tbl_eda = 3;
        assert_eq!(k_tsusoku7(&p), None);
        p.tbl_kubun = 142;
        p.tbl_eda = 0;
        assert_eq!(k_tsusoku7(&p), Some(false)); // K142の6: sub-item only
        p.tbl_alpha = 'J';
        p.tbl_kubun = 2;
        assert_eq!(k_tsusoku7(&p), None);
    }
    #[test]
    fn family_rows() {
        let mut p = blank_procedure();
        p.point_kind = PointKind::PercentAdd;
        p.tbl_alpha = 'K';
        assert!(!is_family_row(&p)); // e.g. 150268970-like rows without age or time marks
        p.time_kasan = 1;
        assert!(is_family_row(&p));
        p.tbl_alpha = 'A';
        assert!(!is_family_row(&p));
    }
}
