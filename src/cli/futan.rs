//! `santei futan --in FILE [--json]`: the 患者負担金 of one receipt-month (futan.md §7(c)).
//!
//! Exit 0; 1 when the rules reject the input (an error diagnostic: `FUTAN_TABLE_MISSING`,
//! `FUTAN_INCOME_INVALID`, `FUTAN_KOUKI_AGE`, `FUTAN_AID_RULE_MISSING`); 2 for invalid input
//! (bad JSON, an unknown field, an impossible date — the message names the JSON path).

use ::futan::{Burden, Level};
use clap::Args;
use std::io::Read;

#[derive(Args)]
pub struct FutanArgs {
    /// A receipt-month JSON file (futan.md §7(c)), or `-` for standard input.
    #[arg(long = "in", value_name = "FILE")]
    pub input: String,
    /// Print the `burden` object alone (JSON) instead of the table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: FutanArgs) -> i32 {
    let mut buf = Vec::new();
    let read = if a.input == "-" {
        std::io::stdin().read_to_end(&mut buf).map(|_| ())
    } else {
        std::fs::read(&a.input).map(|b| buf = b)
    };
    if let Err(e) = read {
        eprintln!("error: {}: {e}", a.input);
        return 2;
    }
    match ::futan::compute_json(&buf) {
        Ok(b) => {
            if a.json {
                println!("{}", serde_json::to_string_pretty(&b).unwrap_or_default());
            } else {
                print_burden(&b);
            }
            if b.diagnostics.iter().any(|d| d.level == Level::Error) {
                1
            } else {
                0
            }
        }
        Err(e) if e.kind.is_rule() => {
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&::futan::error_json(&e)).unwrap_or_default()
                );
            } else {
                println!("diagnostics:\n  Error {} {}: {}", e.code(), e.path, e.message);
            }
            1
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn yen(v: i64) -> String {
    let s = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// The table of visits and the receipt's split (also printed by `santei calc` for a claim with
/// insurance).
pub fn print_burden(b: &Burden) {
    println!(
        "{:<10} {:>8} {:>12} {:>12} {:>12}",
        "date", "points", "medical_yen", "patient_yen", "counter_yen"
    );
    for v in &b.visits {
        println!(
            "{:<10} {:>8} {:>12} {:>12} {:>12}",
            v.date.to_string(),
            v.points.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            yen(v.medical_yen),
            yen(v.patient_yen),
            yen(v.counter_yen)
        );
    }
    println!(
        "{:<10} {:>8} {:>12} {:>12} {:>12}",
        "total",
        b.points.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
        yen(b.medical_yen),
        yen(b.patient_yen),
        yen(b.counter_yen)
    );
    println!(
        "\nreceipt: 医療費 {} = insurer {} + 公費 {} + patient {}   (rate {}, {}, income {})",
        yen(b.medical_yen),
        yen(b.insurer_yen),
        yen(b.public_aid.iter().map(|a| a.paid_yen).sum()),
        yen(b.patient_yen),
        b.rate,
        serde_json::to_value(b.age_class)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        b.income.as_deref().unwrap_or("unknown")
    );
    println!(
        "         一部負担金相当額 {}; 高額療養費 現物 {}{}",
        yen(b.copay_yen),
        yen(b.kougaku.paid_yen),
        b.kougaku
            .limit_yen
            .map(|l| format!(" (own limit {})", yen(l)))
            .unwrap_or_default()
    );
    for a in &b.public_aid {
        println!(
            "  公費 {} {}: reached {}, paid {}, left {}{}",
            a.law,
            a.payer.as_deref().unwrap_or(""),
            yen(a.target_yen),
            yen(a.paid_yen),
            yen(a.patient_yen),
            a.limit_yen.map(|l| format!(" (limit {})", yen(l))).unwrap_or_default()
        );
    }
    if b.parts.len() > 1 {
        for p in &b.parts {
            println!(
                "  part {}{}: 医療費 {}, copay {}, patient {}{}",
                if p.aid.is_empty() {
                    "単独".to_string()
                } else {
                    format!("[{}]", p.aid.join(","))
                },
                if p.tokutei { " 特定疾病" } else { "" },
                yen(p.medical_yen),
                yen(p.copay_yen),
                yen(p.patient_yen),
                if p.gassan { " (合算)" } else { "" }
            );
        }
    }
    if !b.diagnostics.is_empty() {
        println!("\ndiagnostics:");
        for d in &b.diagnostics {
            println!("  {:?} {} {}: {}", d.level, d.code, d.path, d.message);
        }
    }
}
