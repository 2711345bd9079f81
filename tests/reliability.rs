//! Issue 11 regressions: nothing lost, nothing wrapped, nothing unbounded. Each test reproduces a
//! finding of the hostile pass on the code before the fix.

use std::process::{Command, Output};
use tempfile::TempDir;

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .env_remove("SANTEI_MASTERS")
        .output()
        .expect("run santei")
}

fn gen_file(dir: &TempDir, name: &str, n: usize) -> String {
    let p = dir.path().join(name);
    let out = santei(&["gen", "--claims", &n.to_string(), "--seed", "7", "--month", "2024-07"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&p, &out.stdout).unwrap();
    p.display().to_string()
}

/// Finding 1: `batch --in x --out x` truncated the input (16 of 20 claims gone); the same through
/// a symbolic link and a hard link; `diff` likewise. The output must be refused and the input kept.
#[test]
fn no_command_writes_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = gen_file(&dir, "x.jsonl", 20);
    let before = std::fs::read(&input).unwrap();
    let sym = dir.path().join("sym.jsonl");
    std::os::unix::fs::symlink(&input, &sym).unwrap();
    let hard = dir.path().join("hard.jsonl");
    std::fs::hard_link(&input, &hard).unwrap();
    for out in [input.clone(), sym.display().to_string(), hard.display().to_string()] {
        let r = santei(&["batch", "--in", &input, "--out", &out]);
        assert_eq!(r.status.code(), Some(2), "batch --out {out}");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(err.contains("refusing to overwrite"), "{err}");
        let r = santei(&[
            "diff",
            "--old-date",
            "2024-06-01",
            "--new-date",
            "2024-07-01",
            "--in",
            &input,
            "--out",
            &out,
        ]);
        assert_eq!(r.status.code(), Some(2), "diff --out {out}");
        assert_eq!(std::fs::read(&input).unwrap(), before, "input changed by --out {out}");
    }
    assert_eq!(before.iter().filter(|b| **b == b'\n').count(), 20);
}

/// A run that fails midway leaves no partial output and no temporary file: the old output stays.
#[test]
fn a_failed_run_leaves_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    std::fs::write(&out, b"previous\n").unwrap();
    // The input cannot be read (a folder): the run stops before the output is replaced.
    let r = santei(&[
        "batch",
        "--in",
        &dir.path().display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(std::fs::read(&out).unwrap(), b"previous\n");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "left behind: {names:?}");
}

fn example() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read("examples/first-visit-dx.json").unwrap()).unwrap()
}

fn calc_err(claim: &[u8]) -> String {
    let set = std::sync::Arc::new(masters::load_default().unwrap());
    let engine = engine::Engine::new(set);
    match engine.calculate_json(claim, engine::Options { trace: false }) {
        Ok(o) => panic!("accepted: total {}", o.total_points),
        Err(e) => e.to_string(),
    }
}

fn with(f: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut c = example();
    f(&mut c);
    serde_json::to_vec(&c).unwrap()
}

