//! Command-line verbs. Exit status: 0 success, 1 a rule or lookup said no (e.g. no valid version,
//! validation problems, a claim the rules reject), 2 bad input or usage.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod batch;
mod calc;
mod diff;
mod futan;
mod gen;
pub mod jsonw;
mod masters_cmd;
pub mod output;
mod uke_cmd;
mod uke_write;

#[derive(Parser)]
#[command(name = "santei", version, about = "santei — 診療報酬算定エンジン (医科)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Compute one claim (JSON) and print its lines, or the result JSON with --json.
    Calc(calc::CalcArgs),
    /// Master files: info, show, validate.
    Masters {
        #[command(subcommand)]
        cmd: masters_cmd::MastersCmd,
    },
    /// Compute many claims (JSON lines or a RECEIPTC.UKE), streamed, in parallel.
    Batch(batch::BatchArgs),
    /// What a revision (two master sets) or a date change does to the same claims.
    Diff(diff::DiffArgs),
    /// Generate realistic outpatient claims (JSON lines), deterministically.
    Gen(gen::GenArgs),
    /// 患者負担金 of one receipt-month: 一部負担金, 高額療養費 at the counter, 公費 (futan.md §7(c)).
    Futan(futan::FutanArgs),
    /// RECEIPTC.UKE files: verify (recalculate and compare), claims (convert), normalize (read
    /// and write back), write (a file from computed results).
    Uke {
        #[command(subcommand)]
        cmd: uke_cmd::UkeCmd,
    },
}

/// Where the masters come from: `--masters DIR`, else `SANTEI_MASTERS`, else the embedded default.
pub fn masters_dir(arg: &Option<PathBuf>) -> Option<PathBuf> {
    arg.clone()
        .or_else(|| std::env::var_os("SANTEI_MASTERS").map(PathBuf::from))
}

pub fn load_masters(arg: &Option<PathBuf>) -> Result<masters::MasterSet, String> {
    match masters_dir(arg) {
        Some(dir) => masters::load_dir(&dir).map_err(|e| e.to_string()),
        None => masters::load_default().map_err(|e| e.to_string()),
    }
}

pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Masters { cmd } => masters_cmd::run(cmd),
        Command::Calc(a) => calc::run(a),
        Command::Batch(a) => batch::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Gen(a) => gen::run(a),
        Command::Futan(a) => futan::run(a),
        Command::Uke { cmd } => uke_cmd::run(cmd),
    }
}
