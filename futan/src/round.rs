//! Rounding and checked integer-yen arithmetic (futan.md §3).
//!
//! Money is `i64` yen. Every sum and product goes through these helpers: one that would leave
//! the i64 range is a [`ErrorKind::Overflow`] error, never a wrapped number.
//!
//! | rule | what | source | conf |
//! |---|---|---|---|
//! | `futan.round.counter` | each counter payment: 5円未満切り捨て, 5円以上切り上げ (10円未満四捨五入) | 健保法75条, 国保法42条の2 [3][4] | H |
//! | `futan.round.cap` | a cap-determined payment is taken in 1円 (cumulative cap − collected) | [36] 5,230 + 2,620 + 150 = 8,000 | M |
//! | 1% term of a limit | `(M − threshold) × 1%` rounded half-up to 1円 (50銭以上切り上げ) | 健保法施行令42条 [5] | H |
//! | rate shares | `yen × rate` rounded half-up to 1円 at receipt level | [17][35] | M |

use crate::error::{ErrorKind, FutanError};

fn overflow() -> FutanError {
    FutanError::new(
        ErrorKind::Overflow,
        "",
        "an amount is outside the range santei computes in",
    )
}

pub(crate) fn add(a: i64, b: i64) -> Result<i64, FutanError> {
    a.checked_add(b).ok_or_else(overflow)
}

pub(crate) fn sub(a: i64, b: i64) -> Result<i64, FutanError> {
    a.checked_sub(b).ok_or_else(overflow)
}

pub(crate) fn mul(a: i64, b: i64) -> Result<i64, FutanError> {
    a.checked_mul(b).ok_or_else(overflow)
}

/// `n / d` rounded half-up (n ≥ 0, d > 0): `(n + d/2) / d`.
pub(crate) fn div_half_up(n: i64, d: i64) -> Result<i64, FutanError> {
    debug_assert!(n >= 0 && d > 0 && d % 2 == 0);
    Ok(add(n, d / 2)? / d)
}

/// `yen × permille / 1000`, rounded half-up to 1円 (a rate share; futan.md §3).
pub(crate) fn share(yen: i64, permille: u32) -> Result<i64, FutanError> {
    div_half_up(mul(yen, i64::from(permille))?, 1000)
}

/// The 1% term of a 高額療養費 limit: `max(0, m − threshold) × 1%`, half-up to 1円
/// (健保法施行令42条: 50銭未満切り捨て, 50銭以上切り上げ).
pub(crate) fn one_percent_over(m: i64, threshold: i64) -> Result<i64, FutanError> {
    div_half_up(sub(m, threshold)?.max(0), 100)
}

/// A counter payment rounded to 10円: 5円未満切り捨て, 5円以上切り上げ (健保法75条).
/// A refund (negative) is rounded the same way on its magnitude.
pub(crate) fn counter(yen: i64) -> Result<i64, FutanError> {
    let r = div_half_up(yen.checked_abs().ok_or_else(overflow)?, 10)? * 10;
    Ok(if yen < 0 { -r } else { r })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_rounds_at_five_yen() {
        // 健保法75条: 5円未満切り捨て, 5円以上10円未満は10円に切り上げ.
        assert_eq!(counter(5_224).unwrap(), 5_220);
        assert_eq!(counter(5_225).unwrap(), 5_230);
        assert_eq!(counter(5_228).unwrap(), 5_230);
        assert_eq!(counter(-2_615).unwrap(), -2_620);
        assert_eq!(counter(0).unwrap(), 0);
    }

    #[test]
    fn one_percent_rounds_half_up_to_one_yen() {
        // 70歳未満 事例2 [35]: (945,760 − 842,000) × 1% = 1,037.6 → 1,038 (252,600 + 1,038 = 253,638).
        assert_eq!(one_percent_over(945_760, 842_000).unwrap(), 1_038);
        // 事例4: (364,520 − 267,000) × 1% = 975.2 → 975.
        assert_eq!(one_percent_over(364_520, 267_000).unwrap(), 975);
        assert_eq!(one_percent_over(100_000, 267_000).unwrap(), 0);
        assert_eq!(one_percent_over(267_050, 267_000).unwrap(), 1);
        assert_eq!(one_percent_over(267_049, 267_000).unwrap(), 0);
    }

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(add(i64::MAX, 1).unwrap_err().kind, ErrorKind::Overflow);
        assert_eq!(share(i64::MAX / 10, 300).unwrap_err().kind, ErrorKind::Overflow);
    }
}
