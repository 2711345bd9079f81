//! Writing RECEIPTC.UKE files: `santei uke normalize` (read and write back), `santei uke write`
//! (a file from computed results) and the `--out-uke` output of `santei batch`.
//! Every file goes through [`Output`]: never over an input, never a partial file.

use super::output::Output;
use clap::Args;
use std::io::{BufRead, BufReader, Write};

/// `santei uke normalize --in IN --out OUT`.
#[derive(Args)]
pub struct NormalizeArgs {
    /// A RECEIPTC.UKE, or `-` for standard input.
    #[arg(long = "in")]
    pub input: String,
    /// The file written back (`-` = standard output); never the input itself.
    #[arg(long = "out")]
    pub output: String,
}

fn open(path: &str) -> std::io::Result<Box<dyn BufRead>> {
    Ok(if path == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, std::fs::File::open(path)?))
    })
}

/// Reads IN and writes its records to OUT in their conforming form; reports every finding,
/// record by record, on standard output. Exit status: 0 the file conforms (OUT is
/// byte-identical), 1 something was reported (OUT holds the conforming form, values outside
/// the 仕様 kept as read) or a record is unreadable (OUT not written), 2 usage or IO.
pub fn normalize(a: NormalizeArgs) -> i32 {
    let input = match open(&a.input) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", a.input);
            return 2;
        }
    };
    let out = match Output::create(&a.output, &[&a.input]) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let (n, out) = match uke::normalize(input, out) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {}: {e}", a.output);
            return 2;
        }
    };
    let stdout = std::io::stdout();
    let mut so = stdout.lock();
    let res = (|| -> std::io::Result<()> {
        for f in &n.findings {
            writeln!(so, "{f}")?;
        }
        let count = |p: fn(&uke::FindingKind) -> bool| n.findings.iter().filter(|f| p(&f.kind)).count();
        let fixed = n.findings.iter().filter(|f| f.changes_output()).count();
        let kept = count(|k| matches!(k, uke::FindingKind::Kept(_)));
        let content = count(|k| matches!(k, uke::FindingKind::Content(_)));
        let unreadable = count(|k| matches!(k, uke::FindingKind::Unreadable(_)));
        let verdict = if n.is_fatal() {
            format!("{} not written: {unreadable} unreadable record(s)", a.output)
        } else if n.is_conforming() {
            format!("{} is byte-identical to {}", a.output, a.input)
        } else if n.is_identical() {
            format!(
                "{} is byte-identical to {} (the findings are kept as read)",
                a.output, a.input
            )
        } else {
            format!("{} holds the conforming form", a.output)
        };
        writeln!(
            so,
            "normalize: {} records read, {} written; {fixed} fixed, {kept} kept outside the 仕様, {content} not reconciling{}; {verdict}",
            n.records_read,
            n.records_written,
            if n.eof_mark { "; end-of-file mark 0x1A kept" } else { "" },
        )
    })();
    if let Err(e) = res {
        eprintln!("error: {e}");
        return 2;
    }
    if n.is_fatal() {
        // Dropping the output removes its temporary file: OUT is left as it was.
        drop(out);
        return 1;
    }
    if let Err(e) = out.finish() {
        eprintln!("error: {e}");
        return 2;
    }
    if n.is_conforming() {
        0
    } else {
        1
    }
}

// ---------------------------------------------------------------------------------------------
// A RECEIPTC.UKE from computed results: `santei uke write` and `santei batch --out-uke`
// ---------------------------------------------------------------------------------------------

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::io::Seek;
use std::path::PathBuf;

/// The facts of a receipt that a result line carries for writing it back (`"uke"` in the
/// results of a UKE input): the receipt's records as read and, for every claim item, the
/// record it came from. See docs/uke.md.
#[derive(Serialize)]
pub struct UkeFactsRef<'a> {
    /// The receipt's records as read (decoded fields): the RE record first, then every record
    /// up to the next RE. `records[k]` is record number `record + k` of the source file.
    pub records: Vec<&'a [String]>,
    /// `origins[i][j]` = record number of the SI/IY/TO line that `visits[i].items[j]` of the
    /// converted claim came from (result lines name their item by `path`).
    pub origins: Vec<Vec<u64>>,
}

