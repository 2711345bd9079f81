//! Per-call cost of the C ABI: `santei_calculate` (+ `santei_buffer_free`) against the same
//! work in Rust (`Engine::calculate_json` + `serde_json::to_vec`), on the same claims and the
//! same master set (the staged data when `$SANTEI_DATA` / `../shared/data` exists, else the
//! embedded default set). Goal: the FFI path within 10 % of the Rust path.
//!
//!     cargo bench -p santei-ffi --bench overhead
//!
//! The FFI path adds: NULL and length checks, UTF-8 validation of the input, `catch_unwind`,
//! the NUL terminator and one `Box` for the buffer.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use engine::{Engine, Options};
use santei::{
    santei_buffer_free, santei_calculate, santei_engine_free, santei_engine_new, santei_masters_free,
    santei_masters_open, santei_masters_open_default, santei_status,
};
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SANTEI_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/data"));
    dir.is_dir().then_some(dir)
}

fn bench(c: &mut Criterion) {
    let dir = data_dir();
    eprintln!(
        "masters: {}",
        dir.as_ref()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|| "embedded default".into())
    );
    let set = match &dir {
        Some(d) => masters::load_dir(d).expect("load the staged data"),
        None => masters::load_default().expect("load the default masters"),
    };
    let rust_engine = Engine::new(Arc::new(set));

    let mut masters = std::ptr::null_mut();
    let status = unsafe {
        match &dir {
            Some(d) => {
                let d = CString::new(d.to_str().expect("UTF-8 data path")).unwrap();
                santei_masters_open(d.as_ptr(), &mut masters)
            }
            None => santei_masters_open_default(&mut masters),
        }
    };
    assert_eq!(status, santei_status::SANTEI_OK);
    let mut ffi_engine = std::ptr::null_mut();
    assert_eq!(
        unsafe { santei_engine_new(masters, &mut ffi_engine) },
        santei_status::SANTEI_OK
    );
    unsafe { santei_masters_free(masters) };

    let claims = [
        ("first-visit-dx", workspace().join("examples/first-visit-dx.json")),
        ("multi-visit", workspace().join("ffi/tests/claims/multi-visit.json")),
    ];
    for (name, path) in claims {
        let json = std::fs::read(&path).expect("read the claim");
        let mut group = c.benchmark_group(name);
        group.bench_function("rust calculate_json+to_vec", |b| {
            b.iter(|| {
                let out = rust_engine
                    .calculate_json(black_box(&json), Options { trace: true })
                    .expect("computes");
                black_box(serde_json::to_vec(&out).expect("serializes"))
            })
        });
        group.bench_function("ffi santei_calculate", |b| {
            b.iter(|| unsafe {
                let mut buf = std::ptr::null_mut();
                let s = santei_calculate(ffi_engine, black_box(json.as_ptr()), json.len(), &mut buf);
                assert_eq!(s, santei_status::SANTEI_OK);
                santei_buffer_free(black_box(buf));
            })
        });
        group.finish();
        interleaved(name, &rust_engine, ffi_engine, &json);
    }
    unsafe { santei_engine_free(ffi_engine) };
}

/// A load-robust cross-check of the criterion numbers (the bench machine may be shared): rounds
/// that alternate a batch of Rust calls and a batch of FFI calls, so both see the same load;
/// prints the median per-call times and the median of the per-round ratios.
fn interleaved(name: &str, rust_engine: &Engine, ffi_engine: *const santei::santei_engine, json: &[u8]) {
    const ROUNDS: usize = 41;
    const BATCH: u32 = 300;
    let mut rust = Vec::with_capacity(ROUNDS);
    let mut ffi = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let run_rust = || {
            let t = Instant::now();
            for _ in 0..BATCH {
                let out = rust_engine
                    .calculate_json(black_box(json), Options { trace: true })
                    .expect("computes");
                black_box(serde_json::to_vec(&out).expect("serializes"));
            }
            t.elapsed() / BATCH
        };
        let run_ffi = || {
            let t = Instant::now();
            for _ in 0..BATCH {
                unsafe {
                    let mut buf = std::ptr::null_mut();
                    let s = santei_calculate(ffi_engine, black_box(json.as_ptr()), json.len(), &mut buf);
                    assert_eq!(s, santei_status::SANTEI_OK);
                    santei_buffer_free(black_box(buf));
                }
            }
            t.elapsed() / BATCH
        };
        // Alternate which goes first, so neither always runs on a warmer cache.
        if round % 2 == 0 {
            rust.push(run_rust());
            ffi.push(run_ffi());
        } else {
            ffi.push(run_ffi());
            rust.push(run_rust());
        }
    }
    let mut ratios: Vec<f64> = rust
        .iter()
        .zip(&ffi)
        .map(|(r, f)| f.as_secs_f64() / r.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    rust.sort();
    ffi.sort();
    eprintln!(
        "{name}/interleaved: rust {:.2} µs, ffi {:.2} µs per call (medians of {ROUNDS} rounds x {BATCH}); ffi/rust median ratio {:.3}",
        rust[ROUNDS / 2].as_secs_f64() * 1e6,
        ffi[ROUNDS / 2].as_secs_f64() * 1e6,
        ratios[ROUNDS / 2],
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
