//! 疾患別リハビリテーション料 (R6 第2章 第7部 第1節 H000 心大血管疾患, H001 脳血管疾患等, H001-2 廃用症候群,
//! H002 運動器, H003 呼吸器) and their 早期リハビリテーション加算 / 初期加算, for 入院外 claims.
//!
//! ## 何をするか
//! Takes the listed 疾患別リハ rows (and listed 早期/初期加算) before `items::stage` and, per listed line:
//! 1. **届出**: the row's 施設基準コード (cols 72–81, any of them) must be held on the date. When not, the
//!    row of the same 区分 and 職種 whose tier (Ⅰ/Ⅱ/Ⅲ) the facility holds is billed instead (the highest
//!    tier held) — the 告示 says the tier follows the 届出 (「当該基準に係る区分に従って」), so that is the
//!    row a clerk writes; with no tier held the line is removed (`rehab-standard`).
//! 2. **Units**: the listed item's `quantity` is the number of 単位 (the master's きざみ値 1–9 on every
//!    row, and the UKE 数量); without a quantity its `count` is. The line is billed as the row's points
//!    × units (`count` = units).
//! 3. **標準的算定日数** (H000 150, H001 180, H001-2 120, H002 150, H003 90 days, 注1) from the episode's
//!    起算日 (`patient.rehab[]`): after it, 1月13単位 (注5; units of the 区分 after the day, this
//!    claim and `history`), unless the episode is `exempt` (別表第九の八/九の九). For 要介護被保険者等
//!    the 入院外 patient has no row after it in H001/H001-2/H002 (注5 covers 要介護被保険者等以外, 注6
//!    入院中の要介護被保険者等 only): the line is removed.
//! 4. **100分の90** (H001注7 60日, H001-2注7 40日, H002注7 50日): a 要介護被保険者等 past the day with no
//!    H003-4 目標設定等支援・管理料 in the last 3 months: the master's （リ減） row of the same base row
//!    (基本名称 + 「（リ減）」, s col 113) is billed; a listed （リ減） row whose condition does not hold
//!    is swapped back.
//! 5. **1日6単位** over the 疾患別リハ of the patient and day (通則4), **9単位** for 別表第九の三 patients:
//!    of them only 「脳血管疾患等の患者のうち発症後六十日以内のもの」 can be 入院外 (the others are 回復期
//!    リハビリテーション病棟 / 病棟での訓練 patients). Units above the limit are removed.
//! 6. **早期リハビリテーション加算** (30日, 25点 per 単位) and **初期加算** (14日, 45点 per 単位, 届出 3067 —
//!    the master row's col 72): for 入院外 only H001注2/注3 (脳卒中) and H002注2/注3 (大腿骨頸部骨折
//!    discharged patients: `patient.rehab[].early`); H000, H001-2 and H003 give them to 入院中 patients only.
//!    Derived per billed unit; listed ones are billed when they hold, removed otherwise.
//!
//! Dated: R6 from 2024-06-01. From 2026-06-01 (R8) the listed rows are left to `items` with
//! `REHAB_R8_NOT_CODED`: the R8 text differs (R8告示 H000注2 早期リハビリテーション加算 1単位につき60点 with
//! 入院 conditions, H001注7 rewritten; `shared/reference/text/r8/ika-kokuji.txt` 第7部) and is not coded.
//!
//! Day numbers: the 起算日 is day 1 (「…から30日を限度」 — 起算日を含む, **M**: the 告示 says 「から」, the
//! 疑義解釈 count the 起算日 as day 1); 「150日を超えて」 = day 151 on; 「発症後六十日以内」 = day ≤ 60 (M).
//!
//! ## 根拠
//! - R6告示 第7部 通則4 (1日6単位, 別に厚生労働大臣が定める患者 9単位), H000–H003 注1–注7
//!   (`shared/reference/text/r6/ika-kokuji.txt` 第7部, PDF 001218731 pp.215–222; H).
//! - R6通知 第7部 通則5 (1単位 = 20分以上の個別療法), 通則7 (1日合計6単位), 通則9 (発症日等), H000(13)
//!   (月の途中で標準的算定日数を超える場合, その日以降 13 単位) (`ika-tsuchi.txt` PDF 001220532 pp.452–457; H).
//! - 特掲診療料の施設基準等 別表第九の三 (9単位の患者), 第九の八/九の九 (除外対象患者), 第四 (9) 初期加算の
//!   施設基準 (`shisetsu-kokuji.txt` PDF 001239973 pp.131–132, 253; H).
//! - 減算 rows: the master's （リ減） rows (e.g. 180756730 運動器(Ⅰ) 理学 167 = 185 × 90/100 四捨五入);
//!   要介護 rows (180757710 …) are 入外適用区分 1 (入院) and stay with `items` (its master check removes them).
//!
//! ## 使うマスタ項目
//! cols 5/113 (names), 12 (points), 30–35 (きざみ: 1–9 units), 72–81 (施設基準), 85/92/93/94 (区分, 枝番,
//! 項番), 13 (入外).

