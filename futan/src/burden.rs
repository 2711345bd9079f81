//! The result: `burden` (futan.md §7(b)) — the receipt's split between patient, insurer and
//! each 公費, what the counter collects at each visit, and a trace naming the rule and source
//! behind every yen. A caller ignores fields it does not know; fields are only ever added.

use crate::input::Basis;
use crate::rate::{AgeClass, Rate};
use chrono::NaiveDate;
use serde::Serialize;

/// The patient's burden for one receipt-month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Burden {
    /// 医療費: Σ points × 10 (or the yen given).
    pub medical_yen: i64,
    /// Points of the receipt (`null` when a visit was given in yen).
    pub points: Option<i64>,
    pub rate: Rate,
    pub age_class: AgeClass,
    /// The 所得区分 the counter's limits used (`null`: 70歳未満 without a known class).
    pub income: Option<String>,
    /// 一部負担金相当額: what is left after the insurer incl. 高額療養費, before 公費 (1円).
    pub copay_yen: i64,
    /// 保険者負担 = `medical_yen − copay_yen`.
    pub insurer_yen: i64,
    /// 患者負担 of the receipt after every limit and 公費 (1円).
    pub patient_yen: i64,
    /// Σ `visits[].counter_yen`.
    pub counter_yen: i64,
    /// One row per `public_aid[]` input entry.
    pub public_aid: Vec<AidShare>,
    pub kougaku: Kougaku,
    pub parts: Vec<Part>,
    pub visits: Vec<VisitBurden>,
    pub trace: Vec<TraceStep>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What one 公費 entry received, paid and left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AidShare {
    pub law: String,
    pub payer: Option<String>,
    /// What reached it (the previous payer's remainder).
    pub target_yen: i64,
    pub paid_yen: i64,
    /// Left after it (the patient's share of its parts).
    pub patient_yen: i64,
    /// The monthly limit used (after `history.limit_used`), `null` without one.
    pub limit_yen: Option<i64>,
    /// 公費対象点数 (`null` when a visit was given in yen).
    pub points: Option<i64>,
}

/// 高額療養費 at the counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kougaku {
    /// A limit bound somewhere (a part, マル長, 配慮措置 or the 合算).
    pub applied: bool,
    /// The patient's own limit on the receipt's whole 医療費 (the 配慮措置 value when the receipt
    /// is one 単独 non-特定疾病 part); `null` without a known 区分.
    pub limit_yen: Option<i64>,
    /// 高額療養費 現物給付 = Σ raw copay − copay.
    pub paid_yen: i64,
    /// The basis of the first part (`own` for a 単独 receipt).
    pub basis: Option<Basis>,
    pub tasuu: bool,
    pub halved: bool,
    /// The 配慮措置 limit bound a part.
    pub hairyo: bool,
    /// マル長 limit (halved in the 75歳到達月), when the patient has one.
    pub tokutei_yen: Option<i64>,
}

/// A part: the visits sharing the same 公費 set and 特定疾病 flag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    pub aid: Vec<String>,
    pub tokutei: bool,
    pub medical_yen: i64,
    pub copay_yen: i64,
    pub patient_yen: i64,
    /// The limit applied to the part (`null`: none at the counter).
    pub limit_yen: Option<i64>,
    /// The part took part in the 合算 (futan.md §4.6).
    pub gassan: bool,
}

/// One input visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VisitBurden {
    pub date: NaiveDate,
    pub points: Option<i64>,
    pub medical_yen: i64,
    /// Change of the receipt's patient amount with this visit (1円).
    pub patient_yen: i64,
    /// Collected at the counter (negative = refund).
    pub counter_yen: i64,
}

/// One step of the explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceStep {
    /// Where: `classify`, `parts[0]`, `parts[0].aid[54]`, `gassan`, `visits[2]`.
    pub step: String,
    /// Rule id (futan.md §6).
    pub rule: String,
    /// Law / notice / worked example the rule rests on (with its confidence).
    pub source: String,
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

/// A diagnostic (codes `FUTAN_*`, docs/diagnostics.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    pub code: &'static str,
    pub message: String,
    pub path: String,
}
