//! 外来管理加算 (A001 注8).
//!
//! ## 何をするか
//! On a 再診 with `management: true` (or the 加算's code listed), adds the row whose 外来管理加算区分
//! (col 56) is 2, unless an item of the same day has col 56 = 1 (処置, 手術, リハ, 生体検査 groups …)
//! or the base itself has it (外来診療料), or the visit is 電話等再診 / 2科目.
//!
//! ## 根拠
//! R6告示 A001注8; R6施設告示 第三 四 (the blocking items); R6通知 A001(2)(7): not with 電話等再診 or
//! 情報通信機器, not on the 2科目 line. H. Master col 56 (masters.md §3.1, S + V).
//!
//! ## 使うマスタ項目
//! col 56 外来管理加算区分.

/// Why 外来管理加算 cannot be billed, if it cannot.
pub fn blocked(
    base_is_revisit: bool,
    phone: bool,
    second_dept: bool,
    base_blocks: bool,
    blocking_item: Option<String>,
) -> Option<String> {
    if !base_is_revisit {
        return Some("外来管理加算 is for 再診 only (A001注8)".into());
    }
    if phone {
        return Some("not with 電話等再診 (A001注9)".into());
    }
    if second_dept {
        return Some("not on the ２科目 再診 line (A001注3)".into());
    }
    if base_blocks {
        return Some("the base fee excludes it (外来管理加算区分 1 on the base row)".into());
    }
    blocking_item.map(|i| format!("{i} on the same day excludes 外来管理加算 (外来管理加算区分 1; R6施設告示 第三 四)"))
}

/// The 外来管理加算 stage: on `management: true` or a listed 加算 code, bill the row whose
/// 外来管理加算区分 (col 56) is 2 unless [`blocked`] says why not.
pub fn stage<'c>(
    ctx: &'c crate::context::Ctx<'c>,
    led: &mut crate::ledger::Ledger<'c>,
    vs: &mut crate::context::VisitState<'c>,
    same_day: &[usize],
) {
    use crate::ledger::At;
    use crate::outcome::Origin;
    use crate::rules::id;
    use crate::rules::kihon::{is_base_row, BaseKind};
    use masters::AnyVersion;
    let (i, d) = (vs.i, vs.date);
    let v = &ctx.claim.visits[i];
    let set = ctx.set;
    let Some(gk) = ctx.index.gairai_kanri_kasan.iter().find_map(|c| set.s.lookup(*c, d)) else {
        return;
    };
    let listed = ctx.items[i]
        .iter()
        .find(|it| !vs.consumed[it.idx] && it.code == gk.row.code);
    if let Some(it) = listed {
        vs.consumed[it.idx] = true;
    }
    if !(v.management || listed.is_some()) {
        return;
    }
    let blocking = same_day
        .iter()
        .flat_map(|&j| ctx.items[j].iter())
        .find_map(|it| match it.v {
            AnyVersion::S(s) if s.row.gairai_kanri == 1 && !is_base_row(&s.row) => {
                Some(format!("{} {}", s.row.code, s.row.name))
            }
            _ => None,
        });
    let kind = vs.kind;
    let revisit = kind.is_some_and(|k| {
        matches!(
            k,
            BaseKind::Revisit
                | BaseKind::RevisitSameDay
                | BaseKind::RevisitSecondDept
                | BaseKind::Phone
                | BaseKind::Gairai
                | BaseKind::GairaiSameDay
                | BaseKind::GairaiSecondDept
        )
    });
    let why = blocked(
        revisit,
        kind == Some(BaseKind::Phone),
        kind.is_some_and(|k| k.second_dept()),
        vs.base_row.is_some_and(|b| b.row.gairai_kanri == 1),
        blocking,
    );
    let at = Some(listed.map_or(At::VisitField(i, "management"), |it| vs.at(it.idx)));
    let origin = if listed.is_some() {
        Origin::Input
    } else {
        Origin::Derived
    };
    match why {
        Some(why) => led.remove_s(
            d,
            gk,
            1,
            origin,
            id::GAIRAI_KANRI,
            "R6告示 A001注8; R6施設告示 第三 四",
            why,
            at,
        ),
        None => {
            let detail = led.detail(|| "management given; no excluding item on the day".to_string());
            led.bill_s(
                d,
                i,
                gk,
                1,
                origin,
                id::GAIRAI_KANRI,
                "R6告示 A001注8",
                detail,
                at,
                None,
            );
        }
    }
}
