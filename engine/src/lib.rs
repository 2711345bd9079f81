//! # santei-engine
//!
//! Computes one 医科 入院外 claim from a [`masters::MasterSet`]: every billed line with its
//! points, the master row it came from and the rule that produced, changed or removed it.
//!
//! - [`Engine`] is immutable (`Send + Sync`), built once from a master set and shared by any
//!   number of threads.
//! - [`Engine::calculate`] takes a parsed [`Claim`] and returns an [`Outcome`] or a
//!   [`ClaimError`] naming the JSON path of the problem.
//! - The engine does no IO. No point value is typed into code when a master row carries it.
//!
//! Rule families live one per file under [`rules`]; see ARCHITECTURE.md for the map.

#![forbid(unsafe_code)]

mod burden;
pub mod calendar;
pub mod claim;
mod context;
pub mod coverage;
mod ledger;
pub mod outcome;
mod pipeline;
pub mod rules;
pub mod standards;
pub mod strict;
mod validate;

pub use claim::{parse_claim, Claim};
pub use outcome::{Diagnostic, Level, Line, Origin, Outcome, Reason, Removed};

use masters::{Code, MasterSet};
use std::collections::HashMap;
use std::sync::Arc;

/// What kind of problem a [`ClaimError`] is: fronts (batch, the C ABI, the lenient UKE
/// recalculation) branch on this, never on messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Not a claim document of the documented shape (`CLAIM_JSON`).
    Json,
    /// A value outside its bounds or an impossible fact (`INVALID_CLAIM`).
    Invalid,
    /// A listed item's code is not a master code or not in the set (`INVALID_CLAIM`).
    UnknownCode,
    /// A listed item's code has no version valid on the visit date (`INVALID_CLAIM`).
    NoVersionOnDate,
    /// A listed drug / material whose 経過措置 ended before the visit (`INVALID_CLAIM`).
    TransitionEnded,
    /// A 届出 施設基準 that does not resolve (`UNKNOWN_STANDARD`).
    UnknownStandard,
    /// A capability santei does not know (`UNKNOWN_CAPABILITY`).
    UnknownCapability,
}

impl ErrorKind {
    /// The stable code (docs/diagnostics.md).
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Json => "CLAIM_JSON",
            ErrorKind::Invalid | ErrorKind::UnknownCode | ErrorKind::NoVersionOnDate | ErrorKind::TransitionEnded => {
                "INVALID_CLAIM"
            }
            ErrorKind::UnknownStandard => "UNKNOWN_STANDARD",
            ErrorKind::UnknownCapability => "UNKNOWN_CAPABILITY",
        }
    }
    /// Whether the error is about one listed item's code (the lenient recalculation leaves such
    /// an item out and computes the rest).
    pub fn is_item_code(self) -> bool {
        matches!(
            self,
            ErrorKind::UnknownCode | ErrorKind::NoVersionOnDate | ErrorKind::TransitionEnded
        )
    }
}

/// A claim that cannot be computed: bad JSON, an unknown field, an unknown code, a code not
/// valid on its date, impossible dates or times. Always names the JSON path, and carries a
/// typed [`ErrorKind`] with a stable [`ClaimError::code`] so that fronts (batch records, the C
/// ABI) never parse messages.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("{}: {message}", if path.is_empty() { "(claim)" } else { path.as_str() })]
    Json { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid {
        path: String,
        message: String,
        kind: ErrorKind,
    },
}

