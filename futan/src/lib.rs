//! # santei-futan — 患者負担金
//!
//! What the patient pays for one receipt-month (医療機関 × 診療月 × 入院外/入院 × one 医療保険):
//! 負担割合, 一部負担金 rounded at the counter, 高額療養費 at the counter for both age groups and
//! every period santei carries (多数回, 75歳到達月, マル長, 配慮措置, the 21,000円 合算), 公費 by
//! 法別番号 and 地方単独公費 from input data — split between patient, insurer and each 公費, per
//! visit (what the counter collects that day) and per receipt, with every yen traced to a rule
//! id and its source. The domain spec is `shared/spec/futan.md`; its names are kept exactly.
//!
//! - [`compute`] takes a [`FutanInput`] and returns a [`Burden`] or a [`FutanError`] with a typed
//!   kind (`FUTAN_*` code) and the JSON path of the input it is about.
//! - No IO. Money is integer yen (`i64`, checked: no sum may wrap); rates are integer
//!   thousandths ([`Rate`]); never floating point.
//! - Every limit is dated table data ([`kougaku::TABLES`]); a month no table covers is
//!   `FUTAN_TABLE_MISSING`, never the older limits.
//!
//! One file per rule family: [`rate`] (§2), [`round`] (§3), [`kougaku`] (§4), [`aid`] (§5),
//! [`compute`] (§6), [`input`] (§7(a)/(c)), [`burden`] (§7(b)).
#![forbid(unsafe_code)]

pub mod aid;
pub mod burden;
pub mod compute;
mod error;
pub mod input;
pub mod kougaku;
pub mod rate;
pub mod round;

pub use burden::{AidShare, Burden, Diagnostic, Kougaku, Level, Part, TraceStep, VisitBurden};
pub use compute::compute;
pub use error::{ErrorKind, FutanError};
pub use input::{
    parse_input, Basis, FutanInput, History, Insurance, InsuranceKind, LimitUsed, PublicAid, Relation, VisitInput,
    YearMonth,
};
pub use rate::{AgeClass, Rate};

/// Parses and computes the standalone input (futan.md §7(c)).
pub fn compute_json(json: &[u8]) -> Result<Burden, FutanError> {
    compute(&parse_input(json)?)
}

/// The JSON a front prints for an input the rules reject (an error diagnostic, futan.md §8):
/// `{"diagnostics": [{"level": "error", "code", "message", "path"}]}` — the shape of a `burden`
/// with only its diagnostics.
pub fn error_json(e: &FutanError) -> serde_json::Value {
    serde_json::json!({
        "diagnostics": [ {
            "level": "error",
            "code": e.code(),
            "message": e.message,
            "path": e.path,
        } ]
    })
}
