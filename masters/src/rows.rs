//! Typed rows of the four masters. Each struct holds the columns that calculation and display
//! use, typed; every other column stays readable through the version's raw row and the column
//! table in [`crate::columns`]. Enumerations keep unknown values (`Other`) — validation reports
//! them instead of dropping them.

use crate::columns::{Col, COLUMNS_C, COLUMNS_S, COLUMNS_T, COLUMNS_Y};
use crate::error::{Error, ErrorKind};
use crate::raw::RawRow;
use crate::value::{Fields, RowCtx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A 9-digit master code (診療行為コード, 医薬品コード, 特定器材コード, コメントコード).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(pub u32);

impl Code {
    /// Parses a 9-digit code.
    pub fn parse(s: &str) -> Option<Code> {
        if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok().map(Code)
        } else {
            None
        }
    }
    /// The master kind a code belongs to, by its first digit (1 s, 6 y, 7 t, 8 c).
    pub fn kind(self) -> Option<Kind> {
        match self.0 / 100_000_000 {
            1 => Some(Kind::S),
            6 => Some(Kind::Y),
            7 => Some(Kind::T),
            8 => Some(Kind::C),
            _ => None,
        }
    }
}

impl Code {
    /// The 9-digit text, without the formatting machinery (hot in result building).
    pub fn digits(self) -> [u8; 9] {
        let mut out = [b'0'; 9];
        let mut n = self.0;
        for b in out.iter_mut().rev() {
            *b = b'0' + (n % 10) as u8;
            n /= 10;
        }
        out
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        // The digits are ASCII.
        f.write_str(std::str::from_utf8(&d).unwrap_or("?????????"))
    }
}

/// A code equals its 9-digit text (for callers that hold codes as text).
impl PartialEq<str> for Code {
    fn eq(&self, o: &str) -> bool {
        o.as_bytes() == self.digits()
    }
}
impl PartialEq<&str> for Code {
    fn eq(&self, o: &&str) -> bool {
        o.as_bytes() == self.digits()
    }
}
impl PartialEq<String> for Code {
    fn eq(&self, o: &String) -> bool {
        o.as_bytes() == self.digits()
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The four masters santei reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Kind {
    /// 医科診療行為マスター
    S,
    /// 医薬品マスター
    Y,
    /// 特定器材マスター
    T,
    /// コメントマスター
    C,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::S, Kind::Y, Kind::T, Kind::C];
    pub fn letter(self) -> char {
        match self {
            Kind::S => 's',
            Kind::Y => 'y',
            Kind::T => 't',
            Kind::C => 'c',
        }
    }
    pub fn from_letter(c: char) -> Option<Kind> {
        match c {
            's' | 'S' => Some(Kind::S),
            'y' | 'Y' => Some(Kind::Y),
            't' | 'T' => Some(Kind::T),
            'c' | 'C' => Some(Kind::C),
            _ => None,
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            Kind::S => "医科診療行為マスター",
            Kind::Y => "医薬品マスター",
            Kind::T => "特定器材マスター",
            Kind::C => "コメントマスター",
        }
    }
    /// Column counts accepted (layouts over time: y 35 → 40 → 42, t 37 → 38).
    pub fn allowed_columns(self) -> &'static [usize] {
        match self {
            Kind::S => &[150],
            Kind::Y => &[35, 40, 42],
            Kind::T => &[37, 38],
            Kind::C => &[30],
        }
    }
    pub fn columns(self) -> &'static [Col] {
        match self {
            Kind::S => COLUMNS_S,
            Kind::Y => COLUMNS_Y,
            Kind::T => COLUMNS_T,
            Kind::C => COLUMNS_C,
        }
    }
    /// Column of 変更年月日.
    pub fn valid_from_col(self) -> usize {
        match self {
            Kind::S => 87,
            Kind::Y => 30,
            Kind::T => 28,
            Kind::C => 21,
        }
    }
    /// Column of 廃止年月日.
    pub fn valid_to_col(self) -> usize {
        match self {
            Kind::S => 88,
            Kind::Y => 31,
            Kind::T => 30,
            Kind::C => 22,
        }
    }
    /// The 9-digit code of a row. For c it is built from パターン and 一連番号 (cols 4–5), since
    /// sparse delta rows leave col 23 empty: `8` + パターン(2) + 一連番号(6).
    pub fn key(self, ctx: RowCtx<'_>, raw: &RawRow) -> Result<Code, Error> {
        let cols = self.columns();
        match self {
            Kind::C => {
                let pat = raw.col(4);
                let ser = raw.col(5);
                let p: u32 = pat
                    .parse()
                    .ok()
                    .filter(|p| *p < 100)
                    .ok_or_else(|| ctx.bad(&cols[3], pat, "comment pattern"))?;
                let s: u32 = ser
                    .parse()
                    .ok()
                    .filter(|s| *s < 1_000_000)
                    .ok_or_else(|| ctx.bad(&cols[4], ser, "comment serial"))?;
                Ok(Code(800_000_000 + p * 1_000_000 + s))
            }
            _ => {
                let v = raw.col(3);
                Code::parse(v).ok_or_else(|| ctx.bad(&cols[2], v, "9-digit code"))
            }
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// 変更区分 (column 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ChangeKind {
    /// 0 異動なし
    Unchanged,
    /// 1 抹消 (withdrawn: the code never existed)
    Withdrawn,
    /// 3 新規
    New,
    /// 5 変更 (sparse in deltas)
    Changed,
    /// 9 廃止 (sparse in deltas)
    Abolished,
    /// any other value, kept and reported
    Other(u8),
}

impl ChangeKind {
    pub fn parse(v: &str) -> Option<ChangeKind> {
        Some(match v {
            "0" => ChangeKind::Unchanged,
            "1" => ChangeKind::Withdrawn,
            "3" => ChangeKind::New,
            "5" => ChangeKind::Changed,
            "9" => ChangeKind::Abolished,
            _ => ChangeKind::Other(v.parse().ok()?),
        })
    }
}

/// 点数識別 / 金額種別 (s col 11, y col 11, t col 11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PointKind {
    /// 1 金額 (yen)
    Yen,
    /// 2 都道府県購入価格
    PrefecturePrice,
    /// 3 点数（プラス）
    Points,
    /// 4 購入価格（点数）
    PurchasePrice,
    /// 5 %加算
    PercentAdd,
    /// 6 %減算
    PercentSub,
    /// 7 減点診療行為
    Reduction,
    /// 8 点数（マイナス）
    MinusPoints,
    /// 9 乗算割合
    Multiply,
    Other(u8),
}

