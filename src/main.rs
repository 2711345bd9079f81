//! `santei` — the command-line front of santei. Glue only: all logic lives in the `masters`
//! and `engine` crates.

#![forbid(unsafe_code)]

mod cli;

/// mimalloc instead of the system allocator: a claim allocates and frees a few hundred small
/// strings and vectors (claim fields, result lines), and glibc's malloc/free took ~20 % of the
/// per-claim instructions of `santei batch` (BENCHMARKS.md, 2026-12-01).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