/// Finding 2: `quantity: 1e25` gave `total -9223372036854775760 点` with exit 0; days of 10^9,
/// negative or >100 % マイナ rates, zero quantities, numbers as strings and `2024-7-1` were accepted.
#[test]
fn out_of_bounds_values_are_claim_errors_with_their_path() {
    let item = "/visits/0/items/0";
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            with(|c| c.pointer_mut(item).unwrap()["quantity"] = serde_json::json!(1e25)),
            "visits[0].items[0].quantity: 10000000000000000000000000 is not a quantity",
        ),
        (
            with(|c| c.pointer_mut(item).unwrap()["quantity"] = serde_json::json!(0)),
            "visits[0].items[0].quantity: 0 is not a quantity",
        ),
        (
            with(|c| c.pointer_mut(item).unwrap()["quantity"] = serde_json::json!(0.123456)),
            "more than 5 decimal places",
        ),
        (
            with(|c| c.pointer_mut(item).unwrap()["quantity"] = serde_json::json!("3")),
            "visits[0].items[0].quantity: expected a number, got the string \"3\"",
        ),
        (
            with(|c| c.pointer_mut(item).unwrap()["days"] = serde_json::json!(1_000_000_000u64)),
            "visits[0].items[0].days: days must be 1–999, not 1000000000",
        ),
        (
            with(|c| c.pointer_mut(item).unwrap()["days"] = serde_json::json!(0)),
            "visits[0].items[0].days: days must be 1–999, not 0",
        ),
        (
            with(|c| c.pointer_mut(item).unwrap()["count"] = serde_json::json!(1000)),
            "visits[0].items[0].count: count must be 1–999",
        ),
        (
            with(|c| c["facility"]["myna_rates"]["2025-02"] = serde_json::json!(-5)),
            "facility.myna_rates.2025-02: -5 is not a percentage (0–100)",
        ),
        (
            with(|c| c["facility"]["myna_rates"]["2025-02"] = serde_json::json!(100.5)),
            "facility.myna_rates.2025-02: 100.5 is not a percentage",
        ),
        (
            with(|c| c["visits"][0]["date"] = serde_json::json!("2025-5-12")),
            "visits[0].date: `2025-5-12` is not a date YYYY-MM-DD",
        ),
        (
            with(|c| c["patient"]["birth_date"] = serde_json::json!("1980-3-4")),
            "patient.birth_date: `1980-3-4` is not a date YYYY-MM-DD",
        ),
        (
            with(|c| c["facility"]["beds"] = serde_json::json!(100_000)),
            "facility.beds: 100000 beds: at most 9999",
        ),
    ];
    for (claim, want) in cases {
        let err = calc_err(&claim);
        assert!(err.contains(want), "want `{want}` in `{err}`");
    }
}

/// Finding 3b: one claim with N visits cost O(N²); a claim now holds at most 1,000 visits, and
/// the limit is an error naming `visits`.
#[test]
fn too_many_visits_is_an_error() {
    let claim = with(|c| {
        let v = c["visits"][0].clone();
        let mut vs = vec![v.clone()];
        for k in 1..1001 {
            let mut r = v.clone();
            r["kind"] = serde_json::json!("revisit");
            r["date"] = serde_json::json!(format!("2025-05-{:02}", 1 + k % 28));
            vs.push(r);
        }
        c["visits"] = serde_json::Value::Array(vs);
    });
    let err = calc_err(&claim);
    assert!(
        err.starts_with("visits: 1001 visits: a claim (one patient-month) holds at most 1000"),
        "{err}"
    );
}

/// Findings 4 and 5: data after the claim, two claims on one line, a number where a name is
/// expected, a 9-digit code that does not exist.
#[test]
fn trailing_data_wrong_types_and_unknown_codes_say_what_is_wrong() {
    let one = serde_json::to_vec(&example()).unwrap();
    let mut two = one.clone();
    two.extend_from_slice(&one);
    assert!(
        calc_err(&two).contains("data after the end of the claim"),
        "{}",
        calc_err(&two)
    );
    let mut tail = one.clone();
    tail.extend_from_slice(b" x");
    assert!(calc_err(&tail).contains("data after the end of the claim"));
    let err = calc_err(&with(|c| c["visits"][0]["kind"] = serde_json::json!(5)));
    assert!(
        err.starts_with("visits[0].kind: invalid type: integer `5`, expected one of the documented names"),
        "{err}"
    );
    let err = calc_err(&with(|c| c["visits"][0]["kind"] = serde_json::json!("frist")));
    assert!(
        err.contains("unknown variant `frist`, expected one of `first`, `revisit`, `none`"),
        "{err}"
    );
    let err = calc_err(&with(|c| {
        c.pointer_mut("/visits/0/items/0").unwrap()["code"] = serde_json::json!("999999999")
    }));
    assert!(
        err.starts_with("visits[0].items[0].code: no such code in the master set: `999999999`"),
        "{err}"
    );
}

/// Finding 5: a UTF-8 BOM gave "expected value at line 1 column 1"; it is skipped.
#[test]
fn a_bom_before_the_claim_is_skipped() {
    let mut claim = b"\xEF\xBB\xBF".to_vec();
    claim.extend_from_slice(&serde_json::to_vec(&example()).unwrap());
    let set = std::sync::Arc::new(masters::load_default().unwrap());
    let o = engine::Engine::new(set)
        .calculate_json(&claim, engine::Options { trace: false })
        .unwrap();
    assert_eq!(o.total_points, 447, "the README example's total");
}

