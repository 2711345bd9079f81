//! C ABI for santei (see issue: C ABI).
