//! # santei-ffi — the C ABI of santei (`libsantei`)
//!
//! The header is `ffi/include/santei.h`, generated from this crate by cbindgen (see
//! `ffi/README.md` for the API conventions and `docs/embedding.md` for a walk-through).
//!
//! Conventions (the rustls-ffi ones):
//! - Opaque handles only: `santei_masters`, `santei_engine`, `santei_buffer`. Each has a
//!   NULL-safe `_free`.
//! - Fallible functions return a `santei_status`; outputs are the last parameters and are
//!   written only on `SANTEI_OK`. `santei_last_error()` gives the message of the calling thread's
//!   last failed call.
//! - Every body runs inside a panic boundary: a panic becomes `SANTEI_PANIC`, never an unwind
//!   into C.
//! - A masters handle holds an `Arc<MasterSet>`; an engine holds its own reference, so freeing
//!   the masters handle before the engine is safe.
//! - One engine may be used from many threads at once (`Engine` is `Send + Sync`).
#![deny(unsafe_op_in_unsafe_fn)]
// The C names are the Rust names (santei_engine, SANTEI_OK, …), so the header needs no renaming.
#![allow(non_camel_case_types)]

mod error;
mod panic;

pub use error::santei_status;

use engine::{Engine, Options};
use error::fail;
use masters::MasterSet;
use panic::{check_out, ffi_panic_boundary, try_ref};
use std::ffi::{c_char, c_int, CStr};
use std::path::PathBuf;
use std::sync::Arc;

/// The ABI version. It is bumped on any breaking change of the C ABI (a symbol removed or its
/// signature or meaning changed, a status value renumbered, a layout changed). Additions (new
/// functions, new status values at the end, new flag bits) do not bump it. Compare it with
/// `santei_abi_version()` at run time to detect a header/library mismatch.
pub const SANTEI_ABI_VERSION: u32 = 1;

/// The largest input JSON `santei_calculate` and `santei_futan` accept, in bytes (64 MiB). Longer
/// input returns `SANTEI_INPUT_TOO_LARGE` without being read.
pub const SANTEI_MAX_INPUT_LEN: usize = 67108864;

/// Flag for `santei_calculate_opts`: fill `reason.detail` of each line with the decision trace
/// (rates, thresholds, candidates).
pub const SANTEI_CALC_TRACE: u32 = 1;

/// Flag for `santei_calculate_opts`: pretty-print (indent) the result JSON.
pub const SANTEI_CALC_PRETTY: u32 = 2;

/// Flag for `santei_calculate_opts`: a service date under a 診療報酬改定 the loaded masters do
/// not cover (diagnostic `REVISION_NOT_COVERED`) returns `SANTEI_INVALID_CLAIM` instead of a
/// result carrying the warning.
pub const SANTEI_CALC_STRICT: u32 = 4;

/// The flags `santei_calculate` uses: the trace on, compact JSON.
pub const SANTEI_CALC_DEFAULT: u32 = SANTEI_CALC_TRACE;

const SANTEI_CALC_ALL: u32 = SANTEI_CALC_TRACE | SANTEI_CALC_PRETTY | SANTEI_CALC_STRICT;

/// A loaded master set (immutable, reference-counted). Create it with `santei_masters_open` or
/// `santei_masters_open_default`; free it with `santei_masters_free`. Engines built from it
/// keep their own reference, so it may be freed while they are still in use. It may be shared
/// by threads.
pub struct santei_masters {
    set: Arc<MasterSet>,
}

/// A calculation engine over one master set (immutable). Create it with `santei_engine_new`;
/// free it with `santei_engine_free`. One engine may be used by any number of threads at once.
pub struct santei_engine {
    engine: Engine,
}

/// Bytes owned by the caller until `santei_buffer_free` (a result or info JSON, UTF-8). The
/// data is followed by a NUL byte that `santei_buffer_len` does not count, so it may also be
/// read as a C string.
pub struct santei_buffer {
    /// The content followed by one NUL byte.
    bytes: Vec<u8>,
}

