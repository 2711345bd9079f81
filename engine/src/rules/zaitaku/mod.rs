//! 在宅医療 (R6告示 第2章 第2部): 往診料, 在宅患者訪問診療料, 在宅時医学総合管理料 /
//! 施設入居時等医学総合管理料, 在宅療養指導管理料 and its 材料加算.
//!
//! ## 何をするか
//! Per visit, before the listed items are priced ([`stage`]):
//! - [`oushin`]: a listed C000 往診料 is billed with the 注1 加算 (緊急 / 夜間・休日 / 深夜) of the
//!   facility's 在支診・在支病 tier and the patient category, and the 注2 患家診療時間加算;
//! - [`houmon`]: a listed C001 在宅患者訪問診療料（Ⅰ） 1/2 is billed as 同一建物居住者以外 or
//!   同一建物居住者, checked against 週3回 (C001 1, C001-2 イ), with its 乳幼児加算 (注4, the row's
//!   年齢加算 columns) and 患家診療時間加算 (注5);
//! - [`sougou`]: listed C002 / C002-2 main rows are taken for the month stage.
//!
//! Per month, after every visit ([`month_stage`]):
//! - [`sougou`]: 在宅時医学総合管理料 / 施設入居時等医学総合管理料 billed once a month, its row
//!   chosen from the 届出 tier, the month's 訪問診療 count and the 単一建物診療患者数;
//! - [`shidou`]: 在宅療養指導管理料 (C101–C121): two or more in a month → only the 主たるもの;
//!   材料加算 (C150–C175) only in a month with a 指導管理料.
//!
//! ## 根拠
//! R6告示 第2章 第2部 (`shared/reference/text/r6/ika-kokuji.txt`, PDF 001218731 pp.128–160) and
//! R6通知 第2部 (`ika-tsuchi.txt`, PDF 001220532 pp.224–300); cited per rule in each file.
//!
//! The 在支診・在支病 tiers are read from the 施設基準コード the rows carry (cols 72–81): the
//! 機能強化型 rows carry 3055–3058 (the 病床なし rows only 3055/3056: so 3055/3056 are clinics and
//! 3057/3058 hospitals), the other 在支診・在支病 rows 3168/3169, every 在総管 row 721. The codes'
//! names are not in the master; what they mean is read from the rows' names (**M**).
//! 「病床を有する場合」 (R6通知 C000(8): 施設基準通知 第9 2(1)(2), 第14の2 2(1)) is taken as a
//! hospital, or a clinic with `facility.beds` > 0 (**M**).
//!
//! ## 使うマスタ項目
//! cols 5 (name), 12 (points), 30–35 (きざみ値), 43 (時間加算区分), 68 (告示等識別区分（１）),
//! 72–81 (施設基準コード), 85/92–94 (区分・枝番・項番), 100–111 (年齢加算).

pub mod houmon;
pub mod oushin;
pub mod shidou;
pub mod sougou;

use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::Level;
use chrono::NaiveDate;
use masters::{AnyVersion, Procedure, Version};

/// 機能強化型 在宅療養支援診療所・病院 (the rows of R6告示 C000注1イ, C002 1).
pub const KYOUKA: [u16; 4] = [3055, 3056, 3057, 3058];
/// 在宅療養支援診療所・病院 other than 機能強化型 (C000注1ロ, C002 2).
pub const SHIEN: [u16; 2] = [3168, 3169];

/// The facility's tier for the 在宅 rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// 機能強化型 在支診・在支病, with or without 病床.
    Kyouka { beds: bool },
    /// 在支診・在支病 (not 機能強化型).
    Shien,
    /// Any other facility.
    Other,
}

impl Tier {
    pub fn label(self) -> &'static str {
        match self {
            Tier::Kyouka { beds: true } => "機能強化型 在支診・在支病 (病床あり)",
            Tier::Kyouka { beds: false } => "機能強化型 在支診・在支病 (病床なし)",
            Tier::Shien => "在支診・在支病",
            Tier::Other => "在支診・在支病以外",
        }
    }
}

