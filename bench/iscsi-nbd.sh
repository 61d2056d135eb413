#!/usr/bin/env bash
# Benchmark: the same mirror-3 volume of a local 3-node cluster through its two front ends, iSCSI and
# NBD, driven by one client (qemu-img bench, the same block layer and queue for both protocols): 4 KiB
# and 1 MiB requests, reads and writes, at queue depths 1 and 32 (1 MiB: 8), each through node 1.
# Prints requests/s and MB/s per row and the iSCSI/NBD ratio. Not a test.
#
#   bench/iscsi-nbd.sh [--size 1G] [--count 20000] [--data DIR]
#
# Needs: qemu-utils and qemu-block-extra (qemu-img's iscsi:// driver), python3; builds Cistern through
# bin/cistern if needed.
set -euo pipefail

home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
size=1G
count=20000
data=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v qemu-img >/dev/null || { echo "bench: qemu-img is not installed (apt-get install qemu-utils qemu-block-extra)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-bench.XXXXXX")"
data="${data:-$work/cistern-data}"
offset=3100
iscsi="iscsi://127.0.0.1:$((3260 + offset))/iqn.2026-11.io.cistern:bench/0"
nbd="nbd://127.0.0.1:$((10809 + offset))/bench"

cleanup() {
  "$home/bin/cistern" down --data "$data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting a 3-node cluster in $data"
"$home/bin/cistern" up --nodes 3 --drives 2 --drive-size 8G --data "$data" --port-offset "$offset" | grep -E "ready in"
"$home/bin/cistern" volume create bench --size "$size" --resiliency mirror-3 --provisioning fixed --data "$data"
# Fill it so that reads read data.
qemu-img bench -f raw -w -c "$(( $(numfmt --from=iec "$size") / 1048576 ))" -d 8 -s 1M -S 1M "$nbd" >/dev/null

bench() { # url depth size [-w]: requests/s and MB/s, timed by qemu-img itself (connection set-up excluded)
  local seconds
  seconds=$(qemu-img bench -f raw -n -c "$count" -d "$2" -s "$3" -S "$3" ${4:-} "$1" |
    sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p')
  [ -n "$seconds" ] || { echo "bench: qemu-img bench on $1 printed no run time" >&2; exit 1; }
  python3 -c "import sys; t=float(sys.argv[1]); n=int(sys.argv[2]); b=int(sys.argv[3]); print(f'{n/t:.0f} {n*b/t/1e6:.1f}')" \
    "$seconds" "$count" "$(numfmt --from=iec "$3")"
}

printf "%-22s %12s %10s %12s %10s %7s\n" ROW ISCSI-REQ/S ISCSI-MB/S NBD-REQ/S NBD-MB/S RATIO
for row in "read-4k-qd1 1 4K" "read-4k-qd32 32 4K" "write-4k-qd1 1 4K -w" "write-4k-qd32 32 4K -w" "read-1m-qd8 8 1M" "write-1m-qd8 8 1M -w"; do
  set -- $row
  name=$1; depth=$2; bs=$3; write=${4:-}
  if [ "$bs" = 1M ]; then count_saved=$count; count=$(( $(numfmt --from=iec "$size") / 1048576 )); fi
  read -r i_rps i_mbs < <(bench "$iscsi" "$depth" "$bs" "$write")
  read -r n_rps n_mbs < <(bench "$nbd" "$depth" "$bs" "$write")
  if [ "$bs" = 1M ]; then count=$count_saved; fi
  printf "%-22s %12s %10s %12s %10s %7s\n" "$name" "$i_rps" "$i_mbs" "$n_rps" "$n_mbs" \
    "$(python3 -c "print(f'{float(\"$i_rps\")/float(\"$n_rps\"):.2f}')")"
done
