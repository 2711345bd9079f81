//! 病理 (第13部): N006 病理診断料 and N007 病理判断料 — 月1回 each, and not together.
//!
//! ## 何をするか
//! A month-level stage that runs before the 判断料 stage ([`super::kensa::handan`]) and takes the
//! listed N006 / N007 rows the master marks as 判断料 (検査等実施判断区分 col 50 = 2; 組織診断料 group 41,
//! 細胞診断料 group 42, 病理判断料 group 40), in date order:
//! - **N006 1 組織診断料 / 2 細胞診断料**: each 月1回 (注1 / 注2: 「これらの診断の別又は回数にかかわらず、
//!   月１回に限り」) — a second 組織診断料 of the month (claim or `history[]`, any 組織診断料 code incl. the
//!   他医療機関作製 rows) is removed; 組織 and 細胞 are separate items, both billable in one month. Each
//!   needs a 実施料 of its own 判断グループ this month (col 51: 41 = 組織標本 N000–N003, 42 = 細胞診
//!   N003-2 / N004 2), in the claim or history.
//! - **N007 病理判断料**: removed when a N006 病理診断料 is billed in the month (注2 「区分番号Ｎ００６に掲げる
//!   病理診断料を算定した場合には、算定しない」 — whichever visit comes first), else 月1回 (注1) and it needs a
//!   病理標本作製 of any group 40–42 this month (「行われた病理標本作製の種類又は回数にかかわらず」).
//!
//! Before this family the 判断料 stage counted groups 40–42 as one 月1回 family, so a 細胞診断料 after a
//! 組織診断料, or a 組織診断料 after a 病理判断料, was removed; the 電子点数表 03-2 (同一月内 背反: 病理判断料
//! ⟷ 組織/細胞診断料, keep the 診断料) says the same as N007注2.
//!
//! ## 根拠
//! - R6告示 N006 注1, 注2, N007 注1, 注2 (`text/r6/ika-kokuji.txt` 第13部 第2節, p.339); R6通知 N006 (2)
//!   (p.666–667: 他医療機関作製の標本 月1回). Same in R8 (read). H.
//! - 医科電子点数表 03-2 背反テーブル2 (160062310 ⟷ 160155110 … KeepSecond/KeepFirst: the 診断料 stays)
//!   and 05 (月 1 per code): consistent with the above (data).
//!
//! ## 使うマスタ項目
//! s cols 50/51 (実施判断区分 / グループ), 85/92 (区分 N006, N007), 5 (name: 組織診断料 / 細胞診断料 for the
//! 他医療機関作製 rows, which carry col 50 = 0).

use crate::context::Ctx;
use crate::ledger::{At, ItemRef, Ledger};
use crate::outcome::Origin;
use crate::rules::id;
use chrono::{Datelike, NaiveDate};
use masters::{AnyVersion, Procedure, Version};
use std::collections::BTreeSet;

/// The kind of a 病理診断・判断料 row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// N006 1 組織診断料 (any variant).
    Soshiki,
    /// N006 2 細胞診断料 (any variant).
    Saibo,
    /// N007 病理判断料.
    Handan,
}

impl Kind {
    pub fn of(p: &Procedure) -> Option<Kind> {
        if p.tbl_alpha != 'N' || p.tbl_chapter != 2 || p.kokuji1 == b'7' {
            return None;
        }
        match p.tbl_kubun {
            6 if p.name.starts_with("組織診断料") => Some(Kind::Soshiki),
            6 if p.name.starts_with("細胞診断料") => Some(Kind::Saibo),
            7 => Some(Kind::Handan),
            _ => None,
        }
    }
    fn source(self) -> &'static str {
        match self {
            Kind::Soshiki => "R6告示 N006 1 組織診断料 注1 (月1回)",
            Kind::Saibo => "R6告示 N006 2 細胞診断料 注2 (月1回)",
            Kind::Handan => "R6告示 N007 病理判断料 注1 (月1回), 注2 (N006 を算定した場合は算定しない)",
        }
    }
    /// Whether a 実施料 of 判断グループ `g` lets this be billed.
    fn served_by(self, g: u8) -> bool {
        match self {
            Kind::Soshiki => g == 41,
            Kind::Saibo => g == 42,
            Kind::Handan => (40..=42).contains(&g),
        }
    }
}

fn same_month(a: NaiveDate, b: NaiveDate) -> bool {
    a.year() == b.year() && a.month() == b.month()
}

pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    let set = ctx.set;
    let taken: BTreeSet<ItemRef> = led
        .removed
        .iter()
        .chain(led.lines.iter())
        .filter_map(|e| e.item())
        .collect();
    let mut listed: Vec<(NaiveDate, usize, usize, Kind, &'c Version<Procedure>)> = Vec::new();
    for (vi, its) in ctx.items.iter().enumerate() {
        for it in its {
            let AnyVersion::S(s) = it.v else { continue };
            if s.row.jisshi_handan != 2
                || taken.contains(&ItemRef {
                    visit: vi,
                    item: it.idx,
                })
            {
                continue;
            }
            if let Some(k) = Kind::of(&s.row) {
                listed.push((ctx.claim.visits[vi].date, vi, it.idx, k, s));
            }
        }
    }
    if listed.is_empty() {
        return;
    }
    listed.sort_by_key(|x| (x.0, x.1, x.2));
    // the kinds billed before: history (same month) and lines of the claim
    let hist: Vec<(NaiveDate, Kind)> = ctx
        .history
        .iter()
        .filter_map(|h| Some((h.date, Kind::of(&set.s.lookup(h.code, h.date)?.row)?)))
        .collect();
    let served = |k: Kind, d: NaiveDate, led: &Ledger<'c>| {
        led.lines.iter().any(|l| {
            same_month(l.date, d)
                && l.procedure()
                    .is_some_and(|r| r.jisshi_handan == 1 && k.served_by(r.handan_group))
        }) || ctx.history.iter().any(|h| {
            same_month(h.date, d)
                && set
                    .s
                    .lookup(h.code, h.date)
                    .is_some_and(|r| r.row.jisshi_handan == 1 && k.served_by(r.row.handan_group))
        })
    };
    let billed_kind = |k: Kind, d: NaiveDate, led: &Ledger<'c>| -> Option<(String, NaiveDate)> {
        if let Some(h) = hist.iter().find(|(hd, hk)| *hk == k && same_month(*hd, d)) {
            return Some(("history".into(), h.0));
        }
        led.lines
            .iter()
            .find(|l| same_month(l.date, d) && l.procedure().and_then(Kind::of) == Some(k))
            .map(|l| (l.code.to_string(), l.date))
    };
    // N006 first (N007 depends on the month's N006), then N007.
    for pass in [false, true] {
        for &(d, vi, j, k, s) in &listed {
            if (k == Kind::Handan) != pass {
                continue;
            }
            let at = Some(At::item(vi, j));
            let count = ctx.claim.visits[vi].items[j].count.unwrap_or(1);
            let why = if k == Kind::Handan {
                [Kind::Soshiki, Kind::Saibo]
                    .iter()
                    .find_map(|&n| billed_kind(n, d, led))
                    .map(|(c, on)| format!("病理診断料 {c} on {on} this month: 病理判断料 is not billed (N007注2)"))
            } else {
                None
            }
            .or_else(|| {
                billed_kind(k, d, led).map(|(c, on)| format!("{k:?} already billed this month ({c} on {on}): 月1回"))
            })
            .or_else(|| {
                (!served(k, d, led)).then(|| {
                    format!("no 病理標本作製 of the 判断グループ this {k:?} needs this month (claim or history)")
                })
            });
            match why {
                Some(why) => led.remove_s(d, s, count, Origin::Input, id::BYORI, k.source(), why, at),
                None => {
                    let detail = led.detail(|| {
                        format!("listed; {k:?}: a 病理標本作製 of its group this month, first of the month")
                    });
                    led.bill_s(d, vi, s, 1, Origin::Input, id::BYORI, k.source(), detail, at, None);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::blank_procedure;
    #[test]
    fn kinds() {
        let mut p = blank_procedure();
        p.tbl_alpha = 'N';
        p.tbl_chapter = 2;
        p.tbl_kubun = 6;
        p.name = "組織診断料（他医療機関作製の組織標本）".into();
        assert_eq!(Kind::of(&p), Some(Kind::Soshiki));
        p.name = "細胞診断料".into();
        assert_eq!(Kind::of(&p), Some(Kind::Saibo));
        p.name = "病理診断管理加算１（組織診断）".into();
        assert_eq!(Kind::of(&p), None);
        p.tbl_kubun = 7;
        assert_eq!(Kind::of(&p), Some(Kind::Handan));
        assert!(Kind::Handan.served_by(40) && Kind::Handan.served_by(42));
        assert!(Kind::Soshiki.served_by(41) && !Kind::Soshiki.served_by(42));
    }
}
