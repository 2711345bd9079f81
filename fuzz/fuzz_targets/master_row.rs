//! Bytes → `masters::raw::read_rows` with the 医科診療行為 (s) layout → per-field checks →
//! typed conversion (`Procedure`), the 9-digit key and the sparse-row overlay. Every outcome is
//! fine except a panic, a hang or an out-of-memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use masters::rows::MasterRow;
use masters::value::{self, RowCtx};
use masters::{Kind, Procedure};

fuzz_target!(|data: &[u8]| {
    let kind = Kind::S;
    let cols = kind.columns();
    let mut previous: Option<masters::raw::RawRow> = None;
    let _ = masters::raw::read_rows("fuzz.csv", data, kind.allowed_columns(), |r| {
        let (line, raw) = match r {
            Ok(x) => x,
            Err(_) => return Ok(()), // a bad row: keep going, as validation does
        };
        let ctx = RowCtx {
            file: "fuzz.csv",
            line,
        };
        for (i, col) in cols.iter().enumerate().take(raw.len()) {
            let _ = value::check(ctx, col, raw.col(i + 1));
        }
        let _ = kind.key(ctx, &raw);
        if let Ok(p) = <Procedure as MasterRow>::from_raw(ctx, &raw) {
            let _ = p.kubun_label();
        }
        if let Some(prev) = &previous {
            let merged = prev.overlay(&raw);
            assert_eq!(merged.len(), prev.len().max(raw.len()));
            let _ = <Procedure as MasterRow>::from_raw(ctx, &merged);
        }
        previous = Some(raw);
        Ok(())
    });
});
