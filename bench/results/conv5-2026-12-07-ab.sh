#!/usr/bin/env bash
# conv5's alternating A/B rounds (bench/README.md, "Convolutions, fifth pass"): A = main built in a
# detached worktree ($BASE), B = branch conv5 ($NEW), each run of the bench's own workload wrapped in
# `perf stat -e page-faults` and logged with -Xlog:gc (forced full collections = "Pause Full" lines).
#   bench/results/conv5-2026-12-07-ab.sh WORKLOAD ROUNDS OUT.jsonl [bench options...]
set -euo pipefail
workload=$1; rounds=$2; out=$3; shift 3
BASE=${BASE:-/work/wt-conv5-base}; NEW=${NEW:-/work/wt-conv5}
tmp=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  order="B A"; [[ $((r % 2)) -eq 0 ]] && order="A B"
  for v in $order; do
    dir=$NEW; [[ $v == A ]] && dir=$BASE
    load0=$(cut -d' ' -f1 /proc/loadavg)
    JAVA_OPTS="-Xmx2g -Xlog:gc:file=$tmp/gc.log" BENCH_NO_BUILD=1 perf stat -x, -e page-faults -o "$tmp/pf.txt" \
      "$dir/bench/run.sh" jgrad --workload "$workload" "$@" > "$tmp/line.json" 2> "$tmp/err.txt" || { cat "$tmp/err.txt" >&2; exit 1; }
    load1=$(cut -d' ' -f1 /proc/loadavg)
    faults=$(grep page-faults "$tmp/pf.txt" | cut -d, -f1)
    fulls=$(grep -c "Pause Full" "$tmp/gc.log" || true)
    commit=$(git -C "$dir" rev-parse --short HEAD)
    python3 - "$tmp/line.json" "$v" "$r" "$commit" "$load0" "$load1" "$faults" "$fulls" >> "$out" <<'PY'
import json, sys
f, v, r, commit, l0, l1, faults, fulls = sys.argv[1:]
for line in open(f):
    line = line.strip()
    if not line.startswith('{'):
        continue
    d = json.loads(line)
    d.update(variant=v, round=int(r), commit=commit, loadavg_1min_before=float(l0), loadavg_1min_after=float(l1),
             page_faults_whole_run=int(faults), full_collections_whole_run=int(fulls))
    print(json.dumps(d))
PY
    tail -1 "$out" | python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(d['variant'], d['round'], d.get('steps_per_second_blocks', d.get('epoch_seconds')), d.get('main_thread_cpu_us_per_step_blocks', d.get('main_thread_cpu_seconds_per_epoch')), d.get('process_cpu_us_per_step_blocks', d.get('epoch_process_cpu_seconds')), 'faults', d['page_faults_whole_run'], 'fullgc', d['full_collections_whole_run'], 'load', d['loadavg_1min_before'], d['loadavg_1min_after'])" >&2
  done
done
rm -rf "$tmp"
