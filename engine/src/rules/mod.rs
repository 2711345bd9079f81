//! Rule families, one per file. Each file opens with 何をするか / 根拠 / 使うマスタ項目.
//!
//! | file | family |
//! |---|---|
//! | [`kihon`] | A000 初診料, A001 再診料, A002 外来診療料: which base fee, 2科目, 同日, 電話等 |
//! | [`jikan`] | time class: 時間外 / 休日 / 深夜 / 夜間・早朝等 / 小児科特例 |
//! | [`chu_kasan`] | 注加算 of the base fee from the master's 注加算コード/通番, 年齢, 時間加算区分, 施設基準 |
//! | [`iryo_dx`] | 医療情報取得加算 and predecessors, 医療ＤＸ推進体制整備加算 tiers, 2026 電子的診療情報連携体制整備加算 |
//! | [`monthly`] | 月1回 / 3月に1回 families shared across codes |
//! | [`limits`] | count limits read from the 電子点数表 05 算定回数テーブル where a rule bills or checks a code |
//! | [`gairai_kanri`] | 外来管理加算 and what excludes it |
//! | [`items`] | pricing of listed items: 診療行為 points, きざみ値, drug conversion per 部 (F200/G100 vs C200/D500/E300/J300/K940), materials per 部 |
//! | [`sections`] | 診療識別 from the master's 点数欄集計先識別 |
//! | [`tensuhyo_check`] | the checking stage: 電子点数表 02 包括, 03 背反, 05 算定回数 on the billed lines |
//! | [`touyaku`] (folder: `drugs`, `family`) | 投薬: 調剤料, 処方料, 処方箋料, 調剤技術基本料, 7種類以上 (種類 counting, 90/100), 特定疾患処方管理加算, 一般名処方加算, 麻薬等加算 |
//! | [`kensa`] (folder: `ladders`, `handan`) | 検査: item-count 包括 ladders (col 16), D007 counting, 判断料 (col 50/51), D400, 外来迅速検体検査加算 |
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
pub mod limits;
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

/// Why a family check removes a listed line: the rule, the source it cites and the reason.
#[derive(Clone, Debug)]
pub struct Blocked {
    pub rule: RuleId,
    pub source: crate::outcome::Text,
    pub why: String,
}

impl Blocked {
    pub fn new(rule: RuleId, source: impl Into<crate::outcome::Text>, why: impl Into<String>) -> Self {
        Blocked {
            rule,
            source: source.into(),
            why: why.into(),
        }
    }
}

/// A rule's identity: the value of `reason.rule`. Only the catalogue below makes one, so every
/// id a result can carry is listed there with the family file that owns it and its 告示/通知
/// source (`tests` check that each is also documented in `docs/diagnostics.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(&'static str);

impl RuleId {
    pub fn as_str(self) -> &'static str {
        self.0
    }
    /// The catalogue entry of this id.
    pub fn entry(self) -> &'static CatalogueEntry {
        CATALOGUE
            .iter()
            .find(|e| e.id == self)
            .expect("every RuleId is made by the catalogue")
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, o: &str) -> bool {
        self.0 == o
    }
}
impl PartialEq<&str> for RuleId {
    fn eq(&self, o: &&str) -> bool {
        self.0 == *o
    }
}

/// One rule id of the catalogue.
#[derive(Debug)]
pub struct CatalogueEntry {
    pub id: RuleId,
    /// The file (or folder) under `engine/src/` that owns the rule.
    pub family: &'static str,
    /// The 告示/通知 (or table) the rule implements; a line may cite a more precise 注.
    pub source: &'static str,
}

macro_rules! catalogue {
    ($($name:ident = $id:literal, $family:literal, $source:literal;)*) => {
        /// Every rule id, as a constant (`rules::id::A000`).
        pub mod id {
            use super::RuleId;
            $(pub const $name: RuleId = RuleId($id);)*
        }
        /// The catalogue: every rule id with its family file and source.
        pub static CATALOGUE: &[CatalogueEntry] = &[
            $(CatalogueEntry { id: id::$name, family: $family, source: $source },)*
        ];
    };
}

