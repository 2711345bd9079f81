//! Drives the C ABI from real callers:
//!
//! - `tests/c/test.c`, compiled with the system `cc` against `include/santei.h` and the
//!   `libsantei.a` that cargo built for this test run (same profile), linked statically; run on
//!   the staged data (`$SANTEI_DATA`, default `../shared/data`) or, when absent, on the embedded
//!   default set; the expected totals come from the Rust engine directly.
//! - the same binary under valgrind (the staged data in release builds, else the default
//!   masters; fewer iterations), when valgrind is installed (skipped loudly otherwise): zero
//!   errors and zero leaks of any kind that valgrind counts as an error — definite, indirect
//!   *and possible* — with no suppression file.
//! - `examples/python/santei_example.py` through ctypes against `libsantei.so` (a claim, and a
//!   receipt-month through `santei_futan`); the C# example under mono when installed.

use engine::{Engine, Options};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

fn ffi_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn workspace_dir() -> PathBuf {
    ffi_dir().parent().expect("ffi/ has a parent").to_path_buf()
}

/// Where this run's `libsantei.a` / `libsantei.so` are: the test binary is
/// `target/<profile>/deps/c_api-HASH`, and `cargo test` writes the library's cdylib and
/// staticlib (built for this run, same profile; they carry no hash) into that `deps/` dir
/// (`cargo build` also copies them up to `target/<profile>/`).
fn lib_file(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("deps dir");
    let candidates = [Some(deps), deps.parent()];
    for dir in candidates.into_iter().flatten() {
        let p = dir.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "{name} is not in {} or its parent: cargo builds it with this test (crate-type cdylib + staticlib); \
         run the test through `cargo test -p santei-ffi`",
        deps.display()
    );
}

/// Scratch space for the compiled callers: `target/tmp/<profile>/` (CARGO_TARGET_TMPDIR is shared
/// by the profiles, and a debug and a release run may overlap).
fn tmp_dir() -> PathBuf {
    let lib = lib_file("libsantei.a");
    let profile = lib
        .ancestors()
        .filter_map(|p| p.file_name())
        .find(|n| *n != "deps" && *n != "libsantei.a")
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "default".into());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(profile);
    std::fs::create_dir_all(&dir).expect("create the scratch dir");
    dir
}

/// The staged SSK data: `$SANTEI_DATA`, else `<workspace>/../shared/data`; None when absent.
fn data_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SANTEI_DATA") {
        Some(d) => PathBuf::from(d),
        None => workspace_dir().join("../shared/data"),
    };
    dir.is_dir().then_some(dir)
}

/// The claims the C caller computes: every `examples/*.json` and `ffi/tests/claims/multi-visit.json`.
fn claim_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(workspace_dir().join("examples"))
        .expect("read examples/")
        .map(|e| e.expect("examples/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no examples/*.json");
    paths.push(ffi_dir().join("tests/claims/multi-visit.json"));
    paths
}

fn rejected_claim() -> PathBuf {
    ffi_dir().join("tests/claims/rejected-by-rules.json")
}

/// `PATH=TOTAL` arguments, the totals computed by the Rust engine over `set`.
fn expected_args(set: masters::MasterSet) -> Vec<String> {
    let engine = Engine::new(Arc::new(set));
    let rejected = engine
        .calculate_json(
            &std::fs::read(rejected_claim()).expect("read rejected-by-rules.json"),
            Options::default(),
        )
        .expect("rejected-by-rules.json parses");
    assert!(
        rejected.has_errors(),
        "rejected-by-rules.json should carry an error diagnostic"
    );
    claim_paths()
        .into_iter()
        .map(|p| {
            let json = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let out = engine
                .calculate_json(&json, Options::default())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            format!("{}={}", p.display(), out.total_points)
        })
        .collect()
}

/// Compiles `tests/c/test.c` once per test binary run.
fn c_test_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let lib = lib_file("libsantei.a");
        let out = tmp_dir().join("santei_c_test");
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
        let status = Command::new(&cc)
            .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1", "-pthread"])
            .arg("-I")
            .arg(ffi_dir().join("include"))
            .arg(ffi_dir().join("tests/c/test.c"))
            .arg(&lib)
            .args(["-lpthread", "-ldl", "-lm"])
            .arg("-o")
            .arg(&out)
            .status()
            .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
        assert!(status.success(), "compiling tests/c/test.c failed");
        out
    })
}

