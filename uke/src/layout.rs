//! Field layouts of the 医科 records (spec `uke.md` §3): for every field its name in the
//! 記録条件仕様, its mode (項目形式) and maximum length in Shift_JIS bytes, and what kind of value
//! it holds. The writer checks every field against this table; the reader's field counts
//! ([`crate::Record::parse`]) and these layouts describe the same records.
//!
//! Widths are those of `uke.md` (ORCA 5.1 and the 令和 歯科 transcription for the shared
//! records). Where `uke.md` gives none the width is `None` (not checked): RE #38 患者の状態.
//! RE #37 カタカナ（氏名） has no width in `uke.md`; 80 bytes (40 full-width characters, the
//! truncation of one public writer) is used, confidence L.

/// 項目形式 of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 数字: half-width digits (a decimal point where [`Kind::Decimal`]).
    Numeric,
    /// 英数: half-width ASCII (space included, comma excluded).
    Alnum,
    /// 漢字: full-width (2-byte) characters only.
    Kanji,
    /// 英数 or 漢字, but not mixed (氏名, 記号, 番号): all 1-byte or all 2-byte characters.
    Either,
}

impl Mode {
    /// The spec's name of the mode.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Numeric => "数字",
            Mode::Alnum => "英数",
            Mode::Kanji => "漢字",
            Mode::Either => "英数又は漢字",
        }
    }
}

/// What a field holds (how a value is spelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A code: written as given, leading zeros and spaces kept (`00697`, `  133066`).
    Code,
    /// A number (点数, 回数, 日数, 金額 …): written without leading zeros.
    Value,
    /// A decimal quantity (使用量, 単価): digits with at most one decimal point.
    Decimal,
    /// A date: `YYYYMMDD` (西暦) or `GYYMMDD` (和暦), spec §2.
    Date,
    /// A month: `YYYYMM` (西暦) or `GYYMM` (和暦).
    Month,
    /// Free text.
    Text,
}

/// One field of a record layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field's name in the 記録条件仕様 (e.g. `合計点数`).
    pub name: &'static str,
    /// 項目形式.
    pub mode: Mode,
    /// Maximum length in Shift_JIS bytes; None when `uke.md` gives none.
    pub max: Option<u16>,
    /// What it holds.
    pub kind: Kind,
}

const fn f(name: &'static str, mode: Mode, max: u16, kind: Kind) -> FieldSpec {
    FieldSpec {
        name,
        mode,
        max: Some(max),
        kind,
    }
}

use Kind::{Code, Date, Decimal, Month, Text, Value};
use Mode::{Alnum as A, Either as T, Kanji as K, Numeric as N};

const ID: FieldSpec = f("レコード識別情報", A, 2, Code);

const IR: [FieldSpec; 10] = [
    ID,
    f("審査支払機関", N, 1, Code),
    f("都道府県", N, 2, Code),
    f("点数表", N, 1, Code),
    f("医療機関コード", N, 7, Code),
    f("予備", N, 2, Code),
    f("医療機関名称", K, 40, Text),
    f("請求年月", N, 6, Month),
    f("マルチボリューム識別情報", N, 2, Code),
    f("電話番号", A, 15, Text),
];

const RE: [FieldSpec; 38] = [
    ID,
    f("レセプト番号", N, 6, Value),
    f("レセプト種別", N, 4, Code),
    f("診療年月", N, 6, Month),
    f("氏名", T, 40, Text),
    f("男女区分", N, 1, Code),
    f("生年月日", N, 8, Date),
    f("給付割合", N, 3, Value),
    f("入院年月日", N, 8, Date),
    f("病棟区分", A, 8, Code),
    f("一部負担金・食事療養費・生活療養費標準負担額区分", N, 1, Code),
    f("レセプト特記事項", A, 10, Code),
    f("病床数", N, 4, Value),
    f("カルテ番号等", A, 20, Text),
    f("割引点数単価", N, 2, Value),
    f("予備", N, 1, Code),
    f("予備", N, 1, Code),
    f("予備", N, 2, Code),
    f("検索番号", N, 30, Code),
    f("記録条件仕様年月情報", N, 6, Code),
    f("請求情報", A, 40, Text),
    f("診療科1 診療科名", N, 2, Code),
    f("診療科1 人体の部位等", N, 3, Code),
    f("診療科1 性別等", N, 3, Code),
    f("診療科1 医学的処置", N, 3, Code),
    f("診療科1 特定疾病", N, 3, Code),
    f("診療科2 診療科名", N, 2, Code),
    f("診療科2 人体の部位等", N, 3, Code),
    f("診療科2 性別等", N, 3, Code),
    f("診療科2 医学的処置", N, 3, Code),
    f("診療科2 特定疾病", N, 3, Code),
    f("診療科3 診療科名", N, 2, Code),
    f("診療科3 人体の部位等", N, 3, Code),
    f("診療科3 性別等", N, 3, Code),
    f("診療科3 医学的処置", N, 3, Code),
    f("診療科3 特定疾病", N, 3, Code),
    f("カタカナ（氏名）", K, 80, Text),
    FieldSpec {
        name: "患者の状態",
        mode: N,
        max: None,
        kind: Code,
    },
];

