//! What a 管理料 includes: B001 3 悪性腫瘍特異物質治療管理料 and the 腫瘍マーカー it covers.
//!
//! ## 何をするか
//! Family checks of a listed row (called by the listed-items stage before the 検査 checks):
//! - **腫瘍マーカー included.** A listed D009 腫瘍マーカー row in a month with a 悪性腫瘍特異物質治療管理料
//!   (B001 3: listed on any visit of the claim in that month, or in `history[]` of that month) goes to
//!   `removed` (rule `B001-3-hokatsu`). Removed this way it does not count for the D009 ladder and
//!   does not trigger the 免疫学的検査判断料 (the 判断料 is part of the 管理料; 通知 B001 3 (6) says only
//!   the 判断料 of *other* tests stays billable).
//!   The 通知 D009 (1) ア–エ exceptions (エラスターゼ１ in 膵炎, ＡＦＰ / ＰＩＶＫＡ-Ⅱ in 肝硬変・慢性肝炎,
//!   ＣＡ１２５ / ＣＡ６０２ in 子宮内膜症, ＣＥＡ in 家族性大腸腺腫症) depend on a diagnosis the claim does
//!   not carry: those items are bundled too and an info diagnostic `B001_3_EXCEPTION_ASSUMED` says so.
//! - **採血 included.** A listed D400 血液採取 on a visit whose listed 検体検査 (第3部第1節, 区分 < D200) are
//!   all included 腫瘍マーカー goes to `removed` (通知 B001 3 (2) 「当該検査に係る採血」). When other blood
//!   tests are listed the same visit, the 採血 is kept (it serves them).
//! - **初回月加算 (注3).** A listed 113001470 腫瘍マーカー検査初回月加算 (注加算コード 1304, 通番 1) is removed
//!   when `history[]` has a D009 腫瘍マーカー in the month before (注3 ただし書, 通知 B001 3 (4)), or a
//!   B001 3 in an earlier month (注3: 「１回目の悪性腫瘍特異物質治療管理料を算定すべき月に限り」), or no
//!   B001 3 ロ is listed on the visit (it is a 加算 of ロ). It is never derived: whether this is the
//!   first month of the 管理 is not a fact the claim can prove (history may be partial).
//! - **注4.** イ (尿中ＢＴＡ) and ロ in the same month: only ロ — a listed イ is removed when a ロ is in
//!   the month.
//!
//! - **検体検査管理加算（Ⅰ）** (D026注4, month level, after the 判断料 stage): derived once in the month
//!   when a 検体検査判断料 (D026) is billed, the facility holds one of the 施設基準 the row names (s cols
//!   72–81: 817–820 = 検体検査管理加算（Ⅰ）–（Ⅳ); 通知 D026 (8): a facility with (Ⅱ)–(Ⅳ) bills (Ⅰ) for
//!   outpatients), and no 検体検査管理加算 is listed or in `history[]` that month. Rule `D026-kanri`.
//!   Without a 判断料 nothing is derived (通知 D026 (7): 「検体検査判断料を算定しない場合に本加算は算定
//!   できない」).
//!
//! ## 根拠
//! - R6告示 D026注4 (`ika-kokuji.txt` p.179–180), R6通知 D026 (7), (8) (`ika-tsuchi.txt` p.370). H.
//! - R6告示 B001 3 注1–注5 (`text/r6/ika-kokuji.txt` p.92): 注3 初回月加算 150点 and its ただし書
//!   「当該月の前月に腫瘍マーカーの所定点数を算定している場合は、この限りでない」; 注4 「同一月に行った場合に
//!   あっては、ロの所定点数のみにより算定する」; 注5 「腫瘍マーカーの検査に要する費用は所定点数に含まれる」.
//!   Same in R8 (read). H.
//! - R6通知 B001 3 (2), (4), (6) (`ika-tsuchi.txt` p.147–148): 腫瘍マーカー検査, 当該検査に係る採血 and the
//!   治療管理 are included; 初回月加算 refused after a D009 the month before; the 判断料 of other tests.
//!   H; the 採血 test (all listed 検体検査 of the visit are included markers) is **M**.
//! - R6告示 D009注1 ただし書 (p.171) and R6通知 D009 (1) (p.336): 腫瘍マーカー not billed beside the 管理料,
//!   exceptions ア–エ. H (the exceptions are assumed absent: **L**, diagnosed facts).
//!
//! ## 使うマスタ項目
//! s cols 85/90–94 (区分 B001 3, D009, D400, 第3部第1節), 68 (告示等識別: 7 = the 初回月加算 row),
//! 11 (点数識別), 94 (項番 of the D009 exceptions).

use crate::context::Ctx;
use crate::ledger::Ledger;
use crate::outcome::Level;
use crate::rules::{id, Blocked};
use chrono::{Datelike, NaiveDate};
use masters::{AnyVersion, PointKind, Procedure};