impl santei_buffer {
    fn into_raw(mut bytes: Vec<u8>) -> *mut santei_buffer {
        bytes.push(0);
        Box::into_raw(Box::new(santei_buffer { bytes }))
    }
}

/// The library version (the crate version, e.g. "0.1.0"): a static NUL-terminated string,
/// never freed.
#[no_mangle]
pub extern "C" fn santei_version() -> *const c_char {
    const VERSION: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the crate version holds a NUL byte"),
    };
    VERSION.as_ptr()
}

/// The ABI version of the library: equal to the header's `SANTEI_ABI_VERSION` when they match.
#[no_mangle]
pub extern "C" fn santei_abi_version() -> u32 {
    SANTEI_ABI_VERSION
}

/// A static NUL-terminated description of a status value ("unknown status" for a value this
/// library does not know). Never NULL, never freed.
#[no_mangle]
pub extern "C" fn santei_status_str(status: c_int) -> *const c_char {
    match santei_status::from_int(status) {
        Some(s) => s.description().as_ptr(),
        None => c"unknown status".as_ptr(),
    }
}

/// The message of the calling thread's last failed santei call (UTF-8, NUL-terminated), or ""
/// when no call has failed on this thread. Successful calls leave it unchanged. The pointer is
/// owned by santei and stays valid until the next failing santei call on the same thread or the
/// thread's exit; copy the text to keep it.
#[no_mangle]
pub extern "C" fn santei_last_error() -> *const c_char {
    ffi_panic_boundary!(c"".as_ptr(), error::last_error_ptr())
}

fn masters_status(e: &masters::Error) -> santei_status {
    match *e.kind {
        masters::ErrorKind::Io(_) => santei_status::SANTEI_IO,
        masters::ErrorKind::NoProcedureMaster => santei_status::SANTEI_NO_MASTER,
        _ => santei_status::SANTEI_MASTERS_ERROR,
    }
}

fn masters_out(result: Result<MasterSet, masters::Error>, out: *mut *mut santei_masters) -> santei_status {
    match result {
        Ok(set) => {
            let handle = Box::new(santei_masters { set: Arc::new(set) });
            // SAFETY: the caller checked `out` is not NULL; the caller guarantees it is writable.
            unsafe { *out = Box::into_raw(handle) };
            santei_status::SANTEI_OK
        }
        Err(e) => fail(masters_status(&e), &e.to_string()),
    }
}

/// Runs a master-set load on a thread of santei's own and waits for it; on the caller's thread
/// if no thread can be started.
///
/// Loading reads the 電子点数表 tables on scoped threads (`std::thread::scope` in
/// `masters::tensuhyo::load::par_map`), and a scope takes the *calling* thread's `Thread` handle
/// (`thread::current()`), which std allocates on first use. On a thread that Rust did not start
/// (a C program's main thread) that handle is never freed, and valgrind reports its 48 bytes as
/// "possibly lost" at exit. A thread spawned here is Rust's own: its handle is freed when it
/// ends, so nothing outlives the call. A panic in the load is re-raised here with its payload
/// (the entry point's panic boundary turns it into `SANTEI_PANIC`).
fn load_off_thread<F>(load: F) -> Result<MasterSet, masters::Error>
where
    F: FnOnce() -> Result<MasterSet, masters::Error> + Clone + Send + 'static,
{
    match std::thread::Builder::new()
        .name("santei-masters-load".into())
        .spawn(load.clone())
    {
        Ok(h) => h.join().unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
        Err(_) => load(),
    }
}

