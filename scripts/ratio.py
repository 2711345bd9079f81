#!/usr/bin/env python3
"""The JSON-boundary ratio of issue 16: `santei batch --threads 1` on N generated claims
against `python3 -c` doing nothing but `json.loads` on each of the same lines, in one run.

    scripts/ratio.py [--claims 50000] [--runs 3] [--santei target/release/santei]
                     [--masters DIR] [--work DIR] [--keep]

Generates the claims once (`santei gen --seed 1 --month 2024-07`, not timed), then runs the two
commands alternately `--runs` times (so machine noise hits both), each as a whole process timed
by its wall clock: santei with its master loading, writing a real output file (`--out FILE`),
python with its start-up. Prints each run with the load average before it, the median and best
of each side, and the ratio santei / python of the medians (the goal of issue 16: <= 1.5).

Masters: --masters, else $SANTEI_DATA/ssk/2024-06, else ../shared/data/ssk/2024-06 next to the
repository. Other processes on the machine distort wall times: the load average is printed so
that a noisy run can be told apart (and re-run).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PY_LOADS = (
    "import json,sys\n"
    "n=0\n"
    "with open(sys.argv[1],'rb') as f:\n"
    "    for line in f:\n"
    "        if line.strip():\n"
    "            json.loads(line); n+=1\n"
    "print(n)\n"
)


def masters_default():
    data = os.environ.get("SANTEI_DATA") or os.path.join(ROOT, "..", "shared", "data")
    return os.path.join(data, "ssk", "2024-06")


def load():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def timed(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr.decode(errors='replace')}")
    return dt, p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--claims", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--santei", default=os.path.join(ROOT, "target", "release", "santei"))
    ap.add_argument("--masters", default=masters_default())
    ap.add_argument("--work", help="folder for the claims and the output (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    if not os.path.isdir(a.masters):
        sys.exit(f"SKIPPED: no masters at {a.masters} (set SANTEI_DATA or --masters)")
    work = a.work or tempfile.mkdtemp(prefix="santei-ratio.")
    os.makedirs(work, exist_ok=True)
    claims = os.path.join(work, f"g{a.claims}.jsonl")
    out = os.path.join(work, "out.jsonl")
    if not os.path.exists(claims):
        subprocess.run(
            [a.santei, "gen", "--claims", str(a.claims), "--seed", "1", "--month", "2024-07",
             "--masters", a.masters, "--out", claims],
            check=True,
        )
    size = os.path.getsize(claims)
    santei = [a.santei, "batch", "--threads", "1", "--in", claims, "--out", out, "--masters", a.masters]
    python = [sys.executable, "-c", PY_LOADS, claims]
    print(f"claims: {a.claims} ({size} bytes) in {claims}")
    print(f"santei: {' '.join(santei)}")
    print(f"python: {sys.executable} -c '<json.loads of every line>' {claims}")
    print(f"machine: {os.cpu_count()} cpus")
    ts, tp = [], []
    for k in range(a.runs):
        l1 = load()
        dt, p = timed(santei)
        ts.append(dt)
        summary = p.stderr.decode(errors="replace").strip().splitlines()[-1:]
        l2 = load()
        dp, q = timed(python)
        tp.append(dp)
        if int(q.stdout.decode().strip()) != a.claims:
            sys.exit(f"python read {q.stdout.decode().strip()} lines, not {a.claims}")
        print(f"run {k + 1}: santei {dt:.3f} s (load {l1}), python {dp:.3f} s (load {l2})  {' '.join(summary)}")
    ms, mp = statistics.median(ts), statistics.median(tp)
    print(f"santei: median {ms:.3f} s, best {min(ts):.3f} s, {a.claims / ms:,.0f} claims/s (median)")
    print(f"python: median {mp:.3f} s, best {min(tp):.3f} s")
    print(f"ratio santei / python: {ms / mp:.2f} (medians), {min(ts) / min(tp):.2f} (best) — goal <= 1.5")
    out_size = os.path.getsize(out)
    print(f"output: {out_size} bytes")
    if not a.keep and not a.work:
        for f in (claims, out):
            os.remove(f)
        os.rmdir(work)


if __name__ == "__main__":
    main()
