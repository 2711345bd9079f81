// Golden corpus of the engine core: tests/cases/<id>/{claim,expected}.json, insta snapshots of each result.
mod golden;
// Bad claims → errors naming the JSON path (inline snapshots), and random claims never panic.
mod claims_errors;
// UKE → claim on the staged sample: conversion, recorded totals, unpriced lines, --as-of re-dating.
mod uke_claim;
// santei batch / diff / gen / uke verify through the binary; generator and revision diff through the library.
mod batch;
// Writing UKE: normalize (round trip), uke write and batch --out-uke, read back and verified.
mod uke_write;
// The santei binary: README's first command on the embedded default, masters show by date.
mod cli;
// The 電子点数表 override layer through the engine: an override file switches off a 背反 pair.
mod tensuhyo_engine;
// Issue 11 regressions: outputs never over inputs, no wrapped totals, bounded input, strict claims.
mod reliability;
// santei futan (患者負担金 of one receipt-month) through the binary: 事例35, exit codes, --json.
mod futan_cli;
