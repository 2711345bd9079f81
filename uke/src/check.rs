//! Reconciliation of the recorded figures (spec §3 GO, §4.3, §4.4).

use std::fmt;

use serde::Serialize;

use crate::error::ReceiptRef;
use crate::receipt::{Payer, Receipt, UnitKind};
use crate::record::Go;

/// How serious an [`Issue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Severity {
    /// An arithmetic identity the format guarantees does not hold.
    Error,
    /// Something unusual that may be legitimate (an empirical rule, spec §7).
    Warning,
}

/// A figure in the file that does not reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Issue {
    /// Rule (a): Σ 点数 × 回数 over the receipt's units ≠ its HO 合計点数 (or, without HO, the
    /// first KO's).
    ReceiptTotalMismatch {
        /// The receipt.
        receipt: ReceiptRef,
        /// HO (or first KO) 合計点数.
        recorded: u64,
        /// Σ 点数 × 回数.
        computed: u64,
    },
    /// The receipt has neither HO nor KO.
    NoPayer {
        /// The receipt.
        receipt: ReceiptRef,
    },
    /// A KO 合計点数 differs from Σ 点数 × 回数 over the units whose 負担区分 includes that 公費.
    KohiTotalMismatch {
        /// The receipt.
        receipt: ReceiptRef,
        /// 1-based 公費 position (KO order).
        kohi: u8,
        /// KO 合計点数.
        recorded: u64,
        /// Σ over the units borne by that 公費.
        computed: u64,
    },
    /// A unit has SI/IY/TO lines but none carries 点数.
    UnitWithoutPoints {
        /// The receipt.
        receipt: ReceiptRef,
        /// Record number of the unit's first line.
        record_number: u64,
    },
    /// The lines of one unit disagree on 回数.
    UnitCountsDiffer {
        /// The receipt.
        receipt: ReceiptRef,
        /// Record number of the unit's first line.
        record_number: u64,
    },
    /// A line's 算定日情報 do not add up to its 回数 (spec §4.3).
    DayCountMismatch {
        /// The receipt.
        receipt: ReceiptRef,
        /// Record number of the line.
        record_number: u64,
        /// 回数 on the line.
        count: u32,
        /// Σ of the day columns.
        days_total: u32,
    },
    /// A 負担区分 code not in spec §5.2, or naming a 公費 the receipt has no KO for.
    BadBurden {
        /// The receipt.
        receipt: ReceiptRef,
        /// Record number of the line.
        record_number: u64,
        /// The code.
        code: String,
    },
    /// The number of days with any count ≠ the recorded 診療実日数 (an empirical rule that
    /// holds for 外来 receipts; spec §8.2).
    ServiceDaysMismatch {
        /// The receipt.
        receipt: ReceiptRef,
        /// HO (or first KO) 診療実日数.
        recorded: Option<u16>,
        /// Days with any SI/IY/TO count.
        computed: usize,
    },
    /// Rule (b): GO 総件数 ≠ number of HO records + number of KO records.
    GoCountMismatch {
        /// GO 総件数.
        recorded: u64,
        /// HO + KO records.
        computed: u64,
    },
    /// Rule (b): GO 総合計点数 ≠ Σ HO 合計点数 + Σ first-KO 合計点数 of receipts without HO.
    GoTotalMismatch {
        /// GO 総合計点数.
        recorded: u64,
        /// The sum.
        computed: u64,
    },
}