impl PointKind {
    fn from(v: u8) -> Self {
        match v {
            1 => PointKind::Yen,
            2 => PointKind::PrefecturePrice,
            3 => PointKind::Points,
            4 => PointKind::PurchasePrice,
            5 => PointKind::PercentAdd,
            6 => PointKind::PercentSub,
            7 => PointKind::Reduction,
            8 => PointKind::MinusPoints,
            9 => PointKind::Multiply,
            o => PointKind::Other(o),
        }
    }
}

/// 入外適用区分 (s col 13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum InOut {
    Both,
    InpatientOnly,
    OutpatientOnly,
    Other(u8),
}

/// 病院・診療所区分 (s col 19).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum HospClinic {
    Both,
    HospitalOnly,
    ClinicOnly,
    Other(u8),
}

/// An age bound of the 上下限年齢 / 年齢加算 columns (s cols 41–42, 100–111).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum AgeBound {
    /// `00`: no bound.
    None,
    /// a whole number of years
    Years(u8),
    /// `AA` 生後28日
    Days28,
    /// `B3`, `B6`, `BF`, `BK`: the first day of the month after the n-th birthday
    MonthAfterBirthday(u8),
    /// `MG` 未就学 (before school entry: the 1st April after the 6th birthday)
    Preschool,
    /// any other code, kept as read
    Other(Box<str>),
}

impl AgeBound {
    pub fn parse(v: &str) -> AgeBound {
        match v {
            "" | "0" | "00" => AgeBound::None,
            "AA" => AgeBound::Days28,
            "B3" => AgeBound::MonthAfterBirthday(3),
            "B6" => AgeBound::MonthAfterBirthday(6),
            "BF" => AgeBound::MonthAfterBirthday(15),
            "BK" => AgeBound::MonthAfterBirthday(20),
            "MG" => AgeBound::Preschool,
            _ => match v.parse::<u8>() {
                Ok(n) => AgeBound::Years(n),
                Err(_) => AgeBound::Other(v.into()),
            },
        }
    }
}