/// The `"uke"` object of a results line for a receipt and its conversion.
pub fn facts<'a>(r: &'a uke::Receipt, conv: &uke::claim::Converted) -> UkeFactsRef<'a> {
    let mut records: Vec<&[String]> = Vec::with_capacity(r.lines.len() + 1);
    records.push(&r.re_fields);
    records.extend(r.lines.iter().map(|l| l.fields.as_slice()));
    UkeFactsRef {
        records,
        origins: conv
            .origins
            .iter()
            .map(|v| v.iter().map(|o| o.record).collect())
            .collect(),
    }
}

#[derive(Deserialize)]
struct UkeFacts {
    records: Vec<Vec<String>>,
    #[serde(default)]
    origins: Vec<Vec<u64>>,
}

#[derive(Deserialize)]
struct LineIn {
    date: NaiveDate,
    code: String,
    points: i64,
    count: u32,
    section: String,
    #[serde(default)]
    path: Option<String>,
}

#[derive(Deserialize)]
struct DiagIn {
    level: String,
    code: String,
    message: String,
}

#[derive(Deserialize)]
struct ResultIn {
    lines: Vec<LineIn>,
    #[serde(default)]
    diagnostics: Vec<DiagIn>,
    /// The patient-burden object the 負担金 calculation will add (not read yet).
    #[serde(default)]
    burden: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ErrorIn {
    path: String,
    message: String,
}

#[derive(Deserialize)]
struct UnpricedIn {
    date: NaiveDate,
    code: String,
    #[serde(default)]
    record: u64,
}

#[derive(Deserialize)]
struct ResultLineIn {
    #[serde(default)]
    line: Option<u64>,
    #[serde(default)]
    receipt: Option<usize>,
    #[serde(default)]
    record: Option<u64>,
    #[serde(default)]
    result: Option<ResultIn>,
    #[serde(default)]
    error: Option<ErrorIn>,
    #[serde(default)]
    uke: Option<UkeFacts>,
    #[serde(default)]
    unpriced: Vec<UnpricedIn>,
}

/// The IR facts (医療機関情報) of `--facility` for `santei uke write`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct IrFacts {
    /// 審査支払機関 (1 社会保険診療報酬支払基金, 2 国民健康保険団体連合会).
    pub payer_org: Option<String>,
    /// 都道府県 (01–47).
    pub prefecture: Option<String>,
    /// 点数表 (1 医科; the default).
    pub fee_table: Option<String>,
    /// 医療機関コード (7 digits).
    pub facility_code: Option<String>,
    /// 医療機関名称.
    pub facility_name: Option<String>,
    /// 請求年月, `YYYY-MM`.
    pub claim_month: Option<String>,
    /// マルチボリューム識別情報 (`00`, the default).
    pub volume: Option<String>,
    /// 電話番号.
    pub phone: Option<String>,
}

/// Where the IR record comes from.
pub enum IrSource {
    /// A record read from a UKE (passed through).
    Record(uke::Record),
    /// Facts from a JSON file.
    Facts(IrFacts),
}

/// Reads `--facility` for `uke write`: the IR facts as JSON, or a RECEIPTC.UKE whose IR record
/// is taken.
pub fn read_ir_source(p: &PathBuf) -> Result<IrSource, String> {
    let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
    if bytes.starts_with(b"IR,") {
        let mut receipts = uke::UkeReader::new(bytes.as_slice()).receipts();
        let _ = receipts.next();
        return receipts
            .ir_record()
            .cloned()
            .map(IrSource::Record)
            .ok_or_else(|| format!("{}: no readable IR record", p.display()));
    }
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| format!("{}: facility: {e}", p.display()))?;
    if v.get("kind").is_some() || v.get("beds").is_some() {
        return Err(format!(
            "{}: this is a claim `facility` object (kind, beds …); `uke write --facility` takes the IR facts (facility_code, prefecture, payer_org, claim_month …) or a RECEIPTC.UKE, see docs/uke.md",
            p.display()
        ));
    }
    serde_json::from_value(v)
        .map(IrSource::Facts)
        .map_err(|e| format!("{}: IR facts: {e}", p.display()))
}

