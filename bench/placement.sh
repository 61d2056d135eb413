#!/usr/bin/env bash
# Benchmark: how fast the control plane places fixed volumes, what each slab costs the journal and every
# node's heap, and how long restarts take with that many slabs. A local 3-node cluster; two fixed mirror-3
# volumes of --slabs/2 slabs of --slab-size each are created one after the other; prints the wall time and
# slabs per second of each `volume create`, the serialized event bytes each node's copy of the journal
# gains, and the growth of each node's live heap (after a full GC) per slab: over both volumes, and over
# the second alone (the marginal cost: what a node's bounded caches, the journal store's pages and
# Ratis's log segments, take once is in the first volume's figure). With --restart it then restarts
# node-2 alone and the whole cluster, and prints the time until each is ready and until node-2's own pool
# view has every slab again. Not a test.
#
#   bench/placement.sh [--slabs 3072] [--slab-size 16M] [--drives 4] [--drive-size G] [--heap 768m] [--restart] [--data DIR]
#
# Needs: curl, python3, jcmd (the JDK); builds Cistern through bin/cistern if needed.
set -euo pipefail

home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
slabs=3072
slab_size=16M
data=""
drives=4
drive_size=""
restart=0
heap=768m
while [ $# -gt 0 ]; do
  case "$1" in
    --slabs) slabs="$2"; shift 2 ;;
    --slab-size) slab_size="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --drives) drives="$2"; shift 2 ;;
    --drive-size) drive_size="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --restart) restart=1; shift ;;
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
half=$((slabs / 2))
size_mib=$((half * slab_mib))
drive_gib=${drive_size:-$(( slabs * slab_mib / drives / 1024 * 3 / 2 + 4 ))}   # 3 copies over 3 x drives, half again, plus 4 GiB
drive_gib=${drive_gib%G}

echo "== starting a 3-node cluster ($drives drives of ${drive_gib}G each, slabs of $slab_size) in $data"
# --overcommit: the drives are sparse files that are never written; a million 1 MiB slabs x 3 copies is 3 TiB.
"$home/bin/cistern" up --nodes 3 --drives "$drives" --drive-size "${drive_gib}G" --slab-size "$slab_size" --data "$data" --heap "$heap" --overcommit \
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
    curl -s -H "Authorization: Bearer $(cat "$data/api-token")" "$n/api/v1/journal" | python3 -c 'import json,sys; print(json.load(sys.stdin)["eventBytes"])'
  done
}

placed_on() { # slabs of a volume as node $1's own pool view has them
  local http
  http=$(python3 -c "import json; print(json.load(open('$data/cluster.json'))['nodes'][$1 - 1]['http'])")
  curl -s -H "Authorization: Bearer $(cat "$data/api-token")" "$http/api/v1/volumes/$2?slabs=none" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["detail"]["slabsPlaced"])' 2>/dev/null || echo 0
}
place() { # name: creates the volume and waits until it is placed; prints start and end times
  local start end
  start=$(date +%s.%N)
  if ! cistern volume create "$1" --size "${size_mib}M" --resiliency mirror-3 --provisioning fixed >&2; then
    echo "   (the CLI gave up; waiting for the placement to finish)" >&2
  fi
  until [ "$(placed_on 1 "$1")" = "$half" ]; do sleep 0.5; done
  end=$(date +%s.%N)
  echo "$start $end"
}

h0=($(heap)); j0=($(journal_bytes))
echo "== volume create placed-1 --size ${size_mib}M --provisioning fixed ($half slabs)"
t1=($(place placed-1))
h1=($(heap)); j1=($(journal_bytes))
echo "== volume create placed-2 --size ${size_mib}M --provisioning fixed ($half slabs)"
t2=($(place placed-2))
h2=($(heap)); j2=($(journal_bytes))

python3 - "$half" "${t1[*]}" "${t2[*]}" "${h0[*]}" "${h1[*]}" "${h2[*]}" "${j0[*]}" "${j2[*]}" <<'EOF'
import sys
half = int(sys.argv[1])
t1, t2 = ([float(x) for x in a.split()] for a in sys.argv[2:4])
h0, h1, h2, j0, j2 = ([int(x) for x in a.split()] for a in sys.argv[4:9])
for name, (start, end) in (("placed-1", t1), ("placed-2", t2)):
    print(f"{name}: {half} slabs in {end - start:.1f} s = {half / (end - start):.0f} slabs/s")
for i in range(len(h0)):
    print(f"node-{i + 1}: heap +{(h2[i] - h0[i]) / (2 * half):.0f} bytes/slab over {2 * half} slabs, "
          f"+{(h2[i] - h1[i]) / half:.0f} bytes/slab for the second {half}; "
          f"journal +{(j2[i] - j0[i]) / (2 * half):.0f} bytes/slab of events")
EOF

if [ "$restart" = 1 ]; then
  total=$((2 * half))
  node2_pid=$(python3 -c "import json; print(json.load(open('$data/cluster.json'))['nodes'][1]['pid'])")
  echo "== node-2 stopped (SIGTERM to pid $node2_pid) and started again"
  kill -TERM "$node2_pid"
  while kill -0 "$node2_pid" 2>/dev/null; do sleep 0.2; done
  start=$(date +%s.%N)
  cistern node start node-2 --heap "$heap" >/dev/null
  ready=$(date +%s.%N)
  until [ $(( $(placed_on 2 placed-1) + $(placed_on 2 placed-2) )) = "$total" ]; do sleep 0.2; done
  seen=$(date +%s.%N)
  python3 -c "print(f'node-2: ready {$ready - $start:.1f} s after its start, its pool view had all $total slabs after {$seen - $start:.1f} s')"
  echo "== the whole cluster stopped (cistern down) and started again (cistern up)"
  "$home/bin/cistern" down --data "$data" >/dev/null
  start=$(date +%s.%N)
  "$home/bin/cistern" up --data "$data" --heap "$heap" | grep -E "ready in"
  ready=$(date +%s.%N)
  until [ $(( $(placed_on 2 placed-1) + $(placed_on 2 placed-2) )) = "$total" ]; do sleep 0.2; done
  seen=$(date +%s.%N)
  python3 -c "print(f'cluster: ready {$ready - $start:.1f} s after cistern up, node-2 had all $total slabs after {$seen - $start:.1f} s')"
fi