impl ClaimError {
    pub fn path(&self) -> &str {
        match self {
            ClaimError::Json { path, .. } | ClaimError::Invalid { path, .. } => path,
        }
    }
    pub fn message(&self) -> &str {
        match self {
            ClaimError::Json { message, .. } | ClaimError::Invalid { message, .. } => message,
        }
    }
    pub fn kind(&self) -> ErrorKind {
        match self {
            ClaimError::Json { .. } => ErrorKind::Json,
            ClaimError::Invalid { kind, .. } => *kind,
        }
    }
    /// The stable code of the error: `CLAIM_JSON` (not a claim document of the documented
    /// shape), `INVALID_CLAIM`, `UNKNOWN_STANDARD`, `UNKNOWN_CAPABILITY` (docs/diagnostics.md).
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }
    /// An error with a specific kind whose code is not `INVALID_CLAIM`; the message starts with
    /// the code for people reading it.
    pub(crate) fn coded(kind: ErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        ClaimError::Invalid {
            path: path.into(),
            message: format!("{}: {}", kind.code(), message.into()),
            kind,
        }
    }
    /// A 届出 施設基準 given by a name or code santei cannot resolve (`UNKNOWN_STANDARD`).
    pub(crate) fn unknown_standard(path: impl Into<String>, message: impl Into<String>) -> Self {
        ClaimError::coded(ErrorKind::UnknownStandard, path, message)
    }
    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        ClaimError::of(ErrorKind::Invalid, path, message)
    }
    /// An `INVALID_CLAIM` error of a specific kind (the message as is).
    pub(crate) fn of(kind: ErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        ClaimError::Invalid {
            path: path.into(),
            message: message.into(),
            kind,
        }
    }
}

/// Calculation options.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Fill `reason.detail` with the decision trace (rates, thresholds, candidates).
    pub trace: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { trace: true }
    }
}

/// Indexes over the 医科診療行為マスター that the rules need, built once.
#[derive(Debug, Default)]
#[doc(hidden)]
pub struct Index {
    /// 注加算コード → every code that carried it in any version.
    pub by_group: HashMap<u16, Vec<Code>>,
    /// 注加算コード → the codes that were a 注加算 of it (通番 ≠ 0, 告示等識別 7/9) in some version:
    /// the candidates `rules::chu_kasan` looks up on a date.
    pub kasan_of_group: HashMap<u16, Vec<Code>>,
    /// (区分 alphabet, 区分番号) → the codes that were a time 加算 of 再診料 / 外来診療料 in some
    /// version (注加算コード 0, 時間加算区分 ≠ 0, 入院外, 点数欄集計先 123–125).
    pub time_kasan_of_kubun: HashMap<(char, u16), Vec<Code>>,
    /// Codes whose 外来管理加算区分 is 2 (外来管理加算 itself).
    pub gairai_kanri_kasan: Vec<Code>,
    /// Every 施設基準コード a row carries (cols 72–81, any version; 9999, the deltas'
    /// placeholder, left out): the codes a claim's `facility.standards[].code` may name.
    pub standard_codes: rustc_hash::FxHashSet<u16>,
    /// (区分 alphabet, 区分番号) (s cols 85, 92) → every code that carried it in some version: the
    /// candidates [`Index::find`] reads when a rule looks a code up by meaning (区分/枝番/項番 and
    /// name) instead of by a fixed code.
    pub by_kubun: HashMap<(char, u16), Vec<Code>>,
    /// Codes a 2026 電子的診療情報連携体制整備加算 row matches by meaning in some version
    /// ([`rules::iryo_dx::DENSHI_SPECS`]), so the DX family is told apart without a name search per
    /// candidate row.
    pub denshi_codes: rustc_hash::FxHashSet<Code>,
}

/// What a rule looks a code up by: its place in the 点数表 (s cols 85, 90–94) and words of its
/// name, with the fixed code (from the supplement or an older master) used when no row of the
/// loaded set matches.
#[derive(Clone, Copy, Debug)]
#[doc(hidden)]
pub struct CodeSpec {
    /// 区分 alphabet (col 85) and the 区分番号 it may carry (col 92; several when revisions
    /// renumbered it, e.g. 外来・在宅ベースアップ評価料（Ⅰ） O100 in R6, O001 in R8).
    pub alpha: char,
    pub kubun: &'static [u16],
    /// 枝番 (col 93), 項番 (col 94) when they decide it.
    pub eda: Option<u8>,
    pub kouban: Option<u16>,
    /// Every word must be in the name (col 5), none of `not` may be.
    pub words: &'static [&'static str],
    pub not: &'static [&'static str],
    /// 外来・在宅ベースアップ評価料（１） flag (col 129) the row must carry, when it decides it.
    pub baseup1: Option<u8>,
    /// The fixed code when no row matches.
    pub fallback: u32,
}