const HO: [FieldSpec; 15] = [
    ID,
    f("保険者番号", A, 8, Code),
    f("被保険者証（手帳）等の記号", T, 38, Text),
    f("被保険者証（手帳）等の番号", T, 38, Text),
    f("診療実日数", N, 2, Value),
    f("合計点数", N, 8, Value),
    f("予備", N, 5, Code),
    f("食事療養・生活療養 回数", N, 2, Value),
    f("食事療養・生活療養 合計金額", N, 8, Value),
    f("職務上の事由", N, 1, Code),
    f("証明書番号", N, 3, Code),
    f("負担金額 医療保険", N, 9, Value),
    f("減免区分", N, 1, Code),
    f("減額割合", N, 3, Value),
    f("減額金額", N, 6, Value),
];

const KO: [FieldSpec; 12] = [
    ID,
    f("公費負担者番号", A, 8, Code),
    f("公費受給者番号", N, 7, Code),
    f("任意給付区分", N, 1, Code),
    f("診療実日数", N, 2, Value),
    f("合計点数", N, 8, Value),
    f("負担金額 公費", N, 8, Value),
    f("公費給付対象外来一部負担金", N, 6, Value),
    f("公費給付対象入院一部負担金", N, 6, Value),
    f("予備", N, 5, Code),
    f("食事療養・生活療養 回数", N, 2, Value),
    f("食事療養・生活療養 合計金額", N, 8, Value),
];

const KH: [FieldSpec; 2] = [ID, f("国保連固有情報", T, 100, Text)];

const SN: [FieldSpec; 9] = [
    ID,
    f("負担者種別", N, 1, Code),
    f("確認区分", N, 2, Code),
    f("保険者番号等（資格確認）", A, 8, Code),
    f("被保険者証等の記号（資格確認）", T, 38, Text),
    f("被保険者証等の番号（資格確認）", T, 38, Text),
    f("枝番", A, 2, Code),
    f("受給者番号", N, 7, Code),
    f("予備", N, 1, Code),
];

const DAY_NAMES: [&str; 31] = [
    "1日の情報",
    "2日の情報",
    "3日の情報",
    "4日の情報",
    "5日の情報",
    "6日の情報",
    "7日の情報",
    "8日の情報",
    "9日の情報",
    "10日の情報",
    "11日の情報",
    "12日の情報",
    "13日の情報",
    "14日の情報",
    "15日の情報",
    "16日の情報",
    "17日の情報",
    "18日の情報",
    "19日の情報",
    "20日の情報",
    "21日の情報",
    "22日の情報",
    "23日の情報",
    "24日の情報",
    "25日の情報",
    "26日の情報",
    "27日の情報",
    "28日の情報",
    "29日の情報",
    "30日の情報",
    "31日の情報",
];

/// The 31 day fields of a layout, each `mode`/`max`/`kind`.
const fn days<const N0: usize, const TOTAL: usize>(
    head: [FieldSpec; N0],
    mode: Mode,
    max: u16,
    kind: Kind,
) -> [FieldSpec; TOTAL] {
    let mut out = [ID; TOTAL];
    let mut i = 0;
    while i < N0 {
        out[i] = head[i];
        i += 1;
    }
    let mut d = 0;
    while d < 31 {
        out[N0 + d] = f(DAY_NAMES[d], mode, max, kind);
        d += 1;
    }
    out
}

const JD: [FieldSpec; 33] = days([ID, f("負担者種別", N, 1, Code)], N, 1, Code);

const MF: [FieldSpec; 33] = {
    let mut m: [FieldSpec; 33] = days([ID, f("窓口負担額区分", N, 2, Code)], N, 9, Value);
    let mut d = 2;
    while d < 33 {
        m[d].name = "予備";
        d += 1;
    }
    m
};

const SY: [FieldSpec; 8] = [
    ID,
    f("傷病名コード", N, 7, Code),
    f("診療開始日", N, 8, Date),
    f("転帰区分", N, 1, Code),
    f("修飾語コード", A, 80, Code),
    f("傷病名称", K, 40, Text),
    f("主傷病", N, 2, Code),
    f("補足コメント", K, 40, Text),
];

