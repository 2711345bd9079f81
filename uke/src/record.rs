//! Typed UKE records (spec §3). Field numbers in the docs are 1-based positions as in
//! `spec/uke.md` (field 1 is the レコード識別情報).
//!
//! Conventions: codes and free text are `String` (an empty string = not recorded; codes keep
//! their leading zeros and spaces); optional numbers are `Option<_>`; dates are [`UkeDate`] /
//! [`UkeMonth`]; 点数 and 回数 are integers.

use serde::Serialize;

use crate::date::{UkeDate, UkeMonth};
use crate::error::{ErrorKind, UkeError};
use crate::fields::Fields;

/// One decoded record line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// 1-based record (line) number in the file.
    pub number: u64,
    /// The decoded fields, unchanged (field 1 = レコード識別情報 is `fields[0]`).
    pub fields: Vec<String>,
    /// The typed content.
    pub body: RecordBody,
    /// The record's bytes as read (Shift_JIS, without the line end), kept so that a record
    /// written back unchanged is byte-identical even where two Shift_JIS codes decode to one
    /// character (NEC / IBM extensions). None for a record built in memory.
    #[serde(skip)]
    pub raw: Option<Box<[u8]>>,
    /// True when the line ended with a bare LF instead of CRLF (accepted on reading; the 仕様
    /// has CRLF).
    #[serde(skip)]
    pub bare_lf: bool,
}

/// The typed content of a record, by レコード識別情報.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum RecordBody {
    /// IR 医療機関情報レコード
    Ir(Ir),
    /// RE レセプト共通レコード
    Re(Box<Re>),
    /// HO 保険者レコード
    Ho(Ho),
    /// KO 公費レコード
    Ko(Ko),
    /// KH 国保連固有情報レコード
    Kh(Kh),
    /// SN 資格確認レコード
    Sn(Sn),
    /// JD 受診日等レコード
    Jd(Jd),
    /// MF 窓口負担額レコード
    Mf(Mf),
    /// SY 傷病名レコード
    Sy(Sy),
    /// SI 診療行為レコード
    Si(Si),
    /// IY 医薬品レコード
    Iy(Iy),
    /// TO 特定器材レコード
    To(To),
    /// CO コメントレコード
    Co(Co),
    /// SJ 症状詳記レコード
    Sj(Sj),
    /// GO 診療報酬請求書レコード
    Go(Go),
    /// A known 医科 record that is kept untyped (GR 包括評価対象外理由, TI/TR/TS 臓器提供,
    /// NI 日計表): its fields are in [`Record::fields`].
    Other {
        /// The レコード識別情報.
        kind: String,
    },
}

/// The 31 算定日情報 columns (1日の情報 … 31日の情報): how many times a line was billed on
/// each calendar day of the 診療年月. Index 0 = day 1; an empty column is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DayCounts(pub [u16; 31]);

impl DayCounts {
    /// Count on `day` (1–31); 0 outside that range.
    pub fn get(&self, day: u8) -> u16 {
        usize::from(day)
            .checked_sub(1)
            .and_then(|i| self.0.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Σ over the 31 days (equals 回数 on well-formed lines, spec §4.3).
    pub fn total(&self) -> u32 {
        self.0.iter().map(|&c| u32::from(c)).sum()
    }

    /// `(day, count)` for every day with a non-zero count, in day order.
    pub fn iter(&self) -> impl Iterator<Item = (u8, u16)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| (i as u8 + 1, c))
    }

    /// True when no day has a count.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&c| c == 0)
    }
}

/// A comment attached to an SI/IY/TO line (コメントコード + 文字データ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineComment {
    /// コメントコード (8xxxxxxxx), may be empty when only text is given.
    pub code: String,
    /// 文字データ.
    pub text: String,
}

/// IR 医療機関情報レコード (10 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ir {
    /// #2 審査支払機関 (1 社会保険診療報酬支払基金, 2 国民健康保険団体連合会).
    pub payer_org: String,
    /// #3 都道府県 (01–47).
    pub prefecture: String,
    /// #4 点数表 (1 医科).
    pub fee_table: String,
    /// #5 医療機関コード (7 digits).
    pub facility_code: String,
    /// #7 医療機関名称.
    pub facility_name: String,
    /// #8 請求年月.
    pub claim_month: UkeMonth,
    /// #9 マルチボリューム識別情報 (`00` for a single volume).
    pub volume: String,
    /// #10 電話番号.
    pub phone: String,
}

