# The two scripts that produced bench/results/mlp2-2026-12-06.jsonl (run from /tmp; paths are this machine's worktrees).
# --- rounds.sh: main vs mlp2 vs PyTorch 2.13, alternating ---
#!/bin/bash
# Alternating rounds: main (wt-mlp2-base) vs this branch (wt-mlp2) vs PyTorch 2.13; one JSON line per run,
# with the round, the side and the load average before the run added.
OUT=/work/wt-mlp2/bench/results/mlp2-2026-12-06.jsonl
ROUNDS=${ROUNDS:-3}
export BENCH_NO_BUILD=1
one() {  # side workload args...
  local side=$1; shift
  local load=$(cut -d' ' -f1 /proc/loadavg)
  local line
  case $side in
    main) line=$(cd /work/wt-mlp2-base && JAVA_OPTS="-Xmx2g $XOPTS" ./bench/run.sh jgrad "$@" --tag main --run $R 2>/dev/null | tail -1) ;;
    mlp2) line=$(cd /work/wt-mlp2 && JAVA_OPTS="-Xmx2g $XOPTS" ./bench/run.sh jgrad "$@" --tag mlp2 --run $R 2>/dev/null | tail -1) ;;
    torch1|torch2) local t=${side#torch}; line=$(cd /work/wt-mlp2 && OPENBLAS_NUM_THREADS=$t TORCH_PYTHON=/work/venv-torch213/bin/python ./bench/run.sh torch "$@" --threads $t --tag torch213-${t}p --run $R 2>/dev/null | tail -1) ;;
  esac
  local load2=$(cut -d' ' -f1 /proc/loadavg)
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); d.update(side=sys.argv[2], round=int(sys.argv[3]), load1_before=float(sys.argv[4]), load1_after=float(sys.argv[5]), jvm_extra=sys.argv[6], args=sys.argv[7]); print(json.dumps(d))" "$line" "$side" "$R" "$load" "$load2" "$XOPTS" "$*" >> $OUT || echo "FAILED $side $*" >&2
  echo "$(date +%T) r$R $side $* load $load->$load2" >&2
}
for R in $(seq 1 $ROUNDS); do
  if (( R % 2 )); then sides="main mlp2 torch1 torch2"; else sides="torch2 torch1 mlp2 main"; fi
  for w in "--workload mlp-bn --epochs 3" "--workload mlp --epochs 3" "--workload overhead"; do
    for s in $sides; do XOPTS= one $s $w; done
  done
  for s in $sides; do case $s in main|mlp2) XOPTS= one $s --workload overhead --warmup-seconds 0 --steps 1000 --blocks 10;; esac; done
  XOPTS="-XX:CompileThresholdScaling=0.25" one mlp2 --workload overhead --warmup-seconds 0 --steps 1000 --blocks 10
  for s in $sides; do case $s in main|mlp2) XOPTS= one $s --workload mlp --warmup-seconds 0 --epochs 6;; esac; done
done
echo done >&2

# --- flags.sh: the cold ramp with -XX:CompileThresholdScaling ---
#!/bin/bash
# Cold-start ramp: this branch with and without compile-threshold flags, alternating; W3 and W1 cold.
OUT=/work/wt-mlp2/bench/results/mlp2-2026-12-06.jsonl
export BENCH_NO_BUILD=1
one() {
  local load=$(cut -d' ' -f1 /proc/loadavg)
  local line=$(cd /work/wt-mlp2 && JAVA_OPTS="-Xmx2g $XOPTS" ./bench/run.sh jgrad "$@" --tag "mlp2 $XOPTS" --run $R 2>/dev/null | tail -1)
  local load2=$(cut -d' ' -f1 /proc/loadavg)
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); d.update(side='mlp2-flags', round=int(sys.argv[2]), load1_before=float(sys.argv[3]), load1_after=float(sys.argv[4]), jvm_extra=sys.argv[5], args=sys.argv[6]); print(json.dumps(d))" "$line" "$R" "$load" "$load2" "$XOPTS" "$*" >> $OUT || echo "FAILED $XOPTS $*" >&2
  echo "$(date +%T) f$R [$XOPTS] $* load $load->$load2" >&2
}
for R in 1 2 3; do
  for x in "" "-XX:CompileThresholdScaling=0.1" "-XX:CompileThresholdScaling=0.25"; do
    XOPTS="$x" one --workload overhead --warmup-seconds 0 --steps 1000 --blocks 10
  done
  for x in "-XX:CompileThresholdScaling=0.1" ""; do
    XOPTS="$x" one --workload mlp --warmup-seconds 0 --epochs 6
  done
done
echo done >&2
