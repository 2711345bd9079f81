//! # 医科電子点数表 (SSK's "electronic fee tables"): readers and lookups
//!
//! The 医科電子点数表 is a set of CSV tables that SSK publishes next to the 医科診療行為マスター.
//! They hold what the s master lacks: which items include (包括) or exclude (背反) others, which
//! 入院基本料加算 go with which 入院料, and how often an item may be billed per period. All of them
//! join to the s master by the 9-digit 診療行為コード. Source: 「医科電子点数表の活用手引き
//! 令和６年度版」 (SSK), cited as [手引き p.N]; layouts and semantics are summarised in
//! `shared/spec/tensuhyo.md`.
//!
//! | id | file (as published) | rows | meaning |
//! |---|---|---|---|
//! | 01 | `01補助マスターテーブル.csv` (27 cols) | [`HojoRow`] | per code: its 包括 groups, which 背反 files and whether 04/05 hold rows for it [手引き pp.25–26] |
//! | 02 | `02包括テーブル.csv` (7 cols) | [`HokatsuRow`] | the items (子) of each 包括 group [p.27] |
//! | 03-1…03-4 | `03-1背反テーブル1.csv` … `03-4背反テーブル4.csv` (10 cols) | [`HaihanRow`] | pairs that exclude each other 1日につき / 同一月内 / 同時 / 1週間につき [p.28] |
//! | 04 | `04入院基本料テーブル.csv` (8 cols) | [`NyuinRow`] | 加算 addable to each 入院料 group [p.29] |
//! | 05 | `05算定回数テーブル.csv` (14 cols) | [`KaisuRow`] | maximum count per 算定単位 [p.30, 付表1 p.32] |
//!
//! Format: Shift_JIS (CP932), every field quoted, CRLF, no header (read by
//! [`crate::raw::read_rows`]). Every table has 変更区分 in column 1 and 新設年月日 / 廃止年月日 as its
//! last two columns (`99999999` = not abolished → [`crate::OPEN_END`]); these give each row's
//! validity ([`RowMeta::covers`]), and every lookup has an `…_on(…, date)` variant that returns
//! only the rows valid on that date. A release holds only rows valid at its date (abolished rows
//! are dropped, not end-dated), so a set holds one release; several releases are not merged.
//!
//! ## Semantics
//! - **02 包括**: a 親 P includes the 02 rows of each group its 01 row names, within the 01
//!   包括単位 ([`HokatsuUnit`]: 1日, 同一月内, 同時, 手術前1週間, 1手術). The relation is one-way
//!   (P includes 子, never the reverse); [`Tensuhyo::hokatsu_for`] walks it.
//! - **03 背反**: the file fixes the window ([`HaihanScope`]); [`HaihanKubun`] says which side is
//!   billed: `1` keep ① drop ②, `2` keep ② drop ①, `3` either one (the table does not say which).
//!   SSK publishes every pair in both directions (1 ↔ 2, 3 ↔ 3); the loader warns when an
//!   override breaks that.
//! - **04 入院基本料**: a 入院料 whose 01 入院基本料識別 is group g may take the 加算 listed under g;
//!   加算 with the same 加算識別 in that group exclude each other.
//! - **05 算定回数**: `max_count` per [`KaisuUnit`] (付表1 code); a code may have several rows and
//!   all apply [p.24].
//! - **特例条件** ([`SpecialCondition`], 02/03/05): `1` = the relation has a condition written in
//!   the 通知; an engine should not apply such rows silently.
//!
//! ## Override layer (vendor corrections as data)
//! A file in a table's official layout whose name is the official name prefixed with
//! **`override_`** (e.g. `override_03-2背反テーブル2.csv`, `override_05算定回数テーブル.csv`; see
//! [`classify_tensuhyo_file`]) is an override of that table. Override files are applied after the
//! official table, in path order. Each row is matched to earlier rows by the table's **key**:
//! 01 診療行為コード; 02 (グループ番号, 診療行為コード); 03 (コード①, コード②) in that order;
//! 04 (グループ番号, 診療行為コード); 05 (診療行為コード, 算定単位コード).
//! - a row with 変更区分 **`1` (抹消)** switches off the row with the same key (official or from an
//!   earlier override). Only its key columns are read; the other fields may be left empty. The
//!   removal is recorded in [`Tensuhyo::switched_off`]. A 抹消 row that matches nothing is a
//!   warning.
//! - any other row (`0`, `3`, `5`, `9`) is a complete row: it **replaces** the row with the same
//!   key ([`RowMeta::replaces`] points at the replaced row) or, when there is none, is **added**.
//! - a key may occur once per file (official or override); a repeat is an error.
//! - 背反 pairs are not mirrored automatically: an override adds, replaces or switches off both
//!   (①, ②) and (②, ①); a missing or inconsistent reverse row is reported as a warning.
//!
//! Every row keeps its [`TableLayer`] and its [`TableRowRef`] (file, line), so a trace can say
//! "背反 row 03-2 line 5 (official)" or "override_03-2…csv line 3, replacing official line 92".
//! A published table's own `1` rows (none in the 令和6年度 copy) are left out with a warning.
//! Sources of the supplement layer ([`crate::Layer::Supplement`]) are treated as overrides.
//!
//! ## Loading
//! [`load_tensuhyo`] takes all sources of a master set, reads the ones whose names classify, and
//! returns the [`Tensuhyo`] with every problem positioned as `file:line:column: 項目名: message`.
//! Tables without a published file are listed in [`Tensuhyo::missing`] (the staged 令和6年度 copy
//! lacks 02 and 03-1); a missing table means "unknown", not "no relation".

