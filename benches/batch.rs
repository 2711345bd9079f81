//! Batch throughput: generated claims (`engine::gen`, seed 1, month 2024-07) computed without
//! trace on a local rayon pool of 1 and 2 threads, and the JSON boundary's phase split.
//!
//! Masters: the staged full 2024-06 set (`SANTEI_DATA/ssk/2024-06`, else
//! `<workspace>/../shared/data/ssk/2024-06`) when present, else the embedded default set.
//! Best of 3 runs each:
//! - `phase parse` / `phase compute` / `phase serialize` (one thread): the three phases of
//!   `santei batch`'s work on one claim, timed apart — the JSON line → `Claim`
//!   (`engine::parse_claim`), `Engine::calculate_with` (trace off), and the `Outcome` →
//!   its JSON line in a reused buffer;
//! - `compute`: `Engine::calculate_with` on parsed claims, 1 and 2 threads;
//! - `json`: what `santei batch` does per claim — parse the JSON line, compute, serialize the
//!   result line — 1 and 2 threads.
//!
//! The allocator is the `santei` binary's (mimalloc, `src/main.rs`), so that these figures are
//! those of `santei batch`.
//!
//! Run: `cargo bench --bench batch` (env `SANTEI_BENCH_CLAIMS` changes N, default 20,000).

#[path = "../src/cli/jsonw.rs"]
#[allow(dead_code)]
mod jsonw;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use engine::gen::{parse_month, Generator};
use engine::{Engine, Options, Outcome};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

fn data_dir() -> PathBuf {
    match std::env::var_os("SANTEI_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")),
    }
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(r);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let n: usize = std::env::var("SANTEI_BENCH_CLAIMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let staged = data_dir().join("ssk/2024-06");
    let (set, origin) = if staged.is_dir() {
        (
            masters::load_dir(&staged).expect("staged 2024-06 masters"),
            staged.display().to_string(),
        )
    } else {
        eprintln!("note: {} absent: embedded default masters", staged.display());
        (
            masters::load_default().expect("default masters"),
            "embedded default".to_string(),
        )
    };
    let set = Arc::new(set);
    let engine = Engine::new(set.clone());
    let claims: Vec<engine::Claim> = Generator::new(&set, parse_month("2024-07").expect("month"), 1)
        .take(n)
        .collect();
    let lines: Vec<Vec<u8>> = claims.iter().map(|c| serde_json::to_vec(c).expect("json")).collect();
    assert_eq!(claims.len(), n);
    let opts = Options { trace: false };
    let in_bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    println!("batch bench: {n} generated claims (2024-07, seed 1, {in_bytes} bytes of JSON lines), masters {origin}, trace off");

    // The three phases apart, one thread. `SANTEI_BENCH_ONLY=parse|compute|serialize` repeats
    // one phase (for a profiler) and stops.
    let runs = match std::env::var("SANTEI_BENCH_ONLY").ok().as_deref() {
        Some(_) => 10,
        None => 3,
    };
    let only = std::env::var("SANTEI_BENCH_ONLY").ok();
    let skip = |p: &str| only.as_deref().is_some_and(|o| o != p);
    let (t_parse, parsed) = best_of(if skip("parse") { 1 } else { runs }, || {
        lines
            .iter()
            .map(|l| engine::parse_claim(l).expect("parse"))
            .collect::<Vec<_>>()
    });
    assert_eq!(parsed.len(), n);
    drop(parsed);
    let (t_compute, outcomes) = best_of(if skip("compute") { 1 } else { runs }, || {
        claims
            .iter()
            .map(|c| engine.calculate_with(c, opts).expect("compute"))
            .collect::<Vec<Outcome>>()
    });
    let serialize = |fast: bool| {
        let mut buf = Vec::with_capacity(1 << 16);
        let mut total = 0usize;
        for o in &outcomes {
            buf.clear();
            if fast {
                jsonw::write(&mut buf, o).expect("serialize");
            } else {
                serde_json::to_writer(&mut buf, o).expect("serialize");
            }
            buf.push(b'\n');
            total += buf.len();
        }
        total
    };
    let (t_ser_json, out_bytes) = best_of(if skip("serde_json") { 1 } else { runs }, || serialize(false));
    let (t_ser, fast_bytes) = best_of(if skip("serialize") { 1 } else { runs }, || serialize(true));
    assert_eq!(fast_bytes, out_bytes);
    drop(outcomes);
    let sum = t_parse + t_compute + t_ser;
    // `serialize` is batch's writer (src/cli/jsonw.rs); `(serde_json)` the same bytes by
    // `serde_json::to_writer`, for comparison (not in the sum).
    println!(
        "{:<18} {:>10} {:>12} {:>7} {:>10}",
        "phase (1 thread)", "seconds", "claims/s", "share", "MB/s"
    );
    for (what, t, bytes) in [
        ("parse", t_parse, in_bytes),
        ("compute", t_compute, 0),
        ("serialize", t_ser, out_bytes),
        ("(serde_json)", t_ser_json, out_bytes),
    ] {
        println!(
            "{:<18} {:>10.3} {:>12.0} {:>6.1}% {:>10}",
            what,
            t,
            n as f64 / t,
            100.0 * t / sum,
            if bytes > 0 {
                format!("{:.0}", bytes as f64 / t / 1e6)
            } else {
                "-".into()
            }
        );
    }
    println!(
        "{:<18} {:>10.3} {:>12.0}  (output {out_bytes} bytes)",
        "sum",
        sum,
        n as f64 / sum
    );

    if only.is_some() {
        return;
    }
    println!("{:<8} {:>7} {:>10} {:>12}", "what", "threads", "seconds", "claims/s");
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let (secs, (count, points)) = best_of(3, || {
            pool.install(|| {
                claims
                    .par_iter()
                    .map(|c| {
                        engine
                            .calculate_with(c, opts)
                            .map(|o| o.total_points)
                            .expect("generated claims compute")
                    })
                    .fold(|| (0usize, 0i64), |(k, p), x| (k + 1, p + x))
                    .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
            })
        });
        assert_eq!(count, n, "every claim computed");
        assert!(points > 0);
        println!(
            "{:<8} {:>7} {:>10.3} {:>12.0}",
            "compute",
            threads,
            secs,
            n as f64 / secs
        );
        let (secs, bytes) = best_of(3, || {
            pool.install(|| {
                lines
                    .par_iter()
                    .map_init(Vec::new, |buf, l| {
                        let c = engine::parse_claim(l).expect("parse");
                        let o = engine.calculate_with(&c, opts).expect("compute");
                        buf.clear();
                        serde_json::to_writer(&mut *buf, &o).expect("serialize");
                        buf.len()
                    })
                    .sum::<usize>()
            })
        });
        assert!(bytes > n);
        println!("{:<8} {:>7} {:>10.3} {:>12.0}", "json", threads, secs, n as f64 / secs);
    }
}
