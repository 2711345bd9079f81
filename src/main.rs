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
    // A reader that stops early (`santei masters info | head`) closes stdout; `println!` then
    // panics with std's "failed printing to stdout: Broken pipe". That is the reader's choice, not
    // an error of santei: exit at once, without a panic message, with the status a shell gives a
    // process ended by SIGPIPE (128 + 13). Outputs to files are unaffected (written to a temporary
    // file and renamed only on success), so nothing is left half-written.
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info)
    }));
    std::process::exit(cli::run());
}
