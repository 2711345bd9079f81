//! Typed rows of the 医科電子点数表 tables, their column layouts, enumerations and parsers.
//!
//! Every column of every table is either typed here or, for 予備 and name columns, kept in the
//! row's [`RawRow`] (one string per row; names are borrowed from it, never copied).
//! Enumerations keep unknown values in an `Other` variant so that a future release with a new
//! value still loads.

use super::TableId;
use crate::columns::{Col, ColType};
use crate::error::{Error, ErrorKind};
use crate::raw::RawRow;
use crate::rows::{ChangeKind, Code};
use crate::value::{parse_date, Fields, RowCtx};
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

// ---------------------------------------------------------------------------------------------
// Provenance and validity
// ---------------------------------------------------------------------------------------------

/// Where a table row was read: index into [`super::Tensuhyo::files`] and 1-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TableRowRef {
    pub file: u16,
    pub line: u32,
}

/// Whether a file (and so a row) is SSK's published table or a vendor override
/// (`override_…` file name, see the [module documentation](super)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TableLayer {
    /// The table as published by SSK.
    Official,
    /// A vendor file in the same layout whose rows add to, replace or switch off official rows.
    Override,
}

/// The columns every table shares: 変更区分, 新設年月日, 廃止年月日, plus where the row came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowMeta {
    /// 変更区分 (col 1): `0` 異動なし, `1` 抹消, `3` 新規, `5` 変更, `9` 廃止 [手引き pp.25, 27–30].
    pub change: ChangeKind,
    /// 新設年月日: first day the row applies.
    pub valid_from: NaiveDate,
    /// 廃止年月日: last day the row applies ([`crate::OPEN_END`] for `99999999`).
    pub valid_to: NaiveDate,
    /// The file and line the row was read from.
    pub at: TableRowRef,
    /// Official table or override.
    pub layer: TableLayer,
    /// For an override row: the row with the same key it took the place of (an official row or
    /// a row of an earlier override file), if any.
    pub replaces: Option<TableRowRef>,
}

impl RowMeta {
    /// Whether the row applies on `date` (新設年月日 ≤ date ≤ 廃止年月日).
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_to
    }
}

// ---------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------

/// 包括単位 (01 cols 4, 6, 8): the window in which a 親 item includes the items of its group
/// [手引き p.25]. `0`/`00` 関連なし is represented by the absence of a [`HokatsuLink`].
/// The data stores these without the leading zero (`2`, not `02`); both are accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum HokatsuUnit {
    /// `01` 1日につき
    Day,
    /// `02` 同一月内
    Month,
    /// `03` 同時
    SameTime,
    /// `05` 手術前1週間
    PreSurgeryWeek,
    /// `06` 1手術につき
    PerSurgery,
    /// Any other value (e.g. `4`, not in the 手引き's list), kept as read.
    Other(u8),
}

impl HokatsuUnit {
    /// `None` for `0` (関連なし).
    pub fn from_code(v: u8) -> Option<HokatsuUnit> {
        Some(match v {
            0 => return None,
            1 => HokatsuUnit::Day,
            2 => HokatsuUnit::Month,
            3 => HokatsuUnit::SameTime,
            5 => HokatsuUnit::PreSurgeryWeek,
            6 => HokatsuUnit::PerSurgery,
            o => HokatsuUnit::Other(o),
        })
    }
    pub fn code(self) -> u8 {
        match self {
            HokatsuUnit::Day => 1,
            HokatsuUnit::Month => 2,
            HokatsuUnit::SameTime => 3,
            HokatsuUnit::PreSurgeryWeek => 5,
            HokatsuUnit::PerSurgery => 6,
            HokatsuUnit::Other(o) => o,
        }
    }
    /// The 手引き's wording; `None` for unknown values.
    pub fn name_ja(self) -> Option<&'static str> {
        Some(match self {
            HokatsuUnit::Day => "1日につき",
            HokatsuUnit::Month => "同一月内",
            HokatsuUnit::SameTime => "同時",
            HokatsuUnit::PreSurgeryWeek => "手術前1週間",
            HokatsuUnit::PerSurgery => "1手術につき",
            HokatsuUnit::Other(_) => return None,
        })
    }
}

/// 包括・被包括 グループ番号 (01 cols 5, 7, 9; 02 col 2): up to 7 ASCII letters/digits, e.g.
/// `D324001` = 告示番号 D324, 枝番 00, 通番 1 [手引き p.15]. `0` (関連なし) is not a group.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupNo {
    bytes: [u8; 7],
    len: u8,
}

impl GroupNo {
    /// Parses a group number; `None` for anything else, including `0` (関連なし).
    pub fn parse(s: &str) -> Option<GroupNo> {
        let b = s.as_bytes();
        if b.is_empty() || b.len() > 7 || !b.iter().all(u8::is_ascii_alphanumeric) || b.iter().all(|&c| c == b'0') {
            return None;
        }
        let mut bytes = [0u8; 7];
        bytes[..b.len()].copy_from_slice(b);
        Some(GroupNo {
            bytes,
            len: b.len() as u8,
        })
    }
    pub fn as_str(&self) -> &str {
        // Only ASCII alphanumerics are ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl fmt::Display for GroupNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for GroupNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GroupNo({})", self.as_str())
    }
}

