//! The `santei` binary's fixed verbs, as a user runs them: the README's first command on the
//! embedded default set, and the `masters show` answers issue "Workspace and masters" names.

use crate::golden::{data_dir, skip_loudly};
use std::process::Command;

fn santei(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .expect("run santei")
}

/// README command 1: `santei calc examples/first-visit-dx.json` on the embedded default masters.
/// 初診料 291 + 医療情報取得加算（初診） 1 + 医療ＤＸ推進体制整備加算１（初診） 12 (best rate of
/// 2025-02/01/2024-12 = 50 % ≥ 45 %, 電子処方箋 体制あり; rules.md §2.3) + 機能強化加算 80
/// + カロナール錠３００ 7.00円×3 = 21円 → 2点 × 5日 + 処方料（その他） 42 + 調剤料（内服） 11 = 447.
#[test]
fn readme_example_on_the_embedded_default() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/first-visit-dx.json");
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["calc", example, "--json"])
        .env_remove("SANTEI_MASTERS")
        .output()
        .expect("run santei");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("result JSON");
    assert_eq!(v["total_points"], 447);
    let codes: Vec<&str> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"111703670"), "{codes:?}");
}

/// `santei masters show 111703470 --date 2025-05-01 --masters ../shared/data --json` prints the
/// 加算４ version with 10 points (s_20250307.csv); 111703170 has no version on 2024-12-01
/// (廃止 2024-11-30, s_20241108.csv) → exit 1 naming the versions that exist.
#[test]
fn masters_show_answers_by_date() {
    let dir = data_dir();
    if !dir.is_dir() {
        skip_loudly("cli::masters_show_answers_by_date");
        return;
    }
    let d = dir.to_str().unwrap();
    let out = santei(&[
        "masters",
        "show",
        "111703470",
        "--date",
        "2025-05-01",
        "--masters",
        d,
        "--json",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["points"], 10);
    assert_eq!(v["name"], "医療ＤＸ推進体制整備加算４（初診）");
    assert_eq!(v["valid_from"], "2025-04-01");
    assert_eq!(v["file"], "s_20250307.csv");
    let out = santei(&["masters", "show", "111703170", "--date", "2024-12-01", "--masters", d]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2024-06-01 … 2024-11-30"), "{err}");
}

/// Issue 13 item 1: `masters info` says which revision the set does not cover. The embedded
/// default set has official s rows up to 2024-06 (plus santei's 2026 supplement), so the
/// 令和8年度改定 is not covered; `--json` lists every revision with `covered`.
#[test]
fn masters_info_names_the_revision_the_set_does_not_cover() {
    let o = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["masters", "info"])
        .env_remove("SANTEI_MASTERS")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("REVISION_NOT_COVERED: 令和8年度改定 (2026-06-01)"),
        "{text}"
    );
    assert!(!text.contains("REVISION_NOT_COVERED: 令和6年度改定"), "{text}");
    let o = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["masters", "info", "--json"])
        .env_remove("SANTEI_MASTERS")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let revs = v["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 3);
    assert_eq!(revs[1]["covered"], true);
    assert_eq!(revs[2]["date"], "2026-06-01");
    assert_eq!(revs[2]["covered"], false);
}

/// A reader that closes the pipe early (`santei masters info | head -1`) ends santei quietly —
/// status 141 (SIGPIPE's) or 0 if everything fit in the pipe first — never with a panic message.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::process::Stdio;
    for _ in 0..3 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_santei"))
            .args(["masters", "info"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn santei");
        drop(child.stdout.take()); // the reader is gone before santei writes
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "stderr: {err}");
        assert!(
            matches!(out.status.code(), Some(0) | Some(141)),
            "status {:?}, stderr {err}",
            out.status
        );
    }
}

/// `santei masters coverage --json` on the embedded default set: one entry per 部 met, and the
/// categories of each add up to its rows; the 投薬 rows of the set are all the 投薬 family's.
#[test]
fn masters_coverage_on_the_embedded_default() {
    let o = santei(&["masters", "coverage", "--date", "2024-07-01", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let parts = v["parts"].as_array().expect("parts");
    assert!(!parts.is_empty());
    for p in parts {
        let n = |k: &str| p[k].as_u64().unwrap();
        assert_eq!(
            n("family") + n("row_alone") + n("not_handled") + n("out_of_scope"),
            n("rows"),
            "{p}"
        );
    }
    let touyaku = parts
        .iter()
        .find(|p| p["part"] == "第5部 投薬")
        .expect("第5部 in the default set");
    assert_eq!(
        touyaku["family"],
        touyaku["rows"].as_u64().unwrap() - touyaku["out_of_scope"].as_u64().unwrap()
    );
}
