//! What 外来診療料 (A002) includes: the listed 検査 and 処置 of a visit billed with 外来診療料 go to
//! `removed` with rule `A002-hokatsu`.
//!
//! ## 何をするか
//! [`bundled`] says whether a 診療行為 row is included in 外来診療料, by 区分番号 (cols 85/90–94) with
//! the exceptions by code. The pipeline then removes it, keeps its drugs and 特定保険医療材料 (they
//! stay billable), and still lets the bundled test trigger its 判断料 (A002 通知 (10)). Add-ons of a
//! bundled test (its 注加算, e.g. 特殊染色加算) go with it; 外来迅速検体検査加算 (通則3) does not —
//! the master files it (160177770) under 区分番号 000 like D000 尿一般, so it is excluded by code
//! ([`JINSOKU`]), and so are the % rows of 区分 000 (点数識別 6). Not done: 時間外緊急院内検査加算
//! (160000210, also 区分 000, a 款 加算) is still treated as D000, i.e. removed with 外来診療料 even
//! when a non-bundled test was done that day (通知 A002(9) bundles only the 加算 of bundled tests).
//!
//! **Switch point**: this list is hand-coded because the 電子点数表 02包括テーブル is not staged.
//! [`gairai_bundle_enabled`] turns it off as soon as the master set holds the published 02 table.
//!
//! ## 根拠
//! - R6告示 A002 注6 (= R4告示 A002 注6, read; = R8, rules.md §1.3), H: イ 尿検査 D000–D002-2; ロ 糞便検査
//!   D003 except カルプロテクチン（糞便）; ハ 血液形態・機能検査 D005 except HbA1c, TK活性, TdT, 骨髄像,
//!   造血器腫瘍細胞抗原検査; ニ 創傷処置 (100cm²未満, 100–500cm²未満); ヘ 皮膚科軟膏処置 (100–500cm²未満);
//!   ト 膀胱洗浄; チ 腟洗浄; リ 眼処置; ヌ 睫毛抜去; ル 耳処置; ヲ 耳管処置; ワ 鼻処置; カ 口腔、咽頭処置;
//!   ヨ 間接喉頭鏡下喉頭処置; タ ネブライザ; レ 超音波ネブライザ; ソ 介達牽引; ツ 消炎鎮痛等処置.
//! - R6通知 A002(12) (rules.md §1.3, H; same list assumed for R4: M): 爪甲除去（麻酔を要しないもの）J001-7,
//!   穿刺排膿後薬液注入 J001-8, 後部尿道洗浄 J060-2, 義眼処置 J086-2, 矯正固定 J118-2, 変形機械矯正術 J118-3,
//!   腰部又は胸部固定帯固定 J119-2, 低出力レーザー照射 J119-3, 肛門処置 J119-4.
//! - Still billable (A002 通知 (9)–(11)): 外来迅速検体検査加算, the 判断料 of a bundled group, drugs and
//!   materials of bundled 処置, 熱傷処置 (J001, not in the list).
//! - Applied from 2022-04-01 (the staged data's first 点数表); earlier dates get no bundling and a
//!   diagnostic.
//!
//! ## 使うマスタ項目
//! s cols 85 (letter), 92–94 (区分番号, 枝番, 項番), 68 (告示等識別: 7/9 加算 rows follow their base).

use masters::{MasterSet, Procedure};

/// Whether the hand-coded 外来診療料 bundle is in force: only while the set holds no published
/// 電子点数表 `02包括テーブル.csv`; once it does, the checking stage ([`super::tensuhyo_check`]) applies
/// the table instead. TODO: cross-check this list against the 02 table when it is staged.
pub fn gairai_bundle_enabled(set: &MasterSet) -> bool {
    !set.tensuhyo.has_official(masters::tensuhyo::TableId::Hokatsu)
}

/// First date the list applies (the R4 点数表; data start).
pub const FROM: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2022, 4, 1) {
    Some(d) => d,
    None => panic!(),
};

/// Tests of D003/D005 excluded from the bundle, by code (H, s_ALL20240201 and s_ALL20240531):
/// カルプロテクチン（糞便）, ＨｂＡ１ｃ, ＴＫ活性, ＴｄＴ, 骨髄像 (and its 特殊染色加算), 造血器腫瘍細胞抗原検査.
pub const TEST_EXCEPTIONS: &[u32] = &[
    160210050, 160010010, 160143350, 160113310, 160010410, 160057410, 160010570, 160010670, 160010770, 160010870,
    160010970, 160011070, 160011270, 160011370,
];

/// 外来迅速検体検査加算 (第3部第1節第1款 通則3): kept beside 外来診療料 (R6通知 A002(9) ただし書:
/// 「検査の部の第１節第１款検体検査実施料の通則３に規定する加算は、検査の部において算定することが
/// できる」, `ika-tsuchi.txt` p.20; H).
pub const JINSOKU: u32 = 160177770;

/// Whether a 第3部 row of 区分番号 000 is the D000 test itself and not a 通則 row the master files
/// under the same 区分 000 (160177770 外来迅速検体検査加算, and the % rows 160000190 検査逓減 /
/// 160174470 施設基準不適合減算: 点数識別 6, 告示等識別 7).
fn is_test_row(p: &Procedure) -> bool {
    p.code.0 != JINSOKU && p.point_kind == masters::PointKind::Points && p.kokuji1 != b'7'
}

