//! `santei diff --old DIR --new DIR --in FILE [--out FILE] [--json]`, or
//! `santei diff [--masters DIR] --old-date DATE --new-date DATE --in FILE …`: what a revision
//! (two master sets) or a date change (one set, the claims re-dated) does to the same claims.
//!
//! Per claim: the lines that appear, disappear or change points, each with its causes (master
//! row changed — both rows with `file:line` —, code abolished / new, rule or tier change, line
//! removed by a rule); then a summary: claims changed, points delta in total and per 診療識別, and
//! the codes with the largest impact. Human-readable by default (changed claims only); `--json`
//! writes one JSON line per claim (`{"line"|"receipt"…, "diff": {…}, "unpriced_old": […],
//! "unpriced_new": […]}` or `"error_old"`/`"error_new"`) and a last line `{"summary": {…}}`.
//! The comparison itself is `engine::diff` (pure).
//!
//! Listed codes that one side cannot price (no version on its date) are left out on that side
//! and reported (`unpriced_old` / `unpriced_new`), so a code that is new or abolished shows up
//! as a line that appears or disappears instead of failing the whole claim.

use super::batch::{self, ErrorRec, Input, Tag};
use super::output::Output;
use chrono::NaiveDate;
use clap::Args;
use engine::diff::{self as d, Cause, Change, ClaimDiff, Dropped, Lenient, Summary};
use engine::{Claim, Engine, Options};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct DiffArgs {
    /// Master folder of the old side.
    #[arg(long)]
    pub old: Option<PathBuf>,
    /// Master folder of the new side.
    #[arg(long)]
    pub new: Option<PathBuf>,
    /// Master folder for a side without --old / --new (default: SANTEI_MASTERS or embedded).
    #[arg(long)]
    pub masters: Option<PathBuf>,
    /// Re-date the claims into the month of this date for the old side.
    #[arg(long = "old-date")]
    pub old_date: Option<NaiveDate>,
    /// Re-date the claims into the month of this date for the new side.
    #[arg(long = "new-date")]
    pub new_date: Option<NaiveDate>,
    /// Claims: JSON lines or a RECEIPTC.UKE (`-` = stdin).
    #[arg(long = "in")]
    pub input: String,
    /// Output file (default stdout).
    #[arg(long = "out")]
    pub output: Option<String>,
    /// JSON lines instead of the human report.
    #[arg(long)]
    pub json: bool,
    #[arg(long)]
    pub threads: Option<usize>,
    /// Codes listed in the summary.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

struct Side {
    engine: Engine,
    date: Option<NaiveDate>,
}

enum One {
    Both {
        diff: ClaimDiff,
        old: Vec<Dropped>,
        new: Vec<Dropped>,
    },
    Failed {
        old: Option<ErrorRec>,
        new: Option<ErrorRec>,
    },
    Input(ErrorRec),
}

struct Item {
    tag: Tag,
    one: One,
}

#[derive(Serialize)]
struct JsonRec<'a> {
    #[serde(flatten)]
    tag: &'a Tag,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a ClaimDiff>,
    #[serde(skip_serializing_if = "is_empty")]
    unpriced_old: &'a [Dropped],
    #[serde(skip_serializing_if = "is_empty")]
    unpriced_new: &'a [Dropped],
    #[serde(skip_serializing_if = "Option::is_none")]
    error_old: Option<&'a ErrorRec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_new: Option<&'a ErrorRec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a ErrorRec>,
}

fn is_empty(s: &[Dropped]) -> bool {
    s.is_empty()
}

/// The side's result and the visit dates it was computed for.
fn compute(side: &Side, claim: &Claim) -> Result<(Lenient, Vec<NaiveDate>), ErrorRec> {
    let mut c = claim.clone();
    if let Some(dt) = side.date {
        d::redate_claim(&mut c, dt);
    }
    let dates = c.visits.iter().map(|v| v.date).collect();
    d::calculate_lenient(&side.engine, &c, Options { trace: false })
        .map(|l| (l, dates))
        .map_err(|e| ErrorRec::claim(&e))
}

