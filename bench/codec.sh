#!/usr/bin/env bash
# JMH for the erasure codec (storage's io.cistern.storage.erasure), printed as GB/s of data.
#   bench/codec.sh                                  all codes, encode and decode, the default kernel
#   bench/codec.sh -p kernel=scalar,vector -p code=RS-4-2   any JMH options (-wi, -i, -f, -p ...)
# Builds bench/target/cistern-bench.jar first (offline, storage and bench only, no install).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -B -q -pl bench -am package -DskipTests
exec java -jar bench/target/cistern-bench.jar "${@:-ErasureCodeBenchmark}"
