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