/// One 診療科 group of RE #22–36 (診療科名 + 4 modifiers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Department {
    /// 診療科名.
    pub name: String,
    /// 人体の部位等.
    pub body_part: String,
    /// 性別等.
    pub sex: String,
    /// 医学的処置.
    pub treatment: String,
    /// 特定疾病.
    pub disease: String,
}

/// RE レセプト共通レコード (38 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Re {
    /// #2 レセプト番号.
    pub receipt_no: u32,
    /// #3 レセプト種別 (4 digits, spec §5.3).
    pub receipt_type: String,
    /// #4 診療年月.
    pub service_month: UkeMonth,
    /// #5 氏名.
    pub name: String,
    /// #6 男女区分 (1 男, 2 女).
    pub sex: String,
    /// #7 生年月日.
    pub birth_date: UkeDate,
    /// #8 給付割合 (normally empty).
    pub benefit_ratio: Option<u16>,
    /// #9 入院年月日.
    pub admission_date: Option<UkeDate>,
    /// #10 病棟区分 (up to four 2-digit codes concatenated).
    pub ward_class: String,
    /// #11 一部負担金・食事療養費・生活療養費標準負担額区分.
    pub copay_class: String,
    /// #12 レセプト特記事項 (up to five 2-digit codes concatenated).
    pub special_notes: String,
    /// #13 病床数.
    pub beds: Option<u32>,
    /// #14 カルテ番号等.
    pub chart_no: String,
    /// #15 割引点数単価.
    pub discount_unit_price: Option<u16>,
    /// #19 検索番号.
    pub search_no: String,
    /// #20 記録条件仕様年月情報.
    pub spec_version: String,
    /// #21 請求情報.
    pub claim_info: String,
    /// #22–36 診療科1–3 (only the groups with something recorded).
    pub departments: Vec<Department>,
    /// #37 カタカナ（氏名）.
    pub name_kana: String,
    /// #38 患者の状態 (3-digit codes concatenated).
    pub patient_state: String,
}

impl Re {
    /// レセプト特記事項 split into its 2-character codes.
    pub fn special_note_codes(&self) -> Vec<&str> {
        chunks(&self.special_notes, 2)
    }

    /// True for a 公費単独/公費併用 receipt (レセプト種別 digit 2 = `2`, no 医療保険).
    pub fn is_kohi_only(&self) -> bool {
        self.receipt_type.as_bytes().get(1) == Some(&b'2')
    }

    /// True for an 入院 receipt (レセプト種別 digit 4: odd for 医保, `1` for 公費のみ).
    pub fn is_inpatient(&self) -> bool {
        match self.receipt_type.as_bytes().get(3) {
            Some(d) if d.is_ascii_digit() => (d - b'0') % 2 == 1,
            _ => false,
        }
    }
}

fn chunks(s: &str, n: usize) -> Vec<&str> {
    if !s.is_ascii() {
        return vec![s];
    }
    (0..s.len()).step_by(n).map(|i| &s[i..(i + n).min(s.len())]).collect()
}

/// HO 保険者レコード (15 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ho {
    /// #2 保険者番号 (8 characters; a 6-digit 国保 number keeps its two leading spaces).
    pub insurer_no: String,
    /// #3 被保険者証（手帳）等の記号.
    pub card_symbol: String,
    /// #4 被保険者証（手帳）等の番号.
    pub card_number: String,
    /// #5 診療実日数.
    pub days: Option<u16>,
    /// #6 合計点数.
    pub total_points: u32,
    /// #8 食事療養・生活療養 回数.
    pub meal_count: Option<u16>,
    /// #9 食事療養・生活療養 合計金額 (yen).
    pub meal_amount: Option<u32>,
    /// #10 職務上の事由.
    pub duty_reason: String,
    /// #11 証明書番号.
    pub certificate_no: String,
    /// #12 負担金額 医療保険 (yen).
    pub patient_burden: Option<u32>,
    /// #13 減免区分.
    pub reduction_class: String,
    /// #14 減額割合 (percent).
    pub reduction_rate: Option<u16>,
    /// #15 減額金額 (yen).
    pub reduction_amount: Option<u32>,
}

/// KO 公費レコード (12 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ko {
    /// #2 公費負担者番号.
    pub payer_no: String,
    /// #3 公費受給者番号.
    pub recipient_no: String,
    /// #4 任意給付区分.
    pub optional_benefit: String,
    /// #5 診療実日数.
    pub days: Option<u16>,
    /// #6 合計点数.
    pub total_points: u32,
    /// #7 負担金額 公費 (yen).
    pub patient_burden: Option<u32>,
    /// #8 公費給付対象外来一部負担金 (yen).
    pub outpatient_copay: Option<u32>,
    /// #9 公費給付対象入院一部負担金 (yen).
    pub inpatient_copay: Option<u32>,
    /// #11 食事療養・生活療養 回数.
    pub meal_count: Option<u16>,
    /// #12 食事療養・生活療養 合計金額 (yen).
    pub meal_amount: Option<u32>,
}