catalogue! {
    A000 = "A000", "rules/kihon.rs", "R6告示 A000 初診料";
    A001 = "A001", "rules/kihon.rs", "R6告示 A001 再診料";
    A002 = "A002", "rules/kihon.rs", "R6告示 A002 外来診療料";
    CHU_KASAN = "chu-kasan", "rules/chu_kasan.rs", "医科診療行為マスター 注加算コード/通番 (cols 38–43); R6告示 A000/A001/A002 注";
    CHU_KASAN_TIME_AGE = "chu-kasan-time-age", "rules/chu_kasan.rs", "R6告示 A000注7, A001注5, A002注8 (時間外等 × 乳幼児); 時間加算区分 (col 40)";
    CHU_KASAN_LISTED = "chu-kasan-listed", "rules/chu_kasan.rs", "a listed 注加算, checked for 施設基準 and limits";
    IRYO_JOHO = "iryo-joho", "rules/iryo_dx.rs", "R6告示 A000注15, A001注19, A002注10 医療情報取得加算 (and predecessors)";
    IRYO_DX = "iryo-dx", "rules/iryo_dx.rs", "R6告示 A000注16 医療ＤＸ推進体制整備加算";
    IRYO_DX_LISTED = "iryo-dx-listed", "rules/iryo_dx.rs", "R6告示 A000注15/16; claim lists the code";
    DENSHI_RENKEI = "denshi-renkei", "rules/iryo_dx.rs", "R8告示 電子的診療情報連携体制整備加算";
    MONTHLY = "monthly", "rules/monthly.rs", "月1回 / 3月に1回 limits shared by a family of codes";
    GAIRAI_KANRI = "gairai-kanri", "rules/gairai_kanri.rs", "R6告示 A001注8 外来管理加算";
    MASTER_CHECK = "master-check", "rules/items.rs", "医科診療行為マスター 入外適用区分, 病院・診療所区分, 年齢 (cols 17, 19, 41–42)";
    KIZAMI = "kizami", "rules/items.rs", "医科診療行為マスター きざみ値 (cols 30–35)";
    AGE_KASAN = "age-kasan", "rules/items.rs", "医科診療行為マスター 年齢加算 (cols 100–111)";
    COMMENT = "comment", "rules/items.rs", "コメントマスター";
    B_IGAKU = "B-igaku", "rules/items.rs", "R6告示 第2章第1部 医学管理等; points from the master row";
    C_ZAITAKU = "C-zaitaku", "rules/items.rs", "R6告示 第2章第2部 在宅医療; points from the master row";
    D_KENSA = "D-kensa", "rules/items.rs", "R6告示 第2章第3部 検査 / 第13部 病理; points from the master row";
    E_GAZO = "E-gazo", "rules/items.rs", "R6告示 第2章第4部 画像診断; points from the master row";
    G_CHUSHA = "G-chusha", "rules/items.rs", "R6告示 第2章第6部 注射; points from the master row";
    J_SHOCHI = "J-shochi", "rules/items.rs", "R6告示 第2章第9部 処置; points from the master row";
    K_SHUJUTSU = "K-shujutsu", "rules/items.rs", "R6告示 第2章第10部/第11部; points from the master row";
    UNCHECKED = "unchecked", "rules/items.rs", "医科診療行為マスター (no rule family checks this item yet)";
    F200 = "F200", "rules/items.rs", "R6告示 F200 薬剤";
    G100 = "G100", "rules/items.rs", "R6告示 G100 薬剤";
    C200 = "C200", "rules/items.rs", "R6告示 C200 薬剤";
    K940 = "K940", "rules/items.rs", "R6告示 K940 薬剤";
    D500 = "D500", "rules/items.rs", "R6告示 D500 薬剤";
    E300 = "E300", "rules/items.rs", "R6告示 E300 薬剤";
    J300 = "J300", "rules/items.rs", "R6告示 J300 薬剤 (and H100/I100/L200 alike)";
    B200 = "B200", "rules/items.rs", "R6告示 B200 特定保険医療材料";
    C300 = "C300", "rules/items.rs", "R6告示 C300 特定保険医療材料";
    F300 = "F300", "rules/items.rs", "R6告示 F300 特定保険医療材料";
    G200 = "G200", "rules/items.rs", "R6告示 G200 特定保険医療材料";
    J400 = "J400", "rules/items.rs", "R6告示 J400 特定保険医療材料";
    K950 = "K950", "rules/items.rs", "R6告示 K950 特定保険医療材料";
    D600 = "D600", "rules/items.rs", "R6告示 D600 特定保険医療材料";
    E401 = "E401", "rules/items.rs", "R6告示 E401 特定保険医療材料";
    E400 = "E400", "rules/items.rs", "R6告示 E400 フィルム";
    MATERIAL = "material", "rules/items.rs", "材料価格基準 (価格÷10円, 四捨五入)";
    F000 = "F000", "rules/touyaku/", "R6告示 F000 調剤料";
    F000_MAYAKU = "F000-mayaku", "rules/touyaku/", "R6告示 F000注 麻薬等加算";
    F100 = "F100", "rules/touyaku/", "R6告示 F100 処方料";
    F100_MAYAKU = "F100-mayaku", "rules/touyaku/", "R6告示 F100注2 麻薬等加算";
    F100_NYUYOJI = "F100-nyuyoji", "rules/touyaku/", "R6告示 F100注3 乳幼児加算";
    F100_TOKUTEI = "F100-tokutei", "rules/touyaku/", "R6告示 F100注5 / F400注5 特定疾患処方管理加算";
    F400 = "F400", "rules/touyaku/", "R6告示 F400 処方箋料; 第5部 通則 (院外処方)";
    F400_NYUYOJI = "F400-nyuyoji", "rules/touyaku/", "R6告示 F400注 乳幼児加算";
    F400_IPPANMEI = "F400-ippanmei", "rules/touyaku/", "R6告示 F400注7 一般名処方加算; R6通知 F400(12)";
    F500 = "F500", "rules/touyaku/", "R6告示 F500 調剤技術基本料";
    F200_CHU3 = "F200-chu3", "rules/touyaku/", "R6告示 F200注3 7種類以上の内服薬 (100分の90)";
    F_SIDE = "F-side", "rules/touyaku/", "R6告示 第5部 通則 (院内: F000/F100/F500; 院外: F400 only)";
    TOUYAKU = "touyaku", "rules/touyaku/", "R6告示 F100注5 / F400注5 / F500 (listed F rows that do not hold)";
    TOUYAKU_LISTED = "touyaku-listed", "rules/touyaku/", "R6告示 第5部 投薬; listed F row, checked for 院内/院外";
    D400 = "D400", "rules/kensa/", "R6告示 D400 血液採取 (1日につき)";
    D026 = "D026", "rules/kensa/", "R6告示 D026注1 検体検査判断料 (月1回)";
    HANDAN = "handan", "rules/kensa/", "R6告示 D026 ほか 判断料; 実施判断グループ (col 51)";
    D007_COUNT = "D007-count", "rules/kensa/", "R6通知 D007 (1)–(7)";
    KENSA_CAP = "kensa-cap", "rules/kensa/", "R6告示 D012 11/44 注, D015 13 注 (同一検体の限度)";
    KENSA_JINSOKU = "kensa-jinsoku", "rules/kensa/", "R6告示 第3部第1節第1款 通則3 外来迅速検体検査加算 (5項目を限度)";
    D007_HOKATSU = "D007-hokatsu", "rules/kensa/", "R6告示 D007注 (包括対象検査 col 16 = 1)";
    D008_HOKATSU = "D008-hokatsu", "rules/kensa/", "R4/R6告示 D008注 (col 16 = 2)";
    D013_HOKATSU = "D013-hokatsu", "rules/kensa/", "R4/R6告示 D013注 (col 16 = 3)";
    D009_HOKATSU = "D009-hokatsu", "rules/kensa/", "R6告示 D009注2 (col 16 = 5)";
    D006_HOKATSU = "D006-hokatsu", "rules/kensa/", "R4/R6告示 D006注 (col 16 = 6)";
    D014_HOKATSU = "D014-hokatsu", "rules/kensa/", "R4/R6告示 D014注1 (col 16 = 7)";
    D004_2_HOKATSU = "D004-2-hokatsu", "rules/kensa/", "R4/R6告示 D004-2注1/注2 (col 16 = 13/14); points of the master's 減算 rows";
    D006_27_HOKATSU = "D006-27-hokatsu", "rules/kensa/", "R6告示 D006-27注1/注2 (col 16 = 15/16)";
    B000 = "B000", "rules/igaku_kanri.rs", "R6告示 B000 特定疾患療養管理料";
    B011_3 = "B011-3", "rules/igaku_kanri.rs", "R6告示 B011-3 薬剤情報提供料";
    B001_2_HOKATSU = "B001-2-hokatsu", "rules/igaku_kanri.rs", "R6告示 B001-2 注3 / B001-2-11 注3";
    A002_HOKATSU = "A002-hokatsu", "rules/gairai_hokatsu.rs", "R6告示 A002注6; R6通知 A002(12)";
    G004 = "G004", "rules/chusha.rs", "R6告示 G004 点滴注射 (1日につき)";
    G_TSUSOKU = "G-tsusoku", "rules/chusha.rs", "R6告示 第6部 通則 加算";
    J_NYUYOJI = "J-nyuyoji", "rules/shochi.rs", "R6告示 第9部 通則 処置乳幼児加算";
    TENSUHYO_02_HOKATSU = "tensuhyo-02-hokatsu", "rules/tensuhyo_check.rs", "医科電子点数表 02 包括テーブル";
    TENSUHYO_03_HAIHAN = "tensuhyo-03-haihan", "rules/tensuhyo_check.rs", "医科電子点数表 03 背反テーブル";
    TENSUHYO_05_KAISU = "tensuhyo-05-kaisu", "rules/tensuhyo_check.rs", "医科電子点数表 05 算定回数テーブル";
}
