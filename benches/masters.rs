//! Benchmarks of `santei-masters` on the real SSK files staged in `shared/data`
//! (env `SANTEI_DATA`, else `<workspace>/../shared/data`; skipped with a message when absent).
//!
//! - `masters/load/full-2024-06`: the four full files s_ALL20240531, y_ALL20240531,
//!   t_ALL20240315, c_ALL20240531 (zips as staged) → a `MasterSet`. Goal: < 150 ms on one core.
//! - `masters/load/full+deltas`: the same plus every staged delta (s 78, y 23, t 10, c 11).
//! - `masters/lookup`: `MasterSet::lookup_any` over a fixed list of real codes and dates.
//!
//! File bytes are read once, outside the timing; each iteration parses from memory.
//! Run: `cargo bench --bench masters`.

use criterion::{BatchSize, Criterion, SamplingMode, Throughput};
use masters::{Code, Layer, MasterSet, Source};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const FULL_2024_06: [&str; 4] = [
    "ssk/2024-06/s_ALL20240531.zip",
    "ssk/2024-06/y_ALL20240531.zip",
    "ssk/2024-06/t_ALL20240315.zip",
    "ssk/2024-06/c_ALL20240531.zip",
];

fn data_dir() -> PathBuf {
    match std::env::var_os("SANTEI_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")),
    }
}

/// (path, bytes) of the given files, read once.
fn read_all(data: &Path, rels: &[String]) -> Vec<(String, Vec<u8>)> {
    rels.iter()
        .map(|r| {
            (
                r.clone(),
                std::fs::read(data.join(r)).unwrap_or_else(|e| panic!("{r}: {e}")),
            )
        })
        .collect()
}

fn sources(files: &[(String, Vec<u8>)]) -> Vec<Source> {
    files
        .iter()
        .map(|(p, b)| Source {
            path: p.clone(),
            bytes: b.clone(),
            layer: Layer::Official,
        })
        .collect()
}

fn load(files: &[(String, Vec<u8>)]) -> MasterSet {
    masters::load_sources("bench", sources(files)).unwrap_or_else(|e| panic!("load: {e}"))
}

fn deltas(data: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for k in ["s", "y", "t", "c"] {
        let dir = data.join("ssk/deltas").join(k);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        out.extend(names.into_iter().map(|n| format!("ssk/deltas/{k}/{n}")));
    }
    out
}

/// Codes per kind (s, y, t, c).
fn counts(set: &MasterSet) -> [usize; 4] {
    [set.s.len(), set.y.len(), set.t.len(), set.c.len()]
}

/// The four full files: one code per row (MANIFEST.md: s 10,133, y 19,748, t 1,334 rows;
/// c 3,898 rows of which 6 are 抹消 rows, c_ALL20240531.csv:3720–3725).
const FULL_COUNTS: [usize; 4] = [10_133, 19_748, 1_334, 3_892];
/// The four full files plus every delta (s 78, y 23, t 10, c 11 files): the codes this loader
/// builds chains for (regression figures of this loader, not facts from MANIFEST.md).
const FULL_DELTA_COUNTS: [usize; 4] = [10_722, 21_182, 1_360, 3_909];

