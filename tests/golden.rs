//! Golden corpus of the engine core: `tests/cases/<id>/claim.json` + `expected.json`.
//!
//! Every `expected.json` was worked out by hand from the 点数表 rules (`shared/spec/rules.md`) and
//! the master rows it cites (points read with `santei masters show CODE --date D`), never copied
//! from engine output:
//!
//! ```json
//! { "source": "告示/通知 section, master file:line", "total_points": 376,
//!   "lines": [["2024-06-04", "111000110", 291, 1], ...],   // billed lines, order-insensitive
//!   "removed": ["111013770"],        // optional: codes of `removed[]` (exact multiset; default none)
//!   "diagnostics": ["NOT_URGENT"],   // optional: codes that must appear
//!   "default_set": true,             // optional: also run on `masters::load_default()`
//!   "explain": "how the total was worked out" }
//! ```
//!
//! Checks per case: total, the line multiset (date, code, points, count), the removed codes, the
//! listed diagnostics, no error-level diagnostic that `diagnostics` does not list, and
//! total = Σ points × count. The full result JSON (trace on) is pinned with insta
//! (`tests/snapshots/`).
//!
//! Data: the full staged masters (`SANTEI_DATA`, else `<workspace>/../shared/data`), loaded once per
//! test process; when absent these tests print a loud SKIPPED line. Cases with `default_set: true`
//! also run against the embedded default set (no data needed).
//!
//! Engine bugs: a case listed in `tests/cases/KNOWN_FAILURES.md` (for both master sets, or only
//! `(full)` / `(default set)`) keeps its correct expected value;
//! the runner reports it loudly as a known failure instead of failing, and fails if it passes
//! (so the list is kept honest). Its snapshot is not taken (it would bless the wrong output).

use engine::{Engine, Level, Options, Outcome};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The staged data folder: `SANTEI_DATA`, else `<workspace>/../shared/data`.
pub(crate) fn data_dir() -> PathBuf {
    match std::env::var_os("SANTEI_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")),
    }
}

/// The engine over the full staged masters, loaded once per test process; `None` (with a loud
/// message from the caller) when the data is absent.
pub(crate) fn full_engine() -> Option<&'static Engine> {
    static FULL: OnceLock<Option<Engine>> = OnceLock::new();
    FULL.get_or_init(|| {
        let dir = data_dir();
        if !dir.is_dir() {
            return None;
        }
        let set = masters::load_dir(&dir).unwrap_or_else(|e| panic!("load_dir {}: {e}", dir.display()));
        Some(Engine::new(Arc::new(set)))
    })
    .as_ref()
}

/// The engine over the embedded default master set, loaded once per test process.
pub(crate) fn default_engine() -> &'static Engine {
    static DEFAULT: OnceLock<Engine> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        Engine::new(Arc::new(
            masters::load_default().unwrap_or_else(|e| panic!("load_default: {e}")),
        ))
    })
}

/// Writes straight to the process's stderr, past libtest's output capture, so that skips and
/// known failures are seen even when the test passes.
pub(crate) fn loud(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
}

pub(crate) fn skip_loudly(what: &str) {
    loud(&format!(
        "\n!!! SKIPPED: {what}: no SSK data at {} (set SANTEI_DATA to the shared/data folder) !!!\n",
        data_dir().display()
    ));
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    source: String,
    total_points: i64,
    lines: Vec<(String, String, i64, u32)>,
    #[serde(default)]
    removed: Vec<String>,
    #[serde(default)]
    diagnostics: Vec<String>,
    #[serde(default)]
    default_set: bool,
    explain: String,
}

struct Case {
    id: String,
    claim: Vec<u8>,
    expected: Expected,
}

