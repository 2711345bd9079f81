//! `santei futan --in FILE [--json]` (futan.md §7(c)) through the binary: the README's example
//! (MHLW 高齢受給者 計算事例 平成30年8月 事例35), the exit codes and the `--json` shape.

use std::process::Command;

fn santei(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .expect("run santei")
}

fn write_tmp(name: &str, body: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("santei-futan-{}-{name}", std::process::id()));
    std::fs::write(&p, body).unwrap();
    p
}

/// 事例35 (現役並みⅢ, 多数回, 外来, 54 上限 10,000): 54 part 40,500 → 10,000; 単独 141,000 → 140,100;
/// 合算 140,100 → the counter takes 10,000 on day 1 and 130,100 on day 2.
#[test]
fn futan_reproduces_jirei35_as_json_and_as_a_table() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/futan/kourei-jirei35.json");
    let out = santei(&["futan", "--in", example, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("burden JSON");
    assert_eq!(v["patient_yen"], 140100);
    assert_eq!(v["copay_yen"], 170600);
    assert_eq!(v["insurer_yen"], 434400);
    assert_eq!(v["public_aid"][0]["paid_yen"], 30500);
    assert_eq!(v["visits"][0]["counter_yen"], 10000);
    assert_eq!(v["visits"][1]["counter_yen"], 130100);
    assert!(v.get("lines").is_none(), "--json prints the burden object alone");

    let out = santei(&["futan", "--in", example]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2018-08-02    47000      470,000      130,100      130,100"),
        "{text}"
    );
    assert!(
        text.contains("insurer 434,400 + 公費 30,500 + patient 140,100"),
        "{text}"
    );
}

#[test]
fn futan_exit_codes() {
    // A rule error (no 2026-08 table, futan.md §4.8) → 1, the diagnostic printed.
    let p = write_tmp(
        "missing.json",
        r#"{"month":"2026-08","birth_date":"1954-01-01","insurance":{"kind":"kokuho"},"visits":[{"date":"2026-08-03","points":100}]}"#,
    );
    let out = santei(&["futan", "--in", p.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "FUTAN_TABLE_MISSING");
    // Invalid input → 2 with the JSON path.
    let p = write_tmp(
        "bad.json",
        r#"{"month":"2024-06","birth_date":"1980-01-01","insurance":{"kind":"shaho","incme":"ウ"},"visits":[{"date":"2024-06-03","points":100}]}"#,
    );
    let out = santei(&["futan", "--in", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: insurance.incme: FUTAN_INPUT_INVALID"), "{err}");
}

/// The claim path (futan.md §7(a)/(b)): `santei calc` on a claim with `insurance` gives
/// `burden`; the points of each visit are Σ points × count of its lines. Visit 1 is the README's
/// 447点 (4,470円): 3割 1,341 → the counter takes 1,340 (10円未満四捨五入, 健保法75条).
#[test]
fn calc_with_insurance_gives_the_counter_amount_per_visit() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/first-visit-dx-burden.json");
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["calc", example, "--json"])
        .env_remove("SANTEI_MASTERS")
        .output()
        .expect("run santei");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = &v["burden"];
    assert_eq!(b["visits"][0]["points"], 447);
    assert_eq!(b["visits"][0]["patient_yen"], 1341);
    assert_eq!(b["visits"][0]["counter_yen"], 1340);
    for (k, visit) in b["visits"].as_array().unwrap().iter().enumerate() {
        let points: i64 = v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["visit"] == k)
            .map(|l| l["points"].as_i64().unwrap() * l["count"].as_i64().unwrap())
            .sum();
        assert_eq!(visit["points"], points);
        // 3割, no limit reached (ウ 80,100): the counter is round10(points × 10 × 0.3).
        assert_eq!(visit["counter_yen"], ((points * 3) + 5) / 10 * 10);
    }
    assert_eq!(b["points"], v["total_points"]);
    assert_eq!(b["income"], "ウ");

    // Without insurance the result has no `burden` (and is unchanged: tests/snapshots).
    let plain = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/first-visit-dx.json");
    let out = santei(&["calc", plain, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("burden").is_none());

    // The table prints the visits' counter amounts.
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["calc", example])
        .env_remove("SANTEI_MASTERS")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2025-05-12      447        4,470        1,341        1,340"),
        "{text}"
    );
}
