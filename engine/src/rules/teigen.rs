//! 逓減: the 2回目以降 reductions of 生体検査 and CT/MRI within a month, and the 間接撮影 50% of
//! 写真診断.
//!
//! ## 何をするか
//! - **生体検査 2回目以降 100分の90.** A billed 検査 row with 逓減対象区分 (s col 52) = 1 and a
//!   包括逓減区分 (s col 63) g ≠ 0 is one performance of the series g (rows with the same g are
//!   「同一の検査」: e.g. every D215 超音波 row is 40, D208 心電図 1–5 are 34 — the grouping 通知
//!   第3部第3節 呼吸循環機能検査等 共通事項 (1) describes). The performances of the month are counted
//!   over `history[]` (same month, on or before the line's date) and the claim's lines in date order,
//!   入院・外来 together (通知 第3節 3). From the second on, the 減算 row **160000190 検査逓減** (点数識別
//!   6, its point field = the percentage, 10) is billed as its own line beside the base: same visit,
//!   rp and 診療識別, negative points, count = the reduced units, and the base's item (`path`) — what
//!   a receipt records (the % code inside the 剤 of its base). The RECEIPTC.UKE writer (`santei uke
//!   write`, `batch --out-uke`) folds such a line into its base line's 点数 (it cannot add a code to a
//!   source unit yet), so the written 剤 carries the reduced points without the 減算 code. Per unit: 所定点数 = the row's points + the points of its listed
//!   注加算 rows (same 注加算コード col 38, 告示等識別 7, same visit and rp; 通知 第3節 2); the reduced
//!   points are 所定点数 × (100 − 10)/100 四捨五入 (通知 第3節 4), the 減算 line carries the difference.
//! - **CT/MRI 2回目以降 100分の80.** Rows with col 52 = 1 and col 63 = 201 (E200 CT and E202 MRI
//!   counted together, as E 第3節 通則2 says); a PET-CT / PET-MRI (E101-3 / E101-4) earlier in the month
//!   counts as the first (通知 E 第3節 1(1)). From the second on, **170022290 ２回目以降減算（ＣＴ、ＭＲＩ）**
//!   (its point field 20) is billed beside the base; 所定点数 excludes the 注加算 (通知 E 第3節 3:
//!   「「２」における所定点数には、注に掲げる加算は含まれない」), so only the row's points are reduced.
//! - **間接撮影 50%.** A listed **170020570 間接撮影５０％逓減加算** (点数識別 6, 50) reduces the 写真診断
//!   (E001) rows of its rp (of the visit when the item has no rp; info diagnostic): the listed line is
//!   billed at −(points − round(points × 50/100)), where points are the unrounded 写真診断 points
//!   (きざみ値: 2枚目以降 100分の50 is the master's きざみ点数, e.g. 85 + 42.5) — the 通知 E 第1節 (9)
//!   「端数処理は、点数計算の最後に行う」. The 撮影 (E002) 間接撮影 rows are already priced by the master
//!   at the 間接 points (e.g. 170002410 30 = 60 × 50/100), so they are not reduced again.
//! - A listed 160000190 / 170022290 is replaced by the derived line (rule `teigen-listed`: the count
//!   decides the 減算, not the listing).
//!
//! Not done: the 通則 age 加算 (新生児・乳幼児・幼児) and 内視鏡 通則5 time 加算 combined with the 100分の90
//! (通知 第3節 4: multiply then round) — those 加算 belong to the 通則 family; here they are neither
//! reduced nor counted. The 05/03 checks run before this stage, so only lines that survived them are
//! counted.
//!
//! ## 根拠
//! - R6告示 第2章第3部第3節 (`text/r6/ika-kokuji.txt`): 呼吸循環機能検査等 通則1 (D206–D214-2, p.182),
//!   超音波検査等 通則 (D215 except 3のニ, D216; p.184–185), 内視鏡検査 通則2 (D295–D323, D325; p.195);
//!   D006-12 注 (EGFR遺伝子検査（血漿）, p.171; its row is marked col 52 = 1, g 111): 「同一の患者につき
//!   同一月において同一検査を２回以上実施した場合における２回目以降の当該検査の費用は、所定点数の100分の90
//!   に相当する点数により算定する」. Same text in R8 (`text/r8`, read). H.
//! - R6通知 第3部第3節 2–4 (`ika-tsuchi.txt` p.372–373): 所定点数 includes the 注 加算; 入外 通算;
//!   四捨五入. H.
//! - R6告示 第4部第3節 通則2 (p.205): CT と MRI を同一月に２回以上 → 2回目以降 一連につき 100分の80;
//!   R6通知 E 第3節 1(1), 3 (p.429–430). Same in R8. H.
//! - R6通知 E 第1節/第2節 (9) (p.418–419): 2枚目以降 100分の50 と間接撮影の端数処理は最後に; example
//!   「２枚の胸部アナログエックス線間接撮影 ［診断料］ 85×0.5 + 85×0.5×0.5 = 63.75 → 64」. H for the rule;
//!   **M** for applying the listed 170020570 to the 写真診断 rows of its rp (the master does not say which
//!   rows a % row applies to; a receipt puts it in the 剤 of its base).
//! - Which rows are 「同一の検査」: the master's col 63 (data). Which 減算 row: 160000190 for 第3部,
//!   170022290 for g 201 (the only % 減算 rows with col 52 = 1); the percentage is their point field.
//!
//! ## 使うマスタ項目
//! s cols 52 (逓減対象区分), 63 (包括逓減区分), 11/12 (点数識別 6 and the percentage of the 減算 rows),
//! 38/68 (注加算コード, 告示等識別 of the add-ons), 30–35 (きざみ値 of the 写真診断), 85/92/93 (区分 E001,
//! E101-3/-4).