use crate::claim::{RehabEpisode, RehabKind};
use crate::context::{Ctx, VisitState};
use crate::ledger::{Entry, Ledger};
use crate::outcome::{Level, Origin};
use crate::rules::id;
use crate::rules::sections::Section;
use chrono::{Datelike, Months, NaiveDate};
use masters::{AnyVersion, Code, InOut, Procedure, Version};
use rust_decimal::prelude::ToPrimitive;

/// The first day of the R6 rules coded here.
pub const R6_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 1) {
    Some(d) => d,
    None => panic!(),
};
/// The R8 revision: its text differs (see the module doc); from this day the family's listed rows
/// are left to `items` (priced as listed) with an info diagnostic.
pub const R8_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2026, 6, 1) {
    Some(d) => d,
    None => panic!(),
};

/// 早期リハビリテーション加算 (R6 H000 項番 003; its 注加算コード 8043 通番 1).
pub const SOUKI: u32 = 180030770;
/// 初期加算（リハビリテーション料） (R6 H000 項番 004; 届出 3067).
pub const SHOKI: u32 = 180033870;
/// H003-4 目標設定等支援・管理料 (初回, 2回目以降): H001/H001-2/H002 注7.
const MOKUHYO: [u32; 2] = [180046110, 180046210];

/// The 疾患別リハ 区分.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// H000 心大血管疾患
    Cardiac,
    /// H001 脳血管疾患等
    Cerebro,
    /// H001-2 廃用症候群
    Disuse,
    /// H002 運動器
    Locomotor,
    /// H003 呼吸器
    Respiratory,
}

impl Kind {
    /// From the row's 区分番号 / 枝番 (cols 92/93).
    pub fn of(p: &Procedure) -> Option<Kind> {
        if p.tbl_alpha != 'H' {
            return None;
        }
        Some(match (p.tbl_kubun, p.tbl_eda) {
            (0, 0) if matches!(p.tbl_kouban, 1 | 2) => Kind::Cardiac,
            (1, 0) => Kind::Cerebro,
            (1, 2) => Kind::Disuse,
            (2, 0) => Kind::Locomotor,
            (3, 0) => Kind::Respiratory,
            _ => return None,
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Cardiac => "H000",
            Kind::Cerebro => "H001",
            Kind::Disuse => "H001-2",
            Kind::Locomotor => "H002",
            Kind::Respiratory => "H003",
        }
    }
    pub fn of_claim(k: RehabKind) -> Kind {
        match k {
            RehabKind::H000 => Kind::Cardiac,
            RehabKind::H001 => Kind::Cerebro,
            RehabKind::H001_2 => Kind::Disuse,
            RehabKind::H002 => Kind::Locomotor,
            RehabKind::H003 => Kind::Respiratory,
        }
    }
    /// 標準的算定日数 (注1).
    pub fn standard_days(self) -> i64 {
        match self {
            Kind::Cardiac | Kind::Locomotor => 150,
            Kind::Cerebro => 180,
            Kind::Disuse => 120,
            Kind::Respiratory => 90,
        }
    }
    /// 注7: 要介護被保険者等, after this day without 目標設定等支援・管理料 → 100分の90.
    pub fn reduce_after(self) -> Option<i64> {
        match self {
            Kind::Cerebro => Some(60),
            Kind::Disuse => Some(40),
            Kind::Locomotor => Some(50),
            _ => None,
        }
    }
    /// Whether 注2/注3 (早期/初期加算) reach 入院外 patients (H001, H002 only).
    pub fn early_outpatient(self) -> bool {
        matches!(self, Kind::Cerebro | Kind::Locomotor)
    }
    /// Whether a 要介護被保険者等 入院外 patient has no row after the 標準的算定日数 (注5/注6).
    pub fn kaigo_ends(self) -> bool {
        matches!(self, Kind::Cerebro | Kind::Disuse | Kind::Locomotor)
    }
    fn note(self) -> &'static str {
        match self {
            Kind::Cardiac => "R6告示 H000 心大血管疾患リハビリテーション料 (p.215–216)",
            Kind::Cerebro => "R6告示 H001 脳血管疾患等リハビリテーション料 (p.216–218)",
            Kind::Disuse => "R6告示 H001-2 廃用症候群リハビリテーション料 (p.218–219)",
            Kind::Locomotor => "R6告示 H002 運動器リハビリテーション料 (p.219–221)",
            Kind::Respiratory => "R6告示 H003 呼吸器リハビリテーション料 (p.221–222)",
        }
    }
}

