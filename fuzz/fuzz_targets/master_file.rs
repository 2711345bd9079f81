//! Bytes → `masters::load_sources` as one s master file: a zip when the bytes start with a zip
//! signature, else a CSV. Also runs the collect-everything validation path. Only a panic, a hang
//! or an out-of-memory is a failure.
#![no_main]

use libfuzzer_sys::fuzz_target;
use masters::{Layer, LoadOptions, Source};

fuzz_target!(|data: &[u8]| {
    let path = if data.starts_with(b"PK") {
        "s_ALL20240601.zip"
    } else {
        "s_20240601.csv"
    };
    let sources = || {
        vec![Source {
            path: path.to_string(),
            bytes: data.to_vec(),
            layer: Layer::Official,
        }]
    };
    if let Ok(set) = masters::load_sources("fuzz", sources()) {
        // Walk what was loaded: lookups must not panic either.
        for (code, versions) in set.s.iter() {
            for v in versions {
                let _ = set.s.lookup(code, v.valid_from);
                let _ = set.s.lookup(code, v.valid_to);
                let _ = set.file(v.origin);
            }
        }
    }
    let _ = masters::set::build(
        "fuzz",
        sources(),
        Vec::new(),
        LoadOptions { collect_all: true },
    );
});