/// Runs a command with a time limit, echoing its output; returns whether it exited 0.
fn run_with_limit(cmd: &mut Command, limit: Duration) -> bool {
    eprintln!("running: {cmd:?}");
    let mut child = cmd
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            eprintln!("exited with {status} after {:.1} s", start.elapsed().as_secs_f64());
            return status.success();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn c_caller() {
    let bin = c_test_binary();
    let mut cmd = Command::new(bin);
    let set = match data_dir() {
        Some(dir) => {
            cmd.arg("--masters").arg(&dir);
            masters::load_dir(&dir).expect("load the staged data")
        }
        None => {
            eprintln!(
                "!!! SANTEI_DATA / ../shared/data is absent: the C caller runs on the embedded default masters \
                 (santei_masters_open_default) instead !!!"
            );
            cmd.arg("--default");
            masters::load_default().expect("load the default masters")
        }
    };
    cmd.args(["--threads", "8", "--iters", "200"])
        .arg("--rejected")
        .arg(rejected_claim());
    cmd.args(expected_args(set));
    assert!(
        run_with_limit(&mut cmd, Duration::from_secs(600)),
        "the C caller failed (see FAIL lines above)"
    );
}

#[test]
fn c_caller_under_valgrind() {
    if Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        eprintln!(
            "!!! valgrind is not installed: the valgrind run of the C caller is SKIPPED (apt-get install valgrind) !!!"
        );
        return;
    }
    let bin = c_test_binary();
    let mut cmd = Command::new("valgrind");
    // Strict: "possibly lost" blocks fail the run too. (Loading the 電子点数表 on the C caller's
    // thread would leave its 48-byte `Thread` handle behind — `std::thread::scope` in
    // masters::tensuhyo::load::par_map allocates it on a C thread and never frees it; the
    // santei_masters_open* entry points load on a thread of their own. See `load_off_thread`.)
    cmd.args([
        "--quiet",
        "--error-exitcode=1",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect,possible",
        "--show-leak-kinds=definite,indirect,possible",
    ]);
    cmd.arg(bin);
    // An optimised build (CI: `cargo test --release`) loads the staged data under valgrind in
    // ~20 s; a debug build would take minutes, so it uses the embedded default masters (every
    // code path of the C caller is still taken, only the file reading is smaller).
    let set = match data_dir() {
        Some(dir) if !cfg!(debug_assertions) => {
            cmd.arg("--masters").arg(&dir);
            masters::load_dir(&dir).expect("load the staged data")
        }
        _ => {
            eprintln!("valgrind run on the embedded default masters (debug build or no staged data)");
            cmd.arg("--default");
            masters::load_default().expect("load the default masters")
        }
    };
    cmd.args(["--threads", "8", "--iters", "8"])
        .arg("--rejected")
        .arg(rejected_claim());
    cmd.args(expected_args(set));
    assert!(
        run_with_limit(&mut cmd, Duration::from_secs(600)),
        "valgrind reported errors or leaks in the C caller (see above)"
    );
}

#[test]
fn python_ctypes_example() {
    if Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        eprintln!("!!! python3 is not installed: the ctypes example is SKIPPED !!!");
        return;
    }
    let so = lib_file("libsantei.so");
    let claim = workspace_dir().join("examples/first-visit-dx.json");
    let engine = Engine::new(Arc::new(masters::load_default().expect("load the default masters")));
    let want = engine
        .calculate_json(&std::fs::read(&claim).expect("read the example"), Options::default())
        .expect("example computes");
    let out = Command::new("python3")
        .arg(ffi_dir().join("examples/python/santei_example.py"))
        .arg("--lib")
        .arg(&so)
        .arg(&claim)
        .arg("--futan")
        .arg(workspace_dir().join("examples/futan/kourei-jirei35.json"))
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "santei_example.py failed:\n{stdout}\n{stderr}");
    let line = format!("total_points {}", want.total_points);
    assert!(
        stdout.lines().any(|l| l.trim() == line),
        "santei_example.py should print `{line}`:\n{stdout}\n{stderr}"
    );
    // santei_futan: MHLW 高齢受給者 計算事例 平成30年8月 事例35 → 140,100 (10,000 + 130,100).
    assert!(
        stdout.lines().any(|l| l.trim() == "futan patient_yen 140100"),
        "{stdout}"
    );
    assert!(stdout.contains("2018-08-02 47000点 counter 130100"), "{stdout}");
}