/// How a code was found (for the trace).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub enum FoundBy {
    /// By 区分/枝番/項番 and name in the loaded master.
    Meaning,
    /// The fixed code of the spec (no row matched by meaning).
    Fixed,
}

impl FoundBy {
    pub fn describe(self, spec: &CodeSpec, code: Code) -> String {
        match self {
            FoundBy::Meaning => format!(
                "code {code} found by meaning: 区分 {}{:?}{}{} and name {:?}",
                spec.alpha,
                spec.kubun,
                spec.eda.map(|e| format!(" 枝番 {e}")).unwrap_or_default(),
                spec.kouban.map(|k| format!(" 項番 {k}")).unwrap_or_default(),
                spec.words
            ),
            FoundBy::Fixed => format!(
                "no row of the loaded master matched 区分 {}{:?} and name {:?}: the fixed code {code} (supplement / known master code)",
                spec.alpha, spec.kubun, spec.words
            ),
        }
    }
}

impl Index {
    fn build(set: &MasterSet) -> Index {
        let mut idx = Index::default();
        let mut codes: Vec<Code> = set.s.codes().collect();
        codes.sort();
        for code in codes {
            for v in set.s.history(code) {
                let r = &v.row;
                if r.tbl_alpha == 'A' && rules::iryo_dx::DENSHI_SPECS.iter().any(|sp| Self::matches(sp, r)) {
                    idx.denshi_codes.insert(code);
                }
                if r.chu_kasan_code != 0 {
                    let e = idx.by_group.entry(r.chu_kasan_code).or_default();
                    if e.last() != Some(&code) {
                        e.push(code);
                    }
                    if r.chu_kasan_seq != b'0' && matches!(r.kokuji1, b'7' | b'9') {
                        let e = idx.kasan_of_group.entry(r.chu_kasan_code).or_default();
                        if e.last() != Some(&code) {
                            e.push(code);
                        }
                    }
                }
                if r.chu_kasan_code == 0
                    && r.time_kasan != 0
                    && r.in_out == masters::InOut::OutpatientOnly
                    && (123..=125).contains(&r.sum_target_out)
                    && r.tbl_eda == 0
                {
                    let e = idx.time_kasan_of_kubun.entry((r.tbl_alpha, r.tbl_kubun)).or_default();
                    if e.last() != Some(&code) {
                        e.push(code);
                    }
                }
                idx.standard_codes
                    .extend(r.facility_standards.iter().copied().filter(|&c| c != 0 && c != 9999));
                let e = idx.by_kubun.entry((r.tbl_alpha, r.tbl_kubun)).or_default();
                if e.last() != Some(&code) {
                    e.push(code);
                }
                if r.gairai_kanri == 2 && idx.gairai_kanri_kasan.last() != Some(&code) {
                    idx.gairai_kanri_kasan.push(code);
                }
            }
        }
        idx
    }

    /// Whether a row matches a spec (its place in the 点数表 and its name).
    pub fn matches(spec: &CodeSpec, r: &masters::Procedure) -> bool {
        r.tbl_alpha == spec.alpha
            && spec.kubun.contains(&r.tbl_kubun)
            && spec.eda.is_none_or(|e| r.tbl_eda == e)
            && spec.kouban.is_none_or(|k| r.tbl_kouban == k)
            && spec.baseup1.is_none_or(|b| r.baseup1 == b)
            && spec.words.iter().all(|w| r.name.contains(w))
            && !spec.not.iter().any(|w| r.name.contains(w))
    }

