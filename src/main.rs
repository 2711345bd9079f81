//! `santei` — the command-line front of santei. Glue only: all logic lives in the `masters`
//! and `engine` crates.

#![forbid(unsafe_code)]

mod cli;

fn main() {
    std::process::exit(cli::run());
}
