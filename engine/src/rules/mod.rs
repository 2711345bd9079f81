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
//! | [`items`] | pricing of listed items: 診療行為 points, きざみ値, drug conversion per 部 (F200/G100 vs C200/D500/E300/J300/K940), materials per 部 |
//! | [`sections`] | 診療識別 from the master's 点数欄集計先識別 |
//! | [`tensuhyo_check`] | the checking stage: 電子点数表 02 包括, 03 背反, 05 算定回数 on the billed lines |
//! | [`touyaku`] | 投薬: 調剤料, 処方料, 処方箋料, 調剤技術基本料, 7種類以上 (種類 counting, 90/100), 特定疾患処方管理加算, 一般名処方加算, 麻薬等加算 |
//! | [`kensa`] | 検査: item-count 包括 ladders (col 16), D007 counting, 判断料 (col 50/51), D400, 外来迅速検体検査加算 |
//! | [`gairai_hokatsu`] | what 外来診療料 includes (A002注6, 通知 A002(12)); switch point for the 02包括テーブル |
//! | [`igaku_kanri`] | 特定疾患療養管理料 月2回, 薬剤情報提供料 月1回, 小児科外来診療料 / 小児かかりつけ診療料 bundles |
//! | [`chusha`] | 注射: 点滴 1日1回, 通則 加算 checks |
//! | [`shochi`] | 処置: 処置乳幼児加算 check |

pub mod chu_kasan;
pub mod chusha;
pub mod gairai_hokatsu;
pub mod gairai_kanri;
pub mod igaku_kanri;
pub mod iryo_dx;
pub mod items;
pub mod jikan;
pub mod kensa;
pub mod kihon;
pub mod monthly;
pub mod revision;
pub mod sections;
pub mod shochi;
pub mod tensuhyo_check;
pub mod touyaku;

#[cfg(test)]
pub(crate) mod test_support {
    use masters::{AgeBound, Code, HospClinic, InOut, PointKind, Procedure};
    use rust_decimal::Decimal;

    /// A 診療行為 row with every field empty, for rule unit tests.
    pub fn blank_procedure() -> Procedure {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        Procedure {
            code: Code(100000000),
            name: "".into(),
            basic_name: "".into(),
            unit_code: 0,
            unit_name: "".into(),
            point_kind: PointKind::Points,
            points: Decimal::ZERO,
            in_out: InOut::Both,
            kouki: 0,
            sum_target_out: 0,
            bundle_test_group: 0,
            hosp_clinic: HospClinic::Both,
            jitsunissu: 0,
            nissu_kaisu: 0,
            drug_related: 0,
            step: None,
            max_count: 0,
            max_count_error: 0,
            chu_kasan_code: 0,
            chu_kasan_seq: b'0',
            tsusoku_age: 0,
            age_lower: AgeBound::None,
            age_upper: AgeBound::None,
            time_kasan: 0,
            kijun_kubun: 0,
            kijun_facility: 0,
            shochi_infant: 0,
            jisshi_handan: 0,
            handan_group: 0,
            teigen: 0,
            gairai_kanri: 0,
            specimen_comment: 0,
            sum_target_in: 0,
            kokuji1: b'1',
            bed_count_kind: 0,
            facility_standards: Vec::new(),
            tbl_alpha: '*',
            tbl_chapter: 0,
            tbl_part: 0,
            tbl_kubun: 0,
            tbl_eda: 0,
            tbl_kouban: 0,
            age_kasan: Vec::new(),
            related_code: 0,
            infection_kasan: b'0',
            baseup1: 0,
            baseup2: 0,
            valid_from: d,
            valid_to: d,
        }
    }
}

/// A rule's identity as it appears in `reason.rule` and `reason.source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleId {
    pub id: &'static str,
    pub source: &'static str,
}