/// Loads the official SSK master files found under the folder `dir_utf8` (searched
/// recursively), with santei's supplement layered under them.
///
/// On `SANTEI_OK` writes a new handle to `*out` (free it with `santei_masters_free`).
/// Errors: `SANTEI_NULL_ARGUMENT`, `SANTEI_INVALID_UTF8` (the path is not UTF-8), `SANTEI_IO`
/// (the folder or a file cannot be read), `SANTEI_MASTERS_ERROR` (a file is invalid, or larger
/// than 64 MiB: for a zip, what its CSV inflates to; the message names `file:line:column`),
/// `SANTEI_NO_MASTER` (no usable 医科診療行為マスター: the folder holds no official
/// s full file with rows, e.g. only drug or comment files, or nothing).
///
/// # Safety
/// `dir_utf8` is NULL or a NUL-terminated string; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn santei_masters_open(dir_utf8: *const c_char, out: *mut *mut santei_masters) -> santei_status {
    ffi_panic_boundary!(santei_status::SANTEI_PANIC, {
        check_out!(out, "out");
        if dir_utf8.is_null() {
            return fail(santei_status::SANTEI_NULL_ARGUMENT, "dir_utf8 is NULL");
        }
        // SAFETY: not NULL, NUL-terminated by contract.
        let dir = match unsafe { CStr::from_ptr(dir_utf8) }.to_str() {
            Ok(d) => d,
            Err(e) => {
                return fail(
                    santei_status::SANTEI_INVALID_UTF8,
                    &format!("dir_utf8 is not valid UTF-8 (at byte {})", e.valid_up_to()),
                )
            }
        };
        let dir = PathBuf::from(dir);
        masters_out(load_off_thread(move || masters::load_dir(&dir)), out)
    })
}

/// Loads the small curated master set compiled into the library (plus the supplement): no
/// files needed. On `SANTEI_OK` writes a new handle to `*out`.
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn santei_masters_open_default(out: *mut *mut santei_masters) -> santei_status {
    ffi_panic_boundary!(santei_status::SANTEI_PANIC, {
        check_out!(out, "out");
        masters_out(load_off_thread(masters::load_default), out)
    })
}

/// Releases the caller's reference to a master set; engines built from it keep theirs.
/// NULL is ignored.
///
/// # Safety
/// `masters` is NULL or a handle from `santei_masters_open*` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn santei_masters_free(masters: *mut santei_masters) {
    ffi_panic_boundary!((), {
        if !masters.is_null() {
            // SAFETY: created by Box::into_raw in masters_out, freed once by contract.
            drop(unsafe { Box::from_raw(masters) });
        }
    })
}

/// Describes the master set as JSON (the shape of `santei masters info --json`): `origin`,
/// `files` (path, kind, role, layer, published, rows, sha256…), `not_used`, `counts`,
/// `supplement_in_effect`, `warnings`. On `SANTEI_OK` writes a new buffer to `*out`.
///
/// # Safety
/// `masters` is NULL or a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn santei_masters_info_json(
    masters: *const santei_masters,
    out: *mut *mut santei_buffer,
) -> santei_status {
    ffi_panic_boundary!(santei_status::SANTEI_PANIC, {
        check_out!(out, "out");
        let m = try_ref!(masters, "masters");
        match serde_json::to_vec(&masters_info(&m.set)) {
            Ok(bytes) => {
                // SAFETY: checked not NULL above.
                unsafe { *out = santei_buffer::into_raw(bytes) };
                santei_status::SANTEI_OK
            }
            Err(e) => fail(
                santei_status::SANTEI_INTERNAL,
                &format!("cannot serialize the master info: {e}"),
            ),
        }
    })
}

fn masters_info(set: &MasterSet) -> serde_json::Value {
    let counts: Vec<serde_json::Value> = masters::Kind::ALL
        .iter()
        .map(|k| {
            let (codes, versions) = match k {
                masters::Kind::S => (set.s.len(), set.s.version_count()),
                masters::Kind::Y => (set.y.len(), set.y.version_count()),
                masters::Kind::T => (set.t.len(), set.t.version_count()),
                masters::Kind::C => (set.c.len(), set.c.version_count()),
            };
            serde_json::json!({"kind": k.letter().to_string(), "name": k.name_ja(), "codes": codes, "versions": versions})
        })
        .collect();
    serde_json::json!({
        "origin": set.origin,
        "files": set.files,
        "not_used": set.not_used,
        "counts": counts,
        "supplement_in_effect": set.supplement_files().next().is_some(),
        "warnings": set.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
    })
}

