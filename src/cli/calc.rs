//! `santei calc FILE|- [--masters DIR] [--json]`.

use clap::Args;
use engine::{Engine, Options, Outcome};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct CalcArgs {
    /// A claim JSON file, or `-` for standard input.
    pub file: String,
    #[arg(long)]
    pub masters: Option<PathBuf>,
    /// Print the result JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// A service date under a revision the masters do not cover (REVISION_NOT_COVERED) is an
    /// error (exit 2) instead of a warning.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(a: CalcArgs) -> i32 {
    let mut buf = Vec::new();
    let read = if a.file == "-" {
        std::io::stdin().read_to_end(&mut buf).map(|_| ())
    } else {
        std::fs::read(&a.file).map(|b| buf = b)
    };
    if let Err(e) = read {
        eprintln!("error: {}: {e}", a.file);
        return 2;
    }
    let set = match super::load_masters(&a.masters) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: masters: {e}");
            return 2;
        }
    };
    let engine = Engine::new(Arc::new(set));
    match engine.calculate_json(&buf, Options { trace: true }) {
        Ok(mut out) => {
            if a.strict {
                if let Some(d) = out.take_revision_warning() {
                    eprintln!("error: {}: {}: {}", d.path, d.code, d.message);
                    return 2;
                }
            }
            if a.json {
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            } else {
                print_table(&out);
            }
            if out.has_errors() {
                1
            } else {
                0
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

pub fn print_table(out: &Outcome) {
    println!(
        "{:<10} {:<9} {} {:>6} {:>4} {:>7}  reason",
        "date",
        "code",
        pad("name", 40),
        "points",
        "×",
        "="
    );
    for l in &out.lines {
        println!(
            "{:<10} {:<9} {} {:>6} {:>4} {:>7}  [{}] {}{}",
            l.date.to_string(),
            l.code,
            pad(&l.name, 40),
            l.points,
            l.count,
            l.points * l.count as i64,
            l.section,
            l.reason.rule,
            if l.origin == engine::Origin::Derived {
                " (derived)"
            } else {
                ""
            }
        );
    }
    println!("{:>79}", format!("total {} 点", out.total_points));
    if !out.sections.is_empty() {
        let s: Vec<String> = out.sections.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        println!("by 診療識別: {}", s.join(", "));
    }
    if !out.removed.is_empty() {
        println!("\nremoved:");
        for r in &out.removed {
            println!(
                "  {} {} {} — {}: {}",
                r.date,
                r.code,
                r.name,
                r.reason.rule,
                r.reason.detail.as_deref().unwrap_or("")
            );
        }
    }
    if let Some(b) = &out.burden {
        println!("\n患者負担金 (futan.md §7(b)):");
        super::futan::print_burden(b);
    }
    if !out.diagnostics.is_empty() {
        println!("\ndiagnostics:");
        for d in &out.diagnostics {
            println!("  {:?} {} {}: {}", d.level, d.code, d.path, d.message);
        }
    }
}