/// きざみ値 (s cols 30–35): points that depend on a quantity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub lower: u32,
    pub upper: u32,
    pub step: u32,
    pub step_points: Decimal,
    pub error_handling: u8,
}

/// One 年齢加算 entry (s cols 100–111): an age band and the 注加算 code it adds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgeKasan {
    pub lower: AgeBound,
    pub upper: AgeBound,
    pub code: Code,
}

/// 医科診療行為マスター row (s), typed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Procedure {
    pub code: Code,
    /// 省略漢字名称 (col 5): the name printed on receipts (shared with result lines).
    pub name: Arc<str>,
    /// 基本漢字名称 (col 113).
    pub basic_name: Box<str>,
    /// データ規格コード (col 8).
    pub unit_code: u16,
    pub unit_name: Box<str>,
    /// 点数識別 (col 11).
    pub point_kind: PointKind,
    /// 新又は現点数 (col 12).
    pub points: Decimal,
    /// 入外適用区分 (col 13).
    pub in_out: InOut,
    /// 後期高齢者医療適用区分 (col 14).
    pub kouki: u8,
    /// 点数欄集計先識別（入院外） (col 15).
    pub sum_target_out: u16,
    /// 包括対象検査 (col 16).
    pub bundle_test_group: u8,
    /// 病院・診療所区分 (col 19).
    pub hosp_clinic: HospClinic,
    /// 実日数 / 日数・回数 (cols 27, 28).
    pub jitsunissu: u8,
    pub nissu_kaisu: u8,
    /// 医薬品関連区分 (col 29).
    pub drug_related: u8,
    /// きざみ値 (cols 30–35), when col 30 = 1.
    pub step: Option<Step>,
    /// 上限回数 / エラー処理 (cols 36, 37).
    pub max_count: u32,
    pub max_count_error: u8,
    /// 注加算コード (col 38), 0 = none.
    pub chu_kasan_code: u16,
    /// 注加算通番 (col 39), ASCII `0`–`9`, `A`–`Z`.
    pub chu_kasan_seq: u8,
    /// 通則年齢 (col 40).
    pub tsusoku_age: u8,
    /// 上下限年齢 (cols 41, 42).
    pub age_lower: AgeBound,
    pub age_upper: AgeBound,
    /// 時間加算区分 (col 43).
    pub time_kasan: u8,
    /// 基準適合識別 (cols 44, 45).
    pub kijun_kubun: u8,
    pub kijun_facility: u16,
    /// 処置乳幼児加算区分 (col 46).
    pub shochi_infant: u8,
    /// 検査等実施判断区分 / グループ区分 (cols 50, 51).
    pub jisshi_handan: u8,
    pub handan_group: u8,
    /// 逓減対象区分 (col 52): 1 = the row is subject to a 逓減 (2回目以降 減算) rule.
    pub teigen: u8,
    /// 包括逓減区分 (col 63): the series a 逓減 counts over (rows with the same value are
    /// 「同一の検査」; 201 = CT and MRI together), 0 = none.
    pub teigen_group: u16,
    /// 外来管理加算区分 (col 56).
    pub gairai_kanri: u8,
    /// 検体検査コメント (col 61).
    pub specimen_comment: u8,
    /// 通則加算所定点数対象区分 (col 62): 1 on the 注加算 / 手術医療機器等加算 rows that the 通則's
    /// percentage 加算 do not count in their 所定点数 (rules::tsusoku).
    pub tsusoku_base: u8,
    /// 点数欄集計先識別（入院） (col 66).
    pub sum_target_in: u16,
    /// 告示等識別区分（１） (col 68), ASCII.
    pub kokuji1: u8,
    /// 病床数区分 (col 71).
    pub bed_count_kind: u8,
    /// 施設基準コード（１）〜（１０） (cols 72–81), non-zero ones.
    pub facility_standards: Vec<u16>,
    /// コード表用番号: アルファベット部, 章, 部, 区分番号, 枝番, 項番 (cols 85, 90–94).
    pub tbl_alpha: char,
    pub tbl_chapter: u8,
    pub tbl_part: u8,
    pub tbl_kubun: u16,
    pub tbl_eda: u8,
    pub tbl_kouban: u16,
    /// 年齢加算（１）〜（４） (cols 100–111), the filled ones.
    pub age_kasan: Vec<AgeKasan>,
    /// 異動関連 (col 112).
    pub related_code: u32,
    /// 外来感染対策向上加算等 (col 124), ASCII.
    pub infection_kasan: u8,
    /// 外来・在宅ベースアップ評価料（１）（２） (cols 129, 130).
    pub baseup1: u8,
    pub baseup2: u8,
    /// 変更年月日 / 廃止年月日 (cols 87, 88) as read.
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