use crate::context::Ctx;
use crate::ledger::{At, Entry, Ledger};
use crate::outcome::{Level, Origin};
use crate::rules::{id, RuleId};
use chrono::{Datelike, NaiveDate};
use masters::{AnyVersion, Code, PointKind, Procedure};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// 160000190 検査逓減 (点数識別 6, 10 %).
pub const KENSA_TEIGEN: u32 = 160000190;
/// 170022290 ２回目以降減算（ＣＴ、ＭＲＩ） (点数識別 6, 20 %).
pub const CT_MRI_TEIGEN: u32 = 170022290;
/// 170020570 間接撮影５０％逓減加算 (点数識別 6, 50 %).
pub const KANSETSU: u32 = 170020570;
/// 包括逓減区分 of E200 CT and E202 MRI (counted together).
pub const CT_MRI_GROUP: u16 = 201;

const SRC_KENSA: &str = "R6告示 第3部第3節 (D206–D214-2 通則1, D215/D216 通則, 内視鏡 通則2), D006-12注: 同一月 2回目以降 100分の90; R6通知 第3節 2–4 (注加算を含む, 入外通算, 四捨五入); s cols 52/63";
const SRC_CT: &str = "R6告示 第4部第3節 通則2: CT・MRI 同一月 2回目以降 100分の80; R6通知 E 第3節 1(1), 3 (注加算を含まない); s cols 52/63 (201)";
const SRC_KANSETSU: &str =
    "R6通知 第4部第1節・第2節 (9): 間接撮影 100分の50, 端数処理は点数計算の最後 (四捨五入); 170020570";

/// The series a row is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Series {
    /// A 第3部 検査 series (包括逓減区分).
    Kensa(u16),
    /// E200 CT and E202 MRI together.
    CtMri,
}

impl Series {
    /// The series of a row, if it is subject to a month 逓減 (cols 52/63).
    pub fn of(p: &Procedure) -> Option<Series> {
        if p.teigen != 1 || p.teigen_group == 0 || p.point_kind != PointKind::Points {
            return None;
        }
        match p.tbl_alpha {
            'D' => Some(Series::Kensa(p.teigen_group)),
            'E' if p.teigen_group == CT_MRI_GROUP => Some(Series::CtMri),
            _ => None,
        }
    }
    fn reduction_code(self) -> u32 {
        match self {
            Series::Kensa(_) => KENSA_TEIGEN,
            Series::CtMri => CT_MRI_TEIGEN,
        }
    }
    fn rule(self) -> RuleId {
        match self {
            Series::Kensa(_) => id::TEIGEN_KENSA,
            Series::CtMri => id::TEIGEN_CT_MRI,
        }
    }
    fn source(self) -> &'static str {
        match self {
            Series::Kensa(_) => SRC_KENSA,
            Series::CtMri => SRC_CT,
        }
    }
}