/// The day number of `d` in an episode starting `start` (the 起算日 is day 1; M).
pub fn day_number(start: NaiveDate, d: NaiveDate) -> i64 {
    (d - start).num_days() + 1
}

/// The tier (Ⅰ/Ⅱ/Ⅲ) of a row by its name.
fn tier(p: &Procedure) -> Option<u8> {
    ["（１）", "（２）", "（３）"]
        .iter()
        .position(|t| p.basic_name.contains(t))
        .map(|i| i as u8 + 1)
}

const TIERS: [&str; 3] = ["（１）", "（２）", "（３）"];
const REDUCED: &str = "（リ減）";

/// A listed 疾患別リハ base row this family takes (not the 入院-only 要介護 rows).
pub fn is_base(p: &Procedure) -> bool {
    Kind::of(p).is_some() && p.in_out != InOut::InpatientOnly && tier(p).is_some()
}

/// The row of 区分 (alpha, kubun) valid on `d` whose 基本名称 is `name`.
fn row_named<'c>(ctx: &Ctx<'c>, p: &Procedure, name: &str, d: NaiveDate) -> Option<&'c Version<Procedure>> {
    ctx.index
        .by_kubun
        .get(&(p.tbl_alpha, p.tbl_kubun))?
        .iter()
        .filter_map(|c| ctx.set.s.lookup(*c, d))
        .find(|v| v.row.tbl_eda == p.tbl_eda && &*v.row.basic_name == name)
}

fn holds_any(ctx: &Ctx<'_>, p: &Procedure, d: NaiveDate) -> bool {
    p.facility_standards.is_empty() || p.facility_standards.iter().any(|s| ctx.has_standard(*s, d))
}

/// Takes the listed 疾患別リハ rows and 早期/初期加算 before `items::stage` prices them.
pub fn take_listed(ctx: &Ctx<'_>, vs: &mut VisitState<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    if vs.date < R6_FROM {
        return out; // the R4 rows stay with `items`
    }
    for it in &ctx.items[vs.i] {
        if vs.consumed[it.idx] {
            continue;
        }
        if let AnyVersion::S(s) = it.v {
            if is_base(&s.row) || s.row.code.0 == SOUKI || s.row.code.0 == SHOKI {
                // R8: collected (for the diagnostic) but left to `items`.
                vs.consumed[it.idx] = vs.date < R8_FROM;
                out.push(it.idx);
            }
        }
    }
    out
}

fn episode<'c>(ctx: &Ctx<'c>, k: Kind) -> Option<&'c RehabEpisode> {
    ctx.claim.patient.rehab.iter().find(|e| Kind::of_claim(e.kind) == k)
}

fn units_of(item: &crate::claim::Item) -> u32 {
    match item.quantity {
        Some(q) => q.trunc().to_u32().unwrap_or(0),
        None => item.count.unwrap_or(1),
    }
}

/// Units of 疾患別リハ billed on `d` (lines of this family).
fn units_on_day(led: &Ledger<'_>, d: NaiveDate) -> u32 {
    led.lines
        .iter()
        .filter(|l| l.date == d && is_rehab_rule(l) && l.procedure().is_some_and(is_base))
        .map(|l| l.count)
        .sum()
}

fn is_rehab_rule(l: &Entry<'_>) -> bool {
    l.rule == id::REHAB || l.rule == id::REHAB_REDUCED
}

