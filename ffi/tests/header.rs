//! The committed header `ffi/include/santei.h` must equal what cbindgen (pinned in
//! Cargo.toml, run as a library) generates from `ffi/src` with `ffi/cbindgen.toml`.
//!
//! Regenerate it with:
//!
//!     SANTEI_BLESS=1 cargo test -p santei-ffi --test header

use std::path::Path;

#[test]
fn header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("read ffi/cbindgen.toml");
    // `with_src` parses ffi/src/lib.rs and its modules only: no `cargo metadata`, no deps.
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen failed on ffi/src");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("cbindgen wrote UTF-8");

    let path = crate_dir.join("include/santei.h");
    if std::env::var_os("SANTEI_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write ffi/include/santei.h");
        eprintln!("SANTEI_BLESS=1: rewrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first_diff = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "ffi/include/santei.h is out of date with ffi/src (first difference at line {}).\n\
             Regenerate it with:  SANTEI_BLESS=1 cargo test -p santei-ffi --test header\n\
             and commit the result.\n--- committed line: {:?}\n+++ generated line: {:?}",
            first_diff + 1,
            committed.lines().nth(first_diff).unwrap_or("<end of file>"),
            generated.lines().nth(first_diff).unwrap_or("<end of file>"),
        );
    }
}