/// A PET-CT / PET-MRI row (E101-3 / E101-4): counts as an earlier CT/MRI of the month (通知 E 第3節
/// 1(1)).
pub fn is_pet_ct_mri(p: &Procedure) -> bool {
    p.tbl_alpha == 'E'
        && p.tbl_chapter == 2
        && p.tbl_kubun == 101
        && matches!(p.tbl_eda, 3 | 4)
        && p.kokuji1 != b'7'
        && p.point_kind == PointKind::Points
}

/// The reduced points of one unit: 所定点数 × (100 − pct) / 100, 四捨五入 (通知 第3節 4).
pub fn reduced(points: Decimal, pct: Decimal) -> Option<i64> {
    let hundred = Decimal::from(100);
    let kept = points.checked_mul(hundred.checked_sub(pct)?)?.checked_div(hundred)?;
    kept.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
}

fn month(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    take_listed(led);
    kansetsu(ctx, led);
    series_stage(ctx, led);
}

/// Listed 160000190 / 170022290 lines are replaced by the derived ones.
fn take_listed(led: &mut Ledger<'_>) {
    let mut k = 0;
    while k < led.lines.len() {
        let l = &led.lines[k];
        if l.origin == Origin::Input && matches!(l.code.0, KENSA_TEIGEN | CT_MRI_TEIGEN) {
            let e = led.lines.remove(k);
            if let Some(at) = e.at {
                let p = at.path();
                led.diags
                    .retain(|g| !(g.code == "POINT_KIND_NOT_COMPUTED" && g.path == p));
            }
            led.strike(
                e,
                id::TEIGEN_LISTED,
                "R6告示 第3部第3節 / 第4部第3節 通則2 (the 減算 follows from the month's count)",
                "listed 減算 row: the engine derives it from the count of the month (rule teigen-kensa / teigen-ct-mri)".into(),
            );
        } else {
            k += 1;
        }
    }
}

/// 間接撮影５０％逓減加算: the listed % row priced from the 写真診断 rows of its rp.
fn kansetsu<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    let mut k = 0;
    while k < led.lines.len() {
        if !(led.lines[k].origin == Origin::Input && led.lines[k].code.0 == KANSETSU) {
            k += 1;
            continue;
        }
        let e = led.lines.remove(k);
        let pct = e.procedure().map(|p| p.points).unwrap_or(Decimal::from(50));
        let path = e.at.map(At::path).unwrap_or_default();
        led.diags
            .retain(|g| !(g.code == "POINT_KIND_NOT_COMPUTED" && g.path == path));
        if e.rp.is_none() {
            led.diag(
                Level::Info,
                "TEIGEN_RP_ASSUMED",
                "間接撮影５０％逓減加算 without rp: applied to every 写真診断 (E001) row of the visit",
                path.clone(),
            );
        }
        let mut full = Decimal::ZERO;
        let mut billed = 0i64;
        let mut names = Vec::new();
        for l in led.lines.iter() {
            let Some(p) = l.procedure() else { continue };
            if l.visit != e.visit
                || l.rp != e.rp
                || p.tbl_alpha != 'E'
                || p.tbl_kubun != 1
                || p.kokuji1 == b'7'
                || p.point_kind != PointKind::Points
            {
                continue;
            }
            let exact = exact_points(ctx, l, p);
            full += exact;
            billed += l.points * i64::from(l.count);
            names.push(format!("{} {exact}", l.code));
        }
        let kept = reduced(full, pct).unwrap_or(billed);
        let minus = kept - billed;
        let detail = led.detail(|| {
            format!(
                "写真診断 of rp {}: {} = {full} (unrounded) × (100 − {pct})/100 = {kept} (四捨五入); billed {billed} → 減算 {minus}",
                e.rp.unwrap_or("-"),
                names.join(" + ")
            )
        });
        if names.is_empty() {
            led.diag(
                Level::Warning,
                "TEIGEN_NO_BASE",
                "間接撮影５０％逓減加算 with no 写真診断 (E001) line in its rp: billed at 0",
                path,
            );
        }
        led.lines.insert(
            k,
            Entry {
                points: minus,
                count: 1,
                rule: id::TEIGEN_KANSETSU,
                source: SRC_KANSETSU.into(),
                detail,
                ..e
            },
        );
        k += 1;
    }
}

