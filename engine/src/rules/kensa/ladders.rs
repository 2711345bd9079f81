//! The month-level 検査 stage: the D007 counting rules, the per-specimen caps and the item-count
//! ladders, over every billed 実施料 line of the claim (see the family doc in [`super`]).

use super::{cap, d007_drops, has_ladder, ladder, ladder_points, Cap, Item, Step};
use crate::context::Ctx;
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::id;
use chrono::NaiveDate;
use std::collections::BTreeSet;

pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>) {
    // (date, specimen, group) → line indices, in order of appearance
    let mut keys: Vec<(NaiveDate, Option<&str>, u8)> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (k, l) in led.lines.iter().enumerate() {
        if l.origin != Origin::Input {
            continue;
        }
        let Some(row) = l.procedure() else {
            continue;
        };
        let g = row.bundle_test_group;
        if g == 0 || row.jisshi_handan != 1 {
            continue;
        }
        let specimen = l
            .item()
            .and_then(|at| ctx.claim.visits.get(at.visit)?.items.get(at.item)?.specimen.as_deref());
        let key = (l.date, specimen, g);
        match keys.iter().position(|x| *x == key) {
            Some(p) => members[p].push(k),
            None => {
                keys.push(key);
                members.push(vec![k]);
            }
        }
    }
    let mut drop: BTreeSet<usize> = BTreeSet::new();
    for (key, idxs) in keys.iter().zip(members.iter()) {
        let (d, specimen, g) = (key.0, key.1, key.2);
        let mut idxs: Vec<usize> = idxs.clone();
        // D007 counting rules
        if g == 1 {
            let its: Vec<Item> = idxs
                .iter()
                .enumerate()
                .map(|(pos, &k)| Item {
                    pos,
                    code: led.lines[k].code.0,
                    points: led.lines[k].points,
                })
                .collect();
            let drops = d007_drops(&its);
            for (pos, why) in &drops {
                let k = idxs[*pos];
                drop.insert(k);
                let l = led.lines[k].clone();
                let path = l.at.map(|a| a.path()).unwrap_or_default();
                let (code, name) = (l.code, l.row.name());
                led.strike(l, id::D007_COUNT, "R6通知 D007 (1)–(7)", why.to_string());
                led.diag(
                    Level::Info,
                    "D007_COUNTED_TOGETHER",
                    format!("{code} {name}: {why}; the engine keeps the higher-point / earlier items (L)"),
                    path,
                );
            }
            let dropped: BTreeSet<usize> = drops.iter().map(|(p, _)| idxs[*p]).collect();
            idxs.retain(|k| !dropped.contains(k));
        }
        if idxs.is_empty() {
            continue;
        }
        let n: u32 = idxs.iter().map(|&k| led.lines[k].count.max(1)).sum();
        let label = specimen.unwrap_or("(one collection a day: default)");
        match cap(g, d) {
            Some(Cap::Items(max, src)) if n > max => {
                let mut seen = 0u32;
                for &k in &idxs {
                    let c = led.lines[k].count.max(1);
                    if seen >= max {
                        drop.insert(k);
                        let l = led.lines[k].clone();
                        led.strike(
                            l,
                            id::KENSA_CAP,
                            src,
                            format!("{n} items on specimen {label}: limit {max}"),
                        );
                    } else if seen + c > max {
                        led.lines[k].count = max - seen;
                    }
                    seen += c;
                }
                continue;
            }
            Some(Cap::Points(cap, src)) => {
                let total: i64 = idxs
                    .iter()
                    .map(|&k| led.lines[k].points.saturating_mul(i64::from(led.lines[k].count)))
                    .fold(0i64, i64::saturating_add);
                if total > cap {
                    let last = *idxs.last().unwrap_or(&0);
                    for &k in &idxs {
                        let l = &mut led.lines[k];
                        l.points = if k == last { cap } else { 0 };
                        l.count = 1;
                        l.rule = id::KENSA_CAP;
                        l.source = src.into();
                        l.detail = Some(format!("{total}点 on specimen {label} capped at {cap}"));
                    }
                }
                continue;
            }
            _ => {}
        }
        match ladder(g, d) {
            Some(ladder) => {
                let (min, pts, row) = match ladder_points(ladder, n, ctx.set, d) {
                    None => continue,
                    Some(Step::Points(min, pts)) => (min, pts, None),
                    Some(Step::Row(min, pts, code)) => (min, pts, Some(code)),
                    Some(Step::RowMissing(min, code)) => {
                        let p = led.lines[idxs[0]].at.map(|a| a.path()).unwrap_or_default();
                        led.diag(
                            Level::Warning,
                            "LADDER_ROW_MISSING",
                            format!("{}: {n} items of group {g} reach the '{min}項目' step, but its master row {code} has no version on {d}; items billed at their own points", ladder.kubun),
                            p,
                        );
                        continue;
                    }
                };
                let last = *idxs.last().unwrap_or(&0);
                let step = match row {
                    Some(code) => format!("master row {code} ('{min}項目' step) = {pts}点"),
                    None => format!("ladder row '{min}項目以上' = {pts}点"),
                };
                for &k in &idxs {
                    let l = &mut led.lines[k];
                    let own = l.points;
                    l.points = if k == last { pts } else { 0 };
                    l.count = 1;
                    l.rule = ladder.rule;
                    l.source = format!("{} (包括対象検査 col 16 = {g})", ladder.source).into();
                    l.detail = Some(if k == last {
                        format!("{n} items on specimen {label}: {step} (所定点数にかかわらず); item points {own} not billed")
                    } else {
                        format!("in the {} 包括 of specimen {label} ({n} items): 0 here, the group's {pts}点 on its last line; item points {own}", ladder.kubun)
                    });
                }
                if specimen.is_none() && n > 1 {
                    let p = led.lines[last].at.map(|a| a.path()).unwrap_or_default();
                    led.diag(
                        Level::Info,
                        "SPECIMEN_ASSUMED",
                        format!(
                            "{}: {n} items of group {g} on {d} counted as one collection (no `specimen` given)",
                            ladder.kubun
                        ),
                        p,
                    );
                }
            }
            None if has_ladder(g) && n > 1 => {
                let p = led.lines[idxs[0]].at.map(|a| a.path()).unwrap_or_default();
                led.diag(
                    Level::Warning,
                    "LADDER_NOT_DATED",
                    format!("包括 group {g}: no ladder coded for {d}; items billed at their own points"),
                    p,
                );
            }
            None => {}
        }
    }
    if !drop.is_empty() {
        let mut k = 0;
        led.lines.retain(|_| {
            let keep = !drop.contains(&k);
            k += 1;
            keep
        });
    }
}
