//! Golden receipt-months: `tests/cases/<name>.json`, each `{title, source, derivation, input,
//! expect}`. `source` cites the published worked example (document and 事例 number) or the
//! futan.md rule the figures are hand-derived from; `derivation` shows the arithmetic a person
//! can redo. `expect` is a subset of the `burden` JSON: every key given must be present and
//! equal; arrays are compared element by element and must have the length given.

use serde_json::Value;
use std::path::PathBuf;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

fn subset(expected: &Value, actual: &Value, path: &str, errors: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => subset(ev, av, &format!("{path}.{k}"), errors),
                    None => errors.push(format!("{path}.{k}: missing in the result")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                errors.push(format!("{path}: {} elements expected, {} found", e.len(), a.len()));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{path}[{i}]"), errors);
            }
        }
        (e, a) => {
            if e != a {
                errors.push(format!("{path}: expected {e}, got {a}"));
            }
        }
    }
}

#[test]
fn golden_cases_reproduce_the_worked_examples() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("futan/tests/cases")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "only {} golden cases", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let case: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        for k in ["title", "source", "derivation"] {
            assert!(
                case[k].as_str().is_some_and(|s| !s.is_empty()),
                "{name}: `{k}` must cite where the figures come from"
            );
        }
        let input = serde_json::to_vec(&case["input"]).unwrap();
        let burden = match futan::compute_json(&input) {
            Ok(b) => serde_json::to_value(&b).unwrap(),
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut errors = Vec::new();
        subset(&case["expect"], &burden, "burden", &mut errors);
        // The identities every receipt keeps (futan.md §6).
        let paid: i64 = burden["public_aid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["paid_yen"].as_i64().unwrap())
            .sum();
        let (m, p, i) = (
            burden["medical_yen"].as_i64().unwrap(),
            burden["patient_yen"].as_i64().unwrap(),
            burden["insurer_yen"].as_i64().unwrap(),
        );
        if p + i + paid != m {
            errors.push(format!("patient {p} + insurer {i} + 公費 {paid} != 医療費 {m}"));
        }
        let counters: i64 = burden["visits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["counter_yen"].as_i64().unwrap())
            .sum();
        if counters != burden["counter_yen"].as_i64().unwrap() {
            errors.push("counter_yen != Σ visits[].counter_yen".to_string());
        }
        for e in errors {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