fn one(old: &Side, new: &Side, input: Input) -> Item {
    let (tag, claim) = match input {
        Input::TooLong(line) => (Tag::Line { line }, Err(ErrorRec::too_long())),
        Input::Line(line, bytes) => (
            Tag::Line { line },
            engine::parse_claim(bytes).map_err(|e| ErrorRec::claim(&e)),
        ),
        Input::Receipt(r) => {
            let tag = Tag::of_receipt(&r);
            let claim = match *r {
                Ok(r) => {
                    let o = uke::claim::ConvertOptions {
                        facility: None,
                        as_of: None,
                        masters: Some(new.engine.masters()),
                    };
                    uke::claim::convert(&r, &o)
                        .map(|c| c.claim)
                        .map_err(|e| ErrorRec::convert(&e))
                }
                Err(e) => Err(ErrorRec::uke(&e)),
            };
            (tag, claim)
        }
    };
    let claim = match claim {
        Ok(c) => c,
        Err(e) => {
            return Item {
                tag,
                one: One::Input(e),
            }
        }
    };
    let one = match (compute(old, &claim), compute(new, &claim)) {
        (Ok((a, ad)), Ok((b, bd))) => One::Both {
            diff: d::diff_dated(
                &a.outcome,
                &b.outcome,
                old.engine.masters(),
                new.engine.masters(),
                &ad,
                &bd,
            ),
            old: a.dropped,
            new: b.dropped,
        },
        (a, b) => One::Failed {
            old: a.err(),
            new: b.err(),
        },
    };
    Item { tag, one }
}

fn tag_text(t: &Tag) -> String {
    match t {
        Tag::Line { line } => format!("line {line}"),
        Tag::Receipt {
            receipt: Some(r),
            record,
        } => format!("receipt {r} (RE at record {record})"),
        Tag::Receipt { receipt: None, record } => format!("record {record}"),
    }
}

fn cause_text(c: &Cause) -> String {
    match c {
        Cause::MasterRow { old, new } => format!("master row changed: {} → {}", old.describe(), new.describe()),
        Cause::CodeAbolished { last, date } => {
            format!(
                "code has no version on {date} (abolished){}",
                last.as_ref()
                    .map(|r| format!("; last: {}", r.describe()))
                    .unwrap_or_default()
            )
        }
        Cause::CodeNew { first, date } => format!(
            "code has no version on {date} (new){}",
            first
                .as_ref()
                .map(|r| format!("; now: {}", r.describe()))
                .unwrap_or_default()
        ),
        Cause::Tier {
            rule,
            old_code,
            new_code,
        } => format!("{rule}: tier/variant {old_code} → {new_code}"),
        Cause::Rule { old_rule, new_rule } => format!("rule {old_rule} → {new_rule}"),
        Cause::RuleApplies {
            side,
            rule,
            source,
            detail,
        } => {
            format!(
                "rule {rule} applies on the {} side only ({source}){}",
                if matches!(side, d::Side::Old) { "old" } else { "new" },
                detail.as_ref().map(|x| format!(": {x}")).unwrap_or_default()
            )
        }
        Cause::Removed { side, rule, reason } => format!(
            "removed on the {} side by {rule}: {reason}",
            if matches!(side, d::Side::Old) { "old" } else { "new" }
        ),
        Cause::Count { old, new } => format!("回数 {old} → {new}"),
        Cause::Unexplained => "no master or rule change found (compare the traces)".into(),
    }
}

fn print_human(w: &mut dyn Write, it: &Item) -> std::io::Result<()> {
    match &it.one {
        One::Both { diff, old, new } => {
            if !diff.is_changed() && old.is_empty() && new.is_empty() {
                return Ok(());
            }
            writeln!(
                w,
                "{}{}: {} → {} ({:+})",
                tag_text(&it.tag),
                diff.id.as_ref().map(|i| format!(" [{i}]")).unwrap_or_default(),
                diff.old_total,
                diff.new_total,
                diff.delta
            )?;
            for c in &diff.changes {
                let side = |s: &Option<d::LineSide>| {
                    s.as_ref()
                        .map(|s| format!("{}×{}", s.points, s.count))
                        .unwrap_or_else(|| "—".into())
                };
                let date = c
                    .new
                    .as_ref()
                    .or(c.old.as_ref())
                    .map(|s| s.date.to_string())
                    .unwrap_or_default();
                let what = match c.change {
                    Change::Appeared => "appears",
                    Change::Disappeared => "disappears",
                    Change::Changed => "changes",
                };
                writeln!(
                    w,
                    "  {what:<10} {date} {} {} [{}] {} → {} ({:+})",
                    c.code,
                    c.name,
                    c.section,
                    side(&c.old),
                    side(&c.new),
                    c.delta
                )?;
                for cause in &c.causes {
                    writeln!(w, "      {}", cause_text(cause))?;
                }
            }
            for (label, list) in [("old", old), ("new", new)] {
                for x in list {
                    writeln!(w, "  unpriced on the {label} side: {} {}", x.path, x.message)?;
                }
            }
        }
        One::Failed { old, new } => {
            writeln!(w, "{}: not computed on both sides", tag_text(&it.tag))?;
            for (label, e) in [("old", old), ("new", new)] {
                if let Some(e) = e {
                    writeln!(w, "  {label}: {}: {}", e.path, e.message)?;
                }
            }
        }
        One::Input(e) => writeln!(w, "{}: error: {}: {}", tag_text(&it.tag), e.path, e.message)?,
    }
    Ok(())
}

