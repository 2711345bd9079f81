//! The month-level 判断料 stage: listed 判断料 checked (月1回, a 実施料 of the group this month),
//! D026 検体検査判断料 derived once a month per 判断グループ (see the family doc in [`super`]).

use super::{handan_family, handan_matches, D026};
use crate::context::Ctx;
use crate::ledger::{At, ItemRef, Ledger};
use crate::outcome::{Level, Origin};
use crate::rules::{id, monthly};
use chrono::{Datelike, NaiveDate};
use masters::{AnyVersion, Code, Procedure, Version};
use std::collections::BTreeSet;

pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    let set = ctx.set;
    let Some(first) = ctx.claim.visits.iter().map(|v| v.date).min() else {
        return;
    };
    let same_month = |d: NaiveDate| d.year() == first.year() && d.month() == first.month();
    // 実施料 performed this month in the claim: billed lines and tests bundled into 外来診療料,
    // counted together (D007) or capped.
    let mut performed: Vec<(NaiveDate, usize, u8)> = Vec::new();
    for l in &led.lines {
        if let Some(r) = l.procedure() {
            if r.jisshi_handan == 1 && r.handan_group != 0 {
                performed.push((l.date, l.visit, r.handan_group));
            }
        }
    }
    for r in &led.removed {
        if r.rule != id::A002_HOKATSU && r.rule != id::D007_COUNT && r.rule != id::KENSA_CAP {
            continue;
        }
        let Some(at) = r.item() else {
            continue;
        };
        if let Some(row) = r.procedure() {
            if row.jisshi_handan == 1 && row.handan_group != 0 {
                performed.push((r.date, at.visit, row.handan_group));
            }
        }
    }
    performed.sort();
    let hist_performed = |g: u8| {
        ctx.history.iter().any(|h| {
            same_month(h.date)
                && set
                    .s
                    .lookup(h.code, h.date)
                    .is_some_and(|r| r.row.jisshi_handan == 1 && handan_matches(g, r.row.handan_group))
        })
    };
    // listed 判断料 not yet billed or removed, in visit order
    let taken: BTreeSet<ItemRef> = led
        .removed
        .iter()
        .chain(led.lines.iter())
        .filter_map(|e| e.item())
        .collect();
    let mut listed: Vec<(NaiveDate, usize, usize, &'c Version<Procedure>)> = Vec::new();
    for (vi, its) in ctx.items.iter().enumerate() {
        for it in its {
            if let AnyVersion::S(s) = it.v {
                if s.row.jisshi_handan == 2
                    && s.row.tbl_alpha != 'F'
                    && !taken.contains(&ItemRef {
                        visit: vi,
                        item: it.idx,
                    })
                {
                    listed.push((ctx.claim.visits[vi].date, vi, it.idx, s));
                }
            }
        }
    }
    listed.sort_by_key(|x| (x.0, x.1, x.2));
    for (d, vi, j, s) in listed {
        let g = s.row.handan_group;
        let at = Some(At::item(vi, j));
        let count = ctx.claim.visits[vi].items[j].count.unwrap_or(1);
        let fam = handan_family(g);
        let fam = if fam.is_empty() { vec![s.row.code.0] } else { fam };
        if let Some(b) = monthly::already_billed(&fam, d, monthly::Window::Month, &ctx.history, &led.billed) {
            led.remove_s(
                d,
                s,
                count,
                Origin::Input,
                id::MONTHLY,
                "R6告示 D026注1 ほか (判断料 月1回)",
                format!(
                    "判断料 of group {g} already billed this month ({} on {})",
                    b.code, b.date
                ),
                at,
            );
            continue;
        }
        let done = performed.iter().any(|p| handan_matches(g, p.2)) || hist_performed(g);
        if !done {
            led.remove_s(
                d,
                s,
                count,
                Origin::Input,
                id::HANDAN,
                "R6告示 D026 ほか; 実施判断グループ (col 51)",
                format!("no 実施料 of 判断グループ {g} this month (claim or history)"),
                at,
            );
            continue;
        }
        let rule = if D026.iter().any(|(x, _)| *x == g) {
            id::D026
        } else {
            id::HANDAN
        };
        let detail = led.detail(|| {
            format!("listed; 判断グループ {g}: a 実施料 of the group this month, first 判断料 of the month")
        });
        led.bill_s(
            d,
            vi,
            s,
            1,
            Origin::Input,
            rule,
            match crate::rules::kubun_label(&s.row).as_str() {
                "D026" => "R6告示 D026注1 (月1回); 実施判断区分/グループ (cols 50/51)".to_string(),
                k => format!("R6告示 {k} (判断料・診断料, 月1回); 実施判断区分/グループ (cols 50/51)"),
            },
            detail,
            at,
            None,
        );
    }
    // derived D026
    for &(g, code) in D026 {
        let Some(&(d, vi, _)) = performed.iter().find(|p| p.2 == g) else {
            continue;
        };
        if ctx
            .history
            .iter()
            .chain(led.billed.iter())
            .any(|b| same_month(b.date) && b.code.0 == code)
        {
            continue;
        }
        match set.s.lookup(Code(code), d) {
            Some(row) => {
                let n = performed.iter().filter(|p| p.2 == g).count();
                let detail = led.detail(|| format!("判断グループ {g}: {n} 実施料 line(s) this month, the first on {d}; no 判断料 of the group in history or earlier"));
                led.bill_s(
                    d,
                    vi,
                    row,
                    1,
                    Origin::Derived,
                    id::D026,
                    "R6告示 D026注1: 検体検査判断料 (月1回); 実施判断グループ (cols 50/51)",
                    detail,
                    None,
                    None,
                );
            }
            None => led.diag(
                Level::Error,
                "CODE_NOT_IN_MASTER",
                format!("D026: {code} has no version valid on {d}"),
                format!("visits[{vi}]"),
            ),
        }
    }
}