/// Builds an engine over a master set (this indexes the set once; keep the engine and reuse
/// it). The engine holds its own reference to the set. On `SANTEI_OK` writes a new handle to
/// `*out` (free it with `santei_engine_free`).
///
/// # Safety
/// `masters` is NULL or a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn santei_engine_new(
    masters: *const santei_masters,
    out: *mut *mut santei_engine,
) -> santei_status {
    ffi_panic_boundary!(santei_status::SANTEI_PANIC, {
        check_out!(out, "out");
        let m = try_ref!(masters, "masters");
        let engine = Box::new(santei_engine {
            engine: Engine::new(Arc::clone(&m.set)),
        });
        // SAFETY: checked not NULL above.
        unsafe { *out = Box::into_raw(engine) };
        santei_status::SANTEI_OK
    })
}

/// Frees an engine (and its reference to the master set). NULL is ignored. No other thread may
/// be using the engine.
///
/// # Safety
/// `engine` is NULL or a handle from `santei_engine_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn santei_engine_free(engine: *mut santei_engine) {
    ffi_panic_boundary!((), {
        if !engine.is_null() {
            // SAFETY: created by Box::into_raw in santei_engine_new, freed once by contract.
            drop(unsafe { Box::from_raw(engine) });
        }
    })
}

/// Computes one claim (UTF-8 JSON, `docs/claim-format.md`) with the trace on; on `SANTEI_OK`
/// writes the result JSON to a new buffer in `*result_json` (free it with `santei_buffer_free`).
/// Same as `santei_calculate_opts(engine, claim_json, len, SANTEI_CALC_DEFAULT, result_json)`.
///
/// A claim that the rules reject still returns `SANTEI_OK`: its error diagnostics are in the
/// result's `diagnostics`. Errors: `SANTEI_NULL_ARGUMENT`, `SANTEI_EMPTY_INPUT` (`len` is 0),
/// `SANTEI_INPUT_TOO_LARGE` (`len` > `SANTEI_MAX_INPUT_LEN`), `SANTEI_INVALID_UTF8`,
/// `SANTEI_INVALID_CLAIM` (bad JSON, unknown field, unknown code…; the message starts with the
/// JSON path, e.g. `visits[0].items[0].code: …`).
///
/// Thread-safe: any number of threads may call it on the same engine at once.
///
/// # Safety
/// `engine` is NULL or a live handle; `claim_json` is NULL or points to `len` readable bytes;
/// `result_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn santei_calculate(
    engine: *const santei_engine,
    claim_json: *const u8,
    len: usize,
    result_json: *mut *mut santei_buffer,
) -> santei_status {
    // SAFETY: forwarded contract.
    unsafe { santei_calculate_opts(engine, claim_json, len, SANTEI_CALC_DEFAULT, result_json) }
}