/// KH 国保連固有情報レコード.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kh {
    /// #2 国保連固有情報 (free text).
    pub text: String,
}

/// SN 資格確認レコード (9 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sn {
    /// #2 負担者種別 (1 医療保険, 2–5 第1–第4公費).
    pub payer_kind: String,
    /// #3 確認区分.
    pub confirmation: String,
    /// #4 保険者番号等（資格確認）.
    pub insurer_no: String,
    /// #5 被保険者証等の記号（資格確認）.
    pub card_symbol: String,
    /// #6 被保険者証等の番号（資格確認）.
    pub card_number: String,
    /// #7 枝番.
    pub branch_no: String,
    /// #8 受給者番号.
    pub recipient_no: String,
}

/// JD 受診日等レコード (33 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Jd {
    /// #2 負担者種別.
    pub payer_kind: String,
    /// #3–33 受診等区分 for day 1 … 31 (`None` = not recorded).
    pub days: [Option<u8>; 31],
}

/// MF 窓口負担額レコード.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mf {
    /// #2 窓口負担額区分.
    pub class: String,
}

/// SY 傷病名レコード (8 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sy {
    /// #2 傷病名コード (7 digits; `0000999` = 未コード化傷病名).
    pub code: String,
    /// #3 診療開始日.
    pub start_date: Option<UkeDate>,
    /// #4 転帰区分 (1 継続, 2 治ゆ, 3 死亡, 4 中止).
    pub outcome: String,
    /// #5 修飾語コード (4-digit codes concatenated).
    pub modifiers: String,
    /// #6 傷病名称 (for 未コード化傷病名).
    pub name: String,
    /// #7 主傷病 (`01` = 主傷病).
    pub main: String,
    /// #8 補足コメント.
    pub comment: String,
}

impl Sy {
    /// 修飾語コード split into 4-character codes.
    pub fn modifier_codes(&self) -> Vec<&str> {
        chunks(&self.modifiers, 4)
    }
}

/// SI 診療行為レコード (44 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Si {
    /// #2 診療識別 (on the first line of a 算定単位 only).
    pub section: Option<String>,
    /// #3 負担区分.
    pub burden: String,
    /// #4 診療行為コード.
    pub code: String,
    /// #5 数量データ.
    pub quantity: Option<u32>,
    /// #6 点数 (of one application of the whole 算定単位; on its last line only).
    pub points: Option<u32>,
    /// #7 回数.
    pub count: Option<u16>,
    /// #8–13 コメント1–3.
    pub comments: Vec<LineComment>,
    /// #14–44 算定日情報.
    pub days: DayCounts,
}

/// IY 医薬品レコード (44 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Iy {
    /// #2 診療識別.
    pub section: Option<String>,
    /// #3 負担区分.
    pub burden: String,
    /// #4 医薬品コード.
    pub code: String,
    /// #5 使用量 (decimal text, e.g. `0.5`).
    pub quantity: Option<String>,
    /// #6 点数 (薬剤料 of the 算定単位; last line only).
    pub points: Option<u32>,
    /// #7 回数.
    pub count: Option<u16>,
    /// #8–13 コメント1–3.
    pub comments: Vec<LineComment>,
    /// #14–44 算定日情報.
    pub days: DayCounts,
}

/// TO 特定器材レコード (48 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct To {
    /// #2 診療識別.
    pub section: Option<String>,
    /// #3 負担区分.
    pub burden: String,
    /// #4 特定器材コード.
    pub code: String,
    /// #5 使用量 (decimal text).
    pub quantity: Option<String>,
    /// #6 点数.
    pub points: Option<u32>,
    /// #7 回数.
    pub count: Option<u16>,
    /// #8 単位コード.
    pub unit_code: String,
    /// #9 単価 (yen, decimal text).
    pub unit_price: Option<String>,
    /// #11 商品名及び規格又はサイズ.
    pub product_name: String,
    /// #12–17 コメント1–3.
    pub comments: Vec<LineComment>,
    /// #18–48 算定日情報.
    pub days: DayCounts,
}

/// CO コメントレコード (5 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Co {
    /// #2 診療識別 (`99` = comment on the whole receipt; empty on a continuation).
    pub section: Option<String>,
    /// #3 負担区分.
    pub burden: String,
    /// #4 コメントコード.
    pub code: String,
    /// #5 文字データ.
    pub text: String,
}

