//! Rule families, one per file. Each file opens with 何をするか / 根拠 / 使うマスタ項目.
//!
//! | file | family |
//! |---|---|
//! | [`kihon`] | A000 初診料, A001 再診料, A002 外来診療料: which base fee, 2科目, 同日, 電話等 |
//! | [`jikan`] | time class: 時間外 / 休日 / 深夜 / 夜間・早朝等 / 小児科特例 |
//! | [`chu_kasan`] | 注加算 of the base fee from the master's 注加算コード/通番, 年齢, 時間加算区分, 施設基準 |
//! | [`iryo_dx`] | 医療情報取得加算 and predecessors, 医療ＤＸ推進体制整備加算 tiers, 2026 電子的診療情報連携体制整備加算 |
//! | [`monthly`] | 月1回 / 3月に1回 families shared across codes |
//! | [`gairai_kanri`] | 外来管理加算 and what excludes it |
//! | [`items`] | pricing of listed items: 診療行為 points, きざみ値, F200/G100 drug conversion, materials |
//! | [`sections`] | 診療識別 from the master's 点数欄集計先識別 |

pub mod chu_kasan;
pub mod gairai_kanri;
pub mod iryo_dx;
pub mod items;
pub mod jikan;
pub mod kihon;
pub mod monthly;
pub mod sections;

/// A rule's identity as it appears in `reason.rule` and `reason.source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleId {
    pub id: &'static str,
    pub source: &'static str,
}