mod load;
mod rows;

pub use load::{classify_tensuhyo_file, classify_tensuhyo_name, load_tensuhyo, OVERRIDE_PREFIX};
pub use rows::{
    GroupNo, HaihanFlags, HaihanKubun, HaihanRow, HaihanScope, HojoRow, HokatsuLink, HokatsuRow, HokatsuUnit, KaisuRow,
    KaisuUnit, NyuinGroup, NyuinRow, RowMeta, SpecialCondition, TableLayer, TableRowRef, UnitSpan, COLUMNS_HAIHAN,
    COLUMNS_HOJO, COLUMNS_HOKATSU, COLUMNS_KAISU, COLUMNS_NYUIN,
};

use crate::columns::Col;
use crate::raw::RawRow;
use crate::rows::Code;
use crate::set::NotUsed;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// One table of the 医科電子点数表.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableId {
    /// 01 補助マスターテーブル
    Hojo,
    /// 02 包括テーブル (包括・被包括テーブル)
    Hokatsu,
    /// 03-1 … 03-4 背反テーブル1…4
    Haihan(HaihanScope),
    /// 04 入院基本料テーブル
    Nyuin,
    /// 05 算定回数テーブル
    Kaisu,
}

impl TableId {
    pub const ALL: [TableId; 8] = [
        TableId::Hojo,
        TableId::Hokatsu,
        TableId::Haihan(HaihanScope::Day),
        TableId::Haihan(HaihanScope::Month),
        TableId::Haihan(HaihanScope::SameTime),
        TableId::Haihan(HaihanScope::Week),
        TableId::Nyuin,
        TableId::Kaisu,
    ];
    /// `01`, `02`, `03-1` … `03-4`, `04`, `05`.
    pub fn id(self) -> &'static str {
        match self {
            TableId::Hojo => "01",
            TableId::Hokatsu => "02",
            TableId::Haihan(HaihanScope::Day) => "03-1",
            TableId::Haihan(HaihanScope::Month) => "03-2",
            TableId::Haihan(HaihanScope::SameTime) => "03-3",
            TableId::Haihan(HaihanScope::Week) => "03-4",
            TableId::Nyuin => "04",
            TableId::Kaisu => "05",
        }
    }
    /// The table's name as in its file name: `補助マスターテーブル`, `背反テーブル2`, ….
    pub fn name_ja(self) -> &'static str {
        match self {
            TableId::Hojo => "補助マスターテーブル",
            TableId::Hokatsu => "包括テーブル",
            TableId::Haihan(HaihanScope::Day) => "背反テーブル1",
            TableId::Haihan(HaihanScope::Month) => "背反テーブル2",
            TableId::Haihan(HaihanScope::SameTime) => "背反テーブル3",
            TableId::Haihan(HaihanScope::Week) => "背反テーブル4",
            TableId::Nyuin => "入院基本料テーブル",
            TableId::Kaisu => "算定回数テーブル",
        }
    }
    /// `01 補助マスターテーブル`, `03-1 背反テーブル1`, … (used in [`Tensuhyo::missing`]).
    pub fn label(self) -> &'static str {
        match self {
            TableId::Hojo => "01 補助マスターテーブル",
            TableId::Hokatsu => "02 包括テーブル",
            TableId::Haihan(HaihanScope::Day) => "03-1 背反テーブル1",
            TableId::Haihan(HaihanScope::Month) => "03-2 背反テーブル2",
            TableId::Haihan(HaihanScope::SameTime) => "03-3 背反テーブル3",
            TableId::Haihan(HaihanScope::Week) => "03-4 背反テーブル4",
            TableId::Nyuin => "04 入院基本料テーブル",
            TableId::Kaisu => "05 算定回数テーブル",
        }
    }
    /// The official file name (`.csv`).
    pub fn file_name(self) -> String {
        format!("{}{}.csv", self.id(), self.name_ja())
    }
    /// The column layout.
    pub fn columns(self) -> &'static [Col] {
        match self {
            TableId::Hojo => COLUMNS_HOJO,
            TableId::Hokatsu => COLUMNS_HOKATSU,
            TableId::Haihan(_) => COLUMNS_HAIHAN,
            TableId::Nyuin => COLUMNS_NYUIN,
            TableId::Kaisu => COLUMNS_KAISU,
        }
    }
    /// The word a file name must contain (see [`classify_tensuhyo_file`]).
    fn word(self) -> &'static str {
        match self {
            TableId::Hojo => "補助",
            TableId::Hokatsu => "包括",
            TableId::Haihan(_) => "背反",
            TableId::Nyuin => "入院基本料",
            TableId::Kaisu => "算定回数",
        }
    }
}

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for TableId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// Provenance of one loaded table file.
#[derive(Clone, Debug, Serialize)]
pub struct TableFileInfo {
    /// The source's path (as given in [`crate::Source::path`]).
    pub path: String,
    /// File name.
    pub name: String,
    /// Which table (serialised as `01`, `03-2`, …).
    pub table: TableId,
    pub layer: TableLayer,
    /// Rows read (including rows left out because of errors when problems are collected);
    /// 0 when the file could not be read at all (then only problems report it).
    pub rows: usize,
    pub columns: usize,
    /// sha256 of the file as given (the zip, for a zip).
    pub sha256: String,
    /// The CSV inside, when the file is a zip.
    pub member: Option<String>,
}