/// `santei_calculate` with flags: any combination of `SANTEI_CALC_TRACE` and
/// `SANTEI_CALC_PRETTY` (0: no trace, compact JSON). Unknown flag bits return
/// `SANTEI_INVALID_ARGUMENT`, so a caller built against a newer header fails loudly on an older
/// library.
///
/// # Safety
/// As `santei_calculate`.
#[no_mangle]
pub unsafe extern "C" fn santei_calculate_opts(
    engine: *const santei_engine,
    claim_json: *const u8,
    len: usize,
    flags: u32,
    result_json: *mut *mut santei_buffer,
) -> santei_status {
    ffi_panic_boundary!(santei_status::SANTEI_PANIC, {
        check_out!(result_json, "result_json");
        let e = try_ref!(engine, "engine");
        if claim_json.is_null() {
            return fail(santei_status::SANTEI_NULL_ARGUMENT, "claim_json is NULL");
        }
        if flags & !SANTEI_CALC_ALL != 0 {
            return fail(
                santei_status::SANTEI_INVALID_ARGUMENT,
                &format!("unknown flag bits {:#x}", flags & !SANTEI_CALC_ALL),
            );
        }
        if let Err(status) = check_len(len, "claim_json") {
            return status;
        }
        // SAFETY: not NULL; `len` readable bytes by contract; len <= 64 MiB < isize::MAX.
        let json = unsafe { std::slice::from_raw_parts(claim_json, len) };
        match calculate_to_vec(&e.engine, json, flags) {
            Ok(bytes) => {
                // SAFETY: checked not NULL above.
                unsafe { *result_json = santei_buffer::into_raw(bytes) };
                santei_status::SANTEI_OK
            }
            Err((status, msg)) => fail(status, &msg),
        }
    })
}

/// The length checks of an input JSON (`SANTEI_EMPTY_INPUT`, `SANTEI_INPUT_TOO_LARGE`), with the
/// last error set.
fn check_len(len: usize, what: &str) -> Result<(), santei_status> {
    if len == 0 {
        return Err(fail(
            santei_status::SANTEI_EMPTY_INPUT,
            &format!("{what} is empty (len 0)"),
        ));
    }
    if len > SANTEI_MAX_INPUT_LEN {
        return Err(fail(
            santei_status::SANTEI_INPUT_TOO_LARGE,
            &format!("{what} is {len} bytes; the limit is {SANTEI_MAX_INPUT_LEN} (SANTEI_MAX_INPUT_LEN)"),
        ));
    }
    Ok(())
}

