//! Benchmarks of the engine core on the full staged masters (`SANTEI_DATA`, else
//! `<workspace>/../shared/data`, loaded whole with `masters::load_dir`: s_ALL20240531 +
//! y_ALL20240531 + t_ALL20240315 + c_ALL20240531, the older/newer full files and every delta,
//! plus the 電子点数表 tables and the 2026 supplement). Skipped with a message when the data is absent.
//!
//! The workload is a fixed outpatient mix of 200 claims built in code from real codes with a
//! deterministic PRNG: clinics and hospitals, 1–3 visits a claim in one month of 2024-06…2025-05,
//! 初診/再診 (some after hours, some children), facility 届出 (機能強化, 外来感染対策, 時間外対応,
//! 医療ＤＸ with マイナ rates), 外来管理加算, drugs (in-house and outside), 検体検査, 処置, 画像.
//! The total points of the mix are computed once before timing and asserted inside every
//! iteration. Throughput is claims per second (`Throughput::Elements(200)`).
//!
//! - `engine/calc/trace-off`: one thread, `Options { trace: false }`. Goal ≥ 200,000 claims/s/core.
//! - `engine/calc/trace-on`: one thread, `Options { trace: true }`. Goal ≥ 50,000 claims/s/core.
//! - `engine/calc/rayon-2threads`: the same 200 claims, trace off, on a 2-thread rayon pool.
//!
//! Claims are parsed once outside the timing (parsing JSON is not the engine core; see
//! `benches/boundary.rs`). `SANTEI_BENCH_PROFILE=N[,on]` runs N passes without criterion, for a
//! profiler.
//! Run: `cargo bench --bench engine -- --warm-up-time 1 --measurement-time 3`.

#[path = "common/mix.rs"]
mod mix;

use criterion::{Criterion, Throughput};
use engine::{Claim, Engine, Options};
use mix::{data_dir, CLAIMS};
use rayon::prelude::*;
use std::hint::black_box;
use std::sync::Arc;

fn main() {
    let data = data_dir();
    if !data.join("ssk/2024-06/s_ALL20240531.zip").is_file() {
        eprintln!(
            "SKIPPED: engine benchmarks: no SSK data at {} (set SANTEI_DATA)",
            data.display()
        );
        return;
    }
    let set = masters::load_dir(&data).unwrap_or_else(|e| panic!("load_dir {}: {e}", data.display()));
    let eng = Engine::new(Arc::new(set));

    let claims: Vec<Claim> = mix::documents()
        .iter()
        .enumerate()
        .map(|(n, v)| {
            engine::parse_claim(&serde_json::to_vec(v).expect("json"))
                .unwrap_or_else(|e| panic!("bench claim {n}: {e}"))
        })
        .collect();

    // The answer, computed once; every claim must compute, without error diagnostics.
    let off = Options { trace: false };
    let on = Options { trace: true };
    let mut lines = 0usize;
    let expected: i64 = claims
        .iter()
        .map(|c| {
            let o = eng.calculate_with(c, off).unwrap_or_else(|e| panic!("{:?}: {e}", c.id));
            lines += o.lines.len();
            o.total_points
        })
        .sum();
    let with_trace: i64 = claims
        .iter()
        .map(|c| eng.calculate_with(c, on).expect("trace on").total_points)
        .sum();
    assert_eq!(with_trace, expected, "trace must not change the points");
    let visits: usize = claims.iter().map(|c| c.visits.len()).sum();
    println!(
        "engine bench mix: {CLAIMS} claims, {visits} visits, {lines} billed lines ({:.1} per claim), total {expected} points",
        lines as f64 / CLAIMS as f64
    );

    let total = |opts: Options| -> i64 {
        claims
            .iter()
            .map(|c| eng.calculate_with(black_box(c), opts).expect("calc").total_points)
            .sum()
    };
    // `SANTEI_BENCH_PROFILE=N[,on]`: N passes over the mix (trace off, or on), timed, without
    // criterion — for a profiler (`perf record`, `valgrind --tool=callgrind`).
    if let Ok(p) = std::env::var("SANTEI_BENCH_PROFILE") {
        let (n, trace) = match p.split_once(',') {
            Some((n, t)) => (n.parse().unwrap_or(1), t == "on"),
            None => (p.parse().unwrap_or(1), false),
        };
        let t = std::time::Instant::now();
        for _ in 0..n {
            assert_eq!(total(if trace { on } else { off }), expected);
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{n} passes, trace {}: {secs:.3} s, {:.0} claims/s",
            if trace { "on" } else { "off" },
            (n * CLAIMS) as f64 / secs
        );
        return;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("rayon pool");

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("engine/calc");
    g.throughput(Throughput::Elements(CLAIMS as u64));
    g.bench_function("trace-off", |b| b.iter(|| assert_eq!(total(off), expected)));
    g.bench_function("trace-on", |b| b.iter(|| assert_eq!(total(on), expected)));
    g.bench_function("rayon-2threads", |b| {
        b.iter(|| {
            let t: i64 = pool.install(|| {
                claims
                    .par_iter()
                    .map(|c| eng.calculate_with(black_box(c), off).expect("calc").total_points)
                    .sum()
            });
            assert_eq!(t, expected)
        })
    });
    g.finish();
    c.final_summary();
}
