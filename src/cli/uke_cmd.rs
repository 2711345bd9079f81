//! `santei uke verify FILE [--masters DIR] [--facility FILE] [--as-of DATE] [--json]`: recalculate
//! every receipt of a 医科 RECEIPTC.UKE and compare with what it recorded (unit by unit, per
//! 診療識別, per receipt), then reconcile GO. `santei uke claims FILE …` prints the claims the
//! receipts convert to (JSON lines), for `calc`, `batch` or `diff`.
//!
//! Exit status: 0 every receipt matches, 1 some differ or fail, 2 bad usage or IO.

use super::batch::{read_facility, ErrorRec};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use engine::{Engine, Options};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::sync::Arc;
use uke::claim::{Comparison, ConvertOptions, UnitCause, Unpriced};

#[derive(Subcommand)]
pub enum UkeCmd {
    /// Recalculate every receipt and report the differences with the recorded figures.
    Verify(UkeArgs),
    /// Print the claim each receipt converts to, as JSON lines.
    Claims(UkeArgs),
    /// Read a file and write its records back: byte-identical when it conforms, else the
    /// conforming form, with every finding reported record by record.
    Normalize(super::uke_write::NormalizeArgs),
    /// Write a RECEIPTC.UKE from computed results (the JSON lines of `santei batch`).
    Write(super::uke_write::WriteArgs),
}

#[derive(Args)]
pub struct UkeArgs {
    /// A RECEIPTC.UKE, or `-` for standard input.
    pub file: String,
    #[arg(long)]
    pub masters: Option<PathBuf>,
    /// Facility facts (the claim format's `facility` object, JSON).
    #[arg(long)]
    pub facility: Option<PathBuf>,
    /// Re-date every receipt into the month of DATE (YYYY-MM-DD).
    #[arg(long = "as-of")]
    pub as_of: Option<NaiveDate>,
    /// One JSON document instead of the report (verify).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct ReceiptReport<'a> {
    receipt: Option<usize>,
    record: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    matches: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<&'a Comparison>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unpriced: &'a [Unpriced],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    assumptions: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorRec>,
}

#[derive(Default, Serialize)]
struct Totals {
    receipts: u64,
    computed: u64,
    failed: u64,
    matching: u64,
    differing: u64,
    unpriced_lines: u64,
    recorded_total: u64,
    recalculated_total: i64,
    go_issues: Vec<String>,
}

fn cause_text(c: &UnitCause) -> String {
    match c {
        UnitCause::Unpriced { code, message } => format!("unpriced {code}: {message}"),
        UnitCause::Removed { code, rule, reason } => format!("removed {code} by {rule}: {reason}"),
        UnitCause::Missing { code } => format!("{code} is missing in the recalculation"),
        UnitCause::ExtraDerived {
            code,
            name,
            rule,
            source,
        } => format!("extra derived line {code} {name} [{rule}: {source}]"),
        UnitCause::Points {
            recorded,
            recalculated,
            detail,
        } => format!("points differ: recalculated {recalculated} = {detail}; recorded {recorded}"),
        UnitCause::Count { recorded, recalculated } => {
            format!("回数 differs: recorded {recorded}, recalculated {recalculated}")
        }
    }
}

fn open(file: &str) -> std::io::Result<Box<dyn BufRead>> {
    Ok(if file == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(std::fs::File::open(file)?))
    })
}