/// Finding 4 (and issue 13 item 4): a 届出 given by an unknown name or code was ignored without a
/// word, dropping the 加算 that needs it; a known name resolves to its code (the README example
/// with its standards given by name computes the same 447 points); an unknown capability is an
/// error too.
#[test]
fn standards_and_capabilities_resolve_or_fail_with_their_path() {
    let err = calc_err(&with(|c| {
        c["facility"]["standards"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"name": "存在しない加算", "from": "2024-01-01"}))
    }));
    assert!(
        err.starts_with("facility.standards[2].name: UNKNOWN_STANDARD:"),
        "{err}"
    );
    let err = calc_err(&with(|c| {
        c["facility"]["standards"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"code": "9876", "from": "2024-01-01"}))
    }));
    assert!(
        err.starts_with("facility.standards[2].code: UNKNOWN_STANDARD: 施設基準コード 9876"),
        "{err}"
    );
    let err =
        calc_err(&with(
            |c| {
                c["facility"]["standards"][0] =
                    serde_json::json!({"code": "4035", "name": "機能強化加算", "from": "2024-06-01"})
            },
        ));
    assert!(
        err.contains("`機能強化加算` is 施設基準コード 3522, not the given code 4035"),
        "{err}"
    );
    let err = calc_err(&with(|c| {
        c["facility"]["capabilities"][0]["id"] = serde_json::json!("e_prescripton");
    }));
    assert!(
        err.starts_with("facility.capabilities[0].id: UNKNOWN_CAPABILITY"),
        "{err}"
    );
    let by_name = with(|c| {
        c["facility"]["standards"] = serde_json::json!([
            {"name": "医療DX推進体制整備加算", "from": "2024-06-01"},
            {"name": "機能強化加算", "from": "2024-06-01"}
        ])
    });
    let set = std::sync::Arc::new(masters::load_default().unwrap());
    let o = engine::Engine::new(set)
        .calculate_json(&by_name, engine::Options { trace: false })
        .unwrap();
    assert_eq!(o.total_points, 447);
    assert!(
        o.lines.iter().any(|l| l.code == "111703670"),
        "医療ＤＸ推進体制整備加算１ billed"
    );
    assert!(o.lines.iter().any(|l| l.code == "111013770"), "機能強化加算 billed");
}

