//! Bytes → the C ABI's `santei_calculate_opts` (libsantei, `ffi/`) on one engine over the
//! embedded default masters. The first byte picks the flags (trace, pretty), the rest is the
//! claim. A failure is: a panic (caught by the FFI boundary and reported as `SANTEI_PANIC` —
//! turned back into a crash here so libFuzzer sees it), `SANTEI_INTERNAL`, a result that is not
//! JSON, or an error message that is not a UTF-8 C string. Bad input must only ever give one of
//! the documented error statuses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use santei::{
    santei_buffer_data, santei_buffer_free, santei_buffer_len, santei_calculate_opts, santei_engine, santei_engine_new,
    santei_last_error, santei_masters_free, santei_masters_open_default, santei_status,
};
use std::ffi::CStr;
use std::sync::OnceLock;

struct EnginePtr(*mut santei_engine);
// SAFETY: santei_engine is documented as shareable by threads (Engine is Send + Sync).
unsafe impl Send for EnginePtr {}
unsafe impl Sync for EnginePtr {}

fn engine() -> *const santei_engine {
    static ENGINE: OnceLock<EnginePtr> = OnceLock::new();
    ENGINE
        .get_or_init(|| unsafe {
            let mut m = std::ptr::null_mut();
            assert_eq!(santei_masters_open_default(&mut m), santei_status::SANTEI_OK);
            let mut e = std::ptr::null_mut();
            assert_eq!(santei_engine_new(m, &mut e), santei_status::SANTEI_OK);
            santei_masters_free(m);
            EnginePtr(e)
        })
        .0
}

fuzz_target!(|data: &[u8]| {
    let (flags, claim) = match data.split_first() {
        Some((f, rest)) => (u32::from(*f & 0b11), rest),
        None => (1, data),
    };
    let mut buf = std::ptr::null_mut();
    let status = unsafe { santei_calculate_opts(engine(), claim.as_ptr(), claim.len(), flags, &mut buf) };
    match status {
        santei_status::SANTEI_OK => unsafe {
            let bytes = std::slice::from_raw_parts(santei_buffer_data(buf), santei_buffer_len(buf));
            serde_json::from_slice::<serde_json::Value>(bytes).expect("the result is JSON");
            santei_buffer_free(buf);
        },
        santei_status::SANTEI_PANIC | santei_status::SANTEI_INTERNAL => {
            let msg = unsafe { CStr::from_ptr(santei_last_error()) };
            panic!("santei_calculate returned {status:?}: {}", msg.to_string_lossy());
        }
        _ => {
            assert!(buf.is_null(), "the output was written on failure");
            let msg = unsafe { CStr::from_ptr(santei_last_error()) };
            assert!(msg.to_str().is_ok_and(|m| !m.is_empty()), "an error without a UTF-8 message");
        }
    }
});