/// IR fields, the bytes they were read from (if any), and which fields santei set.
type IrParts = (Vec<String>, Option<Box<[u8]>>, uke::Strict);

impl IrSource {
    /// The IR fields (and bytes, for a record read) before the 請求年月 decision.
    fn record(&self) -> Result<IrParts, String> {
        match self {
            IrSource::Record(r) => Ok((r.fields.clone(), r.raw.clone(), uke::Strict::NONE)),
            IrSource::Facts(f) => {
                let missing: Vec<String> = [
                    (&f.payer_org, "審査支払機関", "payer_org"),
                    (&f.prefecture, "都道府県", "prefecture"),
                    (&f.facility_code, "医療機関コード", "facility_code"),
                    (&f.claim_month, "請求年月", "claim_month"),
                ]
                .iter()
                .filter(|(v, _, _)| v.as_deref().is_none_or(str::is_empty))
                .map(|(_, name, key)| format!("{name} (`{key}`)"))
                .collect();
                if !missing.is_empty() {
                    return Err(format!("--facility: IR facts missing: {}", missing.join(", ")));
                }
                let get = |v: &Option<String>| v.clone().unwrap_or_default();
                let month = get(&f.claim_month);
                let m = parse_month(&month)
                    .ok_or_else(|| format!("--facility: IR 請求年月 (`claim_month`) `{month}` is not YYYY-MM"))?;
                let fields = vec![
                    "IR".to_owned(),
                    get(&f.payer_org),
                    get(&f.prefecture),
                    f.fee_table.clone().unwrap_or_else(|| "1".into()),
                    get(&f.facility_code),
                    String::new(),
                    get(&f.facility_name),
                    m.to_uke(uke::DateStyle::for_claim_month(m))?,
                    f.volume.clone().unwrap_or_else(|| "00".into()),
                    get(&f.phone),
                ];
                Ok((fields, None, uke::Strict::ALL))
            }
        }
    }
}

fn parse_month(s: &str) -> Option<uke::UkeMonth> {
    let (y, m) = s.split_once('-')?;
    uke::UkeMonth::new(y.parse().ok()?, m.parse().ok()?)
}

fn uke_date(d: NaiveDate) -> Option<uke::UkeDate> {
    uke::UkeDate::new(u16::try_from(d.year()).ok()?, d.month() as u8, d.day() as u8)
}

/// `visits[i].items[j]…` → (i, j).
fn item_of(path: &str) -> Option<(usize, usize)> {
    let rest = path.strip_prefix("visits[")?;
    let (i, rest) = rest.split_once("].items[")?;
    let (j, _) = rest.split_once(']')?;
    Some((i.parse().ok()?, j.parse().ok()?))
}

/// The hook for the patient-burden amounts (HO #12, KO #7/#8). The 負担金 calculation will
/// add a `burden` object to results; until it is mapped here, every receipt is written as if
/// none was computed (amounts kept when a payer's 合計点数 is unchanged, else left empty).
fn amounts_of(result: &ResultIn, notes: &mut Vec<String>) -> Option<uke::Amounts> {
    if result.burden.is_some() {
        notes.push("result.burden is present but not read yet: 負担金額 written as if none was computed".into());
    }
    None
}

/// Why no file was written.
pub enum WriteFail {
    /// Bad IR facts, an output that cannot be created, IO (exit 2).
    Usage(String),
    /// Some results cannot be written (exit 1).
    Refused(String),
}

impl From<String> for WriteFail {
    fn from(s: String) -> Self {
        WriteFail::Usage(s)
    }
}

impl std::fmt::Display for WriteFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteFail::Usage(s) | WriteFail::Refused(s) => f.write_str(s),
        }
    }
}

/// What a written file holds.
#[derive(Default)]
pub struct WriteSummary {
    pub receipts: u64,
    /// Receipts not written because nothing was left to bill, with why.
    pub left_out: Vec<String>,
    pub go_count: u64,
    pub go_points: u64,
    pub notes: Vec<String>,
}