/// 113001210 悪性腫瘍特異物質治療管理料（尿中ＢＴＡ） (イ).
pub const B001_3_I: u32 = 113001210;
/// 113001470 腫瘍マーカー検査初回月加算 (注3).
pub const SHOKAI: u32 = 113001470;

/// D009 項番 with a 通知 D009 (1) exception (ア 8, イ 2/10, ウ 11/27, エ 3).
const EXCEPTION_KOUBAN: &[u16] = &[2, 3, 8, 10, 11, 27];

fn is_b001_3_row(p: &Procedure) -> bool {
    p.tbl_alpha == 'B'
        && p.tbl_chapter == 2
        && p.tbl_part == 1
        && p.tbl_kubun == 1
        && p.tbl_eda == 0
        && p.tbl_kouban == 3
}

/// A 悪性腫瘍特異物質治療管理料 base row (イ or ロ), not its 加算.
pub fn is_b001_3(p: &Procedure) -> bool {
    is_b001_3_row(p) && p.kokuji1 != b'7' && p.point_kind == PointKind::Points
}

/// A D009 腫瘍マーカー 実施料 row.
pub fn is_marker(p: &Procedure) -> bool {
    p.tbl_alpha == 'D'
        && p.tbl_chapter == 2
        && p.tbl_part == 3
        && p.tbl_kubun == 9
        && p.tbl_eda == 0
        && p.kokuji1 != b'7'
        && p.point_kind == PointKind::Points
}

fn same_month(a: NaiveDate, b: NaiveDate) -> bool {
    a.year() == b.year() && a.month() == b.month()
}

/// The B001 3 of the month of `d` (listed on a visit of the claim, or in history): (code, date).
fn month_kanri(ctx: &Ctx<'_>, d: NaiveDate, want: impl Fn(&Procedure) -> bool) -> Option<(u32, NaiveDate)> {
    for (vi, its) in ctx.items.iter().enumerate() {
        let vd = ctx.claim.visits[vi].date;
        if !same_month(vd, d) {
            continue;
        }
        for it in its {
            if let AnyVersion::S(s) = it.v {
                if is_b001_3(&s.row) && want(&s.row) {
                    return Some((s.row.code.0, vd));
                }
            }
        }
    }
    ctx.history.iter().find_map(|h| {
        let r = ctx.set.s.lookup(h.code, h.date)?;
        (same_month(h.date, d) && is_b001_3(&r.row) && want(&r.row)).then_some((h.code.0, h.date))
    })
}

const SRC: &str = "R6告示 B001 3 注5 (腫瘍マーカーの検査に要する費用は所定点数に含まれる), D009注1 ただし書; R6通知 B001 3 (2), D009 (1)";

/// The family check of a listed row of visit `i`.
pub fn listed_check<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, i: usize, p: &Procedure) -> Option<Blocked> {
    let d = ctx.claim.visits[i].date;
    if is_marker(p) {
        let (code, on) = month_kanri(ctx, d, |_| true)?;
        if EXCEPTION_KOUBAN.contains(&p.tbl_kouban) {
            led.diag(
                Level::Info,
                "B001_3_EXCEPTION_ASSUMED",
                format!(
                    "{} {}: included in 悪性腫瘍特異物質治療管理料; the R6通知 D009 (1) ア–エ exceptions (billed separately) need a diagnosis the claim does not carry — assumed not to apply",
                    p.code, p.name
                ),
                format!("visits[{i}]"),
            );
        }
        return Some(Blocked::new(
            id::B001_3_HOKATSU,
            SRC,
            format!("腫瘍マーカー included in 悪性腫瘍特異物質治療管理料 ({code} on {on}) this month"),
        ));
    }
    if p.tbl_alpha == 'D' && p.tbl_chapter == 2 && p.tbl_kubun == 400 {
        let (code, on) = month_kanri(ctx, d, |_| true)?;
        let mut markers = 0;
        for it in &ctx.items[i] {
            let AnyVersion::S(s) = it.v else { continue };
            let q = &s.row;
            if q.tbl_alpha != 'D' || q.tbl_part != 3 || q.tbl_kubun >= 200 || q.point_kind != PointKind::Points {
                continue;
            }
            if q.kokuji1 == b'7' || q.jisshi_handan == 2 {
                continue; // 加算 / 判断料 rows
            }
            if is_marker(q) {
                markers += 1;
            } else {
                return None; // another 検体検査 the 採血 serves
            }
        }
        if markers > 0 {
            return Some(Blocked::new(
                id::B001_3_HOKATSU,
                "R6通知 B001 3 (2) (当該検査に係る採血を含む)",
                format!(
                    "the visit's only 検体検査 are 腫瘍マーカー included in 悪性腫瘍特異物質治療管理料 ({code} on {on}): their 採血 is included too"
                ),
            ));
        }
        return None;
    }
    if p.code.0 == SHOKAI || (is_b001_3_row(p) && p.kokuji1 == b'7') {
        return shokai(ctx, i, d);
    }
    if p.code.0 == B001_3_I {
        if let Some((code, on)) = month_kanri(ctx, d, |r| r.code.0 != B001_3_I) {
            return Some(Blocked::new(
                id::B001_3_HOKATSU,
                "R6告示 B001 3 注4 (イ and ロ in the same month: ロ only)",
                format!("悪性腫瘍特異物質治療管理料 ロ ({code} on {on}) this month: イ is not billed"),
            ));
        }
    }
    None
}