impl Issue {
    /// How serious the issue is.
    pub fn severity(&self) -> Severity {
        match self {
            Issue::ReceiptTotalMismatch { .. }
            | Issue::NoPayer { .. }
            | Issue::GoCountMismatch { .. }
            | Issue::GoTotalMismatch { .. }
            | Issue::UnitWithoutPoints { .. } => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// The receipt the issue is about (None for file-level issues).
    pub fn receipt(&self) -> Option<ReceiptRef> {
        match self {
            Issue::ReceiptTotalMismatch { receipt, .. }
            | Issue::NoPayer { receipt }
            | Issue::KohiTotalMismatch { receipt, .. }
            | Issue::UnitWithoutPoints { receipt, .. }
            | Issue::UnitCountsDiffer { receipt, .. }
            | Issue::DayCountMismatch { receipt, .. }
            | Issue::BadBurden { receipt, .. }
            | Issue::ServiceDaysMismatch { receipt, .. } => Some(*receipt),
            Issue::GoCountMismatch { .. } | Issue::GoTotalMismatch { .. } => None,
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = self.receipt() {
            write!(f, "receipt {} (RE at record {}): ", r.order, r.record_number)?;
        }
        match self {
            Issue::ReceiptTotalMismatch { recorded, computed, .. } => {
                write!(f, "合計点数 {recorded} ≠ Σ 点数×回数 {computed} over the 算定単位")
            }
            Issue::NoPayer { .. } => write!(f, "no HO or KO record"),
            Issue::KohiTotalMismatch {
                kohi,
                recorded,
                computed,
                ..
            } => write!(
                f,
                "第{kohi}公費 合計点数 {recorded} ≠ {computed} over the units it bears"
            ),
            Issue::UnitWithoutPoints { record_number, .. } => {
                write!(f, "record {record_number}: 算定単位 without 点数")
            }
            Issue::UnitCountsDiffer { record_number, .. } => {
                write!(f, "record {record_number}: lines of one 算定単位 differ in 回数")
            }
            Issue::DayCountMismatch {
                record_number,
                count,
                days_total,
                ..
            } => write!(f, "record {record_number}: 回数 {count} ≠ Σ 算定日情報 {days_total}"),
            Issue::BadBurden {
                record_number, code, ..
            } => write!(
                f,
                "record {record_number}: 負担区分 `{code}` does not fit the receipt's payers"
            ),
            Issue::ServiceDaysMismatch { recorded, computed, .. } => match recorded {
                Some(r) => write!(f, "診療実日数 {r} ≠ {computed} days with a count"),
                None => write!(f, "診療実日数 not recorded ({computed} days with a count)"),
            },
            Issue::GoCountMismatch { recorded, computed } => {
                write!(f, "GO 総件数 {recorded} ≠ {computed} (HO records + KO records)")
            }
            Issue::GoTotalMismatch { recorded, computed } => {
                write!(f, "GO 総合計点数 {recorded} ≠ {computed} (Σ HO + Σ 公費単独 KO)")
            }
        }
    }
}

/// Running figures over receipts that GO must match (spec §3 GO).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GoTally {
    /// Receipts added.
    pub receipts: u64,
    /// HO records.
    pub ho_records: u64,
    /// KO records.
    pub ko_records: u64,
    /// Σ HO 合計点数.
    pub ho_points: u64,
    /// Receipts without HO (公費単独).
    pub kohi_only_receipts: u64,
    /// Σ first-KO 合計点数 over the receipts without HO.
    pub kohi_only_points: u64,
}

impl GoTally {
    /// Adds one receipt.
    pub fn add(&mut self, r: &Receipt) {
        self.receipts += 1;
        let ko = r.ko();
        self.ko_records += ko.len() as u64;
        match r.ho() {
            Some(ho) => {
                self.ho_records += 1;
                self.ho_points = self.ho_points.saturating_add(u64::from(ho.total_points));
            }
            None => {
                self.kohi_only_receipts += 1;
                if let Some(k) = ko.first() {
                    self.kohi_only_points = self.kohi_only_points.saturating_add(u64::from(k.total_points));
                }
            }
        }
    }

    /// The 総件数 GO should carry: HO records + KO records.
    pub fn expected_count(&self) -> u64 {
        self.ho_records + self.ko_records
    }

    /// The 総合計点数 GO should carry: Σ HO + Σ first KO of receipts without HO.
    pub fn expected_total(&self) -> u64 {
        self.ho_points.saturating_add(self.kohi_only_points)
    }

    /// Rule (b): compares with the GO record.
    pub fn check(&self, go: &Go) -> Vec<Issue> {
        let mut v = Vec::new();
        if u64::from(go.total_count) != self.expected_count() {
            v.push(Issue::GoCountMismatch {
                recorded: u64::from(go.total_count),
                computed: self.expected_count(),
            });
        }
        if go.total_points != self.expected_total() {
            v.push(Issue::GoTotalMismatch {
                recorded: go.total_points,
                computed: self.expected_total(),
            });
        }
        v
    }
}

/// Per-receipt checks: rule (a) Σ 点数 × 回数 = HO (or first KO) 合計点数, each KO 合計点数
/// against the units its 負担区分 covers, units without 点数, 回数 consistency inside a unit,
/// 回数 = Σ 算定日情報 per line, known 負担区分 codes, and 診療実日数 = days with a count.
pub fn check_receipt(r: &Receipt) -> Vec<Issue> {
    let receipt = r.reference();
    let mut v = Vec::new();
    let units = r.units();
    let ko = r.ko();

    let computed = units.iter().fold(0u64, |acc, u| acc.saturating_add(u.amount()));
    match r.recorded_total() {
        None => v.push(Issue::NoPayer { receipt }),
        Some(recorded) if recorded != computed => v.push(Issue::ReceiptTotalMismatch {
            receipt,
            recorded,
            computed,
        }),
        Some(_) => {}
    }

    for (i, k) in ko.iter().enumerate() {
        let n = (i + 1) as u8;
        let computed = r.payer_units_total(Payer::Kohi(n));
        let recorded = u64::from(k.total_points);
        if computed != recorded {
            v.push(Issue::KohiTotalMismatch {
                receipt,
                kohi: n,
                recorded,
                computed,
            });
        }
    }

    for u in &units {
        match u.kind {
            UnitKind::Unclosed => v.push(Issue::UnitWithoutPoints {
                receipt,
                record_number: u.first_record_number(),
            }),
            UnitKind::Priced => {
                let c = u.count();
                if u.priced_lines().any(|l| l.count() != c) {
                    v.push(Issue::UnitCountsDiffer {
                        receipt,
                        record_number: u.first_record_number(),
                    });
                }
            }
            UnitKind::CommentOnly => {}
        }
    }

    let has_ho = r.ho().is_some();
    for l in r.detail_lines() {
        let burden = l.burden();
        let fits = crate::receipt::burden_payers(burden).is_some_and(|ps| {
            ps.iter().all(|p| match p {
                Payer::Insurance => has_ho,
                Payer::Kohi(n) => usize::from(*n) <= ko.len(),
            })
        });
        if !(fits || (l.is_comment() && burden.is_empty())) {
            v.push(Issue::BadBurden {
                receipt,
                record_number: l.number,
                code: burden.to_owned(),
            });
        }
        if let Some(days) = l.days() {
            let count = u32::from(l.count().unwrap_or(0));
            let days_total = days.total();
            if count != days_total {
                v.push(Issue::DayCountMismatch {
                    receipt,
                    record_number: l.number,
                    count,
                    days_total,
                });
            }
        }
    }

    let recorded = r.recorded_days();
    let computed = r.service_days().len();
    if recorded.map(usize::from) != Some(computed) {
        v.push(Issue::ServiceDaysMismatch {
            receipt,
            recorded,
            computed,
        });
    }
    v
}
