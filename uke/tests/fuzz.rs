//! `parse_bytes`, the streaming reader and the round trip (`normalize`) must never panic,
//! whatever the bytes; a round trip's output, read again, is its own conforming form.

use crate::common::{file, sample_bytes, small_file_lines};

/// xorshift64*: a tiny deterministic PRNG.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: &[u8] = &[b',', b'\r', b'\n', 0x1A, 0x81, 0x82, 0xFF, 0xA0, b'0', b'9', b'-', b'.'];

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    let edits = 1 + rng.below(8);
    for _ in 0..edits {
        let len = b.len();
        match rng.below(7) {
            0 => b.truncate(rng.below(len + 1)),
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next() as u8;
            }
            2 if len > 0 => {
                let i = rng.below(len);
                b[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            3 => {
                let i = rng.below(len + 1);
                b.insert(i, INTERESTING[rng.below(INTERESTING.len())]);
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let j = (i + rng.below(200)).min(len);
                b.drain(i..j);
            }
            5 if len > 0 => {
                // Duplicate a slice (e.g. a whole line) elsewhere.
                let i = rng.below(len);
                let j = (i + rng.below(300)).min(len);
                let chunk = b[i..j].to_vec();
                let at = rng.below(b.len() + 1);
                b.splice(at..at, chunk);
            }
            _ if len > 0 => {
                // Replace a digit run with a long number (overflow paths).
                let i = rng.below(len);
                b.splice(i..i, b"99999999999999999999".iter().copied());
            }
            _ => {}
        }
    }
    b
}

/// Exercises every entry point on `bytes`.
fn exercise(bytes: &[u8]) {
    if let Ok(f) = uke::parse_bytes(bytes) {
        let _ = f.check();
        for r in &f.receipts {
            let _ = r.section_totals();
            let _ = r.service_days();
            for u in r.units() {
                let _ = (u.amount(), u.days(), u.burden());
            }
        }
    }
    if let Ok((n, out)) = uke::normalize(bytes, Vec::new()) {
        if !n.is_fatal() {
            let (again, out2) = uke::normalize(out.as_slice(), Vec::new()).expect("in memory");
            assert!(
                again.is_identical() && out2 == out,
                "normalize is not idempotent: {:?}",
                again.findings
            );
        }
    }
    for r in uke::UkeReader::new(bytes).receipts() {
        if let Ok(r) = r {
            let _ = r.check();
        } else if let Err(e) = r {
            let _ = e.to_string();
        }
    }
}

fn run(base: &[u8], seed: u64, rounds: usize) {
    let mut rng = Rng(seed);
    for round in 0..rounds {
        let m = mutate(&mut rng, base);
        let res = std::panic::catch_unwind(|| exercise(&m));
        assert!(res.is_ok(), "panic on mutation round {round} (seed {seed:#x})");
    }
    // Every prefix of a small input.
    if base.len() <= 4096 {
        for cut in 0..=base.len() {
            exercise(&base[..cut]);
        }
    }
}

#[test]
fn no_panic_on_mutated_synthetic_file() {
    run(&file(&small_file_lines()), 0x5EED_1234_ABCD_0001, 3000);
}

#[test]
fn no_panic_on_mutated_sample() {
    let Some(bytes) = sample_bytes() else { return };
    // Prefixes at every line boundary and at random points.
    let mut rng = Rng(0xDEAD_BEEF_0000_0042);
    for _ in 0..200 {
        exercise(&bytes[..rng.below(bytes.len() + 1)]);
    }
    run(&bytes, 0x0BAD_C0DE_0000_0007, 300);
}

#[test]
fn no_panic_on_random_bytes() {
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    for _ in 0..2000 {
        let n = rng.below(300);
        let v: Vec<u8> = (0..n)
            .map(|_| {
                if rng.below(4) == 0 {
                    INTERESTING[rng.below(INTERESTING.len())]
                } else {
                    rng.next() as u8
                }
            })
            .collect();
        exercise(&v);
        let mut prefixed = b"IR,1,12,1,0000000,,,202111,00,0\r\nRE,".to_vec();
        prefixed.extend_from_slice(&v);
        exercise(&prefixed);
    }
}
