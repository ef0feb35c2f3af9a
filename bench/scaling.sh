#!/usr/bin/env bash
# How each kernel family (GEMM, element-wise, optimizer update, batch norm 1d/2d, conv2d, pooling)
# speeds up from 1 to N threads on this machine, N = the cores the JVM sees unless given:
#   ./bench/scaling.sh [--max-threads N] [--sample-seconds S]
# One JSON line per family and thread count on stdout, a table on stderr; then, at N threads,
# each family with the workers polling 0.3 ms before they park and parking at once. ~40 s on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/run.sh" jgrad --workload scaling "$@"
