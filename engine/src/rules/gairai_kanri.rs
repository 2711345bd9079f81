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
