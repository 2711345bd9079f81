//! `santei gen --claims N --seed S --month YYYY-MM [--masters DIR] [--out FILE]`: N realistic
//! outpatient claims as JSON lines, drawn deterministically from the codes valid in that month
//! (see `engine::gen`). The same masters, month and seed always give the same output.

use clap::Args;
use engine::gen::Generator;
use engine::month::parse_month;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct GenArgs {
    /// Number of claims.
    #[arg(long)]
    pub claims: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Service month YYYY-MM.
    #[arg(long)]
    pub month: String,
    #[arg(long)]
    pub masters: Option<PathBuf>,
    /// Output file (default stdout; `-` too).
    #[arg(long = "out")]
    pub output: Option<String>,
}

pub fn run(a: GenArgs) -> i32 {
    let Some(month) = parse_month(&a.month) else {
        eprintln!("error: --month `{}` is not YYYY-MM", a.month);
        return 2;
    };
    let set = match super::load_masters(&a.masters) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: masters: {e}");
            return 2;
        }
    };
    let gen = Generator::new(&set, month, a.seed);
    if gen.pools.internal_drugs.is_empty() && gen.pools.tests.is_empty() {
        eprintln!(
            "warning: no drug or 検査 code of the master set is valid through {}: claims carry base fees only",
            a.month
        );
    }
    let mut out = match super::output::Output::create(a.output.as_deref().unwrap_or("-"), &[]) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut buf = Vec::with_capacity(4096);
    for claim in gen.take(a.claims as usize) {
        buf.clear();
        if let Err(e) = serde_json::to_writer(&mut buf, &claim) {
            eprintln!("error: {e}");
            return 2;
        }
        buf.push(b'\n');
        if let Err(e) = out.write_all(&buf) {
            eprintln!("error: {}: {e}", out.shown());
            return 2;
        }
    }
    if let Err(e) = out.finish() {
        eprintln!("error: {e}");
        return 2;
    }
    0
}