impl TableFileInfo {
    /// `01`, `03-2`, ….
    pub fn id(&self) -> &'static str {
        self.table.id()
    }
}

/// A row switched off by an override `1` (抹消) row.
#[derive(Clone, Debug)]
pub struct SwitchedOff {
    pub table: TableId,
    /// The row that was removed (official, or from an earlier override file).
    pub removed: TableRowRef,
    /// The override row that removed it.
    pub by: TableRowRef,
    /// The removed row's fields.
    pub raw: RawRow,
}

/// The run of rows of a code-sorted table that share one code: a hash from code to `start..end`,
/// so that a per-claim lookup costs one hash probe (the tables are tens of thousands of rows).
#[derive(Debug, Default)]
pub(crate) struct RunIndex(rustc_hash::FxHashMap<Code, (u32, u32)>);

impl RunIndex {
    pub(crate) fn build<R>(rows: &[R], key: impl Fn(&R) -> Code) -> RunIndex {
        let mut m = rustc_hash::FxHashMap::default();
        let mut i = 0;
        while i < rows.len() {
            let c = key(&rows[i]);
            let start = i;
            while i < rows.len() && key(&rows[i]) == c {
                i += 1;
            }
            m.insert(c, (start as u32, i as u32));
        }
        RunIndex(m)
    }
    fn get<'a, R>(&self, rows: &'a [R], code: Code) -> &'a [R] {
        match self.0.get(&code) {
            Some(&(a, b)) => &rows[a as usize..b as usize],
            None => &[],
        }
    }
}

