//! Reader and writer for 医科 RECEIPTC.UKE files (レセプト電算処理システム, "レセ電").
//!
//! The layouts follow `shared/spec/uke.md` ([`layout`] holds every field with its mode and
//! width). Writing: [`UkeWriter`] (records → Shift_JIS lines with CRLF; a record read from a
//! file writes back byte-identical, a value that does not fit is an error naming the receipt
//! and the field). Reading, two levels of API:
//!
//! - [`UkeReader`] streams one typed [`Record`] per line (Shift_JIS decoded, bounded memory),
//!   and [`UkeReader::receipts`] groups them into [`Receipt`]s (an RE with its HO/KO/SN/SY/SI/
//!   IY/TO/CO/… lines), reporting a bad receipt as an `Err` without losing the others.
//! - [`parse_bytes`] parses a whole (small) file into a [`UkeFile`]; it never panics.
//!
//! A receipt's 摘要 lines are grouped into 算定単位 by [`Receipt::units`] (spec §4), and
//! [`check_receipt`] / [`GoTally::check`] / [`UkeFile::check`] reconcile the recorded figures:
//! Σ 点数 × 回数 = HO (or 公費単独 KO) 合計点数 per receipt, and GO 総件数 / 総合計点数 against the
//! HO and KO records of the file.
//!
//! ```no_run
//! use std::io::BufReader;
//! let file = std::fs::File::open("RECEIPTC.UKE").unwrap();
//! let mut receipts = uke::UkeReader::new(BufReader::new(file)).receipts();
//! for r in receipts.by_ref() {
//!     match r {
//!         Ok(receipt) => println!("{} {:?}", receipt.order, receipt.recorded_total()),
//!         Err(e) => eprintln!("{e}"),
//!     }
//! }
//! println!("GO check: {:?}", receipts.check_go());
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod check;
pub mod claim;
mod date;
mod error;
mod fields;
pub mod layout;
mod normalize;
mod reader;
mod rebuild;
mod receipt;
mod record;
mod writer;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

pub use check::{check_receipt, GoTally, Issue, Severity};
pub use date::{days_in_month, DateStyle, Era, UkeDate, UkeMonth};
pub use error::{ErrorKind, ReceiptRef, UkeError};
pub use normalize::{normalize, Finding, FindingKind, Normalized};
pub use reader::{UkeReader, MAX_RECORD_BYTES};
pub use rebuild::{rebuild, Amounts, ComputedLine, KohiAmounts, OutRecord, RebuildError, RebuildOptions, Rebuilt};
pub use receipt::{
    burden_payers, DetailItem, DetailLine, Payer, Receipt, Receipts, Unit, UnitKind, MAX_KOHI, MAX_RECORDS_PER_RECEIPT,
};
pub use record::{
    Co, DayCounts, Department, Go, Ho, Ir, Iy, Jd, Kh, Ko, LineComment, Mf, Re, Record, RecordBody, Si, Sj, Sn, Sy, To,
};
pub use writer::{
    encode_exact, encode_record, At, FieldIssue, Problem, Strict, UkeWriter, WriteError, WriteErrorKind, WriteNote,
};

/// A whole UKE file: the IR header, every receipt, and the GO trailer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UkeFile {
    /// IR 医療機関情報レコード.
    pub ir: Ir,
    /// The receipts in file order.
    pub receipts: Vec<Receipt>,
    /// GO 診療報酬請求書レコード.
    pub go: Go,
    /// The IR record as read (fields and bytes), for writing it back.
    #[serde(skip)]
    pub ir_record: Record,
    /// The GO record as read.
    #[serde(skip)]
    pub go_record: Record,
}

impl UkeFile {
    /// The GO figures recomputed from the receipts.
    pub fn tally(&self) -> GoTally {
        let mut t = GoTally::default();
        for r in &self.receipts {
            t.add(r);
        }
        t
    }

    /// Every reconciliation issue: per receipt ([`check_receipt`]), then GO ([`GoTally::check`]).
    pub fn check(&self) -> Vec<Issue> {
        let mut v: Vec<Issue> = self.receipts.iter().flat_map(check_receipt).collect();
        v.extend(self.tally().check(&self.go));
        v
    }
}

/// Parses a whole file held in memory; returns the first error. Never panics, whatever the
/// input (fuzz entry point). For large files prefer [`UkeReader::receipts`].
pub fn parse_bytes(bytes: &[u8]) -> Result<UkeFile, UkeError> {
    let mut receipts = UkeReader::new(bytes).receipts();
    let mut out = Vec::new();
    for r in receipts.by_ref() {
        out.push(r?);
    }
    let ir_record = receipts.ir_record().cloned().ok_or_else(|| {
        UkeError::new(
            1,
            ErrorKind::Structure {
                reason: "no IR record".into(),
            },
        )
    })?;
    let go_record = receipts.go_record().cloned().ok_or_else(|| {
        UkeError::new(
            receipts.records_read() + 1,
            ErrorKind::Truncated {
                reason: "the file ends without a GO record".into(),
            },
        )
    })?;
    // `Receipts` keeps only IR / GO bodies in these records.
    let (RecordBody::Ir(ir), RecordBody::Go(go)) = (ir_record.body.clone(), go_record.body.clone()) else {
        return Err(UkeError::new(
            1,
            ErrorKind::Structure {
                reason: "IR / GO records of an unexpected type".into(),
            },
        ));
    };
    Ok(UkeFile {
        ir,
        receipts: out,
        go,
        ir_record,
        go_record,
    })
}

/// Opens a file for streaming.
pub fn open(path: impl AsRef<Path>) -> std::io::Result<UkeReader<BufReader<File>>> {
    Ok(UkeReader::new(BufReader::new(File::open(path)?)))
}