/// Units of 区分 `k` on days after `after` in the month of `d` (this claim's lines and history).
fn units_after(ctx: &Ctx<'_>, led: &Ledger<'_>, k: Kind, after: NaiveDate, d: NaiveDate) -> u32 {
    let in_window = |x: NaiveDate| x > after && x <= d && x.year() == d.year() && x.month() == d.month();
    let claim: u32 = led
        .lines
        .iter()
        .filter(|l| in_window(l.date) && is_rehab_rule(l) && l.procedure().and_then(Kind::of) == Some(k))
        .map(|l| l.count)
        .sum();
    let hist: u32 = ctx
        .history
        .iter()
        .filter(|h| in_window(h.date))
        .filter(|h| {
            ctx.set
                .s
                .lookup(h.code, h.date)
                .is_some_and(|v| is_base(&v.row) && Kind::of(&v.row) == Some(k))
        })
        .map(|h| h.count)
        .sum();
    claim + hist
}

/// Whether an H003-4 目標設定等支援・管理料 was billed in the 3 months up to `d`.
fn mokuhyo_within_3m(ctx: &Ctx<'_>, led: &Ledger<'_>, d: NaiveDate) -> bool {
    let from = d.checked_sub_months(Months::new(3)).unwrap_or(NaiveDate::MIN);
    ctx.history
        .iter()
        .chain(led.billed.iter())
        .any(|b| MOKUHYO.contains(&b.code.0) && b.date > from && b.date <= d)
}