/// The unrounded points of a line: its きざみ value (quantity) when it has one, else points × count.
fn exact_points(ctx: &Ctx<'_>, l: &Entry<'_>, p: &Procedure) -> Decimal {
    if let (Some(step), Some(r)) = (&p.step, l.item()) {
        if let Some(q) = ctx.claim.visits[r.visit].items[r.item].quantity {
            if let Some(x) = crate::rules::items::step_points(step, p.points, q) {
                return x * Decimal::from(l.count);
            }
        }
    }
    Decimal::from(l.points) * Decimal::from(l.count)
}

/// One performance counted in a month's series.
struct Perf {
    line: usize,
    series: Series,
}

fn series_stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    let set = ctx.set;
    let mut perfs: Vec<Perf> = Vec::new();
    let mut has_pet: Vec<(usize, NaiveDate)> = Vec::new();
    for (k, l) in led.lines.iter().enumerate() {
        let Some(p) = l.procedure() else { continue };
        if let Some(series) = Series::of(p) {
            perfs.push(Perf { line: k, series });
        } else if is_pet_ct_mri(p) {
            has_pet.push((k, l.date));
        }
    }
    if perfs.is_empty() {
        return;
    }
    // earlier performances from history: (month, series) → units on or before a date
    let hist: Vec<(NaiveDate, Series, u32)> = ctx
        .history
        .iter()
        .filter_map(|h| {
            let r = set.s.lookup(h.code, h.date)?;
            let s = Series::of(&r.row).or_else(|| is_pet_ct_mri(&r.row).then_some(Series::CtMri))?;
            Some((h.date, s, h.count.max(1)))
        })
        .collect();
    let mut running: std::collections::BTreeMap<((i32, u32), Series), u32> = std::collections::BTreeMap::new();
    let mut out: Vec<Entry<'c>> = Vec::new();
    for pf in &perfs {
        let l = &led.lines[pf.line];
        let key = (month(l.date), pf.series);
        let before_claim = running.get(&key).copied().unwrap_or(0);
        let from_hist: u32 = hist
            .iter()
            .filter(|(d, s, _)| *s == pf.series && month(*d) == key.0 && *d <= l.date)
            .map(|x| x.2)
            .sum();
        let pet: u32 = if pf.series == Series::CtMri {
            has_pet
                .iter()
                .filter(|(k, d)| *k < pf.line && month(*d) == key.0)
                .count() as u32
        } else {
            0
        };
        let earlier = before_claim + from_hist + pet;
        running.insert(key, before_claim + l.count);
        let first_units = if earlier == 0 { 1 } else { 0 };
        let n = l.count.saturating_sub(first_units);
        if n == 0 {
            continue;
        }
        let Some(row) = set.s.lookup(Code(pf.series.reduction_code()), l.date) else {
            led.diag(
                Level::Warning,
                "CODE_NOT_VALID_ON_DATE",
                format!(
                    "{}: {} has no master version valid on {}; the 2回目以降 reduction is not billed",
                    pf.series.rule(),
                    pf.series.reduction_code(),
                    l.date
                ),
                format!("visits[{}]", l.visit),
            );
            continue;
        };
        let pct = row.row.points;
        let (unit, addons) = match pf.series {
            Series::Kensa(_) => kensa_unit(led, pf.line),
            Series::CtMri => (Decimal::from(l.points), String::new()),
        };
        let Some(kept) = reduced(unit, pct) else { continue };
        let Some(unit_i) = unit.to_i64() else { continue };
        let minus = kept - unit_i;
        let series = pf.series;
        let detail = led.detail(|| {
            format!(
                "{} {}: performance {} of the month in series {series:?} ({from_hist} in history, {pet} PET, {before_claim} earlier in the claim); {n} unit(s) reduced: 所定点数 {}{addons} = {unit}; × (100 − {pct})/100 = {kept} (四捨五入) → {minus}",
                l.code,
                l.date,
                earlier + 1,
                l.points,
            )
        });
        out.push(Entry {
            date: l.date,
            code: row.row.code,
            row: AnyVersion::S(row),
            points: minus,
            count: n,
            section: l.section,
            origin: Origin::Derived,
            rule: series.rule(),
            source: series.source().into(),
            detail,
            // the base's item: the 減算 belongs to its 剤 (a receipt writer folds it there)
            at: l.at,
            visit: l.visit,
            rp: l.rp,
        });
    }
    for e in out {
        led.bill(e);
    }
}

