//! The panic boundary: no panic may unwind into C (that is undefined behaviour), so every
//! exported function runs its body inside `catch_unwind` (as rustls-ffi's `ffi_panic_boundary!`).
//!
//! A caught panic records "panic: MESSAGE" as the thread's last error and the function returns
//! its fallback (`SANTEI_PANIC` for a status, NULL / 0 / nothing otherwise). The Rust default
//! panic hook still prints the panic to stderr; santei installs no hook of its own (a library
//! must not change process-global state). Do not build this crate with `panic = "abort"`.

/// `ffi_panic_boundary!(FALLBACK, BODY...)`: runs the body (a closure body: `return` leaves the
/// body with a value) and returns its value, or `FALLBACK` when it panicked.
macro_rules! ffi_panic_boundary {
    ($fallback:expr, $($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(payload) => {
                $crate::error::set_last_error(&format!("panic: {}", $crate::error::panic_message(&*payload)));
                $fallback
            }
        }
    };
}

/// `try_ref!(PTR, "name")`: `&*PTR`, or returns `SANTEI_NULL_ARGUMENT` naming the argument.
macro_rules! try_ref {
    ($ptr:expr, $name:literal) => {
        match unsafe { $ptr.as_ref() } {
            Some(r) => r,
            None => {
                return $crate::error::fail(
                    $crate::error::santei_status::SANTEI_NULL_ARGUMENT,
                    concat!($name, " is NULL"),
                )
            }
        }
    };
}

/// `check_out!(PTR, "name")`: returns `SANTEI_NULL_ARGUMENT` when an output pointer is NULL.
macro_rules! check_out {
    ($ptr:expr, $name:literal) => {
        if $ptr.is_null() {
            return $crate::error::fail(
                $crate::error::santei_status::SANTEI_NULL_ARGUMENT,
                concat!($name, " is NULL"),
            );
        }
    };
}

pub(crate) use {check_out, ffi_panic_boundary, try_ref};