/// Row numbers sorted by a code: `(code, row)` pairs, for the second lookup direction of a table.
#[derive(Debug, Default)]
struct CodeIndex(Vec<(Code, u32)>);

impl CodeIndex {
    fn build(codes: impl Iterator<Item = Code>) -> CodeIndex {
        let mut v: Vec<(Code, u32)> = codes.enumerate().map(|(i, c)| (c, i as u32)).collect();
        v.sort_unstable();
        CodeIndex(v)
    }
    fn rows(&self, code: Code) -> impl Iterator<Item = usize> + '_ {
        let lo = self.0.partition_point(|(c, _)| *c < code);
        self.0[lo..]
            .iter()
            .take_while(move |(c, _)| *c == code)
            .map(|(_, i)| *i as usize)
    }
}

/// The rows of a sorted table whose key starts with `k` (via `f`).
fn run<R, K: Ord>(rows: &[R], k: K, f: impl Fn(&R) -> K) -> &[R] {
    let lo = rows.partition_point(|r| f(r) < k);
    let hi = lo + rows[lo..].partition_point(|r| f(r) <= k);
    &rows[lo..hi]
}

/// One 包括 relation of a 親 item, as found by [`Tensuhyo::hokatsu_for`].
#[derive(Clone, Copy, Debug)]
pub struct Hokatsu<'a> {
    /// The 親's 01 row.
    pub parent: &'a HojoRow,
    /// Which of the 01 row's links (1–3 for ①–③).
    pub slot: u8,
    /// The window (01 包括単位).
    pub unit: HokatsuUnit,
    /// The 02 row of the included item (子).
    pub child: &'a HokatsuRow,
}

/// All tables of one 医科電子点数表 release, merged with the override layer, with lookups for a
/// per-claim engine. Built by [`load_tensuhyo`].
#[derive(Debug)]
pub struct Tensuhyo {
    /// Every table file read (official and override); [`TableRowRef::file`] indexes this.
    pub files: Vec<TableFileInfo>,
    /// Labels of the tables without a published file, e.g. `02 包括テーブル`.
    pub missing: Vec<&'static str>,
    /// Rows removed by override `1` (抹消) rows.
    pub switched_off: Vec<SwitchedOff>,
    /// Files not read (byte-identical copies of a file already read).
    pub skipped: Vec<NotUsed>,
    /// Sorted by code.
    hojo: Vec<HojoRow>,
    /// Sorted by (group, code).
    hokatsu: Vec<HokatsuRow>,
    hokatsu_by_code: CodeIndex,
    /// Per scope, sorted by (code1, code2).
    haihan: [Vec<HaihanRow>; 4],
    haihan_by_code2: [CodeIndex; 4],
    /// Sorted by (group, code).
    nyuin: Vec<NyuinRow>,
    nyuin_by_code: CodeIndex,
    /// Sorted by (code, unit).
    kaisu: Vec<KaisuRow>,
    /// Hash runs over `haihan[i]` (by ①) and `kaisu` (by code).
    haihan_runs: [RunIndex; 4],
    kaisu_runs: RunIndex,
}

impl Default for Tensuhyo {
    /// No tables: every table listed as missing.
    fn default() -> Self {
        Tensuhyo {
            files: Vec::new(),
            missing: TableId::ALL.iter().map(|t| t.label()).collect(),
            switched_off: Vec::new(),
            skipped: Vec::new(),
            hojo: Vec::new(),
            hokatsu: Vec::new(),
            hokatsu_by_code: CodeIndex::default(),
            haihan: Default::default(),
            haihan_by_code2: Default::default(),
            nyuin: Vec::new(),
            nyuin_by_code: CodeIndex::default(),
            kaisu: Vec::new(),
            haihan_runs: Default::default(),
            kaisu_runs: RunIndex::default(),
        }
    }
}

impl Tensuhyo {
    // --- files and provenance -----------------------------------------------------------------