/// The rehab stage of one visit (before `items::stage`; `listed` from [`take_listed`]).
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>, listed: &[usize]) {
    if listed.is_empty() {
        return;
    }
    if vs.date >= R8_FROM {
        led.diag(
            Level::Info,
            "REHAB_R8_NOT_CODED",
            "疾患別リハ (R8告示 H000–H003: 早期加算 60点, 注7 rewritten): the R8 rules are not coded yet; the listed rows are priced as listed",
            vs.path(),
        );
        return;
    }
    let d = vs.date;
    let i = vs.i;
    let v = &ctx.claim.visits[i];
    let row_of = |j: usize| -> Option<&'c Version<Procedure>> {
        ctx.items[i].iter().find(|it| it.idx == j).and_then(|it| match it.v {
            AnyVersion::S(s) => Some(s),
            _ => None,
        })
    };
    let mut addons: Vec<(usize, &'c Version<Procedure>)> = Vec::new();
    // Units per 区分 that may carry 早期 (30日) / 初期 (14日) 加算.
    let mut soukei_units = 0u32;
    let mut shoki_units = 0u32;
    let mut early_why: Vec<String> = Vec::new();
    for &j in listed {
        let Some(listed_row) = row_of(j) else { continue };
        let item = &v.items[j];
        let at = Some(vs.at(j));
        if !is_base(&listed_row.row) {
            addons.push((j, listed_row));
            continue;
        }
        let units = units_of(item);
        if item.quantity.is_some_and(|q| !q.fract().is_zero())
            || (item.quantity.is_some() && item.count.is_some_and(|c| c > 1))
        {
            led.diag(
                Level::Warning,
                "REHAB_UNITS",
                format!(
                    "{} {}: units are the whole part of quantity ({}); count {:?} is not multiplied in",
                    listed_row.row.code, listed_row.row.name, units, item.count
                ),
                vs.item_path(j),
            );
        }
        let k = Kind::of(&listed_row.row).expect("base rows have a kind");
        if units == 0 {
            led.diag(
                Level::Error,
                "REHAB_UNITS",
                format!(
                    "{} {}: no units (quantity or count 0)",
                    listed_row.row.code, listed_row.row.name
                ),
                vs.item_path(j),
            );
            led.remove_s(
                d,
                listed_row,
                0,
                Origin::Input,
                id::REHAB,
                k.note(),
                "no units".into(),
                at,
            );
            continue;
        }
        let mut row = listed_row;
        let mut notes: Vec<String> = Vec::new();
        // 1. 届出 → the facility's tier.
        if !holds_any(ctx, &row.row, d) {
            let swapped = tier(&row.row).and_then(|t| {
                let name = row.row.basic_name.to_string();
                (1..=3u8).filter(|n| *n != t).find_map(|n| {
                    let other = name.replacen(TIERS[t as usize - 1], TIERS[n as usize - 1], 1);
                    row_named(ctx, &row.row, &other, d).filter(|r| holds_any(ctx, &r.row, d))
                })
            });
            match swapped {
                Some(r) => {
                    led.diag(
                        Level::Info,
                        "REHAB_TIER_SWAPPED",
                        format!(
                            "{} {}: no 届出 of 施設基準 {:?} on {d}; billed as {} {} (the facility's tier; 「当該基準に係る区分に従って」)",
                            row.row.code, row.row.name, row.row.facility_standards, r.row.code, r.row.name
                        ),
                        vs.item_path(j),
                    );
                    notes.push(format!(
                        "listed {} without its 届出 {:?}: the tier held is billed",
                        row.row.code, row.row.facility_standards
                    ));
                    row = r;
                }
                None => {
                    led.remove_s(
                        d,
                        row,
                        units,
                        Origin::Input,
                        id::REHAB_STANDARD,
                        "R6告示 H000–H003 注1 (届出 施設基準, 「当該基準に係る区分に従って」); s cols 72–81",
                        format!(
                            "no 届出 of 施設基準 {:?} on {d} and no other tier of the 区分 held",
                            row.row.facility_standards
                        ),
                        at,
                    );
                    continue;
                }
            }
        }
        let ep = episode(ctx, k);
        let mut allowed = units;
        let mut nine = false;
        let mut reduce = false;
        if let Some(ep) = ep {
            let n = day_number(ep.start, d);
            if n < 1 {
                led.diag(
                    Level::Warning,
                    "REHAB_START_AFTER",
                    format!("{}: 起算日 {} is after the service date {d}", k.label(), ep.start),
                    "patient.rehab",
                );
            }
            let std_end = ep.start + chrono::Duration::days(k.standard_days() - 1);
            if n > k.standard_days() && !ep.exempt {
                let kaigo = ctx.claim.patient.kaigo;
                if kaigo.is_none() {
                    led.diag(
                        Level::Info,
                        "REHAB_KAIGO_ASSUMED",
                        format!(
                            "{} day {n} > 標準的算定日数 {}: patient.kaigo not stated, assumed not 要介護被保険者等",
                            k.label(),
                            k.standard_days()
                        ),
                        "patient.kaigo",
                    );
                }
                if kaigo == Some(true) && k.kaigo_ends() {
                    led.remove_s(
                        d,
                        row,
                        units,
                        Origin::Input,
                        id::REHAB_DAYS,
                        "R6告示 H001/H001-2/H002 注5 (要介護被保険者等以外), 注6 (入院中の要介護被保険者等)",
                        format!(
                            "day {n} after the 起算日 {} > 標準的算定日数 {}: a 要介護被保険者等 入院外 patient has no row after it",
                            ep.start,
                            k.standard_days()
                        ),
                        at,
                    );
                    continue;
                }
                let used = units_after(ctx, led, k, std_end, d);
                let left = 13u32.saturating_sub(used);
                if allowed > left {
                    let cut = allowed - left;
                    allowed = left;
                    led.remove_s(
                        d,
                        row,
                        cut,
                        Origin::Input,
                        id::REHAB_MONTH13,
                        "R6告示 H000–H003 注5 (標準的算定日数を超えて 1月13単位に限り); R6通知 H000(13)",
                        format!(
                            "day {n} > 標準的算定日数 {}: {used} 単位 of {} billed this month after {std_end}; {cut} 単位 above 13",
                            k.standard_days(),
                            k.label()
                        ),
                        at,
                    );
                }
                notes.push(format!("day {n} > {} 日: 1月13単位 ({used} before)", k.standard_days()));
            } else if n > k.standard_days() {
                notes.push(format!("day {n} > {} 日, exempt (別表第九の八)", k.standard_days()));
            } else {
                notes.push(format!("day {n} of {} (標準的算定日数)", k.standard_days()));
            }
            if k == Kind::Cerebro && (1..=60).contains(&n) {
                nine = true;
            }
            if let Some(after) = k.reduce_after() {
                reduce = ctx.claim.patient.kaigo == Some(true) && n > after && !mokuhyo_within_3m(ctx, led, d);
            }
            // 早期 / 初期
            if (1..=30).contains(&n) {
                if !k.early_outpatient() {
                    early_why.push(format!("{} 注2/注3: 入院中の患者 only", k.label()));
                } else {
                    match ep.early {
                        Some(true) => {} // counted on the units billed, after the day limit
                        Some(false) => early_why.push(format!("{}: patient.rehab[].early is false", k.label())),
                        None => {
                            led.diag(
                                Level::Info,
                                "REHAB_EARLY_UNKNOWN",
                                format!(
                                    "{} day {n}: whether the 入院外 patient is eligible for 早期/初期加算 (注2/注3: discharged 脳卒中 / 大腿骨頸部骨折 patient) is not stated; not derived",
                                    k.label()
                                ),
                                "patient.rehab",
                            );
                            early_why.push(format!("{}: eligibility not stated", k.label()));
                        }
                    }
                }
            } else {
                early_why.push(format!("{} day {n} > 30", k.label()));
            }
        } else {
            led.diag(
                Level::Info,
                "REHAB_START_MISSING",
                format!(
                    "{}: no patient.rehab[] episode: 標準的算定日数, 100分の90, 早期/初期加算 and 9単位 not applied (assumed within the 標準的算定日数, 1日6単位)",
                    k.label()
                ),
                vs.item_path(j),
            );
            early_why.push(format!("{}: no 起算日", k.label()));
        }
        // 4. 100分の90 (リ減) rows.
        let is_reduced = row.row.basic_name.ends_with(REDUCED);
        if reduce && !is_reduced {
            let name = format!("{}{REDUCED}", row.row.basic_name);
            match row_named(ctx, &row.row, &name, d) {
                Some(r) => {
                    notes.push(format!(
                        "要介護被保険者等, no 目標設定等支援・管理料 in 3 months: {} (100分の90)",
                        r.row.code
                    ));
                    row = r;
                }
                None => led.diag(
                    Level::Warning,
                    "REHAB_REDUCED_ROW_MISSING",
                    format!(
                        "{}: no （リ減） row named {name} on {d}; billed unreduced",
                        row.row.code
                    ),
                    vs.item_path(j),
                ),
            }
        } else if !reduce && is_reduced {
            let name = row.row.basic_name.trim_end_matches(REDUCED).to_string();
            if let Some(r) = row_named(ctx, &row.row, &name, d) {
                notes.push(format!(
                    "the 注7 減算 does not hold: {} instead of the listed （リ減） row",
                    r.row.code
                ));
                row = r;
            }
        }
        // 5. 1日6単位 (9単位).
        let limit: u32 = if nine { 9 } else { 6 };
        let used = units_on_day(led, d);
        let left = limit.saturating_sub(used);
        if allowed > left {
            let cut = allowed - left;
            allowed = left;
            led.remove_s(
                d,
                row,
                cut,
                Origin::Input,
                id::REHAB_DAY,
                "R6告示 第7部 通則4 (1日6単位, 別表第九の三の患者 9単位); R6通知 第7部 通則7",
                format!("{used} 単位 of 疾患別リハ billed on {d} already; limit {limit}; {cut} 単位 above it"),
                at,
            );
        }
        if nine {
            notes.push("1日9単位: 脳血管疾患等 within 60 days of 発症 (別表第九の三)".into());
        }
        if allowed == 0 {
            continue;
        }
        if ep.is_some_and(|e| {
            e.early == Some(true) && k.early_outpatient() && (1..=30).contains(&day_number(e.start, d))
        }) {
            soukei_units += allowed;
            if let Some(e) = ep {
                if (1..=14).contains(&day_number(e.start, d)) {
                    shoki_units += allowed;
                }
            }
        }
        let points = crate::ledger::procedure_points(&row.row).unwrap_or(0);
        let reduced = row.row.basic_name.ends_with(REDUCED);
        let detail = led.detail(|| {
            format!(
                "{allowed} 単位 × {points} ({} {}; units = quantity, else count); {}",
                row.row.code,
                row.row.name,
                notes.join("; ")
            )
        });
        led.bill(Entry {
            date: d,
            code: row.row.code,
            row: AnyVersion::S(row),
            points,
            count: allowed,
            section: Section::of_procedure(&row.row),
            origin: Origin::Input,
            rule: if reduced { id::REHAB_REDUCED } else { id::REHAB },
            source: if reduced {
                "R6告示 H001/H001-2/H002 注7 (100分の90); the master's （リ減） row".into()
            } else {
                k.note().into()
            },
            detail,
            at,
            visit: i,
            rp: item.rp.as_deref(),
        });
    }
    // 6. 早期 / 初期加算: listed ones reconciled, the rest derived.
    let mut derive = |led: &mut Ledger<'c>, code: u32, units: u32, std: bool, src: &'static str, rule| {
        let listed_at = addons.iter().position(|(_, r)| r.row.code.0 == code);
        let row = match listed_at {
            Some(p) => Some(addons[p].1),
            None => ctx.set.s.lookup(Code(code), d),
        };
        let ok = units > 0 && std;
        if let Some(p) = listed_at {
            let (j, r) = addons.remove(p);
            if !ok {
                let why = if units == 0 {
                    format!("no billed unit of this visit gives it ({})", early_why.join("; "))
                } else {
                    "no 届出 of 施設基準 3067 (初期加算)".to_string()
                };
                led.remove_s(
                    d,
                    r,
                    units_of(&v.items[j]),
                    Origin::Input,
                    rule,
                    src,
                    why,
                    Some(vs.at(j)),
                );
                return;
            }
            let detail = led.detail(|| format!("{units} 単位 (the billed 疾患別リハ units within the window)"));
            let points = crate::ledger::procedure_points(&r.row).unwrap_or(0);
            led.bill(Entry {
                date: d,
                code: r.row.code,
                row: AnyVersion::S(r),
                points,
                count: units,
                section: Section::of_procedure(&r.row),
                origin: Origin::Input,
                rule,
                source: src.into(),
                detail,
                at: Some(vs.at(j)),
                visit: i,
                rp: None,
            });
            return;
        }
        if !ok {
            return;
        }
        let Some(r) = row else { return };
        let points = crate::ledger::procedure_points(&r.row).unwrap_or(0);
        let detail = led.detail(|| format!("{units} 単位 (the billed 疾患別リハ units within the window)"));
        led.bill(Entry {
            date: d,
            code: r.row.code,
            row: AnyVersion::S(r),
            points,
            count: units,
            section: Section::of_procedure(&r.row),
            origin: Origin::Derived,
            rule,
            source: src.into(),
            detail,
            at: None,
            visit: i,
            rp: None,
        });
    };
    derive(
        led,
        SOUKI,
        soukei_units,
        true,
        "R6告示 H001注2 / H002注2 早期リハビリテーション加算 (30日, 1単位につき25点; 入院外: 退院した脳卒中 / 大腿骨頸部骨折の患者)",
        id::REHAB_SOUKI,
    );
    let shoki_std = ctx
        .set
        .s
        .lookup(Code(SHOKI), d)
        .is_some_and(|r| holds_any(ctx, &r.row, d));
    derive(
        led,
        SHOKI,
        shoki_units,
        shoki_std,
        "R6告示 H001注3 / H002注3 初期加算 (14日, 1単位につき45点, 届出 3067: s col 72)",
        id::REHAB_SHOKI,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    #[test]
    fn day_numbers() {
        // 起算日 is day 1: 2024-06-01 + 29 days = day 30 (last day of 早期加算).
        assert_eq!(day_number(d(2024, 6, 1), d(2024, 6, 30)), 30);
        assert_eq!(day_number(d(2024, 6, 1), d(2024, 7, 1)), 31);
        // 150日: 2024-06-01 … 2024-10-28 is day 150.
        assert_eq!(day_number(d(2024, 6, 1), d(2024, 10, 28)), 150);
    }
    #[test]
    fn kinds_and_days() {
        let mut p = crate::rules::test_support::blank_procedure();
        p.tbl_alpha = 'H';
        p.tbl_kubun = 1;
        p.tbl_eda = 2;
        p.tbl_kouban = 1;
        assert_eq!(Kind::of(&p), Some(Kind::Disuse));
        assert_eq!(Kind::Disuse.standard_days(), 120);
        p.tbl_kubun = 0;
        p.tbl_eda = 0;
        p.tbl_kouban = 3; // 早期リハビリテーション加算 sits in H000 項番 003
        assert_eq!(Kind::of(&p), None);
        assert_eq!(Kind::of_claim(RehabKind::H001_2), Kind::Disuse);
        assert!(Kind::Locomotor.early_outpatient() && !Kind::Respiratory.early_outpatient());
        assert_eq!(Kind::Locomotor.reduce_after(), Some(50));
    }
}
