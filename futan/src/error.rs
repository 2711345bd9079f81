//! The error of a receipt-month that cannot be computed: a typed kind (with its stable
//! `FUTAN_*` code, docs/diagnostics.md) and the JSON path of the input it is about.

/// What went wrong. The rule kinds (`is_rule`) are the error diagnostics of futan.md §8: the
/// input is well-formed but the rules cannot price it (exit 1); the others are invalid input
/// (exit 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad JSON, an unknown field, a value of the wrong type.
    Json,
    /// Well-formed JSON with an impossible fact: a visit outside the month, a birth date after
    /// the month, a 公費 named on a visit but absent from `public_aid`, a negative amount…
    Input,
    /// A sum or product left the range santei computes in (integer yen, i64).
    Overflow,
    /// `FUTAN_INCOME_INVALID`: an income class that does not exist for the age or the date.
    IncomeInvalid,
    /// `FUTAN_KOUKI_AGE`: 後期高齢者医療 for a patient under 65.
    KoukiAge,
    /// `FUTAN_AID_RULE_MISSING`: a 公費 without a national rule and without its own rule fields.
    AidRuleMissing,
    /// `FUTAN_TABLE_MISSING`: no dated table row covers the month (never the older limits).
    TableMissing,
}

impl ErrorKind {
    /// The stable code (docs/diagnostics.md).
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Json | ErrorKind::Input => "FUTAN_INPUT_INVALID",
            ErrorKind::Overflow => "FUTAN_OVERFLOW",
            ErrorKind::IncomeInvalid => "FUTAN_INCOME_INVALID",
            ErrorKind::KoukiAge => "FUTAN_KOUKI_AGE",
            ErrorKind::AidRuleMissing => "FUTAN_AID_RULE_MISSING",
            ErrorKind::TableMissing => "FUTAN_TABLE_MISSING",
        }
    }

    /// An error diagnostic of the rules (futan.md §8) rather than invalid input.
    pub fn is_rule(self) -> bool {
        matches!(
            self,
            ErrorKind::IncomeInvalid | ErrorKind::KoukiAge | ErrorKind::AidRuleMissing | ErrorKind::TableMissing
        )
    }
}

/// A receipt-month that cannot be computed. `Display`: `PATH: CODE: message`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}: {message}", if path.is_empty() { "(input)" } else { path.as_str() }, kind.code())]
pub struct FutanError {
    pub kind: ErrorKind,
    /// JSON path of the input the error is about (`insurance.income`, `visits[2].aid[0]`).
    pub path: String,
    pub message: String,
}

impl FutanError {
    pub fn new(kind: ErrorKind, path: impl Into<String>, message: impl Into<String>) -> FutanError {
        FutanError {
            kind,
            path: path.into(),
            message: message.into(),
        }
    }
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
    pub(crate) fn input(path: impl Into<String>, message: impl Into<String>) -> FutanError {
        FutanError::new(ErrorKind::Input, path, message)
    }
}
