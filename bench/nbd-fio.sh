#!/usr/bin/env bash
# Benchmark: the fio matrix through fio's nbd engine against a mirror-3 Cistern volume on a local
# 3-node cluster, and the same matrix against nbdkit's file plugin on the same disk as the reference.
# Prints IOPS, MB/s, mean and p99 latency per row and the ratio Cistern/reference. Not a test.
#
#   bench/nbd-fio.sh [--runtime 20] [--size 1G] [--data DIR] [--only REGEX]
#
# --only runs the matrix rows whose name matches REGEX (e.g. 'randwrite-4k-qd32'), for profiling.
#
# Needs: fio, nbdkit (Debian: fio nbdkit), python3; builds Cistern through bin/cistern if needed.
set -euo pipefail

home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
runtime=20
size=1G
data=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runtime) runtime="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in fio nbdkit python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install fio nbdkit python3)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-bench.XXXXXX")"
data="${data:-$work/cistern-data}"
offset=3000                       # ports clear of a default cluster
nbd_port=$((10809 + offset))      # node-1's NBD server
ref_port=$((10909 + offset))
nbdkit_pid=""

cleanup() {
  [ -n "$nbdkit_pid" ] && kill "$nbdkit_pid" 2>/dev/null || true
  "$home/bin/cistern" down --data "$data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting a 3-node cluster in $data"
"$home/bin/cistern" up --nodes 3 --drives 2 --drive-size 8G --data "$data" --port-offset "$offset" | grep -E "ready in"
"$home/bin/cistern" volume create bench --size "$size" --resiliency mirror-3 --provisioning fixed --data "$data"

echo "== reference: nbdkit file plugin on $work/reference.img (same filesystem)"
truncate -s "$size" "$work/reference.img"
nbdkit --foreground --ipaddr 127.0.0.1 --port "$ref_port" --exportname bench file "$work/reference.img" &
nbdkit_pid=$!
for _ in $(seq 1 50); do nbdinfo --size "nbd://127.0.0.1:$ref_port/bench" >/dev/null 2>&1 && break; sleep 0.2; done

# Fill both so that reads read data, not holes.
for uri in "nbd://127.0.0.1:$nbd_port/bench" "nbd://127.0.0.1:$ref_port/bench"; do
  fio --name=fill --ioengine=nbd --uri="$uri" --rw=write --bs=1M --iodepth=8 --size="$size" --output=/dev/null
done

run() { # name uri rw bs iodepth
  fio --name="$1" --ioengine=nbd --uri="$2" --rw="$3" --bs="$4" --iodepth="$5" --size="$size" \
      --time_based --runtime="$runtime" --ramp_time=2 --randrepeat=0 --output-format=json --output="$work/$1.json" >/dev/null
}

matrix=("randread-4k-qd1 randread 4k 1" "randread-4k-qd32 randread 4k 32" "randwrite-4k-qd1 randwrite 4k 1"
        "randwrite-4k-qd32 randwrite 4k 32" "read-1m-qd8 read 1M 8" "write-1m-qd8 write 1M 8")
if [ -n "$only" ]; then
  selected=()
  for row in "${matrix[@]}"; do [[ "${row%% *}" =~ $only ]] && selected+=("$row"); done
  [ ${#selected[@]} -gt 0 ] || { echo "bench: no matrix row matches --only '$only'" >&2; exit 2; }
  matrix=("${selected[@]}")
fi
for row in "${matrix[@]}"; do
  set -- $row
  echo "== $1"
  run "cistern-$1" "nbd://127.0.0.1:$nbd_port/bench" "$2" "$3" "$4"
  run "nbdkit-$1" "nbd://127.0.0.1:$ref_port/bench" "$2" "$3" "$4"
done

# The data plane's ceiling, measured with the cluster stopped so nothing competes for the cores.
"$home/bin/cistern" down --data "$data" >/dev/null 2>&1 || true
java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp "$home/node/target/cistern-node.jar:$home/node/target/lib/*" \
  "$home/bench/AeronCeiling.java" 8 2>/dev/null | grep -E "ceiling" > "$work/ceiling.txt" || true

python3 - "$work" "${matrix[@]}" <<'PY'
import json, sys
work, rows = sys.argv[1], [r.split()[0] for r in sys.argv[2:]]
def stats(path):
    job = json.load(open(path))["jobs"][0]
    side = job["read"] if job["read"]["io_bytes"] > 0 else job["write"]
    lat = side["clat_ns"]
    return side["iops"], side["bw_bytes"] / 1e6, lat["mean"] / 1e3, lat["percentile"].get("99.000000", 0) / 1e3
print()
print(f"{'test':<20}{'cistern IOPS':>13}{'MB/s':>9}{'mean us':>10}{'p99 us':>10}   {'nbdkit IOPS':>12}{'MB/s':>9}{'mean us':>10}{'p99 us':>10}   {'ratio':>6}")
for row in rows:
    c = stats(f"{work}/cistern-{row}.json"); r = stats(f"{work}/nbdkit-{row}.json")
    print(f"{row:<20}{c[0]:>13.0f}{c[1]:>9.1f}{c[2]:>10.0f}{c[3]:>10.0f}   {r[0]:>12.0f}{r[1]:>9.1f}{r[2]:>10.0f}{r[3]:>10.0f}   {c[0]/r[0]:>6.2f}")
print("\nratio = Cistern IOPS / reference IOPS (same as the MB/s ratio). Data plane: Aeron UDP on loopback.")
PY
echo
cat "$work/ceiling.txt"
