//! The claim path of 患者負担金 (futan.md §7(a)/(b)): after the points are computed, a claim with
//! `insurance` (or `public_aid`) gets `burden` — the receipt's split between patient, insurer and
//! each 公費, and what the counter collects at each visit.
//!
//! The points of visit k are Σ `points × count` of the billed lines with `visit == k`; the rules
//! live in the `futan` crate. Without `insurance` and `public_aid` nothing happens (the result
//! is byte-identical to a claim without money). A rule error of futan (`FUTAN_TABLE_MISSING`,
//! `FUTAN_INCOME_INVALID`, `FUTAN_KOUKI_AGE`, `FUTAN_AID_RULE_MISSING`) becomes an error
//! diagnostic of the result (no `burden`); invalid money input (a 公費 named on a visit but
//! absent from `public_aid`, visits out of date order…) is a claim error naming its JSON path.

use crate::claim::Claim;
use crate::outcome::{Diagnostic, Level, Outcome};
use crate::{ClaimError, Options};

pub(crate) fn attach(claim: &Claim, out: &mut Outcome, opts: Options) -> Result<(), ClaimError> {
    if claim.insurance.is_none() && claim.public_aid.is_empty() {
        return Ok(());
    }
    let Some(first) = claim.visits.first() else {
        return Ok(());
    };
    let mut points = vec![0i64; claim.visits.len()];
    for l in &out.lines {
        let p = l
            .points
            .checked_mul(i64::from(l.count))
            .and_then(|p| points[l.visit].checked_add(p))
            .ok_or_else(|| ClaimError::invalid(format!("visits[{}]", l.visit), "the visit's points overflow"))?;
        points[l.visit] = p;
    }
    let input = futan::FutanInput {
        month: futan::YearMonth::of(first.date),
        birth_date: claim.patient.birth_date,
        insurance: claim.insurance.clone(),
        public_aid: claim.public_aid.clone(),
        inpatient: claim.inpatient.unwrap_or(false),
        visits: claim
            .visits
            .iter()
            .zip(points)
            .map(|(v, p)| futan::VisitInput {
                date: v.date,
                points: Some(p),
                medical_yen: None,
                aid: v.aid.clone(),
                tokutei: v.tokutei,
            })
            .collect(),
        medical_yen: None,
        history: claim.futan_history.clone(),
    };
    match futan::compute(&input) {
        Ok(mut b) => {
            // The trace follows `Options::trace`, like `reason.detail` of the lines.
            if !opts.trace {
                b.trace.clear();
            }
            out.burden = Some(b)
        }
        Err(e) if e.kind.is_rule() => out.diagnostics.push(Diagnostic {
            level: Level::Error,
            code: e.code(),
            message: e.message,
            path: e.path,
        }),
        Err(e) => {
            let message = format!("{}: {}", e.code(), e.message);
            return Err(ClaimError::invalid(e.path, message));
        }
    }
    Ok(())
}