/// SJ 症状詳記レコード (3 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sj {
    /// #2 症状詳記区分.
    pub class: String,
    /// #3 症状詳記データ.
    pub text: String,
}

/// GO 診療報酬請求書レコード (4 fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Go {
    /// #2 総件数 (one per HO and per KO record, spec §3 GO).
    pub total_count: u32,
    /// #3 総合計点数.
    pub total_points: u64,
    /// #4 マルチボリューム識別情報 (`99` on the last volume).
    pub volume: String,
}

/// Field-count rule of a record type: the minimum, and whether extra trailing fields are
/// tolerated (spec §6: newer spec versions may append fields). Lines with 算定日情報 must
/// match exactly, because the day columns are positional.
fn field_rule(kind: &str) -> Option<(usize, bool)> {
    Some(match kind {
        "IR" => (10, false),
        "RE" => (38, false),
        "HO" => (15, false),
        "KO" => (12, false),
        "KH" => (2, false),
        "SN" => (9, false),
        "JD" => (33, false),
        "MF" => (2, false),
        "SY" => (8, false),
        "SI" | "IY" => (44, true),
        "TO" => (48, true),
        "CO" => (5, false),
        "SJ" => (3, false),
        "GO" => (4, false),
        "GR" | "TI" | "TR" | "TS" | "NI" => (1, false),
        _ => return None,
    })
}

impl Record {
    /// The レコード識別情報 (`IR`, `RE`, …).
    pub fn kind(&self) -> &str {
        self.fields.first().map(String::as_str).unwrap_or("")
    }

    /// Parses one record from its decoded fields.
    pub fn parse(number: u64, fields: Vec<String>) -> Result<Record, UkeError> {
        let body = parse_body(number, &fields)?;
        Ok(Record {
            number,
            fields,
            body,
            raw: None,
            bare_lf: false,
        })
    }

    /// The 診療識別 of an SI/IY/TO/CO line, if recorded.
    pub fn section(&self) -> Option<&str> {
        match &self.body {
            RecordBody::Si(x) => x.section.as_deref(),
            RecordBody::Iy(x) => x.section.as_deref(),
            RecordBody::To(x) => x.section.as_deref(),
            RecordBody::Co(x) => x.section.as_deref(),
            _ => None,
        }
    }
}