fn load_cases() -> Vec<Case> {
    let mut ids: Vec<String> = std::fs::read_dir(cases_dir())
        .expect("tests/cases")
        .filter_map(|e| {
            let e = e.expect("dir entry");
            e.file_type()
                .expect("file type")
                .is_dir()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    ids.sort();
    ids.into_iter()
        .map(|id| {
            let dir = cases_dir().join(&id);
            let claim = std::fs::read(dir.join("claim.json")).unwrap_or_else(|e| panic!("{id}/claim.json: {e}"));
            let exp = std::fs::read(dir.join("expected.json")).unwrap_or_else(|e| panic!("{id}/expected.json: {e}"));
            let expected: Expected = serde_json::from_slice(&exp).unwrap_or_else(|e| panic!("{id}/expected.json: {e}"));
            assert!(
                !expected.source.trim().is_empty() && !expected.explain.trim().is_empty(),
                "{id}: source and explain are required"
            );
            Case { id, claim, expected }
        })
        .collect()
}

/// Known failures from `tests/cases/KNOWN_FAILURES.md`: the first cell of each table row, the
/// case id in backticks, optionally followed by `(full)` or `(default set)` when the failure is
/// only on that master set. Returned as `(id, Some(label))` or `(id, None)` for both sets.
fn known_failures() -> BTreeSet<(String, Option<String>)> {
    let text = std::fs::read_to_string(cases_dir().join("KNOWN_FAILURES.md")).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('|'))
        .filter_map(|l| l.split('|').next())
        .map(str::trim)
        .filter(|c| c.starts_with('`'))
        .map(|c| {
            let mut parts = c.splitn(3, '`');
            let _ = parts.next();
            let id = parts.next().unwrap_or_default().to_string();
            let rest = parts
                .next()
                .unwrap_or_default()
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim();
            (id, (!rest.is_empty()).then(|| rest.to_string()))
        })
        .collect()
}

fn is_known(known: &BTreeSet<(String, Option<String>)>, id: &str, label: &str) -> bool {
    known.contains(&(id.to_string(), None)) || known.contains(&(id.to_string(), Some(label.to_string())))
}

/// Every difference between an outcome and the expectation (empty = pass).
fn compare(o: &Outcome, e: &Expected) -> Vec<String> {
    let mut diffs = Vec::new();
    let sum: i64 = o.lines.iter().map(|l| l.points * l.count as i64).sum();
    if sum != o.total_points {
        diffs.push(format!("total_points {} != Σ points×count {sum}", o.total_points));
    }
    if o.total_points != e.total_points {
        diffs.push(format!(
            "total_points: expected {}, engine gives {}",
            e.total_points, o.total_points
        ));
    }
    let mut got: Vec<(String, String, i64, u32)> = o
        .lines
        .iter()
        .map(|l| (l.date.to_string(), l.code.to_string(), l.points, l.count))
        .collect();
    let mut want = e.lines.clone();
    got.sort();
    want.sort();
    if got != want {
        let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
        let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
        diffs.push(format!("lines differ: missing {missing:?}, unexpected {extra:?}"));
    }
    let mut got_removed: Vec<String> = o.removed.iter().map(|r| r.code.to_string()).collect();
    let mut want_removed: Vec<String> = e.removed.clone();
    got_removed.sort();
    want_removed.sort();
    if got_removed != want_removed {
        diffs.push(format!(
            "removed: expected {want_removed:?}, engine gives {got_removed:?}"
        ));
    }
    for d in &e.diagnostics {
        if !o.diagnostics.iter().any(|x| x.code == d) {
            diffs.push(format!("diagnostic {d} expected, not given"));
        }
    }
    for d in o.diagnostics.iter().filter(|d| d.level == Level::Error) {
        if !e.diagnostics.iter().any(|x| x == d.code) {
            diffs.push(format!(
                "unexpected error diagnostic {} at {}: {}",
                d.code, d.path, d.message
            ));
        }
    }
    diffs
}

fn run_corpus(eng: &Engine, label: &str, cases: &[&Case]) {
    let known = known_failures();
    let mut failures = Vec::new();
    let mut passed = 0;
    for case in cases {
        let diffs = match eng.calculate_json(&case.claim, Options { trace: false }) {
            Ok(o) => compare(&o, &case.expected),
            Err(err) => vec![format!("claim rejected: {err}")],
        };
        match (diffs.is_empty(), is_known(&known, &case.id, label)) {
            (true, false) => passed += 1,
            (true, true) => failures.push(format!(
                "{}: listed in tests/cases/KNOWN_FAILURES.md but passes now: remove it from the list",
                case.id
            )),
            (false, true) => loud(&format!(
                "!!! KNOWN FAILURE (skipped, see tests/cases/KNOWN_FAILURES.md) [{label}] {}:\n!!!     {}",
                case.id,
                diffs.join("\n!!!     ")
            )),
            (false, false) => failures.push(format!(
                "{}:\n    {}\n    (explain: {})",
                case.id,
                diffs.join("\n    "),
                case.expected.explain
            )),
        }
    }
    loud(&format!("golden [{label}]: {passed} of {} cases pass", cases.len()));
    assert!(
        failures.is_empty(),
        "golden [{label}]: {} case(s) fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The whole corpus on the full staged masters.
#[test]
fn golden_full_masters() {
    let Some(eng) = full_engine() else {
        skip_loudly("golden_full_masters");
        return;
    };
    let cases = load_cases();
    assert!(cases.len() >= 40, "the corpus has {} cases, want ≥ 40", cases.len());
    run_corpus(eng, "full", &cases.iter().collect::<Vec<_>>());
}

/// The cases marked `default_set: true` on the embedded default master set.
#[test]
fn golden_default_set() {
    let cases = load_cases();
    let marked: Vec<&Case> = cases.iter().filter(|c| c.expected.default_set).collect();
    assert!(!marked.is_empty(), "no case is marked default_set");
    run_corpus(default_engine(), "default set", &marked);
}

/// The full result JSON (trace on) of every case, pinned with insta. Known failures are not
/// snapshotted.
#[test]
fn golden_snapshots() {
    let Some(eng) = full_engine() else {
        skip_loudly("golden_snapshots");
        return;
    };
    let known = known_failures();
    insta::glob!("cases/*/claim.json", |path| {
        let id = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_known(&known, &id, "full") {
            loud(&format!(
                "!!! KNOWN FAILURE: snapshot of {id} not taken (see tests/cases/KNOWN_FAILURES.md)"
            ));
            return;
        }
        let claim = std::fs::read(path).expect("claim.json");
        let outcome = eng
            .calculate_json(&claim, Options { trace: true })
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        insta::assert_json_snapshot!(outcome);
    });
}

/// Every case folder has both files, and the corpus ids are unique kebab-case names.
#[test]
fn golden_corpus_is_well_formed() {
    let cases = load_cases();
    for c in &cases {
        assert!(
            c.id.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "case id {} is not kebab-case",
            c.id
        );
        let claim: serde_json::Value = serde_json::from_slice(&c.claim).unwrap_or_else(|e| panic!("{}: {e}", c.id));
        assert_eq!(
            claim.get("id").and_then(|v| v.as_str()),
            Some(c.id.as_str()),
            "{}: claim.id should be the case id",
            c.id
        );
        let sum: i64 = c.expected.lines.iter().map(|l| l.2 * l.3 as i64).sum();
        assert_eq!(
            sum, c.expected.total_points,
            "{}: expected lines do not add up to total_points",
            c.id
        );
    }
    for (id, label) in known_failures() {
        assert!(
            cases.iter().any(|c| c.id == id),
            "KNOWN_FAILURES.md lists {id}, which is not a case"
        );
        assert!(
            matches!(label.as_deref(), None | Some("full") | Some("default set")),
            "KNOWN_FAILURES.md: {id}: unknown set {label:?}"
        );
    }
}
