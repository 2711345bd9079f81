//! The JSON boundary of `santei batch`, apart from the engine: reading a claim's JSON line into
//! a `Claim` (`engine::parse_claim`), and writing an `Outcome` as its JSON line — by batch's
//! writer (`src/cli/jsonw.rs`, the same bytes as serde_json, asserted here) and, for
//! comparison, by `serde_json::to_writer`.
//!
//! Workloads (full staged masters, `SANTEI_DATA`, else `<workspace>/../shared/data`; skipped
//! with a message when absent):
//! - `mix200`: the engine bench's 200 claims (`benches/common/mix.rs`), outcomes trace off and on;
//! - `gen2000`: 2,000 generated claims (`engine::gen`, seed 1, 2024-07), as `santei gen` writes
//!   them, outcomes trace off (what `santei batch` writes by default).
//!
//! Throughput is claims per second. Every iteration checks its answer (claims parsed, bytes
//! written). Run: `cargo bench --bench boundary -- --warm-up-time 1 --measurement-time 3`.

#[path = "common/mix.rs"]
mod mix;

#[path = "../src/cli/jsonw.rs"]
#[allow(dead_code)]
mod jsonw;

use criterion::{Criterion, Throughput};
use engine::gen::{parse_month, Generator};
use engine::{Engine, Options, Outcome};
use std::hint::black_box;
use std::sync::Arc;

fn written(outcomes: &[Outcome], fast: bool, buf: &mut Vec<u8>) -> usize {
    let mut total = 0;
    for o in outcomes {
        buf.clear();
        if fast {
            jsonw::write(buf, black_box(o)).expect("write");
        } else {
            serde_json::to_writer(&mut *buf, black_box(o)).expect("write");
        }
        buf.push(b'\n');
        total += buf.len();
    }
    total
}

fn main() {
    let data = mix::data_dir();
    if !data.join("ssk/2024-06/s_ALL20240531.zip").is_file() {
        eprintln!(
            "SKIPPED: boundary benchmarks: no SSK data at {} (set SANTEI_DATA)",
            data.display()
        );
        return;
    }
    let set = Arc::new(masters::load_dir(&data).unwrap_or_else(|e| panic!("load_dir {}: {e}", data.display())));
    let eng = Engine::new(set.clone());
    let mix: Vec<Vec<u8>> = mix::documents()
        .iter()
        .map(|v| serde_json::to_vec(v).expect("json"))
        .collect();
    let gen: Vec<Vec<u8>> = Generator::new(&set, parse_month("2024-07").expect("month"), 1)
        .take(2000)
        .map(|c| serde_json::to_vec(&c).expect("json"))
        .collect();
    let mut c = Criterion::default().configure_from_args();
    for (name, lines, traces) in [("mix200", &mix, &[false, true][..]), ("gen2000", &gen, &[false][..])] {
        let n = lines.len();
        let in_bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        let claims: Vec<engine::Claim> = lines.iter().map(|l| engine::parse_claim(l).expect("parse")).collect();
        let mut g = c.benchmark_group(format!("boundary/{name}"));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function("parse", |b| {
            b.iter(|| {
                let k = lines
                    .iter()
                    .map(|l| {
                        engine::parse_claim(black_box(l))
                            .map(|c| c.visits.len())
                            .expect("parse")
                    })
                    .sum::<usize>();
                assert!(k >= n);
            })
        });
        for &trace in traces {
            let outcomes: Vec<Outcome> = claims
                .iter()
                .map(|c| eng.calculate_with(c, Options { trace }).expect("compute"))
                .collect();
            let mut buf = Vec::with_capacity(1 << 16);
            let bytes = written(&outcomes, false, &mut buf);
            assert_eq!(written(&outcomes, true, &mut buf), bytes, "the same bytes");
            for o in &outcomes {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                jsonw::write(&mut a, o).expect("write");
                serde_json::to_writer(&mut b, o).expect("write");
                assert!(a == b, "batch's writer writes serde_json's bytes");
            }
            let t = if trace { "trace-on" } else { "trace-off" };
            println!(
                "{name}: {n} claims, {in_bytes} bytes of claim JSON, {bytes} bytes of results ({t}, {:.0} per claim)",
                bytes as f64 / n as f64
            );
            g.bench_function(format!("serialize/{t}"), |b| {
                b.iter(|| assert_eq!(written(&outcomes, true, &mut buf), bytes))
            });
            g.bench_function(format!("serialize-serde_json/{t}"), |b| {
                b.iter(|| assert_eq!(written(&outcomes, false, &mut buf), bytes))
            });
        }
        g.finish();
    }
    c.final_summary();
}