/// The tier from `facility.standards` on `d`.
pub fn tier(ctx: &Ctx<'_>, d: NaiveDate) -> Tier {
    if KYOUKA.iter().any(|&c| ctx.has_standard(c, d)) {
        // 3057/3058 (hospital rows) appear only on the 病床あり rows.
        let hospital = !ctx.is_clinic() || [3057, 3058].iter().any(|&c| ctx.has_standard(c, d));
        Tier::Kyouka {
            beds: hospital || ctx.claim.facility.beds > 0,
        }
    } else if SHIEN.iter().any(|&c| ctx.has_standard(c, d)) {
        Tier::Shien
    } else {
        Tier::Other
    }
}

/// Whether the facility holds one of the 施設基準 a row names (cols 72–81), or the row names none.
pub fn holds_row_standards(ctx: &Ctx<'_>, p: &Procedure, d: NaiveDate) -> bool {
    let codes: Vec<u16> = p
        .facility_standards
        .iter()
        .copied()
        .filter(|&c| c != 0 && c != 9999)
        .collect();
    codes.is_empty() || codes.iter().any(|&c| ctx.has_standard(c, d))
}

/// The row of 区分 C`kubun` valid on `d` with the given 枝番 / 項番 that `pred` accepts (lowest
/// code first): the rules look their rows up by place and name, not by fixed codes.
pub fn find_row<'c>(
    ctx: &Ctx<'c>,
    d: NaiveDate,
    kubun: u16,
    eda: Option<u8>,
    kouban: Option<u16>,
    pred: impl Fn(&Procedure) -> bool,
) -> Option<&'c Version<Procedure>> {
    let codes = ctx.index.by_kubun.get(&('C', kubun))?;
    let mut found: Option<&'c Version<Procedure>> = None;
    for c in codes {
        if let Some(v) = ctx.set.s.lookup(*c, d) {
            let r = &v.row;
            if r.tbl_alpha == 'C'
                && r.tbl_kubun == kubun
                && eda.is_none_or(|e| r.tbl_eda == e)
                && kouban.is_none_or(|k| r.tbl_kouban == k)
                && pred(r)
                && found.is_none_or(|f| r.code < f.row.code)
            {
                found = Some(v);
            }
        }
    }
    found
}

/// The listed 診療行為 rows of the visit not taken yet that `pred` accepts: (item index, row).
pub fn listed<'c>(
    ctx: &'c Ctx<'c>,
    vs: &VisitState<'c>,
    pred: impl Fn(&Procedure) -> bool,
) -> Vec<(usize, &'c Version<Procedure>)> {
    ctx.items[vs.i]
        .iter()
        .filter(|it| !vs.consumed[it.idx])
        .filter_map(|it| match it.v {
            AnyVersion::S(s) if pred(&s.row) => Some((it.idx, s)),
            _ => None,
        })
        .collect()
}

/// An assumption about an absent claim fact, said once per path.
pub fn assumed(led: &mut Ledger<'_>, path: String, message: String) {
    if !led.diags.iter().any(|g| g.code == "ZAITAKU_ASSUMED" && g.path == path) {
        led.diag(Level::Info, "ZAITAKU_ASSUMED", message, path);
    }
}

/// The per-visit stage (before `items::stage`).
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>) {
    oushin::stage(ctx, led, vs);
    houmon::stage(ctx, led, vs);
    sougou::take_listed(ctx, vs);
}

/// The month stage (after every visit).
pub fn month_stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    sougou::stage(ctx, led);
    shidou::stage(ctx, led);
}

/// `YYYY-MM` key of a date.
pub(crate) fn month_of(d: NaiveDate) -> (i32, u32) {
    use chrono::Datelike;
    (d.year(), d.month())
}
