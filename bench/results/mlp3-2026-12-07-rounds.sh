#!/bin/bash
# Alternating rounds: main (wt-mlp3-base) vs this branch (wt-mlp3) vs PyTorch 2.13 (1 and 2 threads); one JSON
# line per run with the round, the side, the load average before/after and, for jgrad, the full collections
# of the whole process (-Xlog:gc: count and summed pause).
OUT=${OUT:-/work/wt-mlp3/bench/results/mlp3-2026-12-07.jsonl}
ROUNDS=${ROUNDS:-2}
FIRST=${FIRST:-1}
export BENCH_NO_BUILD=1
one() {  # side args...
  local side=$1; shift
  local load=$(cut -d' ' -f1 /proc/loadavg)
  local gclog=/tmp/mlp3run/gc-$side-$R-$$.log
  rm -f $gclog
  local line
  case $side in
    main) line=$(cd /work/wt-mlp3-base && JAVA_OPTS="-Xmx2g -Xlog:gc:file=$gclog" ./bench/run.sh jgrad "$@" --tag main --run $R 2>/dev/null | tail -1) ;;
    mlp3) line=$(cd /work/wt-mlp3 && JAVA_OPTS="-Xmx2g -Xlog:gc:file=$gclog" ./bench/run.sh jgrad "$@" --tag mlp3 --run $R 2>/dev/null | tail -1) ;;
    torch1|torch2) local t=${side#torch}; line=$(cd /work/wt-mlp3 && OPENBLAS_NUM_THREADS=$t TORCH_PYTHON=/work/venv-torch213/bin/python ./bench/run.sh torch "$@" --threads $t --tag torch213-${t}p --run $R 2>/dev/null | tail -1) ;;
  esac
  local load2=$(cut -d' ' -f1 /proc/loadavg)
  local nfull=-1 msfull=-1
  if [[ -f $gclog ]]; then
    nfull=$(grep -c 'Pause Full' $gclog)
    msfull=$(grep 'Pause Full' $gclog | sed 's/.* \([0-9.]*\)ms$/\1/' | awk '{s+=$1} END {printf "%.1f", s+0}')
  fi
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); d.update(side=sys.argv[2], round=int(sys.argv[3]), load1_before=float(sys.argv[4]), load1_after=float(sys.argv[5]), args=sys.argv[6]); n=int(sys.argv[7]); d.update({'gc_full_collections': n, 'gc_full_pause_ms': float(sys.argv[8])} if n >= 0 else {}); print(json.dumps(d))" "$line" "$side" "$R" "$load" "$load2" "$*" "$nfull" "$msfull" >> $OUT || echo "FAILED $side $*" >&2
  echo "$(date +%T) r$R $side $* load $load->$load2 full-gc $nfull ($msfull ms)" >&2
}
for R in $(seq $FIRST $((FIRST + ROUNDS - 1))); do
  if (( R % 2 )); then sides="main mlp3 torch1 torch2"; else sides="torch2 torch1 mlp3 main"; fi
  for w in "--workload mlp --epochs 3" "--workload mlp-bn --epochs 3" "--workload overhead" \
           "--workload mlp --epochs 4 --warmup-seconds 0" "--workload mlp-bn --epochs 3 --warmup-seconds 0" \
           "--workload overhead --warmup-seconds 0 --blocks 5"; do
    for s in $sides; do one $s $w; done
  done
done
echo done >&2
