#!/usr/bin/env bash
# Benchmark: how fast the control plane places a fixed volume, and what each slab costs the journal and
# every node's heap. A local 3-node cluster; a fixed mirror-3 volume of --slabs slabs of --slab-size is
# created; prints the wall time of `volume create` and slabs per second, the serialized event bytes each
# node's copy of the journal gains, and the growth of each node's live heap (after a full GC), per slab.
# Not a test.
#
#   bench/placement.sh [--slabs 3072] [--slab-size 16M] [--data DIR]
#
# Needs: curl, python3, jcmd (the JDK); builds Cistern through bin/cistern if needed.
set -euo pipefail

home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
slabs=3072
slab_size=16M
data=""
while [ $# -gt 0 ]; do
  case "$1" in
    --slabs) slabs="$2"; shift 2 ;;
    --slab-size) slab_size="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in curl python3 jcmd; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-placement.XXXXXX")"
data="${data:-$work/cistern-data}"
offset=3400                       # ports clear of a default cluster and of the other benchmarks
cistern() { "$home/bin/cistern" "$@" --data "$data"; }
cleanup() {
  "$home/bin/cistern" down --data "$data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

slab_mib=$(python3 -c "s='$slab_size'.upper(); print(int(s[:-1]) * (1024 if s.endswith('G') else 1))")
size_mib=$((slabs * slab_mib))
drive_gib=$(( size_mib / 4 / 1024 * 2 + 4 ))   # 3 copies over 12 drives, twice over, plus 4 GiB

echo "== starting a 3-node cluster (4 drives of ${drive_gib}G each, slabs of $slab_size) in $data"
"$home/bin/cistern" up --nodes 3 --drives 4 --drive-size "${drive_gib}G" --slab-size "$slab_size" --data "$data" \
    --port-offset "$offset" | grep -E "ready in"

pids() { python3 -c "import json; print(' '.join(str(n['pid']) for n in json.load(open('$data/cluster.json'))['nodes']))"; }
heap() { # live heap of each node after a full GC, in bytes
  for pid in $(pids); do
    jcmd "$pid" GC.run >/dev/null
    jcmd "$pid" GC.heap_info | python3 -c '
import re, sys
text = sys.stdin.read()
m = re.search(r"used (\d+)K", text)
print(int(m.group(1)) * 1024)'
  done
}
journal_bytes() { # serialized bytes of the events each node's copy of the journal holds
  for n in $(python3 -c "import json; print(' '.join(n['http'] for n in json.load(open('$data/cluster.json'))['nodes']))"); do
    curl -s "$n/api/v1/journal" | python3 -c 'import json,sys; print(json.load(sys.stdin)["eventBytes"])'
  done
}

before_heap=($(heap)); before_journal=($(journal_bytes))
echo "== volume create --size ${size_mib}M --provisioning fixed ($slabs slabs)"
start=$(date +%s.%N)
if ! cistern volume create placed --size "${size_mib}M" --resiliency mirror-3 --provisioning fixed; then
  echo "   (the CLI gave up; waiting for the placement to finish)"
fi
until [ "$(cistern volume show placed --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["detail"]["slabsPlaced"])' 2>/dev/null)" = "$slabs" ]; do
  sleep 0.5
done
end=$(date +%s.%N)
after_heap=($(heap)); after_journal=($(journal_bytes))

python3 - "$slabs" "$start" "$end" "${before_heap[*]}" "${after_heap[*]}" "${before_journal[*]}" "${after_journal[*]}" <<'EOF'
import sys
slabs, start, end = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
bh, ah, bj, aj = ([int(x) for x in a.split()] for a in sys.argv[4:8])
seconds = end - start
print(f"placed {slabs} slabs in {seconds:.1f} s = {slabs / seconds:.0f} slabs/s")
for i in range(len(bh)):
    print(f"node-{i + 1}: heap +{(ah[i] - bh[i]) / slabs:.0f} bytes/slab, journal +{(aj[i] - bj[i]) / slabs:.0f} bytes/slab of events")
EOF