    /// The file a row came from.
    pub fn file(&self, at: TableRowRef) -> &TableFileInfo {
        &self.files[at.file as usize]
    }
    /// `path:line` of a row, for traces.
    pub fn locate(&self, at: TableRowRef) -> String {
        format!("{}:{}", self.file(at).path, at.line)
    }
    /// Whether any file (official or override) of `table` was read.
    pub fn has(&self, table: TableId) -> bool {
        self.files.iter().any(|f| f.table == table && f.rows > 0)
    }
    /// Whether the published file of `table` was read.
    pub fn has_official(&self, table: TableId) -> bool {
        self.files
            .iter()
            .any(|f| f.table == table && f.layer == TableLayer::Official && f.rows > 0)
    }
    /// Whether no table file was read at all.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    /// Number of rows of a table after merging the overrides.
    pub fn len(&self, table: TableId) -> usize {
        match table {
            TableId::Hojo => self.hojo.len(),
            TableId::Hokatsu => self.hokatsu.len(),
            TableId::Haihan(s) => self.haihan[s.index()].len(),
            TableId::Nyuin => self.nyuin.len(),
            TableId::Kaisu => self.kaisu.len(),
        }
    }

    // --- 01 補助マスターテーブル ------------------------------------------------------------------

    /// The 01 row of `code`.
    pub fn hojo(&self, code: Code) -> Option<&HojoRow> {
        self.hojo
            .binary_search_by_key(&code, |r| r.code)
            .ok()
            .map(|i| &self.hojo[i])
    }
    /// The 01 row of `code` if it is valid on `date`.
    pub fn hojo_on(&self, code: Code, date: NaiveDate) -> Option<&HojoRow> {
        self.hojo(code).filter(|r| r.covers(date))
    }
    /// All 01 rows, by code.
    pub fn hojo_rows(&self) -> &[HojoRow] {
        &self.hojo
    }

    // --- 02 包括テーブル ---------------------------------------------------------------------------

