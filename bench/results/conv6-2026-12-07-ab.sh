#!/usr/bin/env bash
# conv6 (bench/README.md, "Convolutions, sixth pass"): LeNet runs of one build, alternating
# A = the JVM's defaults and X = the same build with C2 told not to inline the pooling kernels'
# plane loops and the host copy loops into their callers (a flags-only experiment: does a smaller
# compile of the pooling lambdas shorten the JIT's work in the first timed block?). Each run logs
# its compilations; the line gets each block's C2 and C1 busy seconds (conv6-2026-12-07-jit.py).
#   bench/results/conv6-2026-12-07-ab.sh ROUNDS OUT.jsonl [bench options...]
set -euo pipefail
rounds=$1; out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
X="-XX:CompileCommand=quiet"
for m in CpuPool2d::unpoolPlane CpuPool2d::poolPlane HostFloats::gather HostFloats::scatter; do
  X="$X -XX:CompileCommand=dontinline,io.jgrad.tensor.backend.$m"
done
tmp=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  order="X A"; [[ $((r % 2)) -eq 0 ]] && order="A X"
  for v in $order; do
    extra=""; [[ $v == X ]] && extra=$X
    load0=$(cut -d' ' -f1 /proc/loadavg)
    JAVA_OPTS="-Xmx2g $extra -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=$tmp/hs.log -Xlog:gc:file=$tmp/gc.log" \
      BENCH_NO_BUILD=1 perf stat -x, -e page-faults -o "$tmp/pf.txt" "$here/../run.sh" jgrad --workload lenet "$@" \
      | grep '^{' > "$tmp/line.json"
    load1=$(cut -d' ' -f1 /proc/loadavg)
    python3 - "$tmp" "$v" "$r" "$load0" "$load1" "$here/conv6-2026-12-07-jit.py" >> "$out" <<'PY'
import json, re, subprocess, sys
tmp, v, r, l0, l1, jit = sys.argv[1:]
d = json.loads(open(tmp + '/line.json').read().strip().splitlines()[-1])
report = subprocess.run(['python3', jit, tmp + '/hs.log', tmp + '/line.json'], capture_output=True, text=True).stdout
busy = [(float(a), float(b)) for a, b in re.findall(r'block \d+ .*?C2 busy +([\d.]+) s .*?C1 busy +([\d.]+) s', report)]
faults = [l for l in open(tmp + '/pf.txt') if 'page-faults' in l][0].split(',')[0]
d.update(variant=v, round=int(r), loadavg_1min_before=float(l0), loadavg_1min_after=float(l1),
         c2_busy_seconds_blocks=[b[0] for b in busy], c1_busy_seconds_blocks=[b[1] for b in busy],
         page_faults_whole_run=int(faults), full_collections_whole_run=open(tmp + '/gc.log').read().count('Pause Full'))
print(json.dumps(d))
PY
    tail -1 "$out" | python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(d['variant'], d['round'], d['steps_per_second_blocks'], d['main_thread_cpu_us_per_step_blocks'], d['process_cpu_us_per_step_blocks'], 'C2', d['c2_busy_seconds_blocks'], 'faults', d['page_faults_whole_run'], 'load', d['loadavg_1min_before'], d['loadavg_1min_after'])" >&2
  done
done
rm -rf "$tmp"