fn main() {
    let data = data_dir();
    if !data.join("ssk/2024-06/s_ALL20240531.zip").is_file() {
        eprintln!(
            "SKIPPED: masters benchmarks: no SSK data at {} (set SANTEI_DATA)",
            data.display()
        );
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench_load(&mut c, &data);
    c.final_summary();
}

fn bench_load(c: &mut Criterion, data: &Path) {
    let full_rels: Vec<String> = FULL_2024_06.iter().map(|s| s.to_string()).collect();
    let full = read_all(data, &full_rels);
    let mut all_rels = full_rels.clone();
    all_rels.extend(deltas(data));
    assert_eq!(all_rels.len(), 4 + 78 + 23 + 10 + 11);
    let all = read_all(data, &all_rels);

    // Check the answers once before timing.
    let set = load(&full);
    assert_eq!(counts(&set), FULL_COUNTS, "full-2024-06 codes (s, y, t, c)");
    let set = load(&all);
    assert_eq!(counts(&set), FULL_DELTA_COUNTS, "full+deltas codes (s, y, t, c)");

    let mut g = c.benchmark_group("masters/load");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    let bytes = |f: &[(String, Vec<u8>)]| f.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
    g.throughput(Throughput::Bytes(bytes(&full)));
    g.bench_function("full-2024-06", |b| {
        b.iter_batched(
            || sources(&full),
            |src| {
                let set = masters::load_sources("bench", src).expect("load");
                assert_eq!(set.s.len(), FULL_COUNTS[0]);
                set
            },
            BatchSize::PerIteration,
        )
    });
    g.throughput(Throughput::Bytes(bytes(&all)));
    g.bench_function("full+deltas", |b| {
        b.iter_batched(
            || sources(&all),
            |src| {
                let set = masters::load_sources("bench", src).expect("load");
                assert_eq!(set.s.len(), FULL_DELTA_COUNTS[0]);
                set
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    bench_lookup(c, &set);
}

fn bench_lookup(c: &mut Criterion, set: &MasterSet) {
    let p = |s: &str| masters::parse_date(s).expect("date");
    let code = |s: &str| Code::parse(s).expect("code");
    // Hand-picked real codes and dates, with the expected answer (masters.md §3, §8.4).
    let picked = [
        ("111000110", "20240601", Some("初診料")),
        ("112007410", "20240601", Some("再診料")),
        ("111703370", "20241001", Some("医療ＤＸ推進体制整備加算３（初診）")),
        ("111703370", "20250401", Some("医療ＤＸ推進体制整備加算６（初診）")),
        ("111703470", "20250501", Some("医療ＤＸ推進体制整備加算４（初診）")),
        ("111703170", "20241130", Some("医療情報取得加算１（初診）")),
        ("111703170", "20241201", None),
        ("610406079", "20241001", Some("ガスター散２％")),
        (
            "620006199",
            "20240601",
            Some("イミグランキット皮下注３ｍｇ\u{3000}０．５ｍＬ"),
        ),
        ("739200000", "20240601", Some("液体酸素・定置式液化酸素貯槽（ＣＥ）")),
        ("840000001", "20240601", Some("電話等再診（\u{3000}\u{3000}回）")),
        ("820000001", "20240601", Some("別途コメントあり")),
    ];
    for (c_, day, want) in picked {
        let got = set.lookup_any(code(c_), p(day)).map(|v| v.name());
        assert_eq!(got, want, "{c_} on {day}");
    }
    // Plus every 7th code of each kind (sorted, so the list is fixed for fixed data) on three dates.
    let mut list: Vec<(Code, _)> = picked.iter().map(|(c_, day, _)| (code(c_), p(day))).collect();
    let mut all_codes: Vec<Code> = set
        .s
        .codes()
        .chain(set.y.codes())
        .chain(set.t.codes())
        .chain(set.c.codes())
        .collect();
    all_codes.sort();
    for (i, c_) in all_codes.iter().enumerate().filter(|(i, _)| i % 7 == 0) {
        let day = ["20240601", "20241201", "20250601"][i % 3];
        list.push((*c_, p(day)));
    }
    let hits = list
        .iter()
        .filter(|(c_, day)| set.lookup_any(*c_, *day).is_some())
        .count();
    let mut g = c.benchmark_group("masters");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(list.len() as u64));
    g.bench_function("lookup", |b| {
        b.iter(|| {
            let n = list
                .iter()
                .filter(|(c_, day)| set.lookup_any(black_box(*c_), black_box(*day)).is_some())
                .count();
            assert_eq!(n, hits);
            n
        })
    });
    g.finish();
    println!("masters/lookup: {} lookups per iteration, {hits} hits", list.len());
}