/// One results line turned into the rebuild inputs, or the reason it cannot be.
struct Prepared {
    src: uke::Receipt,
    lines: Vec<uke::ComputedLine>,
    amounts: Option<uke::Amounts>,
    notes: Vec<String>,
}

fn prepare(n: u64, rl: ResultLineIn) -> Result<Prepared, String> {
    let who = match (rl.receipt, rl.record, rl.line) {
        (Some(o), Some(r), _) => format!("receipt {o} (RE at record {r})"),
        (_, _, Some(l)) => format!("results line {n} (input line {l})"),
        _ => format!("results line {n}"),
    };
    if let Some(e) = rl.error {
        return Err(format!("{who} was not computed: {}: {}", e.path, e.message));
    }
    let result = rl.result.ok_or_else(|| format!("{who}: no `result`"))?;
    if let Some(d) = result.diagnostics.iter().find(|d| d.level == "error") {
        return Err(format!(
            "{who}: the result has an error diagnostic ({}: {})",
            d.code, d.message
        ));
    }
    let facts = rl.uke.ok_or_else(|| {
        format!(
            "{who}: no `uke` receipt facts — レセプト種別, 氏名, 生年月日, 保険者番号 … are needed for an RE/HO/KO record; results of a RECEIPTC.UKE input carry them (docs/uke.md)"
        )
    })?;
    let first = rl.record.unwrap_or(1);
    let mut records = facts.records.into_iter().enumerate().map(|(k, fields)| {
        uke::Record::parse(first + k as u64, fields).map_err(|e| format!("{who}: `uke.records[{k}]`: {e}"))
    });
    let re = records
        .next()
        .ok_or_else(|| format!("{who}: `uke.records` is empty (no RE record)"))??;
    let lines: Vec<uke::Record> = records.collect::<Result<_, _>>()?;
    let src = uke::Receipt::from_records(rl.receipt.unwrap_or(n as usize), re, lines)
        .map_err(|e| format!("{who}: `uke.records`: {e}"))?;
    let mut notes = Vec::new();
    let mut computed: Vec<uke::ComputedLine> = Vec::with_capacity(result.lines.len());
    for l in &result.lines {
        let date = uke_date(l.date).ok_or_else(|| format!("{who}: line {} has the date {}", l.code, l.date))?;
        let source = l
            .path
            .as_deref()
            .and_then(item_of)
            .and_then(|(i, j)| facts.origins.get(i).and_then(|v| v.get(j)))
            .copied();
        // A 減算 line (negative points, e.g. 160000190 検査逓減) names its base's item: its points
        // go into the base line's 点数 (the 剤 total a receipt shows), as the writer cannot add a
        // code to a source unit.
        if l.points < 0 && source.is_some() {
            if let Some(base) = computed
                .iter_mut()
                .rev()
                .find(|c| c.source == source && c.date == date && c.count == l.count && c.points + l.points >= 0)
            {
                base.points += l.points;
                notes.push(format!(
                    "{} on {}: {} points folded into the 点数 of {} (its base)",
                    l.code, l.date, l.points, base.code
                ));
                continue;
            }
        }
        computed.push(uke::ComputedLine {
            date,
            code: l.code.clone(),
            points: l.points,
            count: l.count,
            section: l.section.clone(),
            source,
        });
    }
    for u in &rl.unpriced {
        notes.push(format!(
            "record {}: {} on {} has no master version on its date: left out",
            u.record, u.code, u.date
        ));
    }
    let amounts = amounts_of(&result, &mut notes);
    Ok(Prepared {
        src,
        lines: computed,
        amounts,
        notes,
    })
}