/// 所定点数 of one unit of a 生体検査 line: its points plus its listed 注加算 lines (same visit, rp,
/// 注加算コード; 告示等識別 7), when the base line is a single unit (with several units the add-ons
/// cannot be assigned to a unit and are left out).
fn kensa_unit(led: &Ledger<'_>, k: usize) -> (Decimal, String) {
    let l = &led.lines[k];
    let Some(p) = l.procedure() else {
        return (Decimal::from(l.points), String::new());
    };
    let mut unit = Decimal::from(l.points);
    let mut text = String::new();
    if p.chu_kasan_code == 0 || l.count != 1 {
        return (unit, text);
    }
    // the add-ons after this base and before the next base of the same 注加算コード in the visit
    for a in led.lines[k + 1..].iter() {
        let Some(q) = a.procedure() else { continue };
        if a.visit != l.visit || a.date != l.date {
            break;
        }
        if q.chu_kasan_code != p.chu_kasan_code || a.rp != l.rp {
            continue;
        }
        if q.kokuji1 != b'7' {
            break; // the next base of the family
        }
        if q.point_kind == PointKind::Points {
            unit += Decimal::from(a.points) * Decimal::from(a.count);
            text.push_str(&format!(" + {} {}", a.code, a.points * i64::from(a.count)));
        }
    }
    (unit, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;
    #[test]
    fn rounding() {
        // 530 × 90/100 = 477; 305 × 0.9 = 274.5 → 275 (四捨五入 of the product, not of the 減算).
        assert_eq!(reduced(Decimal::from(530), Decimal::from(10)), Some(477));
        assert_eq!(reduced(Decimal::from(305), Decimal::from(10)), Some(275));
        assert_eq!(reduced(Decimal::from(1330), Decimal::from(20)), Some(1064));
        // 通知 E (9): 間接撮影 85 + 42.5 = 127.5 × 0.5 = 63.75 → 64.
        assert_eq!(reduced(Decimal::new(1275, 1), Decimal::from(50)), Some(64));
        // 43 + 21.5 = 64.5 × 0.5 = 32.25 → 32 (rounding the 写真診断 first would give 33).
        assert_eq!(reduced(Decimal::new(645, 1), Decimal::from(50)), Some(32));
    }
    #[test]
    fn series() {
        let mut p = blank_procedure();
        p.tbl_alpha = 'D';
        assert_eq!(Series::of(&p), None);
        p.teigen = 1;
        p.teigen_group = 40;
        assert_eq!(Series::of(&p), Some(Series::Kensa(40)));
        p.tbl_alpha = 'E';
        assert_eq!(Series::of(&p), None);
        p.teigen_group = 201;
        assert_eq!(Series::of(&p), Some(Series::CtMri));
        p.point_kind = PointKind::PercentSub;
        assert_eq!(Series::of(&p), None);
        let mut pet = blank_procedure();
        pet.tbl_alpha = 'E';
        pet.tbl_chapter = 2;
        pet.tbl_kubun = 101;
        pet.tbl_eda = 3;
        assert!(is_pet_ct_mri(&pet));
        pet.tbl_eda = 2;
        assert!(!is_pet_ct_mri(&pet));
    }
}
