//! The result of one claim: billed lines, removed lines, diagnostics, provenance.
//! JSON names are a fixed interface (`docs/claim-format.md`).

pub use crate::ledger::ItemRef;
pub use crate::rules::sections::Section;
pub use crate::rules::RuleId;
use chrono::NaiveDate;
pub use masters::Code;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Text that is usually a `&'static str` (rule ids, sources, sections) and sometimes built.
pub type Text = Cow<'static, str>;

/// `"input"` (the claim listed it) or `"derived"` (the engine added it from the facts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Input,
    Derived,
}

/// The master row a line was priced from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MasterRowRef {
    pub file: Arc<str>,
    pub line: u32,
    pub valid_from: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Set when the row comes from santei's bundled supplement rather than an official file.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub supplement: bool,
}

/// Why a line is there (or was removed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Rule id from the catalogue (`rules::CATALOGUE`), e.g. `A000`, `chu-kasan`, `iryo-dx`, `F200`.
    pub rule: RuleId,
    /// The 告示/通知 (or table) the rule implements.
    pub source: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master: Option<MasterRowRef>,
    /// Decision details (trace): only when tracing is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One billed line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub date: NaiveDate,
    /// The 9-digit master code (written as a string).
    pub code: Code,
    /// The master row's name (shared with the row, not copied).
    pub name: Arc<str>,
    /// Integer points of one unit.
    pub points: i64,
    pub count: u32,
    /// 診療識別 (written as two digits).
    pub section: Section,
    pub origin: Origin,
    pub reason: Reason,
    /// JSON path of the input item, for input lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The listed item `path` names, typed (not written: callers in Rust need not parse `path`).
    #[serde(skip)]
    pub item: Option<ItemRef>,
    /// Index of the visit this line belongs to.
    pub visit: usize,
    /// The 剤 / procedure group label (`rp`) of the input, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rp: Option<String>,
}

/// A line that was not billed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub date: NaiveDate,
    pub code: Code,
    pub name: Arc<str>,
    pub points: i64,
    pub count: u32,
    pub origin: Origin,
    pub reason: Reason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The listed item `path` names, typed (not written).
    #[serde(skip)]
    pub item: Option<ItemRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

/// A diagnostic with a stable code from the catalogue in `docs/diagnostics.md`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    pub code: &'static str,
    pub message: String,
    pub path: String,
}

/// Provenance of a master file used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MasterFileRef {
    pub file: Arc<str>,
    pub sha256: Arc<str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub supplement: bool,
}

/// The result of one claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub total_points: i64,
    pub lines: Vec<Line>,
    pub removed: Vec<Removed>,
    pub diagnostics: Vec<Diagnostic>,
    pub masters: Vec<MasterFileRef>,
    /// Points per 診療識別.
    pub sections: BTreeMap<String, i64>,
    /// 患者負担金 (futan.md §7(b)): only for a claim with `insurance` or `public_aid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burden: Option<futan::Burden>,
}

impl Outcome {
    /// Whether any diagnostic is an error (the claim is rejected by the rules).
    /// Removes and returns the `REVISION_NOT_COVERED` warning, for fronts that report it once
    /// (batch's summary) or turn it into an error (`--strict`, `SANTEI_CALC_STRICT`).
    pub fn take_revision_warning(&mut self) -> Option<Diagnostic> {
        let i = self.diagnostics.iter().position(|d| d.code == "REVISION_NOT_COVERED")?;
        Some(self.diagnostics.remove(i))
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }
}
