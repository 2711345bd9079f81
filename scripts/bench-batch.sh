#!/usr/bin/env bash
# End-to-end batch throughput (issue 16 item 5) and the JSON-boundary ratio, in one run.
#
#   scripts/bench-batch.sh [CLAIMS]        (default 200000; env SANTEI, MASTERS, WORK, RUNS)
#
# 1. `santei gen --claims CLAIMS --seed 1 --month 2024-07 --masters MASTERS --out WORK/g.jsonl`
#    (not timed);
# 2. `santei batch --in WORK/g.jsonl --out WORK/out.jsonl --masters MASTERS` — a real output
#    file (temporary file, synced and renamed at the end) — on 2 threads (the default: all
#    cores), with `--out /dev/null`, and with `--threads 1`; each RUNS times (default 2), under
#    `/usr/bin/time` for wall, user, system time and peak RSS, with the load average before it;
# 3. scripts/ratio.py: `santei batch --threads 1` on 50,000 claims against python's json.loads.
#
# MASTERS defaults to $SANTEI_DATA/ssk/2024-06, else ../shared/data/ssk/2024-06. Other builds on
# the machine distort the figures: the load average is printed before every run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
claims="${1:-200000}"
santei="${SANTEI:-$root/target/release/santei}"
masters="${MASTERS:-${SANTEI_DATA:-$root/../shared/data}/ssk/2024-06}"
runs="${RUNS:-2}"
if [[ ! -d "$masters" ]]; then
    echo "SKIPPED: no masters at $masters (set SANTEI_DATA or MASTERS)" >&2
    exit 0
fi
work="${WORK:-$(mktemp -d -t santei-bench.XXXXXX)}"
mkdir -p "$work"
g="$work/g$claims.jsonl"
[[ -s "$g" ]] || "$santei" gen --claims "$claims" --seed 1 --month 2024-07 --masters "$masters" --out "$g"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "input: $claims claims, $(stat -c %s "$g") bytes ($g)"
echo "masters: $masters"
run() { # label, then the batch arguments
    local label="$1"
    shift
    for ((k = 1; k <= runs; k++)); do
        local l
        l="$(cut -d' ' -f1 /proc/loadavg)"
        local t
        t="$( { /usr/bin/time -f '%e %U %S %M' "$santei" batch --in "$g" --masters "$masters" "$@" 2>&1 >/dev/null; } | tail -2)"
        local summary times
        summary="$(sed -n 1p <<<"$t")"
        times="$(sed -n 2p <<<"$t")"
        read -r wall user sys rss <<<"$times"
        printf '%-22s load %5s  wall %6.2f s  user %6.2f s  sys %5.2f s  peak RSS %4d MB  %8.0f claims/s   (%s)\n' \
            "$label" "$l" "$wall" "$user" "$sys" $((rss / 1024)) "$(bc -l <<<"$claims / $wall")" "${summary#santei batch: }"
    done
}
run "2 threads, --out FILE" --out "$work/out.jsonl"
run "2 threads, /dev/null" --out /dev/null
run "1 thread, --out FILE" --threads 1 --out "$work/out.jsonl"
echo "output: $(stat -c %s "$work/out.jsonl") bytes"
rm -f "$work/out.jsonl"
echo
python3 "$root/scripts/ratio.py" --santei "$santei" --masters "$masters" --runs "${RUNS:-3}"
[[ -n "${WORK:-}" ]] || rm -rf "$work"
