//! `santei batch`, `santei diff`, `santei gen`, `santei uke verify` through the binary, and the
//! generator and diff through the library. Tests that need the staged data skip loudly.

use super::uke_claim::{data_dir, masters_dir, sample_path, tempdir::TempDir};
use engine::gen::Generator;
use engine::{Engine, Options};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .env_remove("SANTEI_MASTERS")
        .output()
        .expect("run santei")
}

fn json_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn gen_lines(n: usize, seed: u64) -> Vec<String> {
    let set = masters::load_default().expect("default masters");
    let month = engine::gen::parse_month("2024-07").unwrap();
    Generator::new(&set, month, seed)
        .take(n)
        .map(|c| serde_json::to_string(&c).unwrap())
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

fn summary_counts(stderr: &[u8]) -> (u64, u64, u64) {
    let s = String::from_utf8_lossy(stderr);
    let line = s
        .lines()
        .find(|l| l.starts_with("santei batch: read"))
        .unwrap_or_else(|| panic!("no summary in {s}"));
    let num = |key: &str| -> u64 {
        let i = line.find(key).unwrap_or_else(|| panic!("{key} in {line}")) + key.len();
        line[i..]
            .trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (num("read"), num("computed"), num("failed"))
}

#[test]
fn a_broken_json_line_gives_an_error_record_and_the_rest_computes() {
    let t = TempDir::new();
    let mut lines = gen_lines(6, 7);
    lines[2] = r#"{"facility": {"kind": "clinic"}, "patient": "#.to_string();
    lines[4] = lines[4].replacen("\"visits\"", "\"visitz\"", 1);
    let input = write(t.path(), "in.jsonl", &(lines.join("\n") + "\n\n"));
    let out = t.path().join("out.jsonl").display().to_string();
    let o = santei(&["batch", "--in", &input, "--out", &out, "--threads", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let recs = json_lines(&std::fs::read(&out).unwrap());
    assert_eq!(recs.len(), 6, "one record per claim, blank lines skipped");
    for (k, r) in recs.iter().enumerate() {
        assert_eq!(r["line"], (k + 1) as u64, "input order");
        match k {
            2 => {
                assert!(r["error"]["message"].as_str().unwrap().contains("EOF"), "{r}");
                assert!(r.get("result").is_none());
            }
            4 => assert!(r["error"]["message"].as_str().unwrap().contains("visitz"), "{r}"),
            _ => assert!(r["result"]["total_points"].as_i64().unwrap() > 0, "{r}"),
        }
    }
    let (read, computed, failed) = summary_counts(&o.stderr);
    assert_eq!((read, computed, failed), (6, 4, 2));
    assert_eq!(read, computed + failed);
}

#[test]
fn batch_is_deterministic_across_threads_and_chunks_and_reads_stdin() {
    let t = TempDir::new();
    let input = write(t.path(), "in.jsonl", &(gen_lines(300, 3).join("\n") + "\n"));
    let a = t.path().join("a.jsonl").display().to_string();
    let b = t.path().join("b.jsonl").display().to_string();
    assert_eq!(
        santei(&["batch", "--in", &input, "--out", &a, "--threads", "1"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        santei(&["batch", "--in", &input, "--out", &b, "--threads", "2", "--chunk", "7"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // `-` reads standard input and writes standard output.
    let mut child = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["batch", "--in", "-", "--out", "-"])
        .env_remove("SANTEI_MASTERS")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(&input).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &bytes));
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(o.stdout, std::fs::read(&a).unwrap());
    assert_eq!(summary_counts(&o.stderr), (300, 300, 0));
}

#[test]
fn generated_claims_are_deterministic_and_all_compute() {
    assert_eq!(gen_lines(50, 11), gen_lines(50, 11));
    assert_ne!(gen_lines(50, 11), gen_lines(50, 12));
    let set = Arc::new(masters::load_default().unwrap());
    let engine = Engine::new(set.clone());
    let month = engine::gen::parse_month("2024-07").unwrap();
    let g = Generator::new(&set, month, 5);
    assert!(
        !g.pools.tests.is_empty() && !g.pools.internal_drugs.is_empty(),
        "{:?}",
        g.pools
    );
    let mut total = 0;
    for c in g.take(2000) {
        let o = engine
            .calculate_with(&c, Options { trace: false })
            .unwrap_or_else(|e| panic!("{e}: {}", serde_json::to_string(&c).unwrap()));
        total += o.total_points;
    }
    assert!(total > 0);
    // The CLI writes the same lines.
    let o = santei(&["gen", "--claims", "50", "--seed", "11", "--month", "2024-07"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        gen_lines(50, 11).join("\n") + "\n"
    );
    assert_eq!(
        santei(&["gen", "--claims", "1", "--month", "2024-13"]).status.code(),
        Some(2)
    );
}

#[test]
fn generated_claims_compute_on_the_staged_2024_06_masters() {
    let Some(data) = data_dir("generated_claims_compute_on_the_staged_2024_06_masters") else {
        return;
    };
    let set = Arc::new(masters::load_dir(&data.join("ssk/2024-06")).unwrap());
    let engine = Engine::new(set.clone());
    let g = Generator::new(&set, engine::gen::parse_month("2024-07").unwrap(), 1);
    assert!(
        g.pools.tests.len() > 50 && g.pools.internal_drugs.len() > 1000,
        "tests {}, drugs {}",
        g.pools.tests.len(),
        g.pools.internal_drugs.len()
    );
    for c in g.take(1000) {
        engine
            .calculate_with(&c, Options { trace: false })
            .unwrap_or_else(|e| panic!("{e}: {}", serde_json::to_string(&c).unwrap()));
    }
}

#[test]
fn batch_over_the_uke_sample_tags_every_receipt() {
    let Some(data) = data_dir("batch_over_the_uke_sample_tags_every_receipt") else {
        return;
    };
    let m = masters_dir(
        &data,
        &[
            "2022-02/s_ALL20220218.zip",
            "2024-02/y_ALL20240115.zip",
            "2024-06/s_ALL20240531.zip",
            "2024-06/y_ALL20240531.zip",
        ],
    );
    let t = TempDir::new();
    let out = t.path().join("out.jsonl").display().to_string();
    let uke = sample_path(&data).display().to_string();
    let o = santei(&[
        "batch",
        "--in",
        &uke,
        "--out",
        &out,
        "--masters",
        &m.path().display().to_string(),
    ]);
    let recs = json_lines(&std::fs::read(&out).unwrap());
    assert_eq!(recs.len(), 75);
    for (k, r) in recs.iter().enumerate() {
        assert_eq!(r["receipt"], (k + 1) as u64);
        assert!(r["record"].as_u64().unwrap() > 1);
    }
    assert_eq!(recs[0]["record"], 2);
    let c = &recs[0]["comparison"];
    assert_eq!(c["recorded_total"], 13642);
    assert!(recs[0]["unpriced"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["code"] == "620098801"));
    // Receipt 66 has a birth date after its visits (test data): an error record, the rest go on.
    assert!(
        recs[65]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("after the visit"),
        "{}",
        recs[65]
    );
    let (read, computed, failed) = summary_counts(&o.stderr);
    assert_eq!((read, computed, failed), (75, 74, 1));
    // With --as-of the drug lines price.
    let out2 = t.path().join("out2.jsonl").display().to_string();
    santei(&[
        "batch",
        "--in",
        &uke,
        "--out",
        &out2,
        "--masters",
        &m.path().display().to_string(),
        "--as-of",
        "2024-07-01",
    ]);
    let recs = json_lines(&std::fs::read(&out2).unwrap());
    assert!(
        recs[0]["unpriced"].as_array().unwrap().is_empty(),
        "{}",
        recs[0]["unpriced"]
    );
    let r1 = recs[0]["result"]["lines"].as_array().unwrap();
    assert!(r1.iter().any(|l| l["code"] == "620098801" && l["date"] == "2024-07-01"));
}

#[test]
fn uke_errors_become_records_and_the_other_receipts_compute() {
    let Some(data) = data_dir("uke_errors_become_records_and_the_other_receipts_compute") else {
        return;
    };
    let bytes = std::fs::read(sample_path(&data)).unwrap();
    let text_pos = |needle: &[u8]| bytes.windows(needle.len()).position(|w| w == needle).unwrap();
    let t = TempDir::new();
    let run = |name: &str, b: &[u8]| -> (Vec<Value>, (u64, u64, u64)) {
        let p = t.path().join(name);
        std::fs::write(&p, b).unwrap();
        let out = t.path().join(format!("{name}.out")).display().to_string();
        let o = santei(&[
            "batch",
            "--in",
            &p.display().to_string(),
            "--out",
            &out,
            "--as-of",
            "2024-07-01",
        ]);
        (json_lines(&std::fs::read(&out).unwrap()), summary_counts(&o.stderr))
    };
    // Bad date: receipt 2's 生年月日 19910125 → 19911325.
    let mut b = bytes.clone();
    let at = text_pos(b"19910125");
    b[at..at + 8].copy_from_slice(b"19911325");
    let (recs, counts) = run("bad_date.UKE", &b);
    // 75 receipts, then GO: it no longer reconciles with the 74 receipts that could be read.
    assert_eq!(recs.len(), 76);
    assert_eq!(recs[75]["receipt"], Value::Null);
    assert_eq!(recs[75]["error"]["path"], "GO");
    assert_eq!(recs[1]["receipt"], 2);
    assert!(
        recs[1]["error"]["path"]
            .as_str()
            .unwrap()
            .contains("field 7 (生年月日)"),
        "{}",
        recs[1]
    );
    assert!(recs[1]["error"]["message"].as_str().unwrap().contains("19911325"));
    assert_eq!(counts.0, counts.1 + counts.2);
    assert!(recs[0].get("result").is_some() && recs[2].get("result").is_some());
    // Unknown record type: receipt 2's SN record renamed ZZ.
    let mut b = bytes.clone();
    let at = text_pos(b"\r\nSN,1,01");
    b[at + 2..at + 4].copy_from_slice(b"ZZ");
    let (recs, counts) = run("unknown.UKE", &b);
    assert_eq!(recs.len(), 76, "75 receipts and the GO record's error");
    assert_eq!(recs[75]["error"]["path"], "GO");
    assert!(
        recs[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown record type `ZZ`"),
        "{}",
        recs[1]
    );
    assert_eq!(counts, (75, 74, 1));
    // Truncated: cut in the middle of receipt 3's lines (no GO, last line without CRLF).
    let at = text_pos(b"SI,50,1,150183410");
    let (recs, counts) = run("truncated.UKE", &bytes[..at + 10]);
    assert_eq!(counts.0, counts.1 + counts.2);
    let last = recs.last().unwrap();
    assert!(
        last["error"]["message"].as_str().unwrap().contains("truncated"),
        "{last}"
    );
    assert_eq!(recs[0]["receipt"], 1);
    assert!(recs[0].get("result").is_some());
}

#[test]
fn diff_between_the_2024_02_and_2024_06_masters_names_the_master_row() {
    let Some(data) = data_dir("diff_between_the_2024_02_and_2024_06_masters_names_the_master_row") else {
        return;
    };
    let old = masters_dir(&data, &["2024-02/s_ALL20240201.zip"]);
    let new = masters_dir(&data, &["2024-06/s_ALL20240531.zip"]);
    let claim = r#"{"facility":{"kind":"clinic"},"patient":{"birth_date":"1980-01-01"},"visits":[{"date":"2024-06-03","time":"10:00","kind":"first"},{"date":"2024-06-10","time":"10:00","kind":"revisit"}]}"#;
    // Library: engine::diff on two outcomes.
    let (os, ns) = (
        Arc::new(masters::load_dir(old.path()).unwrap()),
        Arc::new(masters::load_dir(new.path()).unwrap()),
    );
    let c = engine::parse_claim(claim.as_bytes()).unwrap();
    let (oe, ne) = (Engine::new(os.clone()), Engine::new(ns.clone()));
    let (a, b) = (
        oe.calculate_with(&c, Options { trace: false }).unwrap(),
        ne.calculate_with(&c, Options { trace: false }).unwrap(),
    );
    let d = engine::diff::diff(&a, &b, &os, &ns);
    let ch = d
        .changes
        .iter()
        .find(|c| c.code == "111000110")
        .expect("初診料 changes");
    assert_eq!(
        (ch.old.as_ref().unwrap().points, ch.new.as_ref().unwrap().points),
        (288, 291)
    );
    match &ch.causes[0] {
        engine::diff::Cause::MasterRow { old, new } => {
            assert_eq!((old.value.as_str(), new.value.as_str()), ("288点", "291点"));
            assert_eq!(
                (old.file.as_str(), new.file.as_str()),
                ("s_ALL20240201.zip", "s_ALL20240531.zip")
            );
            assert_eq!(new.valid_from.to_string(), "2024-06-01");
        }
        other => panic!("{other:?}"),
    }
    let re = d
        .changes
        .iter()
        .find(|c| c.code == "112007410")
        .expect("再診料 changes");
    assert_eq!(
        (re.old.as_ref().unwrap().points, re.new.as_ref().unwrap().points),
        (73, 75)
    );
    assert_eq!(d.delta, b.total_points - a.total_points);
    assert_eq!(
        d.sections["11"].delta,
        d.changes
            .iter()
            .filter(|c| c.section == "11")
            .map(|c| c.delta)
            .sum::<i64>()
    );
    // CLI: human and JSON.
    let t = TempDir::new();
    let input = write(t.path(), "claims.jsonl", &format!("{claim}\n{claim}\n"));
    let (o_arg, n_arg) = (old.path().display().to_string(), new.path().display().to_string());
    let o = santei(&["diff", "--old", &o_arg, "--new", &n_arg, "--in", &input]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("111000110 初診料 [11] 288×1 → 291×1 (+3)"), "{text}");
    assert!(text.contains("master row changed: 111000110 初診料 288点"), "{text}");
    assert!(text.contains("summary: 2 claims compared, 2 changed"), "{text}");
    assert!(text.contains("111000110 初診料 +6 (2 lines in 2 claims)"), "{text}");
    let o = santei(&["diff", "--old", &o_arg, "--new", &n_arg, "--in", &input, "--json"]);
    let recs = json_lines(&o.stdout);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["line"], 1);
    let ch = recs[0]["diff"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "111000110")
        .unwrap()
        .clone();
    assert_eq!(ch["causes"][0]["cause"], "master_row");
    assert!(ch["causes"][0]["old"]["line"].as_u64().unwrap() > 0);
    assert_eq!(recs[2]["summary"]["changed"], 2);
    // One set, two dates: the same claims re-dated into 2024-05 and 2024-06.
    let o = santei(&[
        "diff",
        "--masters",
        &data.join("ssk/2024-06").display().to_string(),
        "--old-date",
        "2024-05-01",
        "--new-date",
        "2024-06-01",
        "--in",
        &input,
    ]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("111000110") && text.contains("no version on 2024-05-03"),
        "{text}"
    );
}

#[test]
fn uke_verify_reports_per_receipt_and_a_summary() {
    let Some(data) = data_dir("uke_verify_reports_per_receipt_and_a_summary") else {
        return;
    };
    let m = masters_dir(
        &data,
        &[
            "2022-02/s_ALL20220218.zip",
            "2024-02/y_ALL20240115.zip",
            "2024-06/s_ALL20240531.zip",
            "2024-06/y_ALL20240531.zip",
        ],
    );
    let uke = sample_path(&data).display().to_string();
    let mdir = m.path().display().to_string();
    let o = santei(&["uke", "verify", &uke, "--masters", &mdir]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("receipt 6 (RE at record 67): OK (288 点)"), "{text}");
    assert!(
        text.contains("unpriced 620098801: code 620098801 has no version valid on 2021-10-01; versions: 2023-04-01"),
        "{text}"
    );
    assert!(
        text.contains("summary: 75 receipts read, 74 recalculated, 1 failed"),
        "{text}"
    );
    assert!(text.contains("GO: reconciles"), "{text}");
    let o = santei(&[
        "uke",
        "verify",
        &uke,
        "--masters",
        &mdir,
        "--json",
        "--as-of",
        "2024-07-01",
    ]);
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["receipts"].as_array().unwrap().len(), 75);
    assert_eq!(doc["summary"]["receipts"], 75);
    assert_eq!(doc["summary"]["recorded_total"], 86392, "GO 総合計点数");
    let o = santei(&["uke", "claims", &uke]);
    let recs = json_lines(&o.stdout);
    assert_eq!(recs.len(), 75);
    // Each printed claim parses back as a claim.
    for r in &recs {
        engine::parse_claim(r["claim"].to_string().as_bytes()).unwrap();
    }
}