fn parse_body(number: u64, fields: &[String]) -> Result<RecordBody, UkeError> {
    let kind = fields.first().map(String::as_str).unwrap_or("");
    if kind.is_empty() && fields.len() <= 1 {
        return Err(UkeError::new(number, ErrorKind::EmptyRecord));
    }
    let Some((min, exact)) = field_rule(kind) else {
        return Err(UkeError::at_field(
            number,
            1,
            "レコード識別情報",
            ErrorKind::UnknownRecordType { kind: kind.to_owned() },
        ));
    };
    if fields.len() < min || (exact && fields.len() != min) {
        return Err(UkeError::new(
            number,
            ErrorKind::FieldCount {
                kind: kind.to_owned(),
                expected: min,
                found: fields.len(),
                exact,
            },
        ));
    }
    let f = Fields { number, fields };
    Ok(match kind {
        "IR" => RecordBody::Ir(Ir {
            payer_org: f.string(2),
            prefecture: f.string(3),
            fee_table: f.string(4),
            facility_code: f.string(5),
            facility_name: f.string(7),
            claim_month: f.req_month(8, "請求年月")?,
            volume: f.string(9),
            phone: f.string(10),
        }),
        "RE" => RecordBody::Re(Box::new(Re {
            receipt_no: f.req_uint(2, "レセプト番号")?,
            receipt_type: f.code(3, "レセプト種別", &[4])?,
            service_month: f.req_month(4, "診療年月")?,
            name: f.string(5),
            sex: f.string(6),
            birth_date: f.req_date(7, "生年月日")?,
            benefit_ratio: f.uint(8, "給付割合")?,
            admission_date: f.date(9, "入院年月日")?,
            ward_class: f.string(10),
            copay_class: f.string(11),
            special_notes: f.string(12),
            beds: f.uint(13, "病床数")?,
            chart_no: f.string(14),
            discount_unit_price: f.uint(15, "割引点数単価")?,
            search_no: f.string(19),
            spec_version: f.string(20),
            claim_info: f.string(21),
            departments: (0..3)
                .map(|k| {
                    let b = 22 + 5 * k;
                    Department {
                        name: f.string(b),
                        body_part: f.string(b + 1),
                        sex: f.string(b + 2),
                        treatment: f.string(b + 3),
                        disease: f.string(b + 4),
                    }
                })
                .filter(|d| {
                    !(d.name.is_empty()
                        && d.body_part.is_empty()
                        && d.sex.is_empty()
                        && d.treatment.is_empty()
                        && d.disease.is_empty())
                })
                .collect(),
            name_kana: f.string(37),
            patient_state: f.string(38),
        })),
        "HO" => RecordBody::Ho(Ho {
            insurer_no: f.string(2),
            card_symbol: f.string(3),
            card_number: f.string(4),
            days: f.uint(5, "診療実日数")?,
            total_points: f.req_uint(6, "合計点数")?,
            meal_count: f.uint(8, "食事療養・生活療養 回数")?,
            meal_amount: f.uint(9, "食事療養・生活療養 合計金額")?,
            duty_reason: f.string(10),
            certificate_no: f.string(11),
            patient_burden: f.uint(12, "負担金額 医療保険")?,
            reduction_class: f.string(13),
            reduction_rate: f.uint(14, "減額割合")?,
            reduction_amount: f.uint(15, "減額金額")?,
        }),
        "KO" => RecordBody::Ko(Ko {
            payer_no: f.string(2),
            recipient_no: f.string(3),
            optional_benefit: f.string(4),
            days: f.uint(5, "診療実日数")?,
            total_points: f.req_uint(6, "合計点数")?,
            patient_burden: f.uint(7, "負担金額 公費")?,
            outpatient_copay: f.uint(8, "公費給付対象外来一部負担金")?,
            inpatient_copay: f.uint(9, "公費給付対象入院一部負担金")?,
            meal_count: f.uint(11, "食事療養・生活療養 回数")?,
            meal_amount: f.uint(12, "食事療養・生活療養 合計金額")?,
        }),
        "KH" => RecordBody::Kh(Kh { text: f.string(2) }),
        "SN" => RecordBody::Sn(Sn {
            payer_kind: f.string(2),
            confirmation: f.string(3),
            insurer_no: f.string(4),
            card_symbol: f.string(5),
            card_number: f.string(6),
            branch_no: f.string(7),
            recipient_no: f.string(8),
        }),
        "JD" => {
            let mut days = [None; 31];
            for (k, d) in days.iter_mut().enumerate() {
                *d = f.uint::<u8>(3 + k, "受診等区分")?;
            }
            RecordBody::Jd(Jd {
                payer_kind: f.string(2),
                days,
            })
        }
        "MF" => RecordBody::Mf(Mf { class: f.string(2) }),
        "SY" => RecordBody::Sy(Sy {
            code: f.code(2, "傷病名コード", &[7])?,
            start_date: f.date(3, "診療開始日")?,
            outcome: f.string(4),
            modifiers: f.string(5),
            name: f.string(6),
            main: f.string(7),
            comment: f.string(8),
        }),
        "SI" => RecordBody::Si(Si {
            section: f.section(2)?,
            burden: f.string(3),
            code: f.code(4, "診療行為コード", &[9])?,
            quantity: f.uint(5, "数量データ")?,
            points: f.uint(6, "点数")?,
            count: f.uint(7, "回数")?,
            comments: f.comments(8)?,
            days: f.days(14)?,
        }),
        "IY" => RecordBody::Iy(Iy {
            section: f.section(2)?,
            burden: f.string(3),
            code: f.code(4, "医薬品コード", &[9])?,
            quantity: f.decimal(5, "使用量")?,
            points: f.uint(6, "点数")?,
            count: f.uint(7, "回数")?,
            comments: f.comments(8)?,
            days: f.days(14)?,
        }),
        "TO" => RecordBody::To(To {
            section: f.section(2)?,
            burden: f.string(3),
            code: f.code(4, "特定器材コード", &[9])?,
            quantity: f.decimal(5, "使用量")?,
            points: f.uint(6, "点数")?,
            count: f.uint(7, "回数")?,
            unit_code: f.string(8),
            unit_price: f.decimal(9, "単価")?,
            product_name: f.string(11),
            comments: f.comments(12)?,
            days: f.days(18)?,
        }),
        "CO" => RecordBody::Co(Co {
            section: f.section(2)?,
            burden: f.string(3),
            code: f.code(4, "コメントコード", &[9])?,
            text: f.string(5),
        }),
        "SJ" => RecordBody::Sj(Sj {
            class: f.string(2),
            text: f.string(3),
        }),
        "GO" => RecordBody::Go(Go {
            total_count: f.req_uint(2, "総件数")?,
            total_points: f.req_uint(3, "総合計点数")?,
            volume: f.string(4),
        }),
        other => RecordBody::Other { kind: other.to_owned() },
    })
}