/// Writes a RECEIPTC.UKE to `out` from a stream of results lines: IR from `ir`, one rebuilt
/// receipt per line, GO from the receipts written. Any line that cannot be written stops the
/// run before the output is in place (every such line is reported).
pub fn write_uke(
    results: &mut dyn BufRead,
    ir: &IrSource,
    out: &str,
    inputs: &[&str],
) -> Result<WriteSummary, WriteFail> {
    let (mut ir_fields, ir_raw, mut ir_strict) = ir.record().map_err(WriteFail::Usage)?;
    let ir_month = uke::UkeMonth::parse(ir_fields.get(7).map(String::as_str).unwrap_or(""))
        .map_err(|e| format!("IR 請求年月: {e}"))?;
    let mut w: Option<uke::UkeWriter<Output>> = None;
    let mut summary = WriteSummary::default();
    let mut tally = uke::GoTally::default();
    let mut errors: Vec<String> = Vec::new();
    let mut style = uke::DateStyle::for_claim_month(ir_month);
    let mut buf = Vec::new();
    let mut n = 0u64;
    loop {
        buf.clear();
        if results
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("results: {e}"))?
            == 0
        {
            break;
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        n += 1;
        let prepared = serde_json::from_slice::<ResultLineIn>(&buf)
            .map_err(|e| format!("results line {n}: {e}"))
            .and_then(|rl| prepare(n, rl));
        let p = match prepared {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if !errors.is_empty() {
            continue;
        }
        if p.lines.is_empty() {
            // Nothing to bill after the recalculation: no receipt is submitted for it.
            summary.left_out.push(format!(
                "receipt {} (RE at record {}): nothing left to bill after the recalculation (0 点): not written",
                p.src.order, p.src.record_number
            ));
            continue;
        }
        if w.is_none() {
            // The IR: a 請求年月 read from a file passes through unless the recalculation moved
            // the receipts to another 診療年月 (--as-of): then the month after the first
            // receipt's. A 請求年月 given in the IR facts is written as given.
            let target = p.lines.first().map(|l| l.date.month_of());
            let redated = target.filter(|t| *t != p.src.re.service_month);
            if let Some(t) = redated.filter(|_| matches!(ir, IrSource::Record(_))) {
                let claim = t.plus_months(1).ok_or_else(|| "請求年月 out of range".to_owned())?;
                style = uke::DateStyle::for_claim_month(claim);
                if claim != ir_month {
                    summary.notes.push(format!(
                        "IR 請求年月 {ir_month} → {claim}: the receipts were re-dated into {t}"
                    ));
                    ir_fields[7] = claim.to_uke(style)?;
                    ir_strict = ir_strict.with(uke::Strict::fields(&[8]));
                }
            }
            let o = Output::create(out, inputs)?;
            let mut wr = uke::UkeWriter::new(o);
            wr.write_fields(&ir_fields, ir_raw.as_deref(), ir_strict, uke::At::default())
                .map_err(|e| format!("IR: {e}"))?;
            w = Some(wr);
        }
        let Some(wr) = w.as_mut() else { continue };
        let opts = uke::RebuildOptions {
            receipt_no: (summary.receipts + 1) as u32,
            order: (summary.receipts + 1) as usize,
            first_record: wr.records_written() + 1,
            style,
            amounts: p.amounts,
        };
        let rb = match uke::rebuild(&p.src, &p.lines, &opts) {
            Ok(rb) => rb,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        let who = format!("receipt {} (RE at record {})", p.src.order, p.src.record_number);
        for o in &rb.records {
            let at = uke::At {
                receipt: Some(p.src.reference()),
                source_record: o.source_record,
            };
            if let Err(e) = wr.write_fields(&o.record.fields, o.record.raw.as_deref(), o.strict, at) {
                errors.push(e.to_string());
                break;
            }
        }
        summary
            .notes
            .extend(p.notes.iter().chain(rb.notes.iter()).map(|s| format!("{who}: {s}")));
        summary.notes.extend(wr.take_notes().into_iter().map(|n| n.to_string()));
        tally.add(&rb.receipt);
        summary.receipts += 1;
    }
    if !errors.is_empty() {
        return Err(WriteFail::Refused(format!(
            "{out} not written: {} receipt(s) cannot be written:\n  {}",
            errors.len(),
            errors.join("\n  ")
        )));
    }
    let Some(mut wr) = w else {
        return Err(WriteFail::Refused(format!("{out} not written: no results to write")));
    };
    summary.go_count = tally.expected_count();
    summary.go_points = tally.expected_total();
    let go = vec![
        "GO".to_owned(),
        summary.go_count.to_string(),
        summary.go_points.to_string(),
        "99".to_owned(),
    ];
    wr.write_fields(&go, None, uke::Strict::ALL, uke::At::default())
        .map_err(|e| WriteFail::Refused(format!("GO: {e}")))?;
    let o = wr.finish().map_err(|e| format!("{out}: {e}"))?;
    o.finish()?;
    Ok(summary)
}

fn print_summary(out: &str, s: &WriteSummary) {
    for n in s.notes.iter().chain(&s.left_out) {
        eprintln!("  {n}");
    }
    eprintln!(
        "{out}: {} receipts written{}; GO {} 件, {} 点",
        s.receipts,
        if s.left_out.is_empty() {
            String::new()
        } else {
            format!(", {} left out (nothing to bill)", s.left_out.len())
        },
        s.go_count,
        s.go_points
    );
}

/// `santei uke write --in results.jsonl --facility FILE --out RECEIPTC.UKE`.
#[derive(Args)]
pub struct WriteArgs {
    /// Results (the JSON lines `santei batch` writes); `-` for standard input.
    #[arg(long = "in")]
    pub input: String,
    /// The IR facts (JSON: facility_code, prefecture, payer_org, claim_month …) or the
    /// RECEIPTC.UKE the results came from (its IR record is used).
    #[arg(long)]
    pub facility: PathBuf,
    /// The RECEIPTC.UKE to write; never an input.
    #[arg(long = "out")]
    pub output: String,
}

/// Exit status: 0 written, 1 some result cannot be written (nothing written), 2 usage or IO.
pub fn write(a: WriteArgs) -> i32 {
    let ir = match read_ir_source(&a.facility) {
        Ok(ir) => ir,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut input = match open(&a.input) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", a.input);
            return 2;
        }
    };
    let facility = a.facility.display().to_string();
    match write_uke(&mut input, &ir, &a.output, &[&a.input, &facility]) {
        Ok(s) => {
            print_summary(&a.output, &s);
            0
        }
        Err(WriteFail::Usage(e)) => {
            eprintln!("error: {e}");
            2
        }
        Err(WriteFail::Refused(e)) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// The `--out-uke` side of `santei batch`: the results lines are kept in a temporary file
/// while the batch runs, and written as a RECEIPTC.UKE at the end (the IR of the input is
/// known then). The same code as `santei uke write`, so both give the same file.
pub struct UkeTee {
    out: String,
    tmp: std::io::BufWriter<std::fs::File>,
}

impl UkeTee {
    /// Checks `out` against the inputs and opens the temporary file.
    pub fn new(out: &str, inputs: &[&str]) -> Result<UkeTee, String> {
        super::output::check_not_input(out, inputs)?;
        if inputs.contains(&out) {
            return Err(format!("{out}: --out-uke is also another input or output of the run"));
        }
        let f = tempfile::tempfile().map_err(|e| format!("{out}: temporary file: {e}"))?;
        Ok(UkeTee {
            out: out.to_owned(),
            tmp: std::io::BufWriter::with_capacity(1 << 16, f),
        })
    }

    /// Keeps one results line.
    pub fn push(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.tmp.write_all(line)
    }

    /// Writes the RECEIPTC.UKE with the IR of the input. Returns the summary, or why the file
    /// was not written.
    pub fn finish(self, ir: Option<&uke::Record>, inputs: &[&str]) -> Result<WriteSummary, String> {
        let ir = ir
            .cloned()
            .map(IrSource::Record)
            .ok_or_else(|| format!("{} not written: the input has no readable IR record", self.out))?;
        let mut f = self
            .tmp
            .into_inner()
            .map_err(|e| format!("{}: temporary file: {}", self.out, e.error()))?;
        f.rewind().map_err(|e| format!("{}: temporary file: {e}", self.out))?;
        let mut r = BufReader::with_capacity(1 << 16, &mut f);
        let s = write_uke(&mut r, &ir, &self.out, inputs).map_err(|e| e.to_string())?;
        print_summary(&self.out, &s);
        Ok(s)
    }
}
