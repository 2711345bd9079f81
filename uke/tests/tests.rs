//! Integration tests of the UKE reader (one test binary).

// Shared helpers: locating SANTEI_DATA, Shift_JIS encoding, small synthetic files.
mod common;
// Malformed inputs: each error names its record number (and field).
mod errors;
// No panic on random mutations and truncations of the sample and of a synthetic file.
mod fuzz;
// The repository sample RECEIPTC_GAIRAI_SAMPLE.UKE: counts, reconciliation, typed values.
mod sample;
// Small synthetic files: grouping into 算定単位, 和暦, 0x1A, LF, TO/JD records.
mod synthetic;
// The writer: byte-identical write-back of the sample and of synthetic edge files; strict and lenient fields.
mod write;
// Rebuilding receipts from computed lines: identity on the sample, changed, removed and derived lines.
mod rebuild;