pub fn run(cmd: UkeCmd) -> i32 {
    let (a, verify) = match cmd {
        UkeCmd::Verify(a) => (a, true),
        UkeCmd::Claims(a) => (a, false),
        UkeCmd::Normalize(a) => return super::uke_write::normalize(a),
        UkeCmd::Write(a) => return super::uke_write::write(a),
    };
    let facility = match read_facility(&a.facility) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let set = match super::load_masters(&a.masters) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: masters: {e}");
            return 2;
        }
    };
    let engine = Engine::new(Arc::new(set));
    let reader = match open(&a.file) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", a.file);
            return 2;
        }
    };
    let opts = ConvertOptions {
        facility: facility.as_ref(),
        as_of: a.as_of,
        masters: Some(engine.masters()),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut receipts = uke::UkeReader::new(reader).receipts();
    let mut t = Totals::default();
    let mut reports: Vec<serde_json::Value> = Vec::new();
    let mut assumptions: BTreeMap<String, u64> = BTreeMap::new();
    let mut io_res: std::io::Result<()> = Ok(());
    for r in receipts.by_ref() {
        t.receipts += 1;
        let tag = super::batch::Tag::of_receipt(&r);
        let (receipt_no, record) = match tag {
            super::batch::Tag::Receipt { receipt, record } => (receipt, record),
            super::batch::Tag::Line { line } => (None, line),
        };
        let label = match receipt_no {
            Some(n) => format!("receipt {n} (RE at record {record})"),
            None => format!("record {record}"),
        };
        let fail = |e: ErrorRec,
                    t: &mut Totals,
                    out: &mut dyn Write,
                    reports: &mut Vec<serde_json::Value>|
         -> std::io::Result<()> {
            t.failed += 1;
            if a.json || !verify {
                let rep = ReceiptReport {
                    receipt: receipt_no,
                    record,
                    matches: None,
                    comparison: None,
                    unpriced: &[],
                    assumptions: &[],
                    error: Some(e),
                };
                if verify {
                    reports.push(serde_json::to_value(&rep).unwrap_or_default());
                } else {
                    writeln!(out, "{}", serde_json::to_string(&rep).unwrap_or_default())?;
                }
                Ok(())
            } else {
                writeln!(out, "{label}: ERROR {}: {}", e.path, e.message)
            }
        };
        let receipt = match r {
            Ok(r) => r,
            Err(e) => {
                io_res = io_res.and(fail(ErrorRec::uke(&e), &mut t, &mut out, &mut reports));
                continue;
            }
        };
        let conv = match uke::claim::convert(&receipt, &opts) {
            Ok(c) => c,
            Err(e) => {
                io_res = io_res.and(fail(ErrorRec::convert(&e), &mut t, &mut out, &mut reports));
                continue;
            }
        };
        for s in &conv.assumptions {
            *assumptions.entry(s.clone()).or_default() += 1;
        }
        if !verify {
            #[derive(Serialize)]
            struct C<'a> {
                receipt: usize,
                record: u64,
                claim: &'a engine::Claim,
                assumptions: &'a [String],
            }
            t.computed += 1;
            io_res = io_res.and(writeln!(
                out,
                "{}",
                serde_json::to_string(&C {
                    receipt: receipt.order,
                    record,
                    claim: &conv.claim,
                    assumptions: &conv.assumptions
                })
                .unwrap_or_default()
            ));
            continue;
        }
        let x = match uke::claim::recalculate(&engine, &conv, Options { trace: false }) {
            Ok(x) => x,
            Err(e) => {
                io_res = io_res.and(fail(ErrorRec::claim(&e), &mut t, &mut out, &mut reports));
                continue;
            }
        };
        t.computed += 1;
        t.unpriced_lines += x.unpriced.len() as u64;
        t.recorded_total += x.comparison.recorded_total.unwrap_or(0);
        t.recalculated_total += x.comparison.recalculated_total;
        let ok = x.comparison.matches();
        if ok {
            t.matching += 1;
        } else {
            t.differing += 1;
        }
        if a.json {
            let rep = ReceiptReport {
                receipt: receipt_no,
                record,
                matches: Some(ok),
                comparison: Some(&x.comparison),
                unpriced: &x.unpriced,
                assumptions: &conv.assumptions,
                error: None,
            };
            reports.push(serde_json::to_value(&rep).unwrap_or_default());
            continue;
        }
        let c = &x.comparison;
        let rec_total = c.recorded_total.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
        let res = if ok {
            writeln!(out, "{label}: OK ({rec_total} 点)")
        } else {
            (|| {
                writeln!(
                    out,
                    "{label}: {} difference(s) — recorded {rec_total}, recalculated {} ({:+}){}",
                    c.differences.len(),
                    c.recalculated_total,
                    c.recalculated_total - c.recorded_total.unwrap_or(0) as i64,
                    if x.unpriced.is_empty() {
                        String::new()
                    } else {
                        format!("; {} line(s) unpriced", x.unpriced.len())
                    }
                )?;
                for d in &c.differences {
                    writeln!(
                        out,
                        "  {} [{}] {}{}: recorded {}, recalculated {}",
                        d.date,
                        d.section.as_deref().unwrap_or("--"),
                        d.codes.join("+"),
                        d.record.map(|r| format!(" (record {r})")).unwrap_or_default(),
                        d.recorded,
                        d.recalculated
                    )?;
                    for cause in &d.causes {
                        writeln!(out, "      {}", cause_text(cause))?;
                    }
                }
                let secs: Vec<String> = c
                    .sections
                    .iter()
                    .filter(|(_, s)| s.recorded as i64 != s.recalculated)
                    .map(|(k, s)| {
                        format!(
                            "{}: {} → {}",
                            if k.is_empty() { "--" } else { k },
                            s.recorded,
                            s.recalculated
                        )
                    })
                    .collect();
                if !secs.is_empty() {
                    writeln!(out, "  by 診療識別 (recorded → recalculated): {}", secs.join(", "))?;
                }
                Ok(())
            })()
        };
        io_res = io_res.and(res);
    }
    if let Some(issues) = receipts.check_go() {
        t.go_issues = issues.iter().map(|i| i.to_string()).collect();
    } else {
        t.go_issues.push("no GO record read".into());
    }
    let res = (|| {
        if !verify {
            return Ok(());
        }
        if a.json {
            #[derive(Serialize)]
            struct Doc<'a> {
                receipts: &'a [serde_json::Value],
                summary: &'a Totals,
                assumptions: &'a BTreeMap<String, u64>,
            }
            serde_json::to_writer_pretty(
                &mut out,
                &Doc {
                    receipts: &reports,
                    summary: &t,
                    assumptions: &assumptions,
                },
            )
            .map_err(std::io::Error::other)?;
            return writeln!(out);
        }
        writeln!(out)?;
        if !assumptions.is_empty() {
            writeln!(out, "assumptions (receipts concerned):")?;
            for (s, n) in &assumptions {
                writeln!(out, "  ({n}) {s}")?;
            }
        }
        writeln!(
            out,
            "summary: {} receipts read, {} recalculated, {} failed; {} match, {} differ; recorded {} 点, recalculated {} 点 ({:+}); {} unpriced line(s)",
            t.receipts,
            t.computed,
            t.failed,
            t.matching,
            t.differing,
            t.recorded_total,
            t.recalculated_total,
            t.recalculated_total - t.recorded_total as i64,
            t.unpriced_lines
        )?;
        if t.go_issues.is_empty() {
            writeln!(out, "GO: reconciles with the receipts read")
        } else {
            writeln!(out, "GO: {}", t.go_issues.join("; "))
        }
    })();
    if let Err(e) = io_res.and(res).and_then(|_| out.flush()) {
        eprintln!("error: {e}");
        return 2;
    }
    if t.failed > 0 || t.differing > 0 {
        1
    } else {
        0
    }
}
