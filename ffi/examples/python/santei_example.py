#!/usr/bin/env python3
"""Computes a claim with libsantei through ctypes (no compiled glue, no third-party package).

    python3 santei_example.py --lib target/release/libsantei.so examples/first-visit-dx.json
    python3 santei_example.py --lib ... --masters ../shared/data CLAIM.json
    python3 santei_example.py --lib ... CLAIM.json --futan examples/futan/kourei-jirei35.json

The library path may also come from $SANTEI_LIB. Prints every billed line and then
`total_points N`; with --futan, the 患者負担金 of that receipt-month (santei_futan) and then
`futan patient_yen N`. Exit status: 0 on success, 1 when santei returned an error.
"""

import argparse
import ctypes
import json
import os
import sys

SANTEI_OK = 0
SANTEI_ABI_VERSION = 1  # the header's SANTEI_ABI_VERSION this script was written against


class SanteiError(Exception):
    def __init__(self, lib, status):
        self.status = status
        self.message = lib.santei_last_error().decode("utf-8")
        kind = lib.santei_status_str(status).decode("utf-8")
        super().__init__(f"santei status {status} ({kind}): {self.message}")


class Santei:
    """A thin wrapper: one master set, one engine (thread-safe), results as Python objects."""

    def __init__(self, lib_path, masters_dir=None):
        lib = ctypes.CDLL(lib_path)
        handle = ctypes.c_void_p  # opaque santei_masters* / santei_engine* / santei_buffer*
        out = ctypes.POINTER(ctypes.c_void_p)
        lib.santei_version.restype = ctypes.c_char_p
        lib.santei_abi_version.restype = ctypes.c_uint32
        lib.santei_last_error.restype = ctypes.c_char_p
        lib.santei_status_str.argtypes = [ctypes.c_int]
        lib.santei_status_str.restype = ctypes.c_char_p
        lib.santei_masters_open.argtypes = [ctypes.c_char_p, out]
        lib.santei_masters_open.restype = ctypes.c_int
        lib.santei_masters_open_default.argtypes = [out]
        lib.santei_masters_open_default.restype = ctypes.c_int
        lib.santei_masters_free.argtypes = [handle]
        lib.santei_masters_free.restype = None
        lib.santei_engine_new.argtypes = [handle, out]
        lib.santei_engine_new.restype = ctypes.c_int
        lib.santei_engine_free.argtypes = [handle]
        lib.santei_engine_free.restype = None
        lib.santei_calculate_opts.argtypes = [handle, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32, out]
        lib.santei_calculate_opts.restype = ctypes.c_int
        lib.santei_futan.argtypes = [ctypes.c_char_p, ctypes.c_size_t, out]
        lib.santei_futan.restype = ctypes.c_int
        lib.santei_buffer_data.argtypes = [handle]
        lib.santei_buffer_data.restype = ctypes.POINTER(ctypes.c_char)
        lib.santei_buffer_len.argtypes = [handle]
        lib.santei_buffer_len.restype = ctypes.c_size_t
        lib.santei_buffer_free.argtypes = [handle]
        lib.santei_buffer_free.restype = None
        self.lib = lib
        self.engine = None
        if lib.santei_abi_version() != SANTEI_ABI_VERSION:
            raise RuntimeError(f"libsantei ABI {lib.santei_abi_version()}, this script expects {SANTEI_ABI_VERSION}")

        masters = ctypes.c_void_p()
        if masters_dir is None:
            self._check(lib.santei_masters_open_default(ctypes.byref(masters)))
        else:
            self._check(lib.santei_masters_open(os.fsencode(masters_dir), ctypes.byref(masters)))
        try:
            engine = ctypes.c_void_p()
            self._check(lib.santei_engine_new(masters, ctypes.byref(engine)))
            self.engine = engine
        finally:
            # The engine holds its own reference to the master set.
            lib.santei_masters_free(masters)

    def _check(self, status):
        if status != SANTEI_OK:
            raise SanteiError(self.lib, status)

    @property
    def version(self):
        return self.lib.santei_version().decode("ascii")

    def calculate(self, claim_json: bytes, trace=True):
        buf = ctypes.c_void_p()
        flags = 1 if trace else 0  # SANTEI_CALC_TRACE
        self._check(self.lib.santei_calculate_opts(self.engine, claim_json, len(claim_json), flags, ctypes.byref(buf)))
        try:
            n = self.lib.santei_buffer_len(buf)
            return json.loads(ctypes.string_at(self.lib.santei_buffer_data(buf), n))
        finally:
            self.lib.santei_buffer_free(buf)

    def futan(self, receipt_json: bytes):
        """The 患者負担金 of one receipt-month (shared/spec/futan.md §7(c)) → the `burden` object."""
        buf = ctypes.c_void_p()
        self._check(self.lib.santei_futan(receipt_json, len(receipt_json), ctypes.byref(buf)))
        try:
            n = self.lib.santei_buffer_len(buf)
            return json.loads(ctypes.string_at(self.lib.santei_buffer_data(buf), n))
        finally:
            self.lib.santei_buffer_free(buf)

    def close(self):
        if self.engine is not None:
            self.lib.santei_engine_free(self.engine)
            self.engine = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("claim", help="a claim JSON file (docs/claim-format.md)")
    ap.add_argument("--lib", default=os.environ.get("SANTEI_LIB"), help="path to libsantei.so (or $SANTEI_LIB)")
    ap.add_argument("--masters", help="an SSK master folder (default: the embedded default set)")
    ap.add_argument("--futan", help="a receipt-month JSON (futan.md §7(c)) to compute with santei_futan")
    args = ap.parse_args()
    if not args.lib:
        ap.error("--lib or $SANTEI_LIB is required")
    with open(args.claim, "rb") as f:
        claim = f.read()
    try:
        with Santei(args.lib, args.masters) as santei:
            print(f"libsantei {santei.version}")
            result = santei.calculate(claim)
            for line in result["lines"]:
                print(f"{line['date']} {line['code']} {line['name']} {line['points']} x {line['count']}")
            for d in result["diagnostics"]:
                print(f"{d['level']} {d['code']} {d['path']}: {d['message']}")
            print(f"total_points {result['total_points']}")
            # An invalid claim: the error names the JSON path.
            try:
                santei.calculate(b'{"facility": {"kind": "clinic", "bedz": 1}}')
            except SanteiError as e:
                print(f"invalid claim rejected as expected: {e.message}")
            if args.futan:
                with open(args.futan, "rb") as f:
                    burden = santei.futan(f.read())
                for v in burden["visits"]:
                    print(f"{v['date']} {v['points']}点 counter {v['counter_yen']}")
                print(f"futan patient_yen {burden['patient_yen']}")
    except SanteiError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
