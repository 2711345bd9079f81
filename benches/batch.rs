//! Batch throughput: generated claims (`engine::gen`, seed 1, month 2024-07) computed without
//! trace on a local rayon pool of 1 and 2 threads, and the JSON boundary's phase split.
//!
//! Masters: the staged full 2024-06 set (`SANTEI_DATA/ssk/2024-06`, else
//! `<workspace>/../shared/data/ssk/2024-06`) when present, else the embedded default set.
//! Best of 3 runs each:
//! - `phase parse` / `compute` / `serialize` / `drop` (one thread): the phases of `santei
//!   batch`'s work on one claim, timed apart claim by claim — the JSON line → `Claim`
//!   (`engine::parse_claim`), `Engine::calculate_with` (trace off), the `Outcome` → its JSON
//!   line in a reused buffer (batch's writer, `src/cli/jsonw.rs`; serde_json's time for the
//!   same bytes beside it), and freeing the claim and the outcome;
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

use engine::gen::Generator;
use engine::month::parse_month;
use engine::{Engine, Options};
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

    // The three phases apart, one thread, claim by claim as `santei batch` runs them (each
    // claim parsed, computed, written and dropped before the next, so caches are as warm as in
    // batch): a clock read between the phases, summed per phase; best of 3 passes.
    // `SANTEI_BENCH_ONLY=parse|compute|serialize|drop` runs 10 passes (for a profiler) and stops
    // after the table.
    let only = std::env::var("SANTEI_BENCH_ONLY").ok();
    let passes = if only.is_some() { 10 } else { 3 };
    let mut best = [f64::MAX; 5];
    let mut out_bytes = 0usize;
    let mut buf = Vec::with_capacity(1 << 16);
    let mut slow = Vec::with_capacity(1 << 16);
    for _ in 0..passes {
        let mut t = [0f64; 5];
        out_bytes = 0;
        for l in &lines {
            let t0 = Instant::now();
            let c = engine::parse_claim(l).expect("parse");
            let t1 = Instant::now();
            let o = engine.calculate_with(&c, opts).expect("compute");
            let t2 = Instant::now();
            buf.clear();
            jsonw::write(&mut buf, &o).expect("serialize");
            buf.push(b'\n');
            let t3 = Instant::now();
            drop(o);
            drop(c);
            let t4 = Instant::now();
            out_bytes += buf.len();
            t[0] += (t1 - t0).as_secs_f64();
            t[1] += (t2 - t1).as_secs_f64();
            t[2] += (t3 - t2).as_secs_f64();
            t[3] += (t4 - t3).as_secs_f64();
        }
        for (b, x) in best.iter_mut().zip(t).take(4) {
            *b = b.min(x);
        }
    }
    // serde_json writing the same outcomes (for comparison, not in the sum): computed again.
    for _ in 0..passes {
        let mut t = 0f64;
        for c in &claims {
            let o = engine.calculate_with(c, opts).expect("compute");
            let t0 = Instant::now();
            slow.clear();
            serde_json::to_writer(&mut slow, &o).expect("serialize");
            slow.push(b'\n');
            t += t0.elapsed().as_secs_f64();
        }
        best[4] = best[4].min(t);
    }
    let [t_parse, t_compute, t_ser, t_drop, t_ser_json] = best;
    let sum = t_parse + t_compute + t_ser + t_drop;
    // `serialize` is batch's writer (src/cli/jsonw.rs); `(serde_json)` the same bytes by
    // `serde_json::to_writer`, for comparison (not in the sum).
    println!(
        "{:<18} {:>10} {:>12} {:>9} {:>7} {:>10}",
        "phase (1 thread)", "seconds", "claims/s", "µs/claim", "share", "MB/s"
    );
    for (what, t, bytes) in [
        ("parse", t_parse, in_bytes),
        ("compute", t_compute, 0),
        ("serialize", t_ser, out_bytes),
        ("drop", t_drop, 0),
        ("(serde_json)", t_ser_json, out_bytes),
    ] {
        println!(
            "{:<18} {:>10.3} {:>12.0} {:>9.2} {:>6.1}% {:>10}",
            what,
            t,
            n as f64 / t,
            t / n as f64 * 1e6,
            100.0 * t / sum,
            if bytes > 0 {
                format!("{:.0}", bytes as f64 / t / 1e6)
            } else {
                "-".into()
            }
        );
    }
    println!(
        "{:<18} {:>10.3} {:>12.0} {:>9.2}  (output {out_bytes} bytes)",
        "sum",
        sum,
        n as f64 / sum,
        sum / n as f64 * 1e6
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
