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