/// 処置 in the bundle: (区分番号, 枝番, 項番 or 0 = every 項番), with the source.
const SHOCHI: &[(u16, u8, u16, &str)] = &[
    (0, 0, 1, "A002注6ニ 創傷処置（100cm²未満）"),
    (0, 0, 2, "A002注6ニ 創傷処置（100cm²以上500cm²未満）"),
    (53, 0, 1, "A002注6ヘ 皮膚科軟膏処置（100cm²以上500cm²未満）"),
    (60, 0, 0, "A002注6ト 膀胱洗浄"),
    (72, 0, 0, "A002注6チ 腟洗浄"),
    (86, 0, 0, "A002注6リ 眼処置"),
    (89, 0, 0, "A002注6ヌ 睫毛抜去"),
    (95, 0, 0, "A002注6ル 耳処置"),
    (96, 0, 0, "A002注6ヲ 耳管処置"),
    (97, 0, 0, "A002注6ワ 鼻処置"),
    (98, 0, 0, "A002注6カ 口腔、咽頭処置"),
    (99, 0, 0, "A002注6ヨ 間接喉頭鏡下喉頭処置"),
    (114, 0, 0, "A002注6タ ネブライザ"),
    (115, 0, 0, "A002注6レ 超音波ネブライザ"),
    (118, 0, 0, "A002注6ソ 介達牽引"),
    (119, 0, 0, "A002注6ツ 消炎鎮痛等処置"),
    (1, 7, 0, "R6通知 A002(12) 爪甲除去（麻酔を要しないもの）"),
    (1, 8, 0, "R6通知 A002(12) 穿刺排膿後薬液注入"),
    (60, 2, 0, "R6通知 A002(12) 後部尿道洗浄（ウルツマン）"),
    (86, 2, 0, "R6通知 A002(12) 義眼処置"),
    (118, 2, 0, "R6通知 A002(12) 矯正固定"),
    (118, 3, 0, "R6通知 A002(12) 変形機械矯正術"),
    (119, 2, 0, "R6通知 A002(12) 腰部又は胸部固定帯固定"),
    (119, 3, 0, "R6通知 A002(12) 低出力レーザー照射"),
    (119, 4, 0, "R6通知 A002(12) 肛門処置"),
];

/// Why `p` is included in 外来診療料, if it is.
pub fn bundled(p: &Procedure) -> Option<&'static str> {
    match p.tbl_alpha {
        'D' if p.tbl_chapter == 2 => {
            if TEST_EXCEPTIONS.contains(&p.code.0) || !is_test_row(p) {
                return None;
            }
            match (p.tbl_kubun, p.tbl_eda) {
                (0, 0) => Some("A002注6イ 尿検査 D000"),
                (1, 0) => Some("A002注6イ 尿検査 D001"),
                (2, 0) => Some("A002注6イ 尿検査 D002"),
                (2, 2) => Some("A002注6イ 尿検査 D002-2"),
                (3, 0) => Some("A002注6ロ 糞便検査 D003"),
                (5, 0) => Some("A002注6ハ 血液形態・機能検査 D005"),
                _ => None,
            }
        }
        'J' if p.tbl_chapter == 2 => SHOCHI
            .iter()
            .find(|(k, e, kou, _)| *k == p.tbl_kubun && *e == p.tbl_eda && (*kou == 0 || *kou == p.tbl_kouban))
            .map(|x| x.3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn row(alpha: char, kubun: u16, eda: u8, kouban: u16, code: u32) -> Procedure {
        let mut p = crate::rules::test_support::blank_procedure();
        p.tbl_alpha = alpha;
        p.tbl_chapter = 2;
        p.tbl_kubun = kubun;
        p.tbl_eda = eda;
        p.tbl_kouban = kouban;
        p.code = masters::Code(code);
        p
    }
    #[test]
    fn list() {
        assert!(bundled(&row('D', 0, 0, 0, 160000310)).is_some()); // 尿一般
        assert!(bundled(&row('D', 0, 0, 0, 160177770)).is_none()); // 外来迅速検体検査加算 (A002(9))
        assert!(bundled(&row('D', 5, 0, 5, 160008010)).is_some()); // 末梢血液一般
        assert!(bundled(&row('D', 5, 0, 9, 160010010)).is_none()); // HbA1c
        assert!(bundled(&row('D', 3, 0, 9, 160210050)).is_none()); // カルプロテクチン
        assert!(bundled(&row('D', 7, 0, 1, 160019410)).is_none()); // D007
        assert!(bundled(&row('J', 0, 0, 1, 140000610)).is_some()); // 創傷処置 <100
        assert!(bundled(&row('J', 0, 0, 3, 140000810)).is_none()); // 創傷処置 500–3000
        assert!(bundled(&row('J', 1, 0, 1, 140032010)).is_none()); // 熱傷処置
        assert!(bundled(&row('J', 119, 4, 0, 140002450)).is_some()); // 肛門処置
        assert!(bundled(&row('J', 53, 0, 2, 140011710)).is_none()); // 皮膚科軟膏処置 500–3000
    }
}