impl Procedure {
    pub(crate) fn from_raw(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw,
            cols: COLUMNS_S,
        };
        let code = Kind::S.key(ctx, raw)?;
        let in_out = match f.flag(13)? {
            0 => InOut::Both,
            1 => InOut::InpatientOnly,
            2 => InOut::OutpatientOnly,
            o => InOut::Other(o),
        };
        let hosp_clinic = match f.flag(19)? {
            0 => HospClinic::Both,
            1 => HospClinic::HospitalOnly,
            2 => HospClinic::ClinicOnly,
            o => HospClinic::Other(o),
        };
        let step = if f.flag(30)? == 1 {
            Some(Step {
                lower: f.int(31)?,
                upper: f.int(32)?,
                step: f.int(33)?,
                step_points: f.dec(34)?,
                error_handling: f.flag(35)?,
            })
        } else {
            None
        };
        let mut facility_standards = Vec::new();
        for c in 72..=81 {
            let v = f.int(c)?;
            if v != 0 {
                facility_standards.push(v as u16);
            }
        }
        let mut age_kasan = Vec::new();
        for i in 0..4 {
            let base = 100 + i * 3;
            let kc = f.num_code(base + 2)?;
            if kc != 0 {
                age_kasan.push(AgeKasan {
                    lower: AgeBound::parse(f.str(base)),
                    upper: AgeBound::parse(f.str(base + 1)),
                    code: Code(kc),
                });
            }
        }
        Ok(Procedure {
            code,
            name: Arc::from(f.required(5)?),
            basic_name: f.text(113),
            unit_code: f.int(8)? as u16,
            unit_name: f.text(10),
            point_kind: PointKind::from(f.flag(11)?),
            points: f.dec(12)?,
            in_out,
            kouki: f.flag(14)?,
            sum_target_out: f.int(15)? as u16,
            bundle_test_group: f.flag(16)?,
            hosp_clinic,
            jitsunissu: f.flag(27)?,
            nissu_kaisu: f.flag(28)?,
            drug_related: f.flag(29)?,
            step,
            max_count: f.int(36)?,
            max_count_error: f.flag(37)?,
            chu_kasan_code: f.int(38)? as u16,
            chu_kasan_seq: f.ch(39)?,
            tsusoku_age: f.flag(40)?,
            age_lower: AgeBound::parse(f.str(41)),
            age_upper: AgeBound::parse(f.str(42)),
            time_kasan: f.flag(43)?,
            kijun_kubun: f.flag(44)?,
            kijun_facility: f.int(45)? as u16,
            shochi_infant: f.flag(46)?,
            jisshi_handan: f.flag(50)?,
            handan_group: f.flag(51)?,
            teigen: f.flag(52)?,
            teigen_group: f.int(63)? as u16,
            gairai_kanri: f.flag(56)?,
            specimen_comment: f.flag(61)?,
            tsusoku_base: f.flag(62)?,
            sum_target_in: f.int(66)? as u16,
            kokuji1: f.ch(68)?,
            bed_count_kind: f.flag(71)?,
            facility_standards,
            tbl_alpha: f.str(85).chars().next().unwrap_or('*'),
            tbl_chapter: f.flag(90)?,
            tbl_part: f.flag(91)?,
            tbl_kubun: f.int(92)? as u16,
            tbl_eda: f.flag(93)?,
            tbl_kouban: f.int(94)? as u16,
            age_kasan,
            related_code: f.num_code(112)?,
            infection_kasan: f.ch(124)?,
            baseup1: f.flag(129)?,
            baseup2: f.flag(130)?,
            valid_from: f.date(87)?,
            valid_to: f.date(88)?,
        })
    }

    /// 区分番号 as printed in the 点数表, e.g. `A000`, `D007`, `B001-2`.
    pub fn kubun_label(&self) -> String {
        if self.tbl_eda == 0 {
            format!("{}{:03}", self.tbl_alpha, self.tbl_kubun)
        } else {
            format!("{}{:03}-{}", self.tbl_alpha, self.tbl_kubun, self.tbl_eda)
        }
    }
}