impl Serialize for GroupNo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// 入院基本料識別 (01 col 20) / 入院基本料 グループ番号 (04 col 2): 3 digits, `001` …;
/// `000` (関連なし) is not a group [手引き pp.26, 29].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct NyuinGroup(pub u16);

impl fmt::Display for NyuinGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

/// The condition of a 背反 file [一覧 ※3]: which window the two items must fall in to exclude
/// each other. Fixed per file: 03-1 … 03-4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum HaihanScope {
    /// 03-1 1日につき背反 (same day)
    Day,
    /// 03-2 同一月内で背反 (same calendar month)
    Month,
    /// 03-3 同時に背反 (same time / same claim event)
    SameTime,
    /// 03-4 1週間につき背反 (the 手引き does not define calendar vs rolling week)
    Week,
}

impl HaihanScope {
    pub const ALL: [HaihanScope; 4] = [
        HaihanScope::Day,
        HaihanScope::Month,
        HaihanScope::SameTime,
        HaihanScope::Week,
    ];
    /// The file number after `03-` (1–4).
    pub fn file_no(self) -> u8 {
        self.index() as u8 + 1
    }
    /// 0-based position in [`HaihanScope::ALL`].
    pub fn index(self) -> usize {
        match self {
            HaihanScope::Day => 0,
            HaihanScope::Month => 1,
            HaihanScope::SameTime => 2,
            HaihanScope::Week => 3,
        }
    }
    /// `1日につき`, `同一月内`, `同時`, `1週間につき` (the 01 背反関連識別 headings).
    pub fn name_ja(self) -> &'static str {
        match self {
            HaihanScope::Day => "1日につき",
            HaihanScope::Month => "同一月内",
            HaihanScope::SameTime => "同時",
            HaihanScope::Week => "1週間につき",
        }
    }
}

/// 背反区分 (03 col 6) [手引き p.28, p.35]: which of the two items is billed when both fall in
/// the file's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum HaihanKubun {
    /// `1` 診療行為コード①を算定する: keep ①, drop ②.
    KeepFirst,
    /// `2` 診療行為コード②を算定する: keep ②, drop ①.
    KeepSecond,
    /// `3` 何れか一方を算定する: keep one of them (the table does not say which).
    Either,
    /// Any other value, kept as read.
    Other(u8),
}

impl HaihanKubun {
    pub fn from_code(v: u8) -> HaihanKubun {
        match v {
            1 => HaihanKubun::KeepFirst,
            2 => HaihanKubun::KeepSecond,
            3 => HaihanKubun::Either,
            o => HaihanKubun::Other(o),
        }
    }
    pub fn code(self) -> u8 {
        match self {
            HaihanKubun::KeepFirst => 1,
            HaihanKubun::KeepSecond => 2,
            HaihanKubun::Either => 3,
            HaihanKubun::Other(o) => o,
        }
    }
    /// The 区分 the reverse row (②, ①) must carry: 1 ↔ 2, 3 ↔ 3 [手引き pp.22–23].
    pub fn mirrored(self) -> HaihanKubun {
        match self {
            HaihanKubun::KeepFirst => HaihanKubun::KeepSecond,
            HaihanKubun::KeepSecond => HaihanKubun::KeepFirst,
            k => k,
        }
    }
}

/// 特例条件 (02 col 5, 03 col 7, 05 col 7) [手引き pp.27, 28, 30]: whether the relation has a
/// special condition written in the 通知. Rows with a condition must not be applied blindly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum SpecialCondition {
    /// `0` 条件なし
    Unconditional,
    /// `1` 条件あり
    Conditional,
    /// Any other value, kept as read.
    Other(u8),
}

impl SpecialCondition {
    pub fn from_code(v: u8) -> SpecialCondition {
        match v {
            0 => SpecialCondition::Unconditional,
            1 => SpecialCondition::Conditional,
            o => SpecialCondition::Other(o),
        }
    }
    pub fn code(self) -> u8 {
        match self {
            SpecialCondition::Unconditional => 0,
            SpecialCondition::Conditional => 1,
            SpecialCondition::Other(o) => o,
        }
    }
    /// Anything but `0`: the relation holds only under a condition of the 通知.
    pub fn is_conditional(self) -> bool {
        self != SpecialCondition::Unconditional
    }
}

/// A calendar length of a period-like 算定単位, for the engine to anchor (the 手引き does not say
/// whether `週` is a calendar week or 7 days, nor where `３月` starts; see spec §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum UnitSpan {
    Days(u16),
    Weeks(u16),
    Months(u16),
    /// 年度 (April–March)
    FiscalYear,
}