const COMMENTS: [FieldSpec; 6] = [
    f("コメントコード1", N, 9, Code),
    f("文字データ1", K, 100, Text),
    f("コメントコード2", N, 9, Code),
    f("文字データ2", K, 100, Text),
    f("コメントコード3", N, 9, Code),
    f("文字データ3", K, 100, Text),
];

const fn detail13(code: &'static str, quantity: FieldSpec) -> [FieldSpec; 13] {
    [
        ID,
        f("診療識別", N, 2, Code),
        f("負担区分", A, 1, Code),
        f(code, N, 9, Code),
        quantity,
        f("点数", N, 7, Value),
        f("回数", N, 3, Value),
        COMMENTS[0],
        COMMENTS[1],
        COMMENTS[2],
        COMMENTS[3],
        COMMENTS[4],
        COMMENTS[5],
    ]
}

const SI: [FieldSpec; 44] = days(detail13("診療行為コード", f("数量データ", N, 8, Value)), N, 3, Value);
const IY: [FieldSpec; 44] = days(detail13("医薬品コード", f("使用量", A, 11, Decimal)), N, 3, Value);
const TO: [FieldSpec; 48] = days(
    [
        ID,
        f("診療識別", N, 2, Code),
        f("負担区分", A, 1, Code),
        f("特定器材コード", N, 9, Code),
        f("使用量", A, 9, Decimal),
        f("点数", N, 7, Value),
        f("回数", N, 3, Value),
        f("単位コード", N, 3, Code),
        f("単価", A, 11, Decimal),
        FieldSpec {
            name: "予備",
            mode: T,
            max: Some(40),
            kind: Text,
        },
        f("商品名及び規格又はサイズ", K, 300, Text),
        COMMENTS[0],
        COMMENTS[1],
        COMMENTS[2],
        COMMENTS[3],
        COMMENTS[4],
        COMMENTS[5],
    ],
    N,
    3,
    Value,
);

const CO: [FieldSpec; 5] = [
    ID,
    f("診療識別", N, 2, Code),
    f("負担区分", A, 1, Code),
    f("コメントコード", N, 9, Code),
    f("文字データ", K, 76, Text),
];

const SJ: [FieldSpec; 3] = [ID, f("症状詳記区分", N, 2, Code), f("症状詳記データ", K, 2400, Text)];

const GO: [FieldSpec; 4] = [
    ID,
    f("総件数", N, 6, Value),
    f("総合計点数", N, 10, Value),
    f("マルチボリューム識別情報", N, 2, Code),
];

/// The layout of a record type, or None for a type written as read without a layout (GR,
/// TI, TR, TS, NI: field order from one source only, spec §3) or unknown.
pub fn layout(kind: &str) -> Option<&'static [FieldSpec]> {
    Some(match kind {
        "IR" => &IR,
        "RE" => &RE,
        "HO" => &HO,
        "KO" => &KO,
        "KH" => &KH,
        "SN" => &SN,
        "JD" => &JD,
        "MF" => &MF,
        "SY" => &SY,
        "SI" => &SI,
        "IY" => &IY,
        "TO" => &TO,
        "CO" => &CO,
        "SJ" => &SJ,
        "GO" => &GO,
        _ => return None,
    })
}

/// The spec of field `i` (1-based) of a record type, if the layout has it.
pub fn field_spec(kind: &str, i: usize) -> Option<&'static FieldSpec> {
    layout(kind)?.get(i.checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_counts_match_the_spec() {
        for (k, n) in [
            ("IR", 10),
            ("RE", 38),
            ("HO", 15),
            ("KO", 12),
            ("KH", 2),
            ("SN", 9),
            ("JD", 33),
            ("MF", 33),
            ("SY", 8),
            ("SI", 44),
            ("IY", 44),
            ("TO", 48),
            ("CO", 5),
            ("SJ", 3),
            ("GO", 4),
        ] {
            assert_eq!(layout(k).map(<[_]>::len), Some(n), "{k}");
        }
        assert_eq!(field_spec("SI", 14).unwrap().name, "1日の情報");
        assert_eq!(field_spec("SI", 44).unwrap().name, "31日の情報");
        assert_eq!(field_spec("TO", 18).unwrap().name, "1日の情報");
        assert_eq!(field_spec("HO", 6).unwrap().name, "合計点数");
        assert_eq!(field_spec("MF", 3).unwrap().name, "予備");
        assert_eq!(field_spec("MF", 2).unwrap().name, "窓口負担額区分");
        assert!(field_spec("GO", 5).is_none());
        assert!(layout("GR").is_none());
    }
}