/// 剤形 (y col 28).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DosageForm {
    /// 1 内用薬
    Internal,
    /// 3 その他
    Other,
    /// 4 注射薬
    Injection,
    /// 6 外用薬
    External,
    /// 8 歯科用薬剤
    Dental,
    Unknown(u8),
}

/// 医薬品マスター row (y), typed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Drug {
    pub code: Code,
    /// 漢字名称 (col 5).
    pub name: Arc<str>,
    pub basic_name: Box<str>,
    pub unit_code: u16,
    pub unit_name: Box<str>,
    /// 金額種別 (col 11).
    pub price_kind: PointKind,
    /// 新又は現金額 (col 12): 薬価 in yen per unit.
    pub price: Decimal,
    /// 麻薬・毒薬・覚醒剤原料・向精神薬 (col 14).
    pub narcotic_kind: u8,
    pub nerve_destroying: u8,
    pub biological: u8,
    /// 後発品 (col 17).
    pub generic: u8,
    /// 造影（補助）剤 (col 20).
    pub contrast: u8,
    pub injection_ml: u32,
    /// 剤形 (col 28).
    pub dosage_form: DosageForm,
    /// 変更年月日 / 廃止年月日 (cols 30, 31).
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// 経過措置年月日 (col 34), none when `0`.
    pub transition_date: Option<NaiveDate>,
    /// 薬価基準収載医薬品コード (col 32).
    pub yj_code: Box<str>,
    /// 一般名処方加算対象区分 (col 39; 40-column layout on).
    pub generic_rx_kasan: u8,
    /// 選定療養区分 (col 42; 42-column layout on).
    pub sentei_kind: u8,
}

impl Drug {
    pub(crate) fn from_raw(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw,
            cols: COLUMNS_Y,
        };
        let dosage_form = match f.flag(28)? {
            1 => DosageForm::Internal,
            3 => DosageForm::Other,
            4 => DosageForm::Injection,
            6 => DosageForm::External,
            8 => DosageForm::Dental,
            o => DosageForm::Unknown(o),
        };
        Ok(Drug {
            code: Kind::Y.key(ctx, raw)?,
            name: Arc::from(f.required(5)?),
            basic_name: f.text(35),
            unit_code: f.int(8)? as u16,
            unit_name: f.text(10),
            price_kind: PointKind::from(f.flag(11)?),
            price: f.dec(12)?,
            narcotic_kind: f.flag(14)?,
            nerve_destroying: f.flag(15)?,
            biological: f.flag(16)?,
            generic: f.flag(17)?,
            contrast: f.flag(20)?,
            injection_ml: f.int(21)?,
            dosage_form,
            valid_from: f.date(30)?,
            valid_to: f.date(31)?,
            transition_date: f.opt_date(34)?,
            yj_code: f.text(32),
            generic_rx_kasan: f.flag(39)?,
            sentei_kind: f.flag(42)?,
        })
    }
}