#[test]
fn csharp_pinvoke_example() {
    let have = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !have("mcs") || !have("mono") {
        eprintln!("!!! mcs/mono are not installed: the C# P/Invoke example is SKIPPED (apt-get install mono-mcs) !!!");
        return;
    }
    let so = lib_file("libsantei.so");
    let exe = tmp_dir().join("Santei.exe");
    let status = Command::new("mcs")
        .arg(format!("-out:{}", exe.display()))
        .arg(ffi_dir().join("examples/csharp/Santei.cs"))
        .status()
        .expect("run mcs");
    assert!(status.success(), "mcs failed on examples/csharp/Santei.cs");
    let claim = workspace_dir().join("examples/first-visit-dx.json");
    let engine = Engine::new(Arc::new(masters::load_default().expect("load the default masters")));
    let want = engine
        .calculate_json(&std::fs::read(&claim).expect("read the example"), Options::default())
        .expect("example computes");
    let out = Command::new("mono")
        .arg(&exe)
        .arg(&claim)
        .arg("--futan")
        .arg(workspace_dir().join("examples/futan/kourei-jirei35.json"))
        .env("LD_LIBRARY_PATH", so.parent().expect("lib dir"))
        .output()
        .expect("run mono");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "Santei.exe failed:\n{stdout}\n{stderr}");
    let line = format!("total_points {}", want.total_points);
    assert!(
        stdout.lines().any(|l| l.trim() == line),
        "Santei.exe should print `{line}`:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("invalid claim rejected as expected: invalid claim: facility.bedz"),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.trim() == "futan patient_yen 140100"),
        "{stdout}"
    );
}

/// The C program of docs/embedding.md (between the `embedding-example` markers) compiles
/// warning-free against the header and computes the example claim.
#[test]
fn embedding_doc_example() {
    let doc = std::fs::read_to_string(workspace_dir().join("docs/embedding.md")).expect("read docs/embedding.md");
    let block = doc
        .split("<!-- embedding-example:begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- embedding-example:end -->").next())
        .expect("docs/embedding.md has the embedding-example markers");
    let code = block
        .trim()
        .strip_prefix("```c")
        .and_then(|c| c.strip_suffix("```"))
        .expect("a ```c block between the markers");
    let dir = tmp_dir();
    let src = dir.join("embedding_app.c");
    let exe = dir.join("embedding_app");
    std::fs::write(&src, code).expect("write embedding_app.c");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pthread"])
        .arg("-I")
        .arg(ffi_dir().join("include"))
        .arg(&src)
        .arg(lib_file("libsantei.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(status.success(), "the C program of docs/embedding.md does not compile");

    let claim = workspace_dir().join("examples/first-visit-dx.json");
    let engine = Engine::new(Arc::new(masters::load_default().expect("load the default masters")));
    let want = engine
        .calculate_json(&std::fs::read(&claim).expect("read the example"), Options::default())
        .expect("example computes");
    let out = Command::new(&exe).arg(&claim).output().expect("run embedding_app");
    assert!(
        out.status.success(),
        "embedding_app failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).expect("embedding_app prints the result JSON");
    assert_eq!(result["total_points"], want.total_points);

    // The error path: an invalid claim gives exit status 1 and the JSON path on stderr.
    let bad = dir.join("embedding_bad_claim.json");
    std::fs::write(&bad, br#"{"facility": {"kind": "clinic", "bedz": 1}}"#).expect("write the bad claim");
    let out = Command::new(&exe).arg(&bad).output().expect("run embedding_app");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid claim: facility.bedz: unknown field"),
        "{stderr}"
    );
}