fn check_utf8(json: &[u8], what: &str) -> Result<(), (santei_status, String)> {
    std::str::from_utf8(json).map(|_| ()).map_err(|e| {
        (
            santei_status::SANTEI_INVALID_UTF8,
            format!("{what} is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

/// The whole calculation in Rust terms: the claim bytes → the result JSON bytes.
fn calculate_to_vec(engine: &Engine, json: &[u8], flags: u32) -> Result<Vec<u8>, (santei_status, String)> {
    check_utf8(json, "claim_json")?;
    let opts = Options {
        trace: flags & SANTEI_CALC_TRACE != 0,
    };
    let mut outcome = engine
        .calculate_json(json, opts)
        .map_err(|e| (santei_status::SANTEI_INVALID_CLAIM, e.to_string()))?;
    if flags & SANTEI_CALC_STRICT != 0 {
        if let Some(d) = outcome.take_revision_warning() {
            return Err((
                santei_status::SANTEI_INVALID_CLAIM,
                format!("{}: {}: {}", d.path, d.code, d.message),
            ));
        }
    }
    // Room for the JSON and the NUL terminator, so the final push rarely reallocates.
    let mut bytes = Vec::with_capacity(4096);
    let written = if flags & SANTEI_CALC_PRETTY != 0 {
        serde_json::to_writer_pretty(&mut bytes, &outcome)
    } else {
        serde_json::to_writer(&mut bytes, &outcome)
    };
    written.map_err(|e| {
        (
            santei_status::SANTEI_INTERNAL,
            format!("cannot serialize the result: {e}"),
        )
    })?;
    Ok(bytes)
}

/// Computes the 患者負担金 of one receipt-month (shared/spec/futan.md §7(c): the points or yen of
/// each visit, the patient's birth date, insurance and 公費) — 一部負担金, 高額療養費 at the counter
/// and every 公費's share, per visit and for the receipt. On `SANTEI_OK` writes the `burden`
/// JSON (futan.md §7(b)) to a new buffer in `*out` (free it with `santei_buffer_free`). No master
/// set or engine is needed: the money rules carry their own dated tables. (A claim with
/// `insurance` given to `santei_calculate` gets the same `burden` inside its result.)
///
/// A receipt the rules cannot price still returns `SANTEI_OK`: the buffer then holds
/// `{"diagnostics":[{"level":"error","code":"FUTAN_TABLE_MISSING",…,"path":"month"}]}`
/// (`FUTAN_TABLE_MISSING`, `FUTAN_INCOME_INVALID`, `FUTAN_KOUKI_AGE`, `FUTAN_AID_RULE_MISSING`).
/// Errors: `SANTEI_NULL_ARGUMENT`, `SANTEI_EMPTY_INPUT` (`len` is 0), `SANTEI_INPUT_TOO_LARGE`
/// (`len` > `SANTEI_MAX_INPUT_LEN`), `SANTEI_INVALID_UTF8`, `SANTEI_INVALID_CLAIM` (bad JSON, an
/// unknown field, an impossible fact; the message starts with the JSON path, e.g.
/// `insurance.incme: FUTAN_INPUT_INVALID: unknown field …`).
///
/// Thread-safe: any number of threads may call it at once.
///
/// # Safety
/// `json` is NULL or points to `len` readable bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn santei_futan(json: *const u8, len: usize, out: *mut *mut santei_buffer) -> santei_status {
    ffi_panic_boundary!(santei_status::SANTEI_PANIC, {
        check_out!(out, "out");
        if json.is_null() {
            return fail(santei_status::SANTEI_NULL_ARGUMENT, "json is NULL");
        }
        if let Err(status) = check_len(len, "json") {
            return status;
        }
        // SAFETY: not NULL; `len` readable bytes by contract; len <= 64 MiB < isize::MAX.
        let input = unsafe { std::slice::from_raw_parts(json, len) };
        match futan_to_vec(input) {
            Ok(bytes) => {
                // SAFETY: checked not NULL above.
                unsafe { *out = santei_buffer::into_raw(bytes) };
                santei_status::SANTEI_OK
            }
            Err((status, msg)) => fail(status, &msg),
        }
    })
}

/// `santei_futan` in Rust terms: the input bytes → the `burden` JSON bytes.
fn futan_to_vec(json: &[u8]) -> Result<Vec<u8>, (santei_status, String)> {
    check_utf8(json, "json")?;
    let value = match futan::compute_json(json) {
        Ok(burden) => serde_json::to_vec(&burden),
        Err(e) if e.kind.is_rule() => serde_json::to_vec(&futan::error_json(&e)),
        Err(e) => return Err((santei_status::SANTEI_INVALID_CLAIM, e.to_string())),
    };
    value.map_err(|e| {
        (
            santei_status::SANTEI_INTERNAL,
            format!("cannot serialize the burden: {e}"),
        )
    })
}

/// The bytes of a buffer (UTF-8 JSON, followed by a NUL byte not counted in the length), owned
/// by the buffer: valid until `santei_buffer_free`. NULL for a NULL buffer.
///
/// # Safety
/// `buf` is NULL or a live buffer.
#[no_mangle]
pub unsafe extern "C" fn santei_buffer_data(buf: *const santei_buffer) -> *const u8 {
    ffi_panic_boundary!(std::ptr::null(), {
        // SAFETY: NULL or live by contract.
        match unsafe { buf.as_ref() } {
            Some(b) => b.bytes.as_ptr(),
            None => std::ptr::null(),
        }
    })
}

/// The length of a buffer in bytes, without the trailing NUL. 0 for a NULL buffer.
///
/// # Safety
/// `buf` is NULL or a live buffer.
#[no_mangle]
pub unsafe extern "C" fn santei_buffer_len(buf: *const santei_buffer) -> usize {
    ffi_panic_boundary!(0, {
        // SAFETY: NULL or live by contract.
        match unsafe { buf.as_ref() } {
            Some(b) => b.bytes.len().saturating_sub(1),
            None => 0,
        }
    })
}

/// Frees a buffer. NULL is ignored.
///
/// # Safety
/// `buf` is NULL or a buffer from santei not yet freed.
#[no_mangle]
pub unsafe extern "C" fn santei_buffer_free(buf: *mut santei_buffer) {
    ffi_panic_boundary!((), {
        if !buf.is_null() {
            // SAFETY: created by Box::into_raw in santei_buffer::into_raw, freed once by contract.
            drop(unsafe { Box::from_raw(buf) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::set_last_error;
    use std::ptr;

    fn last_error() -> String {
        unsafe { CStr::from_ptr(santei_last_error()) }
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn panic_boundary_turns_a_panic_into_a_status() {
        fn boom(flag: bool) -> santei_status {
            ffi_panic_boundary!(santei_status::SANTEI_PANIC, {
                if flag {
                    panic!("deliberate test panic");
                }
                santei_status::SANTEI_OK
            })
        }
        assert_eq!(boom(false), santei_status::SANTEI_OK);
        assert_eq!(boom(true), santei_status::SANTEI_PANIC);
        assert_eq!(last_error(), "panic: deliberate test panic");
        fn boom_string() -> *const u8 {
            ffi_panic_boundary!(ptr::null(), {
                let n = 7;
                panic!("formatted {n}");
            })
        }
        assert!(boom_string().is_null());
        assert_eq!(last_error(), "panic: formatted 7");
    }

    #[test]
    fn last_error_is_per_thread_and_starts_empty() {
        std::thread::spawn(|| {
            assert_eq!(last_error(), "");
            set_last_error("a\0b");
            assert_eq!(last_error(), "a\u{FFFD}b");
        })
        .join()
        .unwrap();
        std::thread::spawn(|| assert_eq!(last_error(), "")).join().unwrap();
    }

    #[test]
    fn status_values_are_fixed() {
        for (i, s) in santei_status::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
            let d = unsafe { CStr::from_ptr(santei_status_str(i as c_int)) };
            assert!(!d.to_bytes().is_empty());
        }
        let unknown = unsafe { CStr::from_ptr(santei_status_str(-1)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown status");
        let unknown = unsafe { CStr::from_ptr(santei_status_str(santei_status::ALL.len() as c_int)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown status");
    }

    #[test]
    fn a_folder_without_a_procedure_master_is_refused() {
        let dir = std::env::temp_dir().join(format!("santei-ffi-no-s-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Only a file santei does not read: no 医科診療行為マスター.
        std::fs::write(dir.join("README.txt"), "no masters here").unwrap();
        let path = std::ffi::CString::new(dir.to_str().unwrap()).unwrap();
        let sentinel = std::ptr::dangling_mut::<santei_masters>();
        let mut m = sentinel;
        let status = unsafe { santei_masters_open(path.as_ptr(), &mut m) };
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(status, santei_status::SANTEI_NO_MASTER);
        assert_eq!(status as i32, 11);
        assert_eq!(m, sentinel);
        let msg = last_error();
        assert!(
            msg.starts_with(&format!(
                "{}:0:0: no usable 医科診療行為マスター (s) in this set",
                dir.display()
            )),
            "{msg}"
        );
        let d = unsafe { CStr::from_ptr(santei_status_str(11)) };
        assert_eq!(d.to_str().unwrap(), "no 医科診療行為マスター (s) in the master set");
    }

    #[test]
    fn version_strings() {
        let v = unsafe { CStr::from_ptr(santei_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(santei_abi_version(), SANTEI_ABI_VERSION);
    }

    #[test]
    fn futan_writes_the_burden_and_only_on_ok() {
        let input = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/futan/kourei-jirei35.json"
        ))
        .unwrap();
        unsafe {
            let mut buf: *mut santei_buffer = ptr::null_mut();
            assert_eq!(
                santei_futan(input.as_ptr(), input.len(), &mut buf),
                santei_status::SANTEI_OK
            );
            let data = std::slice::from_raw_parts(santei_buffer_data(buf), santei_buffer_len(buf));
            let v: serde_json::Value = serde_json::from_slice(data).unwrap();
            // MHLW 高齢受給者 計算事例 平成30年8月 事例35: 140,100 (54 part 10,000 + 単独 130,100).
            assert_eq!(v["patient_yen"], 140100);
            santei_buffer_free(buf);
            let sentinel = std::ptr::dangling_mut::<santei_buffer>();
            let mut untouched = sentinel;
            assert_eq!(
                santei_futan(ptr::null(), 3, &mut untouched),
                santei_status::SANTEI_NULL_ARGUMENT
            );
            assert_eq!(
                santei_futan(input.as_ptr(), 0, &mut untouched),
                santei_status::SANTEI_EMPTY_INPUT
            );
            let bad =
                br#"{"month":"2024-06","birth_date":"1980-01-01","insurance":{"kind":"shaho","incme":1},"visits":[]}"#;
            assert_eq!(
                santei_futan(bad.as_ptr(), bad.len(), &mut untouched),
                santei_status::SANTEI_INVALID_CLAIM
            );
            assert!(
                last_error().starts_with("insurance.incme: FUTAN_INPUT_INVALID"),
                "{}",
                last_error()
            );
            assert_eq!(untouched, sentinel);
            let missing = br#"{"month":"2026-08","birth_date":"1954-01-01","insurance":{"kind":"kokuho"},"visits":[{"date":"2026-08-03","points":10}]}"#;
            assert_eq!(
                santei_futan(missing.as_ptr(), missing.len(), &mut buf),
                santei_status::SANTEI_OK
            );
            let data = std::slice::from_raw_parts(santei_buffer_data(buf), santei_buffer_len(buf));
            let v: serde_json::Value = serde_json::from_slice(data).unwrap();
            assert_eq!(v["diagnostics"][0]["code"], "FUTAN_TABLE_MISSING");
            santei_buffer_free(buf);
        }
    }

    #[test]
    fn round_trip_on_the_default_masters() {
        unsafe {
            let mut m: *mut santei_masters = ptr::null_mut();
            assert_eq!(santei_masters_open_default(&mut m), santei_status::SANTEI_OK);
            let mut e: *mut santei_engine = ptr::null_mut();
            assert_eq!(santei_engine_new(m, &mut e), santei_status::SANTEI_OK);
            // Freeing the masters first is safe: the engine holds its own reference.
            santei_masters_free(m);
            let claim = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/first-visit-dx.json")).unwrap();
            let mut buf: *mut santei_buffer = ptr::null_mut();
            assert_eq!(
                santei_calculate(e, claim.as_ptr(), claim.len(), &mut buf),
                santei_status::SANTEI_OK
            );
            let data = std::slice::from_raw_parts(santei_buffer_data(buf), santei_buffer_len(buf) + 1);
            assert_eq!(data.last(), Some(&0));
            let v: serde_json::Value = serde_json::from_slice(&data[..data.len() - 1]).unwrap();
            assert!(v["total_points"].is_i64());
            santei_buffer_free(buf);
            // Outputs are untouched on failure.
            let sentinel = std::ptr::dangling_mut::<santei_buffer>();
            let mut untouched = sentinel;
            assert_eq!(
                santei_calculate(e, b"{".as_ptr(), 1, &mut untouched),
                santei_status::SANTEI_INVALID_CLAIM
            );
            assert_eq!(untouched, sentinel);
            assert_eq!(
                santei_calculate_opts(e, claim.as_ptr(), claim.len(), 1 << 7, &mut untouched),
                santei_status::SANTEI_INVALID_ARGUMENT
            );
            assert_eq!(last_error(), "unknown flag bits 0x80");
            santei_engine_free(e);
            santei_engine_free(ptr::null_mut());
            santei_masters_free(ptr::null_mut());
            santei_buffer_free(ptr::null_mut());
            assert!(santei_buffer_data(ptr::null()).is_null());
            assert_eq!(santei_buffer_len(ptr::null()), 0);
        }
    }
}
