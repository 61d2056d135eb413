#!/usr/bin/env bash
# Benchmark: what a rebuild costs and how fast it goes. A local 4-node cluster with a mirror-3 volume,
# filled; client 4k random I/O through fio's nbd engine is measured before a rebuild and while one
# runs (node-4's drive is retired, so each of its copies is rebuilt on the node without one). Prints
# client IOPS before and during, the rebuild's bytes, wall time and throughput, the per-job rates, and
# this disk's sequential write speed (fio, direct I/O, on the same filesystem) to compare it with.
# Not a test.
#
#   bench/rebuild.sh [--size 2G] [--runtime 15] [--bandwidth 1G] [--concurrency 1] [--data DIR]
#
# --bandwidth and --concurrency set cistern.repair.bandwidth and cistern.repair.concurrency.
#
# Needs: fio, curl, python3; builds Cistern through bin/cistern if needed.
set -euo pipefail

home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
size=2G
runtime=15
bandwidth=1G
concurrency=1
data=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --runtime) runtime="$2"; shift 2 ;;
    --bandwidth) bandwidth="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in fio curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install fio curl python3)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-rebuild.XXXXXX")"
data="${data:-$work/cistern-data}"
offset=3200                       # ports clear of a default cluster and of bench/nbd-fio.sh
uri="nbd://127.0.0.1:$((10809 + offset))/bench"
cistern() { "$home/bin/cistern" "$@" --data "$data"; }

cleanup() {
  "$home/bin/cistern" down --data "$data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== disk: sequential 1 MiB direct writes on $work"
fio --name=disk --filename="$work/disk.img" --rw=write --bs=1M --size=2G --direct=1 --ioengine=libaio --iodepth=8 \
    --output-format=json --output="$work/disk.json" >/dev/null
rm -f "$work/disk.img"

echo "== starting a 4-node cluster in $data"
"$home/bin/cistern" up --nodes 4 --drives 1 --drive-size 16G --repair-bandwidth "$bandwidth" --data "$data" \
    --port-offset "$offset" | grep -E "ready in"
# The concurrency is a node setting without an `up` flag: set it in each node's file before the rebuild.
if [ "$concurrency" != 1 ]; then
  for conf in "$data"/node-*/node.conf; do
    sed -i "s/^}\$/  repair.concurrency = $concurrency\n}/" "$conf"
  done
  cistern down >/dev/null && cistern up | grep -E "ready in"
fi
cistern volume create bench --size "$size" --resiliency mirror-3 --provisioning fixed
fio --name=fill --ioengine=nbd --uri="$uri" --rw=write --bs=1M --iodepth=8 --size="$size" --output=/dev/null

client() { # name: 4k random reads and writes, 70/30, queue depth 16
  fio --name="$1" --ioengine=nbd --uri="$uri" --rw=randrw --rwmixread=70 --bs=4k --iodepth=16 --size="$size" \
      --time_based --runtime="$runtime" --ramp_time=2 --randrepeat=0 --output-format=json --output="$work/$1.json" >/dev/null
}

echo "== warming up (${runtime}s, not counted): fresh JVMs compile the data path on first use"
client warmup
echo "== client I/O before the rebuild (${runtime}s)"
client before

drive="$(cistern drive list --json | python3 -c 'import json,sys; print(next(d["id"] for d in json.load(sys.stdin)["drives"] if d["node"]=="node-4"))')"
echo "== retiring node-4's drive $drive: its copies are rebuilt on the other nodes"
cistern drive retire "$drive" --reason "rebuild benchmark" >/dev/null
for _ in $(seq 1 60); do
  cistern job list --json | grep -q '"REBUILD"' && break
  sleep 0.5
done
echo "== client I/O during the rebuild (${runtime}s)"
client during

echo "== waiting for the volume to be HEALTHY"
for _ in $(seq 1 600); do
  cistern volume show bench --json | python3 -c '
import json, sys
d = json.load(sys.stdin)["detail"]
sys.exit(0 if d["health"] == "HEALTHY" and d["extentsByNode"].get("node-4", 0) == 0 else 1)' && break
  sleep 1
done
cistern job list --json > "$work/jobs.json"

python3 - "$work" <<'PY'
import json, sys
from datetime import datetime
work = sys.argv[1]
def side(name):
    job = json.load(open(f"{work}/{name}.json"))["jobs"][0]
    return job["read"]["iops"], job["write"]["iops"], job["read"]["clat_ns"]["percentile"].get("99.000000", 0) / 1e3
disk = json.load(open(f"{work}/disk.json"))["jobs"][0]["write"]["bw_bytes"] / 1e6
b, d = side("before"), side("during")
print()
print(f"{'client 4k randrw 70/30 qd16':<30}{'read IOPS':>10}{'write IOPS':>11}{'total':>8}{'read p99 us':>13}")
for name, s in (("before the rebuild", b), ("during the rebuild", d)):
    print(f"{name:<30}{s[0]:>10.0f}{s[1]:>11.0f}{s[0] + s[1]:>8.0f}{s[2]:>13.0f}")
print(f"during / before: {(d[0] + d[1]) / (b[0] + b[1]):.2f}")
jobs = [j for j in json.load(open(f"{work}/jobs.json"))["jobs"] if j["type"] == "REBUILD" and j["state"] == "DONE"]
if not jobs:
    sys.exit("no rebuild job finished")
ts = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
start = min(ts(j["started"]) for j in jobs); end = max(ts(j["finished"]) for j in jobs)
copied = sum(j["bytesDone"] for j in jobs)
print()
print(f"rebuild: {len(jobs)} jobs, {copied / 2**20:.0f} MiB in {end - start:.1f} s = {copied / (end - start) / 1e6:.1f} MB/s "
      f"(jobs' own rates {min(j['rate'] for j in jobs) / 1e6:.1f}-{max(j['rate'] for j in jobs) / 1e6:.1f} MB/s)")
print(f"disk sequential write (fio, 1 MiB direct, qd8): {disk:.0f} MB/s; rebuild / disk = {copied / (end - start) / 1e6 / disk:.3f}")
PY