fn print_summary(w: &mut dyn Write, s: &Summary, bad_input: u64, top: usize) -> std::io::Result<()> {
    writeln!(
        w,
        "\nsummary: {} claims compared, {} changed, {} failed on the old side, {} on the new side, {} unreadable",
        s.claims, s.changed, s.errors_old, s.errors_new, bad_input
    )?;
    writeln!(w, "points: {} → {} ({:+})", s.old_total, s.new_total, s.delta)?;
    if !s.sections.is_empty() {
        let v: Vec<String> = s
            .sections
            .iter()
            .filter(|(_, v)| **v != 0)
            .map(|(k, v)| format!("{k}: {v:+}"))
            .collect();
        writeln!(w, "by 診療識別: {}", v.join(", "))?;
    }
    let t = s.top_codes(top);
    if !t.is_empty() {
        writeln!(w, "top codes by impact:")?;
        for c in t {
            writeln!(
                w,
                "  {} {} {:+} ({} lines in {} claims)",
                c.code, c.name, c.delta, c.lines, c.claims
            )?;
        }
    }
    Ok(())
}

fn side(dir: &Option<PathBuf>, fallback: &Option<PathBuf>, date: Option<NaiveDate>) -> Result<Side, String> {
    let set = super::load_masters(if dir.is_some() { dir } else { fallback })?;
    Ok(Side {
        engine: Engine::new(Arc::new(set)),
        date,
    })
}

pub fn run(a: DiffArgs) -> i32 {
    if a.old.is_none() && a.new.is_none() && a.old_date.is_none() && a.new_date.is_none() {
        eprintln!("error: give --old DIR and --new DIR (two master sets), or --old-date and --new-date (one set, the claims re-dated)");
        return 2;
    }
    let (old, new) = match (
        side(&a.old, &a.masters, a.old_date),
        side(&a.new, &a.masters, a.new_date),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: masters: {e}");
            return 2;
        }
    };
    let pool = match batch::pool(a.threads) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut src = match batch::Source::open(&a.input) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}: {e}", a.input);
            return 2;
        }
    };
    let out_path = a.output.as_deref().unwrap_or("-");
    let mut out = match Output::create(out_path, &[&a.input]) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut summary = Summary::default();
    let mut bad_input = 0u64;
    let json = a.json;
    let res = batch::run_chunks(
        &mut src,
        &pool,
        4096,
        |i| one(&old, &new, i),
        |it: Item| {
            match &it.one {
                One::Both { diff, .. } => summary.add(diff),
                One::Failed { old, new } => summary.add_error(old.is_some(), new.is_some()),
                One::Input(_) => bad_input += 1,
            }
            if json {
                let (diff, uo, un, eo, en, e) = match &it.one {
                    One::Both { diff, old, new } => (Some(diff), old.as_slice(), new.as_slice(), None, None, None),
                    One::Failed { old, new } => (None, &[][..], &[][..], old.as_ref(), new.as_ref(), None),
                    One::Input(e) => (None, &[][..], &[][..], None, None, Some(e)),
                };
                let rec = JsonRec {
                    tag: &it.tag,
                    diff,
                    unpriced_old: uo,
                    unpriced_new: un,
                    error_old: eo,
                    error_new: en,
                    error: e,
                };
                serde_json::to_writer(&mut out, &rec).map_err(std::io::Error::other)?;
                out.write_all(b"\n")
            } else {
                print_human(&mut out, &it)
            }
        },
    )
    .and_then(|_| {
        if json {
            #[derive(Serialize)]
            struct S<'a> {
                summary: &'a Summary,
                unreadable: u64,
                top_codes: Vec<d::CodeImpact>,
            }
            serde_json::to_writer(
                &mut out,
                &S {
                    summary: &summary,
                    unreadable: bad_input,
                    top_codes: summary.top_codes(a.top),
                },
            )
            .map_err(std::io::Error::other)?;
            out.write_all(b"\n")
        } else {
            print_summary(&mut out, &summary, bad_input, a.top)
        }
    })
    .map_err(|e| e.to_string())
    .and_then(|_| out.finish());
    if let Err(e) = res {
        eprintln!("error: {e}");
        return 2;
    }
    0
}