    /// The included items (子) of a 包括 group.
    pub fn hokatsu_group(&self, group: GroupNo) -> &[HokatsuRow] {
        run(&self.hokatsu, group, |r| r.group)
    }
    /// Every item that `parent` includes: for each 包括 link of its 01 row (①–③), the 02 rows of
    /// that group, with the link's 包括単位.
    pub fn hokatsu_for(&self, parent: Code) -> impl Iterator<Item = Hokatsu<'_>> + '_ {
        self.hojo(parent).into_iter().flat_map(move |p| {
            p.hokatsu_links().flat_map(move |(slot, link)| {
                self.hokatsu_group(link.group).iter().map(move |child| Hokatsu {
                    parent: p,
                    slot,
                    unit: link.unit,
                    child,
                })
            })
        })
    }
    /// [`Tensuhyo::hokatsu_for`] restricted to the 01 and 02 rows valid on `date`.
    pub fn hokatsu_for_on(&self, parent: Code, date: NaiveDate) -> impl Iterator<Item = Hokatsu<'_>> + '_ {
        self.hokatsu_for(parent)
            .filter(move |h| h.parent.covers(date) && h.child.covers(date))
    }
    /// The 02 rows that list `child` (the groups that include it).
    pub fn hokatsu_containing(&self, child: Code) -> impl Iterator<Item = &HokatsuRow> + '_ {
        self.hokatsu_by_code.rows(child).map(move |i| &self.hokatsu[i])
    }
    /// All 02 rows, by (group, code).
    pub fn hokatsu_rows(&self) -> &[HokatsuRow] {
        &self.hokatsu
    }

    // --- 03 背反テーブル ---------------------------------------------------------------------------

    /// The rows of one 背反 file with ① = `code` (the published direction; since every pair is
    /// published both ways, these are all of `code`'s partners).
    pub fn haihan(&self, scope: HaihanScope, code: Code) -> &[HaihanRow] {
        self.haihan_runs[scope.index()].get(&self.haihan[scope.index()], code)
    }
    /// [`Tensuhyo::haihan`] restricted to rows valid on `date`.
    pub fn haihan_on(&self, scope: HaihanScope, code: Code, date: NaiveDate) -> impl Iterator<Item = &HaihanRow> + '_ {
        self.haihan(scope, code).iter().filter(move |r| r.covers(date))
    }
    /// The row (①, ②) = (`first`, `second`) of one 背反 file.
    pub fn haihan_pair(&self, scope: HaihanScope, first: Code, second: Code) -> Option<&HaihanRow> {
        let rows = self.haihan(scope, first);
        rows.binary_search_by_key(&second, |r| r.code2).ok().map(|i| &rows[i])
    }
    /// Every row of one 背反 file in which `code` is ① or ② (both directions).
    pub fn haihan_pairs_in(&self, scope: HaihanScope, code: Code) -> impl Iterator<Item = &HaihanRow> + '_ {
        let rows = &self.haihan[scope.index()];
        self.haihan(scope, code)
            .iter()
            .chain(self.haihan_by_code2[scope.index()].rows(code).map(move |i| &rows[i]))
    }
    /// Every row of all four 背反 files in which `code` is ① or ② (both directions), 03-1 first.
    pub fn haihan_pairs(&self, code: Code) -> impl Iterator<Item = &HaihanRow> + '_ {
        HaihanScope::ALL
            .into_iter()
            .flat_map(move |s| self.haihan_pairs_in(s, code))
    }
    /// [`Tensuhyo::haihan_pairs`] restricted to rows valid on `date`.
    pub fn haihan_pairs_on(&self, code: Code, date: NaiveDate) -> impl Iterator<Item = &HaihanRow> + '_ {
        self.haihan_pairs(code).filter(move |r| r.covers(date))
    }
    /// All rows of one 背反 file, by (①, ②).
    pub fn haihan_rows(&self, scope: HaihanScope) -> &[HaihanRow] {
        &self.haihan[scope.index()]
    }

    // --- 04 入院基本料テーブル ---------------------------------------------------------------------

    /// The 加算 of one 入院基本料 group.
    pub fn nyuin_group(&self, group: NyuinGroup) -> &[NyuinRow] {
        run(&self.nyuin, group, |r| r.group)
    }
    /// The 加算 that may be added to the 入院料 `nyuin_code` (through its 01 入院基本料識別);
    /// empty when it has no 01 row or no group.
    pub fn nyuin_kasan(&self, nyuin_code: Code) -> &[NyuinRow] {
        match self.hojo(nyuin_code).and_then(|r| r.nyuin_group) {
            Some(g) => self.nyuin_group(g),
            None => &[],
        }
    }
    /// [`Tensuhyo::nyuin_kasan`] with the 01 and 04 rows valid on `date`.
    pub fn nyuin_kasan_on(&self, nyuin_code: Code, date: NaiveDate) -> impl Iterator<Item = &NyuinRow> + '_ {
        let rows = match self.hojo_on(nyuin_code, date).and_then(|r| r.nyuin_group) {
            Some(g) => self.nyuin_group(g),
            None => &[],
        };
        rows.iter().filter(move |r| r.covers(date))
    }
    /// The 04 row allowing 加算 `kasan` with 入院料 `nyuin_code`, if any.
    pub fn nyuin_kasan_row(&self, nyuin_code: Code, kasan: Code) -> Option<&NyuinRow> {
        let rows = self.nyuin_kasan(nyuin_code);
        rows.binary_search_by_key(&kasan, |r| r.code).ok().map(|i| &rows[i])
    }
    /// The 04 rows that list 加算 `kasan` (one per group).
    pub fn nyuin_rows_of(&self, kasan: Code) -> impl Iterator<Item = &NyuinRow> + '_ {
        self.nyuin_by_code.rows(kasan).map(move |i| &self.nyuin[i])
    }
    /// All 04 rows, by (group, code).
    pub fn nyuin_rows(&self) -> &[NyuinRow] {
        &self.nyuin
    }

    // --- 05 算定回数テーブル -----------------------------------------------------------------------

    /// The count limits of `code` (one row per 算定単位; all apply).
    pub fn santei_kaisu(&self, code: Code) -> &[KaisuRow] {
        self.kaisu_runs.get(&self.kaisu, code)
    }
    /// [`Tensuhyo::santei_kaisu`] restricted to rows valid on `date`.
    pub fn santei_kaisu_on(&self, code: Code, date: NaiveDate) -> impl Iterator<Item = &KaisuRow> + '_ {
        self.santei_kaisu(code).iter().filter(move |r| r.covers(date))
    }
    /// All 05 rows, by (code, unit).
    pub fn kaisu_rows(&self) -> &[KaisuRow] {
        &self.kaisu
    }
}