fn records(bytes: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Finding 5: a UKE with a BOM was read as JSON lines (636 failures); a batch on a UKE whose GO
/// total is wrong said nothing (`uke verify` reports it); a file without GO became an error on
/// the last receipt (that receipt lost) instead of `"receipt": null`.
#[test]
fn batch_on_uke_bom_go_mismatch_and_missing_go() {
    let Some(data) = super::uke_claim::data_dir("batch_on_uke_bom_go_mismatch_and_missing_go") else {
        return;
    };
    let sample = std::fs::read(super::uke_claim::sample_path(&data)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let masters = data.display().to_string();
    let run = |name: &str, bytes: &[u8]| {
        let input = dir.path().join(format!("{name}.UKE"));
        std::fs::write(&input, bytes).unwrap();
        let out = dir.path().join(format!("{name}.jsonl"));
        let o = santei(&[
            "batch",
            "--in",
            &input.display().to_string(),
            "--out",
            &out.display().to_string(),
            "--masters",
            &masters,
        ]);
        (o, records(&std::fs::read(&out).unwrap()))
    };
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&sample);
    let (o, recs) = run("bom", &bom);
    assert_eq!(
        recs.len(),
        75,
        "75 receipts, read as UKE: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(recs.iter().all(|r| r.get("receipt").is_some()));

    // Byte-level edits: the file is Shift_JIS.
    let lines: Vec<&[u8]> = sample.split_inclusive(|b| *b == b'\n').collect();
    let go = lines
        .iter()
        .position(|l| l.starts_with(b"GO,140,86392,99"))
        .expect("the sample's GO record");
    let mut bad_go: Vec<u8> = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        bad_go.extend_from_slice(if k == go { b"GO,140,86000,99\r\n" } else { l });
    }
    let (o, recs) = run("badgo", &bad_go);
    assert_eq!(o.status.code(), Some(1));
    let last = recs.last().unwrap();
    assert_eq!(last["receipt"], serde_json::Value::Null);
    assert_eq!(
        last["error"]["message"], "GO 総合計点数 86000 ≠ 86392 (Σ HO + Σ 公費単独 KO)",
        "{last}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("GO: GO 総合計点数 86000 ≠ 86392"));

    let no_go: Vec<u8> = lines
        .iter()
        .filter(|l| !l.starts_with(b"GO,"))
        .flat_map(|l| l.iter().copied())
        .collect();
    let (_, recs) = run("nogo", &no_go);
    assert_eq!(recs.len(), 76, "75 receipts and the file's error");
    for (k, r) in recs[..75].iter().enumerate() {
        assert_eq!(r["receipt"], (k + 1) as u64, "no receipt lost: {r}");
        assert!(!r.to_string().contains("without a GO record"), "{r}");
    }
    assert_eq!(recs[75]["receipt"], serde_json::Value::Null);
    assert!(recs[75]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("without a GO record"));
}

/// A BOM before JSON lines is skipped as well, and two claims on one line are one error record.
#[test]
fn batch_json_lines_bom_and_two_claims_on_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let one = serde_json::to_string(&example()).unwrap();
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(format!("{one}\n{one}{one}\n{one}\n").as_bytes());
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("out.jsonl");
    let o = santei(&[
        "batch",
        "--in",
        &input.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let recs = records(&std::fs::read(&out).unwrap());
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["result"]["total_points"], 447);
    assert!(
        recs[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("trailing characters")
            || recs[1]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("data after the end of the claim"),
        "{}",
        recs[1]
    );
    assert_eq!(recs[2]["result"]["total_points"], 447);
    assert_eq!(
        recs[1]["error"]["code"], "CLAIM_JSON",
        "a typed code beside the message"
    );
}

/// Claim errors carry a stable code beside their path, so fronts never parse messages.
#[test]
fn claim_errors_carry_a_typed_code() {
    let set = std::sync::Arc::new(masters::load_default().unwrap());
    let engine = engine::Engine::new(set);
    let code = |claim: Vec<u8>| {
        engine
            .calculate_json(&claim, engine::Options { trace: false })
            .err()
            .map(|e| e.code())
    };
    assert_eq!(
        code(with(
            |c| c["facility"]["standards"][0] = serde_json::json!({"code": "9876", "from": "2024-06-01"})
        )),
        Some("UNKNOWN_STANDARD")
    );
    assert_eq!(
        code(with(|c| c["facility"]["capabilities"][0]["id"] = serde_json::json!("x"))),
        Some("UNKNOWN_CAPABILITY")
    );
    assert_eq!(
        code(with(
            |c| c.pointer_mut("/visits/0/items/0").unwrap()["days"] = serde_json::json!(0)
        )),
        Some("INVALID_CLAIM")
    );
    assert_eq!(code(b"{".to_vec()), Some("CLAIM_JSON"));
}

/// The reproducers of the hostile pass (`tests/fuzz/issue11-*.json`, also seeds for the
/// `calculate` fuzz target — see fuzz/README.md): each is a claim error, none a total; the one
/// with a BOM computes the README example's 447.
#[test]
fn fuzz_reproducers_are_errors_not_totals() {
    let set = std::sync::Arc::new(masters::load_default().unwrap());
    let engine = engine::Engine::new(set);
    let mut n = 0;
    for e in std::fs::read_dir("tests/fuzz").unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("issue11-") {
            continue;
        }
        let r = engine.calculate_json(&std::fs::read(&p).unwrap(), engine::Options { trace: false });
        if name.ends_with("-ok.json") {
            assert_eq!(r.map(|o| o.total_points).ok(), Some(447), "{name}");
        } else {
            assert!(r.is_err(), "{name}: accepted with total {}", r.unwrap().total_points);
        }
        n += 1;
    }
    assert_eq!(n, 13);
}

/// Finding 3: an error never echoes more than ~200 characters of the input (a 10,000-character
/// `time` was quoted whole).
#[test]
fn a_long_bad_value_is_quoted_clipped() {
    let err = calc_err(&with(|c| {
        c["visits"][0]["time"] = serde_json::json!("9".repeat(10_000))
    }));
    assert!(err.starts_with("visits[0].time: `9999"), "{}", &err[..80]);
    assert!(err.chars().count() < 300, "{} characters", err.chars().count());
}