/// 注3 初回月加算 of a listed row on visit `i`.
fn shokai(ctx: &Ctx<'_>, i: usize, d: NaiveDate) -> Option<Blocked> {
    let src = "R6告示 B001 3 注3 (初回月加算; 前月に腫瘍マーカー → 算定しない); R6通知 B001 3 (4)";
    let has_ro = ctx.items[i].iter().any(|it| match it.v {
        AnyVersion::S(s) => is_b001_3(&s.row) && s.row.code.0 != B001_3_I,
        _ => false,
    });
    if !has_ro {
        return Some(Blocked::new(
            id::B001_3_SHOKAI,
            src,
            "初回月加算 is a 加算 of 悪性腫瘍特異物質治療管理料 ロ: no ロ listed on the visit",
        ));
    }
    let month_start = NaiveDate::from_ymd_opt(d.year(), d.month(), 1)?;
    let prev = crate::month::month_start_plus(month_start, -1)?;
    for h in &ctx.history {
        let Some(r) = ctx.set.s.lookup(h.code, h.date) else {
            continue;
        };
        if is_marker(&r.row) && same_month(h.date, prev) {
            return Some(Blocked::new(
                id::B001_3_SHOKAI,
                src,
                format!(
                    "腫瘍マーカー {} {} billed in the month before ({}): no 初回月加算 (注3 ただし書)",
                    r.row.code, r.row.name, h.date
                ),
            ));
        }
        if is_b001_3(&r.row) && h.date < month_start {
            return Some(Blocked::new(
                id::B001_3_SHOKAI,
                src,
                format!(
                    "悪性腫瘍特異物質治療管理料 {} already billed on {}: this is not the first month (注3)",
                    r.row.code, h.date
                ),
            ));
        }
    }
    None
}

/// D026注4 検体検査管理加算（Ⅰ）, derived once in the month (see the module docs).
pub fn kentai_kanri_stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    use crate::rules::kensa::{D026, KANRI_1};
    let is_kanri =
        |p: &Procedure| p.code.0 == KANRI_1 || (p.tbl_alpha == 'D' && p.name.starts_with("検体検査管理加算"));
    let Some(first) = led.lines.iter().find(|l| D026.iter().any(|(_, c)| *c == l.code.0)) else {
        return;
    };
    let (d, vi, handan) = (first.date, first.visit, first.code);
    if led
        .lines
        .iter()
        .chain(led.removed.iter())
        .any(|l| same_month(l.date, d) && l.procedure().is_some_and(is_kanri))
    {
        return;
    }
    // a listed one not priced yet (e.g. left for a later stage) counts as listed
    if ctx
        .items
        .iter()
        .flatten()
        .any(|it| matches!(it.v, AnyVersion::S(s) if is_kanri(&s.row)))
    {
        return;
    }
    if ctx
        .history
        .iter()
        .any(|h| same_month(h.date, d) && ctx.set.s.lookup(h.code, h.date).is_some_and(|r| is_kanri(&r.row)))
    {
        return;
    }
    let Some(row) = ctx.set.s.lookup(masters::Code(KANRI_1), d) else {
        return;
    };
    let Some(&held) = row.row.facility_standards.iter().find(|&&c| ctx.has_standard(c, d)) else {
        return;
    };
    let detail = led.detail(|| {
        format!("検体検査判断料 {handan} billed on {d}; 施設基準 {held} held (the row names {:?}); none listed or in history this month", row.row.facility_standards)
    });
    led.bill_s(
        d,
        vi,
        row,
        1,
        crate::outcome::Origin::Derived,
        id::D026_KANRI,
        "R6告示 D026注4 イ 検体検査管理加算（Ⅰ） (月1回); R6通知 D026 (7), (8); 施設基準 (s cols 72–81)",
        detail,
        None,
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;
    #[test]
    fn rows() {
        let mut p = blank_procedure();
        p.tbl_alpha = 'D';
        p.tbl_chapter = 2;
        p.tbl_part = 3;
        p.tbl_kubun = 9;
        p.tbl_kouban = 3;
        assert!(is_marker(&p));
        p.tbl_kubun = 8;
        assert!(!is_marker(&p));
        let mut b = blank_procedure();
        b.tbl_alpha = 'B';
        b.tbl_chapter = 2;
        b.tbl_part = 1;
        b.tbl_kubun = 1;
        b.tbl_kouban = 3;
        assert!(is_b001_3(&b));
        b.kokuji1 = b'7';
        assert!(!is_b001_3(&b) && is_b001_3_row(&b));
    }
}
