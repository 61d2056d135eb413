#!/usr/bin/env bash
# Benchmark: the longest client I/O stall when a node is SIGKILLed, over many kills. A local 3-node
# cluster with a thin mirror-3 volume; fio reads and writes it through node-1 (random 64 KiB, QD4,
# reads of never-written regions among them). Each round the victim is node-2 or node-3, whichever hosts
# more of the volume's Slab entities and primaries (so its kill costs the most: a missed copy cannot be
# marked stale until the entity has moved); it is SIGKILLed mid-run, fio's longest read and write are
# recorded, the node is started again and its copies resync before the next round.
# Prints each round and the worst, median and best of the longest stalls. Not a test.
#
#   bench/node-loss.sh [--rounds 10] [--runtime 40] [--data DIR] [--conf 'key = value' ...]
#
# --conf adds a line to every node's configuration file (e.g. 'cistern.cluster.down-unreachable-after = 3s'),
# to measure other failure-detection settings; it may be given several times.
# Needs: fio, curl, python3; builds Cistern through bin/cistern if needed.
set -euo pipefail

home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rounds=10
runtime=40
data=""
conf=()
while [ $# -gt 0 ]; do
  case "$1" in
    --conf) conf+=("$2"); shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --runtime) runtime="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in fio curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install fio curl python3)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-node-loss.XXXXXX")"
data="${data:-$work/cistern-data}"
offset=3700                       # ports clear of a default cluster and of the other benches
uri="nbd://127.0.0.1:$((10809 + offset))/loss"
cistern() { "$home/bin/cistern" "$@" --data "$data"; }

cleanup() {
  "$home/bin/cistern" down --data "$data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting a 3-node cluster in $data"
cistern up --nodes 3 --drives 2 --drive-size 4G --slab-size 16M --port-offset "$offset" | grep -E "ready in"
if [ ${#conf[@]} -gt 0 ]; then
  for file in "$data"/node-*/node.conf; do
    printf '%s\n' "${conf[@]}" >> "$file"
  done
  echo "== restarting with: ${conf[*]}"
  cistern down >/dev/null && cistern up | grep -E "ready in"
fi
cistern volume create loss --size 512M --resiliency mirror-3 >/dev/null

healthy() {
  for _ in $(seq 1 300); do
    cistern volume show loss --json | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin)["detail"]["health"] == "HEALTHY" else 1)' && return 0
    sleep 1
  done
  echo "bench: the volume did not become HEALTHY" >&2; return 1
}

# Which of node-2 and node-3 hosts more of the volume's Slab entities and primaries, and its pid.
victim() {
  python3 - "$data" <<'PY'
import json, sys, urllib.request
data = sys.argv[1]
nodes = {n["name"]: n for n in json.load(open(f"{data}/cluster.json"))["nodes"]}
token = open(f"{data}/api-token").read().strip()
get = lambda url: json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + token}), timeout=10))
vol = get(nodes["node-1"]["http"] + "/api/v1/volumes/loss")
vid = int(vol["id"], 16)
def java_hash(s):
    h = 0
    for ch in s:
        h = (31 * h + ord(ch)) & 0xffffffff
    return h - (1 << 32) if h >= 1 << 31 else h
score = {"node-2": 0, "node-3": 0}
slabs = vol["detail"]["slabs"]
shards = {str(abs(java_hash(format(vid, "x") + "-" + str(s["index"])) % 1000)) for s in slabs}
for name in score:
    hosted = {r["shardId"] for r in get(nodes[name]["http"] + "/cluster/shards/Slab").get("regions", [])}
    score[name] += len(shards & hosted)
for s in slabs:
    in_sync = [e for e in s["extents"] if e["state"] == "IN_SYNC"]
    if in_sync:
        primary = in_sync[s["index"] % len(in_sync)]["node"]
        score[primary] = score.get(primary, 0) + 1
name = max(("node-2", "node-3"), key=lambda n: score[n])
print(name, nodes[name]["pid"], score[name])
PY
}

echo "== warming up (20 s, not counted)"
fio --name=warm --ioengine=nbd --uri="$uri" --rw=randrw --bs=64k --iodepth=4 --size=512M --time_based --runtime=20 \
    --output=/dev/null
healthy

for round in $(seq 1 "$rounds"); do
  fio --name="round-$round" --ioengine=nbd --uri="$uri" --rw=randrw --bs=64k --iodepth=4 --size=512M --time_based \
      --runtime="$runtime" --randrepeat=0 --output-format=json --output="$work/round-$round.json" > "$work/round-$round.log" 2>&1 &
  fio_pid=$!
  sleep 10
  read -r name pid score < <(victim)
  kill -9 "$pid"
  echo "round $round: $name (pid $pid; $score Slab entities + primaries of the volume) SIGKILLed"
  wait "$fio_pid" || { echo "round $round: fio failed:"; cat "$work/round-$round.log"; exit 1; }
  cistern node start "$name" >/dev/null
  healthy
done

python3 - "$work" "$rounds" <<'PY'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])
worst = []
print()
print(f"{'round':<7}{'reads':>8}{'writes':>8}{'errors':>8}{'longest read ms':>17}{'longest write ms':>18}")
for r in range(1, rounds + 1):
    job = json.load(open(f"{work}/round-{r}.json"))["jobs"][0]
    rd, wr = job["read"]["lat_ns"]["max"] / 1e6, job["write"]["lat_ns"]["max"] / 1e6
    worst.append(max(rd, wr))
    print(f"{r:<7}{job['read']['total_ios']:>8}{job['write']['total_ios']:>8}{job['error']:>8}{rd:>17.0f}{wr:>18.0f}")
worst.sort()
print(f"longest stall per kill over {rounds} kills: worst {worst[-1]:.0f} ms, median {worst[len(worst) // 2]:.0f} ms, "
      f"best {worst[0]:.0f} ms")
PY
