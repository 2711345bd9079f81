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
//! | [`bukka`] | 外来・在宅物価対応料 (R8 O100 1, 2026-06 →; 100分の200 from 2027-06) |
//! | [`baseup`] | 外来・在宅ベースアップ評価料（Ⅰ） (R6 O100 2024-06 →, R8 O001 2026-06 →; 100分の200 from 2027-06) |
//! | [`baseup2`] | 外来・在宅ベースアップ評価料（Ⅱ） (R6 O101, R8 O002): the tier by its 届出, イ/ロ by the visit's (Ⅰ) line |
//! | [`rehab`] | 疾患別リハビリテーション料 H000–H003: 届出 tier, units, 1日6/9単位, 標準的算定日数 and 月13単位, 100分の90, 早期/初期加算 |
//! | [`seishin`] | 精神科専門療法 I002 通院・在宅精神療法 (time rows, 初診日, 週1/2回, 多剤 100分の50), I002-2 精神科継続外来支援・指導料 |
//! | [`tsusoku`] | % 加算 of the 通則: 年齢 (検査, 画像, 手術, 麻酔, 放射線治療) and 時間外・休日・深夜 (内視鏡, 処置, 手術, 麻酔) |
//! | [`paired`] | shared by bukka/baseup: pairing flag (s col 129), once per day, listed reconciliation |
//! | [`zaitaku`] (folder: `oushin`, `houmon`, `sougou`, `shidou`) | 在宅医療: C000 往診料 注1/注2, C001/C001-2 同一建物・週3回・乳幼児, C002/C002-2 row choice 月1回, 指導管理料 主たるもの, 材料加算 |
//! | [`teigen`] | 逓減: 生体検査 同一月 2回目以降 100分の90, CT/MRI 100分の80 (s cols 52/63), 間接撮影 50% |
//! | [`kanri_hokatsu`] | what B001 3 悪性腫瘍特異物質治療管理料 includes (腫瘍マーカー, 採血), 初回月加算 |
//! | [`byori`] | N006 病理診断料 / N007 病理判断料: 月1回 each, N007 not with N006 |

pub mod baseup;
pub mod baseup2;
pub mod bukka;
pub mod byori;
pub mod chu_kasan;
pub mod chusha;
pub mod gairai_hokatsu;
pub mod gairai_kanri;
pub mod igaku_kanri;
pub mod iryo_dx;
pub mod items;
pub mod jikan;
pub mod kanri_hokatsu;
pub mod kensa;
pub mod kihon;
pub mod limits;
pub mod monthly;
pub mod paired;
pub mod rehab;
pub mod revision;
pub mod sections;
pub mod seishin;
pub mod shochi;
pub mod teigen;
pub mod tensuhyo_check;
pub mod touyaku;
pub mod tsusoku;
pub mod zaitaku;

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
            teigen_group: 0,
            gairai_kanri: 0,
            specimen_comment: 0,
            tsusoku_base: 0,
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

/// The 区分番号 of a row as the 点数表 writes it, read from its コード表用番号 (cols 85, 92, 93):
/// `B011-3`, `G001`, `E203` — so a citation names the 区分 of the row itself.
pub fn kubun_label(p: &masters::Procedure) -> String {
    if p.tbl_eda > 0 {
        format!("{}{:03}-{}", p.tbl_alpha, p.tbl_kubun, p.tbl_eda)
    } else {
        format!("{}{:03}", p.tbl_alpha, p.tbl_kubun)
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
    /// What decides the rule: `D:` the data it reads (master columns, 電子点数表 rows), `C:` what is
    /// coded and why no data carries it (separated by `; `).
    pub basis: &'static str,
}

impl CatalogueEntry {
    /// The coded parts of the rule (the `C:` parts of [`CatalogueEntry::basis`]).
    pub fn coded(&self) -> impl Iterator<Item = &'static str> {
        self.basis.split("; ").filter_map(|p| p.strip_prefix("C:"))
    }
}

macro_rules! catalogue {
    ($($name:ident = $id:literal, $family:literal, $source:literal, $basis:literal;)*) => {
        /// Every rule id, as a constant (`rules::id::A000`).
        pub mod id {
            use super::RuleId;
            $(pub const $name: RuleId = RuleId($id);)*
        }
        /// The catalogue: every rule id with its family file and source.
        pub static CATALOGUE: &[CatalogueEntry] = &[
            $(CatalogueEntry { id: id::$name, family: $family, source: $source, basis: $basis },)*
        ];
    };
}

