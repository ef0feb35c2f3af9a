#!/usr/bin/env bash
# How each kernel family (GEMM, element-wise, optimizer update, batch norm 1d/2d, conv2d, pooling)
# speeds up from 1 to N threads on this machine, N = the cores the JVM sees unless given:
#   ./bench/scaling.sh [--max-threads N] [--sample-seconds S]
# One JSON line per family and thread count on stdout, a table on stderr; about 20 s on 2 cores.
# To see what the workers' bounded polling buys, compare with JAVA_OPTS="-Xmx2g -Djgrad.spinMicros=0".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/run.sh" jgrad --workload scaling "$@"
