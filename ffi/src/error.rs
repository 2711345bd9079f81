//! Status codes and the per-thread last error message.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, CString};

/// The result of every fallible santei call.
///
/// The values are part of the ABI: a value never changes meaning, new values are only added at
/// the end. `santei_status_str` describes a value; `santei_last_error` gives the message of the
/// calling thread's last failed call.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum santei_status {
    /// Success. Outputs have been written.
    SANTEI_OK = 0,
    /// A required pointer argument was NULL.
    SANTEI_NULL_ARGUMENT = 1,
    /// A string or the claim JSON is not valid UTF-8.
    SANTEI_INVALID_UTF8 = 2,
    /// An argument has a value the function does not accept (e.g. unknown flag bits).
    SANTEI_INVALID_ARGUMENT = 3,
    /// A master file or directory could not be read.
    SANTEI_IO = 4,
    /// The master files were read but are not a valid master set (the message names
    /// `file:line:column`).
    SANTEI_MASTERS_ERROR = 5,
    /// The claim (or the `santei_futan` input) cannot be computed: bad JSON, an unknown field, an
    /// unknown code, a code not valid on its date, an impossible date or time. The message names
    /// the JSON path.
    /// A claim that the *rules* reject is not an error: it returns `SANTEI_OK` with error
    /// diagnostics in the result JSON.
    SANTEI_INVALID_CLAIM = 6,
    /// The claim JSON has length 0.
    SANTEI_EMPTY_INPUT = 7,
    /// The claim JSON is longer than `SANTEI_MAX_INPUT_LEN` bytes.
    SANTEI_INPUT_TOO_LARGE = 8,
    /// santei panicked (a bug in santei): the call was abandoned, nothing was written, and the
    /// handles passed in remain valid.
    SANTEI_PANIC = 9,
    /// Any other internal failure (a bug in santei).
    SANTEI_INTERNAL = 10,
    /// The master folder holds no usable 医科診療行為マスター (an official s full file,
    /// `s_ALLyyyymmdd.zip` or `.csv`, with rows): without it every procedure is unknown, so the
    /// set is refused instead of pricing claims wrong.
    SANTEI_NO_MASTER = 11,
}

impl santei_status {
    /// All values, in order (for tests and `santei_status_str`).
    pub(crate) const ALL: [santei_status; 12] = [
        santei_status::SANTEI_OK,
        santei_status::SANTEI_NULL_ARGUMENT,
        santei_status::SANTEI_INVALID_UTF8,
        santei_status::SANTEI_INVALID_ARGUMENT,
        santei_status::SANTEI_IO,
        santei_status::SANTEI_MASTERS_ERROR,
        santei_status::SANTEI_INVALID_CLAIM,
        santei_status::SANTEI_EMPTY_INPUT,
        santei_status::SANTEI_INPUT_TOO_LARGE,
        santei_status::SANTEI_PANIC,
        santei_status::SANTEI_INTERNAL,
        santei_status::SANTEI_NO_MASTER,
    ];

    /// A static, NUL-terminated description.
    pub(crate) fn description(self) -> &'static std::ffi::CStr {
        match self {
            santei_status::SANTEI_OK => c"ok",
            santei_status::SANTEI_NULL_ARGUMENT => c"a required pointer argument is NULL",
            santei_status::SANTEI_INVALID_UTF8 => c"not valid UTF-8",
            santei_status::SANTEI_INVALID_ARGUMENT => c"invalid argument",
            santei_status::SANTEI_IO => c"cannot read the master files",
            santei_status::SANTEI_MASTERS_ERROR => c"invalid master files",
            santei_status::SANTEI_INVALID_CLAIM => c"invalid claim",
            santei_status::SANTEI_EMPTY_INPUT => c"empty input",
            santei_status::SANTEI_INPUT_TOO_LARGE => c"input too large",
            santei_status::SANTEI_PANIC => c"internal panic (a bug in santei)",
            santei_status::SANTEI_INTERNAL => c"internal error (a bug in santei)",
            santei_status::SANTEI_NO_MASTER => c"no 医科診療行為マスター (s) in the master set",
        }
    }

    pub(crate) fn from_int(v: c_int) -> Option<santei_status> {
        usize::try_from(v).ok().and_then(|i| Self::ALL.get(i).copied())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Records `msg` as the calling thread's last error. NUL bytes (possible in a JSON field name
/// quoted by a message) are shown as U+FFFD so the message stays one C string.
pub(crate) fn set_last_error(msg: &str) {
    let c = CString::new(msg.replace('\0', "\u{FFFD}")).unwrap_or_default();
    // `try_with`: during thread teardown the slot may be gone; then there is no one to tell.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            *s = Some(c);
        }
    });
}

/// Records the error and returns the status: `return fail(STATUS, "...")`.
pub(crate) fn fail(status: santei_status, msg: &str) -> santei_status {
    set_last_error(msg);
    status
}

/// The pointer to the calling thread's last message, or to a static "" when there is none.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| match slot.try_borrow() {
            Ok(s) => s.as_ref().map(|c| c.as_ptr()),
            Err(_) => None,
        })
        .ok()
        .flatten()
        .unwrap_or(c"".as_ptr())
}

/// Text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}
