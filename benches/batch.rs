//! Batch throughput: generated claims (`engine::gen`, seed 1, month 2024-07) computed without
//! trace on a local rayon pool of 1 and 2 threads.
//!
//! Masters: the staged full 2024-06 set (`SANTEI_DATA/ssk/2024-06`, else
//! `<workspace>/../shared/data/ssk/2024-06`) when present, else the embedded default set.
//! Two measurements per thread count, best of 3 runs each:
//! - `compute`: `Engine::calculate_with` on parsed claims;
//! - `json`: what `santei batch` does per claim — parse the JSON line, compute, serialize the
//!   result line.
//!
//! Run: `cargo bench --bench batch` (env `SANTEI_BENCH_CLAIMS` changes N, default 20,000).

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
    println!("batch bench: {n} generated claims (2024-07, seed 1), masters {origin}, trace off");
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
                    .map(|l| {
                        let c: engine::Claim = serde_json::from_slice(l).expect("parse");
                        let o = engine.calculate_with(&c, opts).expect("compute");
                        serde_json::to_vec(&o).expect("serialize").len()
                    })
                    .sum::<usize>()
            })
        });
        assert!(bytes > n);
        println!("{:<8} {:>7} {:>10.3} {:>12.0}", "json", threads, secs, n as f64 / secs);
    }
}