    /// The row valid on `d` that a spec names: the lowest code of the loaded set matching it by
    /// meaning, else the spec's fixed code (if it has a version on `d`).
    pub fn find<'s>(
        &self,
        set: &'s MasterSet,
        spec: &CodeSpec,
        d: chrono::NaiveDate,
    ) -> Option<(&'s masters::Version<masters::Procedure>, FoundBy)> {
        for k in spec.kubun {
            if let Some(codes) = self.by_kubun.get(&(spec.alpha, *k)) {
                for c in codes {
                    if let Some(v) = set.s.lookup(*c, d) {
                        if Self::matches(spec, &v.row) {
                            return Some((v, FoundBy::Meaning));
                        }
                    }
                }
            }
        }
        set.s.lookup(Code(spec.fallback), d).map(|v| (v, FoundBy::Fixed))
    }

    /// Every row valid on `d` that matches a spec by meaning; when none does, the spec's fixed
    /// code (if it has a version on `d`), as [`Index::find`].
    pub fn find_all<'s>(
        &self,
        set: &'s MasterSet,
        spec: &CodeSpec,
        d: chrono::NaiveDate,
    ) -> Vec<(&'s masters::Version<masters::Procedure>, FoundBy)> {
        let mut out = Vec::new();
        for k in spec.kubun {
            if let Some(codes) = self.by_kubun.get(&(spec.alpha, *k)) {
                for c in codes {
                    if let Some(v) = set.s.lookup(*c, d) {
                        if Self::matches(spec, &v.row) {
                            out.push((v, FoundBy::Meaning));
                        }
                    }
                }
            }
        }
        if out.is_empty() {
            if let Some(v) = set.s.lookup(Code(spec.fallback), d) {
                out.push((v, FoundBy::Fixed));
            }
        }
        out
    }
}

/// The calculation engine: immutable, `Send + Sync`, shareable across threads.
pub struct Engine {
    masters: Arc<MasterSet>,
    index: Index,
    coverage: rules::revision::Coverage,
}

impl Engine {
    /// Builds an engine over a master set (kept alive by the engine).
    pub fn new(masters: Arc<MasterSet>) -> Engine {
        let index = Index::build(&masters);
        let coverage = rules::revision::Coverage::of(&masters);
        Engine {
            masters,
            index,
            coverage,
        }
    }

    /// Which revisions the set's official s master covers ([`rules::revision`]).
    pub fn coverage(&self) -> &rules::revision::Coverage {
        &self.coverage
    }

    pub fn masters(&self) -> &MasterSet {
        &self.masters
    }

    /// Computes one claim with the full trace.
    pub fn calculate(&self, claim: &Claim) -> Result<Outcome, ClaimError> {
        self.calculate_with(claim, Options::default())
    }

    /// Computes one claim with options.
    pub fn calculate_with(&self, claim: &Claim, opts: Options) -> Result<Outcome, ClaimError> {
        let (mut outcome, _) = pipeline::run(self, claim, opts, false)?;
        burden::attach(claim, &mut outcome, opts)?;
        Ok(outcome)
    }

    /// [`Engine::calculate_with`] leaving out the items whose code cannot be priced on their
    /// date (for [`diff::calculate_lenient`]).
    pub(crate) fn calculate_lenient_parts(
        &self,
        claim: &Claim,
        opts: Options,
    ) -> Result<(Outcome, Vec<validate::LeftOut>), ClaimError> {
        let (mut outcome, left_out) = pipeline::run(self, claim, opts, true)?;
        burden::attach(claim, &mut outcome, opts)?;
        Ok((outcome, left_out))
    }

    /// Parses and computes a claim given as JSON.
    pub fn calculate_json(&self, json: &[u8], opts: Options) -> Result<Outcome, ClaimError> {
        let claim = parse_claim(json)?;
        self.calculate_with(&claim, opts)
    }
}

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn engine_is_send_sync() {
        assert_send_sync::<super::Engine>();
    }
}

pub mod diff;
pub mod gen;
pub mod month;