/// 特定器材マスター row (t), typed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Material {
    pub code: Code,
    pub name: Arc<str>,
    pub basic_name: Box<str>,
    pub unit_code: u16,
    pub unit_name: Box<str>,
    /// 金額種別 (col 11).
    pub price_kind: PointKind,
    /// 新又は現金額 (col 12): 償還価格 in yen.
    pub price: Decimal,
    pub age_kasan: u8,
    pub age_lower: AgeBound,
    pub age_upper: AgeBound,
    /// 酸素等区分 (col 21).
    pub oxygen_kind: u8,
    /// 特定器材種別 (col 22): the yen → points rounding rule.
    pub calc_kind: u8,
    /// 上限点数 (col 24), 0 = none.
    pub max_points: u32,
    pub valid_from: NaiveDate,
    /// 経過措置年月日 (col 29).
    pub transition_date: Option<NaiveDate>,
    pub valid_to: NaiveDate,
}

impl Material {
    pub(crate) fn from_raw(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw,
            cols: COLUMNS_T,
        };
        Ok(Material {
            code: Kind::T.key(ctx, raw)?,
            name: Arc::from(f.required(5)?),
            basic_name: f.text(37),
            unit_code: f.int(8)? as u16,
            unit_name: f.text(10),
            price_kind: PointKind::from(f.flag(11)?),
            price: f.dec(12)?,
            age_kasan: f.flag(14)?,
            age_lower: AgeBound::parse(f.str(15)),
            age_upper: AgeBound::parse(f.str(16)),
            oxygen_kind: f.flag(21)?,
            calc_kind: f.flag(22)?,
            max_points: f.int(24)?,
            valid_from: f.date(28)?,
            transition_date: f.opt_date(29)?,
            valid_to: f.date(30)?,
        })
    }
}

/// コメントマスター row (c), typed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comment {
    /// コメントコード: `8` + パターン + 一連番号.
    pub code: Code,
    /// パターン (col 4).
    pub pattern: u8,
    /// 一連番号 (col 5).
    pub serial: u32,
    /// コメント文 漢字名称 (col 7); empty for patterns 10 and 90.
    pub text: Arc<str>,
    /// レセプト編集情報①–④ (cols 10–17): (カラム位置, 桁数), the used ones.
    pub edits: Vec<(u16, u16)>,
    /// 選択式コメント識別 (col 20).
    pub selectable: u8,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

impl Comment {
    pub(crate) fn from_raw(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw,
            cols: COLUMNS_C,
        };
        let code = Kind::C.key(ctx, raw)?;
        let listed = f.str(23);
        if !listed.is_empty() && code != listed {
            return Err(ctx.err(
                &COLUMNS_C[22],
                ErrorKind::Other(format!(
                    "コメントコード `{listed}` does not match パターン/一連番号 ({code})"
                )),
            ));
        }
        let mut edits = Vec::new();
        for c in [10, 12, 14, 16] {
            let pos = f.int(c)? as u16;
            if pos != 0 {
                edits.push((pos, f.int(c + 1)? as u16));
            }
        }
        Ok(Comment {
            code,
            pattern: f.flag(4)?,
            serial: f.int(5)?,
            text: Arc::from(f.str(7)),
            edits,
            selectable: f.flag(20)?,
            valid_from: f.date(21)?,
            valid_to: f.date(22)?,
        })
    }
}

/// A typed row of any kind.
pub trait MasterRow: Sized + Send + Sync + 'static {
    const KIND: Kind;
    fn from_raw(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self, Error>;
    fn code(&self) -> Code;
    fn name(&self) -> &str;
}

macro_rules! impl_row {
    ($t:ty, $k:expr) => {
        impl MasterRow for $t {
            const KIND: Kind = $k;
            fn from_raw(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self, Error> {
                <$t>::from_raw(ctx, raw)
            }
            fn code(&self) -> Code {
                self.code
            }
            fn name(&self) -> &str {
                &self.name
            }
        }
    };
}
impl_row!(Procedure, Kind::S);
impl_row!(Drug, Kind::Y);
impl_row!(Material, Kind::T);

impl MasterRow for Comment {
    const KIND: Kind = Kind::C;
    fn from_raw(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self, Error> {
        Comment::from_raw(ctx, raw)
    }
    fn code(&self) -> Code {
        self.code
    }
    fn name(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn code_text() {
        assert_eq!(Code(111000110).to_string(), "111000110");
        assert_eq!(Code(1).to_string(), "000000001");
        assert_eq!(Code::parse("620000033"), Some(Code(620000033)));
        assert_eq!(Code::parse("62000003"), None);
    }
}