macro_rules! kaisu_units {
    ($( $(#[$m:meta])* $v:ident = $code:literal, $name:literal; )*) => {
        /// 算定単位コード (05 col 4) [手引き p.30, 付表1 p.32]. Variants cover every code used in
        /// the 令和6年度 05 table plus the other period-like codes of 付表1 (２年, 年度);
        /// any other code is kept in `Other`, with the table's own 算定単位名称 (col 5) in the row.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum KaisuUnit {
            $( $(#[$m])* $v, )*
            /// Any other 付表1 code, kept as read.
            Other(u16),
        }

        impl KaisuUnit {
            pub fn from_code(c: u16) -> KaisuUnit {
                match c {
                    $( $code => KaisuUnit::$v, )*
                    o => KaisuUnit::Other(o),
                }
            }
            pub fn code(self) -> u16 {
                match self {
                    $( KaisuUnit::$v => $code, )*
                    KaisuUnit::Other(o) => o,
                }
            }
            /// The 付表1 name (as written in the table's col 5); `None` for `Other`.
            pub fn name_ja(self) -> Option<&'static str> {
                match self {
                    $( KaisuUnit::$v => Some($name), )*
                    KaisuUnit::Other(_) => None,
                }
            }
        }
    };
}

kaisu_units! {
    /// 10 個
    Piece = 10, "個";
    /// 28 単位
    Unit = 28, "単位";
    /// 53 患者当り: per patient (lifetime)
    Patient = 53, "患者当り";
    /// 56 手術当り
    Surgery = 56, "手術当り";
    /// 107 臓器
    Organ = 107, "臓器";
    /// 109 部位
    Site = 109, "部位";
    /// 110 肢
    Limb = 110, "肢";
    /// 111 局所
    Local = 111, "局所";
    /// 112 種目
    Item = 112, "種目";
    /// 117 歯
    Tooth = 117, "歯";
    /// 119 側
    Side = 119, "側";
    /// 121 日
    Day = 121, "日";
    /// 122 椎間
    Intervertebral = 122, "椎間";
    /// 123 筋
    Muscle = 123, "筋";
    /// 126 箇所
    Place = 126, "箇所";
    /// 131 月
    Month = 131, "月";
    /// 132 入院初日
    AdmissionDay = 132, "入院初日";
    /// 133 入院中: per admission
    Admission = 133, "入院中";
    /// 134 退院時
    Discharge = 134, "退院時";
    /// 135 初回
    FirstTime = 135, "初回";
    /// 138 週
    Week = 138, "週";
    /// 140 神経
    Nerve = 140, "神経";
    /// 141 一連: per course of treatment
    Course = 141, "一連";
    /// 142 ２週
    TwoWeeks = 142, "２週";
    /// 143 ２月
    TwoMonths = 143, "２月";
    /// 144 ３月
    ThreeMonths = 144, "３月";
    /// 145 ４月
    FourMonths = 145, "４月";
    /// 146 ６月
    SixMonths = 146, "６月";
    /// 147 １２月
    TwelveMonths = 147, "１２月";
    /// 148 ５年
    FiveYears = 148, "５年";
    /// 149 妊娠中
    Pregnancy = 149, "妊娠中";
    /// 150 検査当り
    Examination = 150, "検査当り";
    /// 151 １疾患当り
    Disease = 151, "１疾患当り";
    /// 159 初診時
    FirstVisit = 159, "初診時";
    /// 160 １分娩当り
    Delivery = 160, "１分娩当り";
    /// 161 ２年
    TwoYears = 161, "２年";
    /// 162 年度
    FiscalYear = 162, "年度";
}

impl KaisuUnit {
    /// The calendar length of a period-like unit (日, 週, ２週, 月 … １２月, ２年, ５年, 年度);
    /// `None` for per-episode or per-object units (入院中, 一連, 患者当り, 部位 …).
    pub fn span(self) -> Option<UnitSpan> {
        Some(match self {
            KaisuUnit::Day => UnitSpan::Days(1),
            KaisuUnit::Week => UnitSpan::Weeks(1),
            KaisuUnit::TwoWeeks => UnitSpan::Weeks(2),
            KaisuUnit::Month => UnitSpan::Months(1),
            KaisuUnit::TwoMonths => UnitSpan::Months(2),
            KaisuUnit::ThreeMonths => UnitSpan::Months(3),
            KaisuUnit::FourMonths => UnitSpan::Months(4),
            KaisuUnit::SixMonths => UnitSpan::Months(6),
            KaisuUnit::TwelveMonths => UnitSpan::Months(12),
            KaisuUnit::TwoYears => UnitSpan::Months(24),
            KaisuUnit::FiveYears => UnitSpan::Months(60),
            KaisuUnit::FiscalYear => UnitSpan::FiscalYear,
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Column layouts
// ---------------------------------------------------------------------------------------------

const fn col(num: u16, name: &'static str, ident: &'static str, ty: ColType) -> Col {
    Col { num, name, ident, ty }
}

/// 01 補助マスターテーブル, 27 columns [手引き pp.25–26].
pub static COLUMNS_HOJO: &[Col] = &[
    col(1, "変更区分", "change_kind", ColType::Flag(1)),
    col(2, "診療行為コード", "code", ColType::Code(9)),
    col(3, "診療行為省略名称", "abbr_name", ColType::Text),
    col(4, "包括単位①", "bundle_unit_1", ColType::Int),
    col(5, "グループ番号①", "bundle_group_1", ColType::Code(7)),
    col(6, "包括単位②", "bundle_unit_2", ColType::Int),
    col(7, "グループ番号②", "bundle_group_2", ColType::Code(7)),
    col(8, "包括単位③", "bundle_unit_3", ColType::Int),
    col(9, "グループ番号③", "bundle_group_3", ColType::Code(7)),
    col(10, "背反関連識別（1日につき）", "conflict_day", ColType::Flag(1)),
    col(11, "背反関連識別（同一月内）", "conflict_month", ColType::Flag(1)),
    col(12, "背反関連識別（同時）", "conflict_same_time", ColType::Flag(1)),
    col(13, "背反関連識別（1週間につき）", "conflict_week", ColType::Flag(1)),
    col(14, "予備", "reserved_14", ColType::Reserved),
    col(15, "予備", "reserved_15", ColType::Reserved),
    col(16, "予備", "reserved_16", ColType::Reserved),
    col(17, "予備", "reserved_17", ColType::Reserved),
    col(18, "予備", "reserved_18", ColType::Reserved),
    col(19, "予備", "reserved_19", ColType::Reserved),
    col(20, "入院基本料識別", "nyuin_group", ColType::Code(3)),
    col(21, "算定回数関連", "count_flag", ColType::Flag(1)),
    col(22, "予備", "reserved_22", ColType::Reserved),
    col(23, "予備", "reserved_23", ColType::Reserved),
    col(24, "予備", "reserved_24", ColType::Reserved),
    col(25, "予備", "reserved_25", ColType::Reserved),
    col(26, "新設年月日", "created", ColType::Date),
    col(27, "廃止年月日", "abolished", ColType::Date),
];

/// 02 包括テーブル, 7 columns [手引き p.27].
pub static COLUMNS_HOKATSU: &[Col] = &[
    col(1, "変更区分", "change_kind", ColType::Flag(1)),
    col(2, "グループ番号", "group", ColType::Code(7)),
    col(3, "診療行為コード", "code", ColType::Code(9)),
    col(4, "診療行為省略名称", "abbr_name", ColType::Text),
    col(5, "特例条件", "special", ColType::Flag(1)),
    col(6, "新設年月日", "created", ColType::Date),
    col(7, "廃止年月日", "abolished", ColType::Date),
];

/// 03-1 … 03-4 背反テーブル, 10 columns [手引き p.28].
pub static COLUMNS_HAIHAN: &[Col] = &[
    col(1, "変更区分", "change_kind", ColType::Flag(1)),
    col(2, "診療行為コード①", "code1", ColType::Code(9)),
    col(3, "診療行為省略名称①", "name1", ColType::Text),
    col(4, "診療行為コード②", "code2", ColType::Code(9)),
    col(5, "診療行為省略名称②", "name2", ColType::Text),
    col(6, "背反区分", "kubun", ColType::Flag(1)),
    col(7, "特例条件", "special", ColType::Flag(1)),
    col(8, "予備", "reserved_8", ColType::Reserved),
    col(9, "新設年月日", "created", ColType::Date),
    col(10, "廃止年月日", "abolished", ColType::Date),
];

/// 04 入院基本料テーブル, 8 columns [手引き p.29].
pub static COLUMNS_NYUIN: &[Col] = &[
    col(1, "変更区分", "change_kind", ColType::Flag(1)),
    col(2, "グループ番号", "group", ColType::Code(3)),
    col(3, "診療行為コード", "code", ColType::Code(9)),
    col(4, "診療行為省略名称", "abbr_name", ColType::Text),
    col(5, "加算識別", "kasan_id", ColType::Int),
    col(6, "予備", "reserved_6", ColType::Reserved),
    col(7, "新設年月日", "created", ColType::Date),
    col(8, "廃止年月日", "abolished", ColType::Date),
];

/// 05 算定回数テーブル, 14 columns [手引き p.30].
pub static COLUMNS_KAISU: &[Col] = &[
    col(1, "変更区分", "change_kind", ColType::Flag(1)),
    col(2, "診療行為コード", "code", ColType::Code(9)),
    col(3, "診療行為省略名称", "abbr_name", ColType::Text),
    col(4, "算定単位コード", "unit_code", ColType::Int),
    col(5, "算定単位名称", "unit_name", ColType::Text),
    col(6, "算定回数", "max_count", ColType::Int),
    col(7, "特例条件", "special", ColType::Flag(1)),
    col(8, "予備", "reserved_8", ColType::Reserved),
    col(9, "予備", "reserved_9", ColType::Reserved),
    col(10, "予備", "reserved_10", ColType::Reserved),
    col(11, "予備", "reserved_11", ColType::Reserved),
    col(12, "予備", "reserved_12", ColType::Reserved),
    col(13, "新設年月日", "created", ColType::Date),
    col(14, "廃止年月日", "abolished", ColType::Date),
];

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/// One 包括 link of a 01 row: the 親 includes the items of 02 group `group` within `unit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct HokatsuLink {
    /// 包括単位 ①/②/③.
    pub unit: HokatsuUnit,
    /// グループ番号 ①/②/③.
    pub group: GroupNo,
}

/// 背反関連識別 (01 cols 10–13): whether the 背反 file of each scope holds rows for the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct HaihanFlags {
    /// col 10 1日につき (03-1)
    pub day: bool,
    /// col 11 同一月内 (03-2)
    pub month: bool,
    /// col 12 同時 (03-3)
    pub same_time: bool,
    /// col 13 1週間につき (03-4)
    pub week: bool,
}

impl HaihanFlags {
    pub fn get(&self, scope: HaihanScope) -> bool {
        match scope {
            HaihanScope::Day => self.day,
            HaihanScope::Month => self.month,
            HaihanScope::SameTime => self.same_time,
            HaihanScope::Week => self.week,
        }
    }
}

/// 01 補助マスターテーブル row [手引き pp.6, 15, 25–26]: per 診療行為コード, which other tables
/// hold rows for it. Key: 診療行為コード.
#[derive(Clone, Debug, PartialEq)]
pub struct HojoRow {
    /// 診療行為コード (col 2).
    pub code: Code,
    /// 包括単位/グループ番号 ①–③ (cols 4–9); `None` where the unit is `0` (関連なし).
    pub hokatsu: [Option<HokatsuLink>; 3],
    /// 背反関連識別 (cols 10–13).
    pub haihan: HaihanFlags,
    /// 入院基本料識別 (col 20); `None` for `000`.
    pub nyuin_group: Option<NyuinGroup>,
    /// 算定回数関連 (col 21): rows exist in 05.
    pub has_kaisu: bool,
    /// 変更区分, 新設年月日 (col 26), 廃止年月日 (col 27), provenance.
    pub meta: RowMeta,
    /// All 27 fields as read.
    pub raw: RawRow,
}

impl HojoRow {
    /// 診療行為省略名称 (col 3), as of the release.
    pub fn name(&self) -> &str {
        self.raw.col(3)
    }
    /// The non-empty 包括 links (①, ②, ③ in order) with their slot number 1–3.
    pub fn hokatsu_links(&self) -> impl Iterator<Item = (u8, HokatsuLink)> + '_ {
        self.hokatsu
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.map(|l| (i as u8 + 1, l)))
    }
}

/// 02 包括テーブル row [手引き pp.16, 20, 27]: `code` (子, 被包括) is included in every 親 whose
/// 01 row points to `group`. Key: (グループ番号, 診療行為コード).
#[derive(Clone, Debug, PartialEq)]
pub struct HokatsuRow {
    /// グループ番号 (col 2).
    pub group: GroupNo,
    /// 診療行為コード (col 3): the included item.
    pub code: Code,
    /// 特例条件 (col 5).
    pub special: SpecialCondition,
    /// 変更区分, 新設年月日 (col 6), 廃止年月日 (col 7), provenance.
    pub meta: RowMeta,
    pub raw: RawRow,
}

impl HokatsuRow {
    /// 診療行為省略名称 (col 4).
    pub fn name(&self) -> &str {
        self.raw.col(4)
    }
}

/// 03-1 … 03-4 背反テーブル row [手引き pp.16, 21–23, 28]: ① and ② cannot both be billed within
/// the file's window; [`HaihanRow::kubun`] says which one is kept. Every pair is published in
/// both directions. Key: (診療行為コード①, 診療行為コード②) within one scope.
#[derive(Clone, Debug, PartialEq)]
pub struct HaihanRow {
    /// The file's condition (03-1 1日, 03-2 同一月内, 03-3 同時, 03-4 1週間).
    pub scope: HaihanScope,
    /// 診療行為コード① (col 2).
    pub code1: Code,
    /// 診療行為コード② (col 4).
    pub code2: Code,
    /// 背反区分 (col 6).
    pub kubun: HaihanKubun,
    /// 特例条件 (col 7).
    pub special: SpecialCondition,
    /// 変更区分, 新設年月日 (col 9), 廃止年月日 (col 10), provenance.
    pub meta: RowMeta,
    pub raw: RawRow,
}

impl HaihanRow {
    /// 診療行為省略名称① (col 3).
    pub fn name1(&self) -> &str {
        self.raw.col(3)
    }
    /// 診療行為省略名称② (col 5).
    pub fn name2(&self) -> &str {
        self.raw.col(5)
    }
    /// The item that is billed: ① for 区分 1, ② for 区分 2; `None` for 3 (either) or unknown.
    pub fn kept(&self) -> Option<Code> {
        match self.kubun {
            HaihanKubun::KeepFirst => Some(self.code1),
            HaihanKubun::KeepSecond => Some(self.code2),
            _ => None,
        }
    }
    /// The item that is not billed: ② for 区分 1, ① for 区分 2; `None` for 3 or unknown.
    pub fn dropped(&self) -> Option<Code> {
        match self.kubun {
            HaihanKubun::KeepFirst => Some(self.code2),
            HaihanKubun::KeepSecond => Some(self.code1),
            _ => None,
        }
    }
    /// The partner of `code` in this pair (`None` when `code` is neither ① nor ②).
    pub fn other(&self, code: Code) -> Option<Code> {
        if code == self.code1 {
            Some(self.code2)
        } else if code == self.code2 {
            Some(self.code1)
        } else {
            None
        }
    }
}

/// 04 入院基本料テーブル row [手引き pp.17–18, 29, 36]: 加算 `code` may be added to the 入院料 of
/// group `group`; 加算 of one group with the same `kasan_id` exclude each other.
/// Key: (グループ番号, 診療行為コード).
#[derive(Clone, Debug, PartialEq)]
pub struct NyuinRow {
    /// グループ番号 (col 2), matching 01 col 20.
    pub group: NyuinGroup,
    /// 診療行為コード (col 3): the 入院基本料加算.
    pub code: Code,
    /// 加算識別 (col 5): local to the group.
    pub kasan_id: u8,
    /// 変更区分, 新設年月日 (col 7), 廃止年月日 (col 8), provenance.
    pub meta: RowMeta,
    pub raw: RawRow,
}

impl NyuinRow {
    /// 診療行為省略名称 (col 4).
    pub fn name(&self) -> &str {
        self.raw.col(4)
    }
}

/// 05 算定回数テーブル row [手引き pp.18–19, 24, 30]: `code` may be billed at most `max_count`
/// times per `unit`. A code can have several rows (one per unit); all of them apply.
/// Key: (診療行為コード, 算定単位コード).
#[derive(Clone, Debug, PartialEq)]
pub struct KaisuRow {
    /// 診療行為コード (col 2).
    pub code: Code,
    /// 算定単位コード (col 4).
    pub unit: KaisuUnit,
    /// 算定回数 (col 6): the maximum per unit.
    pub max_count: u16,
    /// 特例条件 (col 7).
    pub special: SpecialCondition,
    /// 変更区分, 新設年月日 (col 13), 廃止年月日 (col 14), provenance.
    pub meta: RowMeta,
    pub raw: RawRow,
}

impl KaisuRow {
    /// 診療行為省略名称 (col 3).
    pub fn name(&self) -> &str {
        self.raw.col(3)
    }
    /// 算定単位名称 (col 5), as written in the table.
    pub fn unit_name(&self) -> &str {
        self.raw.col(5)
    }
}

macro_rules! impl_covers {
    ($($t:ty),*) => {$(
        impl $t {
            /// Whether the row applies on `date` (新設年月日 ≤ date ≤ 廃止年月日).
            pub fn covers(&self, date: NaiveDate) -> bool {
                self.meta.covers(date)
            }
            /// The file and line the row was read from.
            pub fn at(&self) -> TableRowRef {
                self.meta.at
            }
        }
    )*};
}
impl_covers!(HojoRow, HokatsuRow, HaihanRow, NyuinRow, KaisuRow);

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// What the loader needs of every table's row type.
pub(crate) trait TableRow: Sized {
    type Key: Copy + Ord + Eq + std::hash::Hash;
    const COLUMNS: &'static [Col];
    /// The first key column (where duplicate-key errors point).
    const KEY_COL: usize;
    fn parse(ctx: RowCtx<'_>, raw: RawRow, table: TableId, at: TableRowRef, layer: TableLayer) -> Result<Self, Error>;
    /// Only the key columns (for 抹消 rows, whose other fields are not used).
    fn parse_key(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self::Key, Error>;
    fn key(&self) -> Self::Key;
    fn describe_key(key: &Self::Key) -> String;
    fn meta(&self) -> &RowMeta;
    fn meta_mut(&mut self) -> &mut RowMeta;
    fn raw(&self) -> &RawRow;
    /// Row-level checks that do not stop loading (reported as warnings).
    fn check(&self, _ctx: RowCtx<'_>) -> Option<Error> {
        None
    }
}

fn field<'a>(f: &Fields<'a>, n: usize) -> (&'a str, &'static Col) {
    (f.raw.col(n), &f.cols[n - 1])
}

fn required<'a>(f: &Fields<'a>, n: usize) -> Result<(&'a str, &'static Col), Error> {
    let (v, c) = field(f, n);
    if v.is_empty() {
        Err(f.ctx.err(c, ErrorKind::Missing))
    } else {
        Ok((v, c))
    }
}

/// 変更区分 (col 1).
pub(crate) fn change_kind(ctx: RowCtx<'_>, raw: &RawRow, cols: &'static [Col]) -> Result<ChangeKind, Error> {
    let f = Fields { ctx, raw, cols };
    let (v, c) = required(&f, 1)?;
    ChangeKind::parse(v).ok_or_else(|| ctx.bad(c, v, "変更区分 (0, 1, 3, 5, 9)"))
}

fn code(f: &Fields<'_>, n: usize) -> Result<Code, Error> {
    let (v, c) = required(f, n)?;
    Code::parse(v).ok_or_else(|| f.ctx.bad(c, v, "9-digit code"))
}

/// An unsigned number of at most `digits` digits (leading zeros allowed).
fn number(f: &Fields<'_>, n: usize, digits: usize, what: &'static str) -> Result<u16, Error> {
    let (v, c) = required(f, n)?;
    if v.len() <= digits && v.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(x) = v.parse() {
            return Ok(x);
        }
    }
    Err(f.ctx.bad(c, v, what))
}

fn flag01(f: &Fields<'_>, n: usize) -> Result<bool, Error> {
    let (v, c) = required(f, n)?;
    match v {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(f.ctx.bad(c, v, "flag (0 or 1)")),
    }
}

fn one_digit(f: &Fields<'_>, n: usize, what: &'static str) -> Result<u8, Error> {
    number(f, n, 1, what).map(|x| x as u8)
}

fn date(f: &Fields<'_>, n: usize) -> Result<NaiveDate, Error> {
    let (v, c) = required(f, n)?;
    parse_date(v).ok_or_else(|| f.ctx.bad(c, v, "date (yyyymmdd or 99999999)"))
}

/// A 包括 group column: `0` → `None`.
fn opt_group(f: &Fields<'_>, n: usize) -> Result<Option<GroupNo>, Error> {
    let (v, c) = required(f, n)?;
    if v.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    GroupNo::parse(v)
        .map(Some)
        .ok_or_else(|| f.ctx.bad(c, v, "グループ番号 (up to 7 letters/digits)"))
}

fn group(f: &Fields<'_>, n: usize) -> Result<GroupNo, Error> {
    let (v, c) = required(f, n)?;
    GroupNo::parse(v).ok_or_else(|| f.ctx.bad(c, v, "グループ番号 (up to 7 letters/digits, not 0)"))
}

fn nyuin_group(f: &Fields<'_>, n: usize) -> Result<Option<NyuinGroup>, Error> {
    let g = number(f, n, 3, "入院基本料 group (3 digits)")?;
    Ok((g != 0).then_some(NyuinGroup(g)))
}

fn meta(
    f: &Fields<'_>,
    change: ChangeKind,
    from: usize,
    to: usize,
    at: TableRowRef,
    layer: TableLayer,
) -> Result<RowMeta, Error> {
    Ok(RowMeta {
        change,
        valid_from: date(f, from)?,
        valid_to: date(f, to)?,
        at,
        layer,
        replaces: None,
    })
}

macro_rules! row_accessors {
    () => {
        fn meta(&self) -> &RowMeta {
            &self.meta
        }
        fn meta_mut(&mut self) -> &mut RowMeta {
            &mut self.meta
        }
        fn raw(&self) -> &RawRow {
            &self.raw
        }
    };
}

impl TableRow for HojoRow {
    type Key = Code;
    const COLUMNS: &'static [Col] = COLUMNS_HOJO;
    const KEY_COL: usize = 2;
    fn parse(ctx: RowCtx<'_>, raw: RawRow, _: TableId, at: TableRowRef, layer: TableLayer) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw: &raw,
            cols: COLUMNS_HOJO,
        };
        let change = change_kind(ctx, &raw, COLUMNS_HOJO)?;
        let code = code(&f, 2)?;
        let mut hokatsu = [None; 3];
        for (i, slot) in hokatsu.iter_mut().enumerate() {
            let unit_col = 4 + 2 * i;
            let unit = number(&f, unit_col, 2, "包括単位 (0–6)")? as u8;
            let group = opt_group(&f, unit_col + 1)?;
            *slot = match (HokatsuUnit::from_code(unit), group) {
                (Some(unit), Some(group)) => Some(HokatsuLink { unit, group }),
                (None, None) => None,
                (Some(_), None) => {
                    let (v, c) = field(&f, unit_col + 1);
                    return Err(ctx.err(
                        c,
                        ErrorKind::Other(format!("`{v}`: no グループ番号 for 包括単位 {unit}")),
                    ));
                }
                (None, Some(g)) => {
                    let (_, c) = field(&f, unit_col);
                    return Err(ctx.err(
                        c,
                        ErrorKind::Other(format!("包括単位 0 (関連なし) with グループ番号 {g}")),
                    ));
                }
            };
        }
        let haihan = HaihanFlags {
            day: flag01(&f, 10)?,
            month: flag01(&f, 11)?,
            same_time: flag01(&f, 12)?,
            week: flag01(&f, 13)?,
        };
        let nyuin_group = nyuin_group(&f, 20)?;
        let has_kaisu = flag01(&f, 21)?;
        let meta = meta(&f, change, 26, 27, at, layer)?;
        Ok(HojoRow {
            code,
            hokatsu,
            haihan,
            nyuin_group,
            has_kaisu,
            meta,
            raw,
        })
    }
    fn parse_key(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Code, Error> {
        code(
            &Fields {
                ctx,
                raw,
                cols: COLUMNS_HOJO,
            },
            2,
        )
    }
    fn key(&self) -> Code {
        self.code
    }
    fn describe_key(k: &Code) -> String {
        k.to_string()
    }
    row_accessors!();
}

impl TableRow for HokatsuRow {
    type Key = (GroupNo, Code);
    const COLUMNS: &'static [Col] = COLUMNS_HOKATSU;
    const KEY_COL: usize = 2;
    fn parse(ctx: RowCtx<'_>, raw: RawRow, _: TableId, at: TableRowRef, layer: TableLayer) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw: &raw,
            cols: COLUMNS_HOKATSU,
        };
        let change = change_kind(ctx, &raw, COLUMNS_HOKATSU)?;
        let (group, code) = Self::parse_key(ctx, &raw)?;
        let special = SpecialCondition::from_code(one_digit(&f, 5, "特例条件 (0 or 1)")?);
        let meta = meta(&f, change, 6, 7, at, layer)?;
        Ok(HokatsuRow {
            group,
            code,
            special,
            meta,
            raw,
        })
    }
    fn parse_key(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self::Key, Error> {
        let f = Fields {
            ctx,
            raw,
            cols: COLUMNS_HOKATSU,
        };
        Ok((group(&f, 2)?, code(&f, 3)?))
    }
    fn key(&self) -> Self::Key {
        (self.group, self.code)
    }
    fn describe_key(k: &Self::Key) -> String {
        format!("{} {}", k.0, k.1)
    }
    row_accessors!();
}

impl TableRow for HaihanRow {
    type Key = (Code, Code);
    const COLUMNS: &'static [Col] = COLUMNS_HAIHAN;
    const KEY_COL: usize = 2;
    fn parse(ctx: RowCtx<'_>, raw: RawRow, table: TableId, at: TableRowRef, layer: TableLayer) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw: &raw,
            cols: COLUMNS_HAIHAN,
        };
        let change = change_kind(ctx, &raw, COLUMNS_HAIHAN)?;
        let (code1, code2) = Self::parse_key(ctx, &raw)?;
        let kubun = HaihanKubun::from_code(one_digit(&f, 6, "背反区分 (1, 2 or 3)")?);
        let special = SpecialCondition::from_code(one_digit(&f, 7, "特例条件 (0 or 1)")?);
        let meta = meta(&f, change, 9, 10, at, layer)?;
        let scope = match table {
            TableId::Haihan(s) => s,
            _ => HaihanScope::Day, // not reached: the loader passes a 背反 table id
        };
        Ok(HaihanRow {
            scope,
            code1,
            code2,
            kubun,
            special,
            meta,
            raw,
        })
    }
    fn parse_key(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self::Key, Error> {
        let f = Fields {
            ctx,
            raw,
            cols: COLUMNS_HAIHAN,
        };
        let key = (code(&f, 2)?, code(&f, 4)?);
        if key.0 == key.1 {
            let (v, c) = field(&f, 4);
            return Err(ctx.err(
                c,
                ErrorKind::Other(format!("`{v}`: an item cannot exclude itself (コード① = コード②)")),
            ));
        }
        Ok(key)
    }
    fn key(&self) -> Self::Key {
        (self.code1, self.code2)
    }
    fn describe_key(k: &Self::Key) -> String {
        format!("{} → {}", k.0, k.1)
    }
    fn check(&self, ctx: RowCtx<'_>) -> Option<Error> {
        match self.kubun {
            HaihanKubun::Other(o) => Some(ctx.err(
                &COLUMNS_HAIHAN[5],
                ErrorKind::Other(format!("unknown 背反区分 `{o}` (kept; no side is dropped)")),
            )),
            _ => None,
        }
    }
    row_accessors!();
}

impl TableRow for NyuinRow {
    type Key = (NyuinGroup, Code);
    const COLUMNS: &'static [Col] = COLUMNS_NYUIN;
    const KEY_COL: usize = 2;
    fn parse(ctx: RowCtx<'_>, raw: RawRow, _: TableId, at: TableRowRef, layer: TableLayer) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw: &raw,
            cols: COLUMNS_NYUIN,
        };
        let change = change_kind(ctx, &raw, COLUMNS_NYUIN)?;
        let (group, code) = Self::parse_key(ctx, &raw)?;
        let kasan_id = number(&f, 5, 2, "加算識別 (up to 2 digits)")? as u8;
        let meta = meta(&f, change, 7, 8, at, layer)?;
        Ok(NyuinRow {
            group,
            code,
            kasan_id,
            meta,
            raw,
        })
    }
    fn parse_key(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self::Key, Error> {
        let f = Fields {
            ctx,
            raw,
            cols: COLUMNS_NYUIN,
        };
        let g = nyuin_group(&f, 2)?;
        let g = g.ok_or_else(|| ctx.bad(&COLUMNS_NYUIN[1], raw.col(2), "入院基本料 group (001–999)"))?;
        Ok((g, code(&f, 3)?))
    }
    fn key(&self) -> Self::Key {
        (self.group, self.code)
    }
    fn describe_key(k: &Self::Key) -> String {
        format!("{} {}", k.0, k.1)
    }
    row_accessors!();
}

impl TableRow for KaisuRow {
    type Key = (Code, KaisuUnit);
    const COLUMNS: &'static [Col] = COLUMNS_KAISU;
    const KEY_COL: usize = 2;
    fn parse(ctx: RowCtx<'_>, raw: RawRow, _: TableId, at: TableRowRef, layer: TableLayer) -> Result<Self, Error> {
        let f = Fields {
            ctx,
            raw: &raw,
            cols: COLUMNS_KAISU,
        };
        let change = change_kind(ctx, &raw, COLUMNS_KAISU)?;
        let (code, unit) = Self::parse_key(ctx, &raw)?;
        let max_count = number(&f, 6, 3, "算定回数 (up to 3 digits)")?;
        let special = SpecialCondition::from_code(one_digit(&f, 7, "特例条件 (0 or 1)")?);
        let meta = meta(&f, change, 13, 14, at, layer)?;
        Ok(KaisuRow {
            code,
            unit,
            max_count,
            special,
            meta,
            raw,
        })
    }
    fn parse_key(ctx: RowCtx<'_>, raw: &RawRow) -> Result<Self::Key, Error> {
        let f = Fields {
            ctx,
            raw,
            cols: COLUMNS_KAISU,
        };
        let code = code(&f, 2)?;
        let unit = KaisuUnit::from_code(number(&f, 4, 3, "算定単位コード (付表1, up to 3 digits)")?);
        Ok((code, unit))
    }
    fn key(&self) -> Self::Key {
        (self.code, self.unit)
    }
    fn describe_key(k: &Self::Key) -> String {
        format!("{} 単位 {}", k.0, k.1.code())
    }
    fn check(&self, ctx: RowCtx<'_>) -> Option<Error> {
        let name = self.unit_name();
        match self.unit.name_ja() {
            Some(expected) if expected != name => Some(ctx.err(
                &COLUMNS_KAISU[4],
                ErrorKind::Other(format!(
                    "`{name}` is not the 付表1 name of 算定単位コード {} (`{expected}`)",
                    self.unit.code()
                )),
            )),
            _ => None,
        }
    }
    row_accessors!();
}
