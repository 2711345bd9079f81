//! `santei` — the command-line front of santei. Glue only: all logic lives in the `masters`
//! and `engine` crates.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