catalogue! {
    A000 = "A000", "rules/kihon.rs", "R6告示 A000 初診料", "D:points and name of the base row; C:which 告示 item applies (visit kind, facility, departments of the day) is not a master column";
    A001 = "A001", "rules/kihon.rs", "R6告示 A001 再診料", "D:points and name of the base row; C:which 告示 item applies is not a master column";
    A002 = "A002", "rules/kihon.rs", "R6告示 A002 外来診療料", "D:points and name of the base row; C:which 告示 item applies (病院 ≥200 一般病床) is not a master column";
    CHU_KASAN = "chu-kasan", "rules/chu_kasan.rs", "医科診療行為マスター 注加算コード/通番 (cols 38–43); R6告示 A000/A001/A002 注", "D:注加算コード/通番, 年齢, 時間加算区分, 病院・診療所区分, 施設基準コード (s cols 19, 38–43, 72–81)";
    CHU_KASAN_TIME_AGE = "chu-kasan-time-age", "rules/chu_kasan.rs", "R6告示 A000注7, A001注5, A002注8 (時間外等 × 乳幼児); 時間加算区分 (col 40)", "D:時間加算区分 and 年齢 columns of the 注加算 rows; C:the 乳幼児-replaces rule (A000注7) is 告示 text only";
    CHU_KASAN_LISTED = "chu-kasan-listed", "rules/chu_kasan.rs", "a listed 注加算, checked for 施設基準 and limits", "D:施設基準コード of the listed row and the 月1回 family limits";
    IRYO_JOHO = "iryo-joho", "rules/iryo_dx.rs", "R6告示 A000注15, A001注19, A002注10 医療情報取得加算 (and predecessors)", "D:the points and validity of the family rows; C:which 医療情報取得加算 code applies (マイナ use, 初診/再診, 3月に1回) is 告示/通知 text";
    IRYO_DX = "iryo-dx", "rules/iryo_dx.rs", "R6告示 A000注16 医療ＤＸ推進体制整備加算", "D:the points of the tier rows, 施設基準 4035; C:tier tables and マイナ保険証利用率 thresholds are MHLW notices (M), not in any master";
    IRYO_DX_LISTED = "iryo-dx-listed", "rules/iryo_dx.rs", "R6告示 A000注15/16; claim lists the code", "D:the listed row; C:the family limits (月1回) are 告示 text";
    DENSHI_RENKEI = "denshi-renkei", "rules/iryo_dx.rs", "R8告示 電子的診療情報連携体制整備加算", "D:the code and points of the supplement row; C:the 2026 加算 conditions are R8告示 text";
    MONTHLY = "monthly", "rules/monthly.rs", "R6告示 A000注15/16, A001注19, D026注1 ほか: 月1回 / 3月に1回 limits shared by a family of codes", "C:limits shared by a family of codes (月1回 over several codes, 3月に1回) are not expressed per code by the 05 table";
    GAIRAI_KANRI = "gairai-kanri", "rules/gairai_kanri.rs", "R6告示 A001注8 外来管理加算", "D:外来管理加算区分 (s col 56); C:the 電話等 / 2科目 exclusions are 告示/通知 text";
    MASTER_CHECK = "master-check", "rules/items.rs", "医科診療行為マスター 入外適用区分, 病院・診療所区分, 年齢 (cols 17, 19, 41–42)", "D:入外適用区分, 病院・診療所区分, 上限/下限年齢 (s cols 17, 19, 41–42)";
    KIZAMI = "kizami", "rules/items.rs", "医科診療行為マスター きざみ値 (cols 30–35)", "D:きざみ値 (s cols 30–35)";
    AGE_KASAN = "age-kasan", "rules/items.rs", "医科診療行為マスター 年齢加算 (cols 100–111)", "D:年齢加算 (s cols 100–111)";
    COMMENT = "comment", "rules/items.rs", "コメントマスター", "D:the コメントマスター row";
    B_IGAKU = "B-igaku", "rules/items.rs", "R6告示 第2章第1部 医学管理等; points from the master row", "D:points of the master row";
    C_ZAITAKU = "C-zaitaku", "rules/items.rs", "R6告示 第2章第2部 在宅医療; points from the master row", "D:points of the master row";
    D_KENSA = "D-kensa", "rules/items.rs", "R6告示 第2章第3部 検査 / 第13部 病理; points from the master row", "D:points of the master row";
    E_GAZO = "E-gazo", "rules/items.rs", "R6告示 第2章第4部 画像診断; points from the master row", "D:points of the master row";
    G_CHUSHA = "G-chusha", "rules/items.rs", "R6告示 第2章第6部 注射; points from the master row", "D:points of the master row";
    J_SHOCHI = "J-shochi", "rules/items.rs", "R6告示 第2章第9部 処置; points from the master row", "D:points of the master row";
    K_SHUJUTSU = "K-shujutsu", "rules/items.rs", "R6告示 第2章第10部/第11部; points from the master row", "D:points of the master row";
    UNCHECKED = "unchecked", "rules/items.rs", "医科診療行為マスター (no rule family checks this item yet)", "D:points of the master row";
    F200 = "F200", "rules/items.rs", "R6告示 F200 薬剤", "D:薬価 (y col 12); C:the 15円 conversion per 部 is 告示 text";
    G100 = "G100", "rules/items.rs", "R6告示 G100 薬剤", "D:薬価; C:the 15円以下 1点 conversion is 告示 text";
    C200 = "C200", "rules/items.rs", "R6告示 C200 薬剤", "D:薬価; C:the 15円以下 0点 conversion is 告示 text";
    K940 = "K940", "rules/items.rs", "R6告示 K940 薬剤", "D:薬価; C:the 15円以下 0点 conversion is 告示 text";
    D500 = "D500", "rules/items.rs", "R6告示 D500 薬剤", "D:薬価; C:the 15円以下 0点 conversion is 告示 text";
    E300 = "E300", "rules/items.rs", "R6告示 E300 薬剤", "D:薬価; C:the 15円以下 0点 conversion is 告示 text";
    J300 = "J300", "rules/items.rs", "R6告示 J300 薬剤 (and H100/I100/L200 alike)", "D:薬価; C:the 15円以下 0点 conversion is 告示 text";
    B200 = "B200", "rules/items.rs", "R6告示 B200 特定保険医療材料", "D:材料価格 (t col 12); C:÷10円 rounding is 告示 text";
    C300 = "C300", "rules/items.rs", "R6告示 C300 特定保険医療材料", "D:材料価格; C:÷10円 rounding is 告示 text";
    F300 = "F300", "rules/items.rs", "R6告示 F300 特定保険医療材料", "D:材料価格; C:÷10円 rounding is 告示 text";
    G200 = "G200", "rules/items.rs", "R6告示 G200 特定保険医療材料", "D:材料価格; C:÷10円 rounding is 告示 text";
    J400 = "J400", "rules/items.rs", "R6告示 J400 特定保険医療材料", "D:材料価格; C:÷10円 rounding is 告示 text";
    K950 = "K950", "rules/items.rs", "R6告示 K950 特定保険医療材料", "D:材料価格; C:÷10円 rounding is 告示 text";
    D600 = "D600", "rules/items.rs", "R6告示 D600 特定保険医療材料", "D:材料価格; C:÷10円 rounding is 告示 text";
    E401 = "E401", "rules/items.rs", "R6告示 E401 特定保険医療材料", "D:材料価格; C:÷10円 rounding is 告示 text";
    E400 = "E400", "rules/items.rs", "R6告示 E400 フィルム", "D:材料価格; C:フィルム ÷10円 rounding is 告示 text";
    MATERIAL = "material", "rules/items.rs", "材料価格基準 (価格÷10円, 四捨五入)", "D:材料価格; C:÷10円 rounding is 告示 text";
    F000 = "F000", "rules/touyaku/", "R6告示 F000 調剤料", "D:points of the F000 rows; C:which 調剤料 applies (院内, 内服/外用) is 告示 text";
    F000_MAYAKU = "F000-mayaku", "rules/touyaku/", "R6告示 F000注 麻薬等加算", "D:麻薬・向精神薬 (y col 14); C:the 加算 condition is 告示 text";
    F100 = "F100", "rules/touyaku/", "R6告示 F100 処方料", "D:points of the F100 rows; C:種類 counting (≤205円 = 1種類) and the 7種類 threshold are 告示/通知 text";
    F100_MAYAKU = "F100-mayaku", "rules/touyaku/", "R6告示 F100注2 麻薬等加算", "D:y col 14; C:the 加算 condition is 告示 text";
    F100_NYUYOJI = "F100-nyuyoji", "rules/touyaku/", "R6告示 F100注3 乳幼児加算", "D:年齢加算 columns of the base row (s cols 100–111)";
    F100_TOKUTEI = "F100-tokutei", "rules/touyaku/", "R6告示 F100注5 / F400注4 特定疾患処方管理加算", "C:28日以上 and the 主病 condition are 告示 text, the 月1回 family is not a per-code 05 row";
    F400 = "F400", "rules/touyaku/", "R6告示 F400 処方箋料; 第5部 通則 (院外処方)", "D:points of the F400 rows; C:院外処方 (drugs billed by the pharmacy) is 告示 text";
    F400_NYUYOJI = "F400-nyuyoji", "rules/touyaku/", "R6告示 F400注 乳幼児加算", "D:年齢加算 columns of the base row";
    F400_IPPANMEI = "F400-ippanmei", "rules/touyaku/", "R6告示 F400注6 一般名処方加算; R6通知 F400(12)", "D:一般名処方加算対象区分 (y col 39, L); C:the 加算1/2 tiers are 告示 text";
    F500 = "F500", "rules/touyaku/", "R6告示 F500 調剤技術基本料", "D:the 05 row of 120001810 (月 1); C:the 薬剤師常時勤務 condition is 告示 text";
    F200_CHU3 = "F200-chu3", "rules/touyaku/", "R6告示 F200注3 7種類以上の内服薬 (100分の90)", "C:7種類以上 → 90/100 is 告示 text (F200注3)";
    F_SIDE = "F-side", "rules/touyaku/", "R6告示 第5部 通則 (院内: F000/F100/F500; 院外: F400 only)", "D:点数欄集計先 of the F rows; C:院内/院外 sides are 告示 text";
    TOUYAKU = "touyaku", "rules/touyaku/", "R6告示 F100注5 / F400注4 / F500 (listed F rows that do not hold)", "C:28日 and 月1回 conditions of listed F rows are 告示 text";
    TOUYAKU_LISTED = "touyaku-listed", "rules/touyaku/", "R6告示 第5部 投薬; listed F row, checked for 院内/院外", "D:the listed F row";
    D400 = "D400", "rules/kensa/", "R6告示 D400 血液採取 (1日につき)", "D:the 05 row of each 血液採取 code (日 1)";
    D026 = "D026", "rules/kensa/", "R6告示 D026注1 検体検査判断料 (月1回)", "D:実施判断区分/グループ (s cols 50/51); C:月1回 per 判断グループ is 告示 text (no per-code 05 row covers the group)";
    HANDAN = "handan", "rules/kensa/", "R6告示 D026 ほか 判断料; 実施判断グループ (col 51)", "D:実施判断区分/グループ (s cols 50/51)";
    D007_COUNT = "D007-count", "rules/kensa/", "R6通知 D007 (1)–(7)", "C:which D007 items count together is 通知 text (D007 (1)–(7))";
    KENSA_CAP = "kensa-cap", "rules/kensa/", "R6告示 D012 11/44 注, D015 13 注 (同一検体の限度)", "C:同一検体の限度 (8項目, 2項目, 1,430点) is 告示 text, no master row carries it";
    KENSA_JINSOKU = "kensa-jinsoku", "rules/kensa/", "R6告示 第3部第1節第1款 通則3 外来迅速検体検査加算 (5項目を限度)", "D:the 05 row of 160177770 (日 5); C:counting by 項目数 (quantity) is 通知 text";
    D007_HOKATSU = "D007-hokatsu", "rules/kensa/", "R6告示 D007注 (包括対象検査 col 16 = 1)", "D:包括対象検査 (s col 16); C:the ladder points are 告示 text (no master row carries them)";
    D008_HOKATSU = "D008-hokatsu", "rules/kensa/", "R4/R6告示 D008注 (col 16 = 2)", "D:s col 16; C:ladder points are 告示 text";
    D013_HOKATSU = "D013-hokatsu", "rules/kensa/", "R4/R6告示 D013注 (col 16 = 3)", "D:s col 16; C:ladder points are 告示 text";
    D009_HOKATSU = "D009-hokatsu", "rules/kensa/", "R6告示 D009注2 (col 16 = 5)", "D:s col 16; C:ladder points are 告示 text";
    D006_HOKATSU = "D006-hokatsu", "rules/kensa/", "R4/R6告示 D006注 (col 16 = 6)", "D:s col 16; C:ladder points are 告示 text";
    D014_HOKATSU = "D014-hokatsu", "rules/kensa/", "R4/R6告示 D014注1 (col 16 = 7)", "D:s col 16; C:ladder points are 告示 text";
    D004_2_HOKATSU = "D004-2-hokatsu", "rules/kensa/", "R4/R6告示 D004-2注1/注2 (col 16 = 13/14); points of the master's 減算 rows", "D:s col 16 and the points of the 減算 rows 160232170…160232670";
    D006_27_HOKATSU = "D006-27-hokatsu", "rules/kensa/", "R6告示 D006-27注1/注2 (col 16 = 15/16)", "D:s col 16; C:ladder points are 告示 text (rules.md §3.2, M: the master rows found do not cover every step)";
    B000 = "B000", "rules/igaku_kanri.rs", "R6告示 B000 特定疾患療養管理料", "D:the 05 row of the listed code (月 2); C:counting every variant together and the 初診月 rule are 告示 text";
    B011_3 = "B011-3", "rules/igaku_kanri.rs", "R6告示 B011-3 薬剤情報提供料", "C:月1回 unless the prescription changed: the 05 row carries 特例条件 1 for exactly this, the condition is 告示 text";
    B001_2_HOKATSU = "B001-2-hokatsu", "rules/igaku_kanri.rs", "R6告示 B001-2 注3 / B001-2-11 注3", "D:区分 (s cols 85, 90–94) and 上限年齢; C:what the bundle keeps is 告示 text";
    A002_HOKATSU = "A002-hokatsu", "rules/gairai_hokatsu.rs", "R6告示 A002注6; R6通知 A002(12)", "D:区分 (s cols 85, 90–94); C:the A002注6 list is 告示/通知 text (until the 02 包括テーブル is in the set)";
    G004 = "G004", "rules/chusha.rs", "R6告示 G004 点滴注射 (1日につき)", "C:1日につき over the three 点滴注射 rows (each 05 row counts only its own code)";
    G_TSUSOKU = "G-tsusoku", "rules/chusha.rs", "R6告示 第6部 通則3 / 通則5 加算", "D:医薬品関連区分 (s col 29), y cols 14/16 (麻薬, 生物学的製剤); C:derived once per 注射 = per rp group (M)";
    J_NYUYOJI = "J-nyuyoji", "rules/shochi.rs", "R6告示 第9部 通則 処置乳幼児加算", "D:処置乳幼児加算区分 (s col 46)";
    TENSUHYO_02_HOKATSU = "tensuhyo-02-hokatsu", "rules/tensuhyo_check.rs", "医科電子点数表 02 包括テーブル", "D:電子点数表 01/02";
    TENSUHYO_03_HAIHAN = "tensuhyo-03-haihan", "rules/tensuhyo_check.rs", "医科電子点数表 03 背反テーブル", "D:電子点数表 03-1…03-4; C:背反区分 3 (keep the line billed first) is santei policy";
    BUKKA = "O100-bukka", "rules/bukka.rs", "R8告示 O100 1 外来・在宅物価対応料; R8通知 O100(2)–(4)", "D:the pairing flag 外来・在宅ベースアップ評価料（１） (s col 129) of the visit's lines, the points and validity of the O100 rows found by 区分 and name; C:once per visit day is santei policy (L), the 告示 has no 1日につき and no master column says it";
    BUKKA_200 = "O100-bukka-200", "rules/bukka.rs", "R8告示 O100注5 (令和9年6月以降 100分の200)", "D:the points of the O100 row and the s col 129 flag; C:the 100分の200 from 2027-06-01 is 告示 text and no master code carries the doubled points";
    BASEUP1 = "baseup-1", "rules/baseup.rs", "R6告示 O100 / R8告示 O001 外来・在宅ベースアップ評価料（Ⅰ）; 通知 O100(2)–(5) / O001(2)–(5)", "D:the s col 129 flags (base 1/3/5/7, ベースアップ rows 2/4/6/8), 施設基準 4307 of the row, points and validity of the rows found by 区分 and name; C:once per visit day is santei policy (L), the 告示 has no 1日につき";
    BASEUP1_200 = "baseup-1-200", "rules/baseup.rs", "R8告示 O001注6 (令和9年6月以降 100分の200)", "D:the points of the O001 row, s col 129, 施設基準 4307; C:the 100分の200 from 2027-06-01 is 告示 text and no master code carries the doubled points";
    BASEUP2 = "baseup-2", "rules/baseup2.rs", "R6告示 O101 / R8告示 O002 外来・在宅ベースアップ評価料（Ⅱ）; R6通知 O101(2)(3)", "D:the tier's row by its 施設基準 (cols 72–81, 4308… per tier), s col 130 (イ 1 / ロ 2) against the (Ⅰ) line's col 129, 項番 = tier, points, the 05 row when present; C:R8 tiers 13–24 from 2027-06 (O002注4), 1日につき1回 (通知) without a 05 row, the latest 届出 when several tiers are held (M)";
    TENSUHYO_05_KAISU = "tensuhyo-05-kaisu", "rules/tensuhyo_check.rs", "医科電子点数表 05 算定回数テーブル", "D:電子点数表 05";
    // --- rehab ---
    REHAB = "rehab", "rules/rehab.rs", "R6告示 H000–H003 疾患別リハビリテーション料 (1単位); R6通知 第7部 通則5", "D:points, きざみ値 (1–9 units) and 施設基準コード (s cols 12, 30–35, 72–81) of the listed row; C:units = quantity (else count) and the tier swap to the 届出 held are 告示 text (「当該基準に係る区分に従って」)";
    REHAB_STANDARD = "rehab-standard", "rules/rehab.rs", "R6告示 H000–H003 注1 (届出 施設基準)", "D:施設基準コード (s cols 72–81) of the tiers of the 区分";
    REHAB_DAY = "rehab-day", "rules/rehab.rs", "R6告示 第7部 通則4 (1日6単位, 別表第九の三 9単位)", "C:the limit is over every 疾患別リハ row of the day (the 05 row of each code counts only itself and carries 特例条件), and 9単位 for 脳血管疾患等 within 60 days of 発症 is 施設基準等 別表第九の三 text";
    REHAB_DAYS = "rehab-days", "rules/rehab.rs", "R6告示 H001/H001-2/H002 注5/注6 (標準的算定日数 after which a 要介護被保険者等 入院外 patient has no row)", "C:標準的算定日数 (150/180/120/150/90) and the 要介護 rule are 告示 text, the 起算日 a claim fact (patient.rehab)";
    REHAB_MONTH13 = "rehab-month13", "rules/rehab.rs", "R6告示 H000–H003 注5 (1月13単位); R6通知 H000(13)", "C:13 units a month after the 標準的算定日数 is 告示 text, no master row carries it";
    REHAB_REDUCED = "rehab-reduced", "rules/rehab.rs", "R6告示 H001/H001-2/H002 注7 (100分の90)", "D:the （リ減） rows by 基本名称 (s col 113); C:the 60/40/50日 and 目標設定等支援・管理料 conditions are 告示 text";
    REHAB_SOUKI = "rehab-souki", "rules/rehab.rs", "R6告示 H001注2 / H002注2 早期リハビリテーション加算", "D:the row 180030770 (points); C:30日 from the 起算日 and the 入院外 condition are 告示 text";
    REHAB_SHOKI = "rehab-shoki", "rules/rehab.rs", "R6告示 H001注3 / H002注3 初期加算", "D:the row 180033870, its 施設基準 3067 (s col 72); C:14日 from the 起算日 and the 入院外 condition are 告示 text";
    // --- seishin ---
    SEISHIN_I002 = "seishin-I002", "rules/seishin.rs", "R6告示 I002 通院・在宅精神療法 1/2 (時間, 初診日), 注2", "D:points of the I002 rows, found by 区分 and name (s cols 5, 85, 92–94); C:the time classes (5分, 30分, 60分, 初診日 30分) are 告示 text";
    SEISHIN_WEEK = "seishin-week", "rules/seishin.rs", "R6告示 I002注1 (1と2を合わせて週1回, 退院後4週間以内 週2回)", "C:the limit over the whole I002 family (the 05 row of each code counts only itself, with 特例条件)";
    SEISHIN_TAZAI = "seishin-tazai", "rules/seishin.rs", "R6告示 I002注6 / I002-2注2/注5 (向精神薬 多剤)", "D:the 要件減算 rows (s col 5 「要件減算」); C:3種類以上 and the exceptions are 告示 text, the kinds a claim fact (visits[].psychotropics)";
    SEISHIN_I002_2 = "seishin-I002-2", "rules/seishin.rs", "R6告示 I002-2 精神科継続外来支援・指導料 注1/注6", "D:the row's points and its 05 row (日 1); C:注6 (included in another 精神科専門療法 the same day) is 告示 text";
    // --- zaitaku ---
    C000 = "C000", "rules/zaitaku/", "R6告示 C000 往診料", "D:points and name of the listed 往診料 row (C000 枝番 0 項番 0)";
    C000_KASAN = "C000-chu1", "rules/zaitaku/", "R6告示 C000注1 イ–ニ 緊急/夜間・休日/深夜往診加算; R6通知 C000(2)–(7)", "D:時間加算区分 (s col 43), 施設基準コード (cols 72–81), 区分・項番 and name of the C000 項番 1 rows; C:the 往診 time bands (夜間 18–8時, 深夜 22–6時, 標榜時間内 excluded, 緊急 = 標榜時間内 urgent) are 通知 text, the tier words of the names and the 在支診 codes 3055–3058/3168/3169 are read from the rows' names (M)";
    C_KANKA_JIKAN = "C-kanka-jikan", "rules/zaitaku/", "R6告示 C000注2 / C001注5 患家診療時間加算", "D:きざみ値 (s cols 30–35) of the 患家診療時間加算 row; C:the minutes come from the claim (visits[].home.minutes)";
    C001 = "C001", "rules/zaitaku/", "R6告示 C001 在宅患者訪問診療料（Ⅰ） 1/2 イ・ロ, C001-2 （Ⅱ）", "D:points, 区分・枝番・項番 and name of the C001 rows; C:同一建物居住者 (2 or more patients of the building that day) is 告示 text, the count is a claim fact";
    C001_WEEK3 = "C001-week3", "rules/zaitaku/", "R6告示 C001注1 / C001-2注2 週3回 (別に厚生労働大臣が定める疾病等の患者を除く)", "D:the 05 rows (週 3, 特例条件 1) name the limit; C:イ and ロ counted together and the 疾病等 exception are 告示 text (the 05 row's 特例条件 cannot be evaluated from the table)";
    C001_BASE = "C001-base", "rules/zaitaku/", "R6告示 C001注1/注2, C001-2注1 (初診料・再診料・外来診療料・往診料は算定しない; 初診の日を除く)", "D:区分 (s cols 85, 92) of the visit's lines; C:that a 訪問診療 excludes the base fee and 往診料 of the visit, and is itself excluded on the 初診 day, is 告示 text";
    C001_NYUYOJI = "C001-nyuyoji", "rules/zaitaku/", "R6告示 C001注4 / C001-2注6 乳幼児加算", "D:年齢加算 (s cols 100–111) of the billed 訪問診療 row";
    C002 = "C002", "rules/zaitaku/", "R6告示 C002 在宅時医学総合管理料 / C002-2 施設入居時等医学総合管理料 (月１回)", "D:施設基準コード (cols 72–81), 区分・枝番・項番 and names of the C002 rows, points; C:the choice by tier, 月２回以上/月１回 (訪問診療 lines of the month) and 単一建物診療患者 is 告示 text read against the rows' names, and 月１回 over every row is 告示 text";
    C_SHIDOU_SHUTARU = "C-shidou-shutaru", "rules/zaitaku/", "R6告示 第2部第2節第1款 通則2 主たる指導管理", "D:区分・枝番 (cols 92–93), 告示等識別区分 (col 68), points; C:two or more 指導管理 in a month → only the highest (主たる: M) is 告示 text";
    C_ZAIRYO = "C-zairyo", "rules/zaitaku/", "R6告示 第2部第2節第2款 通則1 材料加算", "D:区分 C150–C175 (col 92); C:a 材料加算 only with a 指導管理料 in the month is 告示 text (its 月1回 / ３月に３回 are the 05 rows)";
    // --- tsusoku ---
    TSUSOKU_AGE = "tsusoku-age", "rules/tsusoku.rs", "R6告示 第3部第3節 通則1/2, E002注2 / E100注3 / E101注2 / 第4部第3節 通則4, J122注, 第10部 通則7/8, 第11部 通則2, 第12部 通則3 (新生児・乳幼児・幼児・小児の % 加算)", "D:年齢加算 (s cols 100–111) of 検査/画像/処置 bases, 通則年齢 (col 40), 上下限年齢 and % of the % rows (cols 41/42, 11/12), 注加算コード/通番 and col 62 for the 所定点数; C:which % row each 部's 通則 uses for 手術/麻酔/放射線治療, the 通則7 手術 list, 四捨五入 (R6通知 E002(7)) and the listed-only 加算 (鎮静, 1,500g未満, 未熟児) are 告示/通知 text";
    TSUSOKU_TIME = "tsusoku-time", "rules/tsusoku.rs", "R6告示 第3部第3節 内視鏡検査 通則5, 第9部 通則5, 第10部 通則12, 第11部 通則3 (時間外・休日・深夜加算)", "D:時間加算区分 (s col 43) of the base, 施設基準 (cols 72–81) and % of the % rows; C:the class → row mapping, 処置 1,000/150点 thresholds, 加算２ only after an 初診/再診 (R6通知 第9部 通則5) are 告示/通知 text";
    // --- teigen ---
    TEIGEN_KENSA = "teigen-kensa", "rules/teigen.rs", "R6告示 第3部第3節 D206–D214-2 通則1, D215/D216 通則, 内視鏡 通則2, D006-12注 (同一月 2回目以降 100分の90); R6通知 第3部第3節 2–4", "D:逓減対象区分 (s col 52), 包括逓減区分 (s col 63: 同一の検査), the percentage of the 減算 row 160000190 (点数識別 6); C:counting 入外 and history together, 注加算 in the 所定点数 and 四捨五入 are 通知 text";
    TEIGEN_CT_MRI = "teigen-ct-mri", "rules/teigen.rs", "R6告示 第4部第3節 通則2 (CT・MRI 同一月 2回目以降 100分の80); R6通知 E 第3節 1(1), 3", "D:s cols 52/63 (包括逓減区分 201 = CT and MRI), the percentage of 170022290 (点数識別 6); C:PET-CT/MRI (E101-3/-4) earlier in the month count as the first and the 注加算 are not reduced (通知 text)";
    TEIGEN_KANSETSU = "teigen-kansetsu", "rules/teigen.rs", "R6通知 第4部第1節・第2節 (9) 間接撮影 100分の50, 端数処理は最後", "D:the percentage of 170020570 (点数識別 6), きざみ値 of the 写真診断 rows (s cols 30–35); C:which rows a listed % row applies to (the 写真診断 of its rp) is receipt practice (M)";
    TEIGEN_LISTED = "teigen-listed", "rules/teigen.rs", "R6告示 第3部第3節 / 第4部第3節 通則2: the 減算 follows from the month's count", "C:a listed 160000190 / 170022290 is replaced by the derived line";
    // --- kanri_hokatsu ---
    B001_3_HOKATSU = "B001-3-hokatsu", "rules/kanri_hokatsu.rs", "R6告示 B001 3 注4/注5, D009注1 ただし書; R6通知 B001 3 (2), D009 (1)", "D:区分 B001 3 / D009 / D400 / 第3部第1節 (s cols 85, 90–94); C:what the 管理料 includes (腫瘍マーカー, their 採血, イ beside ロ) is 告示/通知 text";
    B001_3_SHOKAI = "B001-3-shokai", "rules/kanri_hokatsu.rs", "R6告示 B001 3 注3 (初回月加算; 前月に腫瘍マーカー → 算定しない); R6通知 B001 3 (4)", "D:the 加算 row (告示等識別 7 of 区分 B001 3, 注加算コード 1304), 区分 D009 of the history lines; C:the 前月 and 初回月 conditions are 告示 text";
    D026_KANRI = "D026-kanri", "rules/kanri_hokatsu.rs", "R6告示 D026注4 イ 検体検査管理加算（Ⅰ） (月1回); R6通知 D026 (7), (8)", "D:施設基準コード of 160170170 (s cols 72–81: 817–820), the billed 検体検査判断料 rows; C:derived only with a 判断料 of the month and (Ⅰ) for outpatients whatever tier is held (通知 text)";
    // --- byori ---
    BYORI = "byori", "rules/byori.rs", "R6告示 N006注1/注2 (月1回), N007注1 (月1回), 注2 (N006 を算定した場合は算定しない)", "D:実施判断区分/グループ (s cols 50/51: 41 組織, 42 細胞, 40 other 標本), 区分 N006/N007 and the row name (組織診断料 / 細胞診断料); C:月1回 per kind and N007注2 are 告示 text";
}
