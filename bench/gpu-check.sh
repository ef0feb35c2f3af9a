#!/usr/bin/env bash
# The GPU check, unattended, on a machine with one NVIDIA GPU and CUDA 11.6-compatible drivers:
#   1. builds every module with -Pcuda (ND4J's nd4j-cuda-11.6-platform backend; downloads it once),
#   2. runs the whole test suite on jgrad.backend=nd4j on the GPU (the zero-transfer tests included),
#   3. runs W1 (mlp), W2 (mlp-bn) and W6 (cnn) with jgrad on the GPU and PyTorch on the same GPU,
#   4. prints one summary: suite counts, then s/epoch and test accuracy per workload and framework.
# Usage: bench/gpu-check.sh [--dry-run] [--epochs N] [--cnn-epochs N] [--out DIR]
#   --dry-run   prints every command it would run, with no GPU, Maven run or download.
# Needs: java 17+, mvn, a python with a CUDA build of PyTorch (PYTHON=..., else $TORCH_PYTHON, else
# /usr/bin/python3), and Fashion-MNIST in /usr/share/datasets/fashion-mnist (see bench/README.md).
# Exit status: 0 when the suite passed and every workload ran, 1 otherwise.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
dry=0
epochs=2
cnn_epochs=1
out="$here/target/gpu-check-$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry=1 ;;
    --epochs) epochs="$2"; shift ;;
    --cnn-epochs) cnn_epochs="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
python="${PYTHON:-${TORCH_PYTHON:-/usr/bin/python3}}"
workloads=(mlp mlp-bn cnn)

# Runs "$@" in the repository root, or only prints it on a dry run; stdout goes to file $1.
step() {
  local log="$1"; shift
  echo "+ $*  > ${log#$root/}"
  [ "$dry" = 1 ] && return 0
  (cd "$root" && "$@") > "$log" 2> "${log%.*}.err"
}

echo "jgrad GPU check: build -Pcuda, the suite on jgrad.backend=nd4j, then W1/W2/W6 against PyTorch on the GPU"
echo "results in ${out#$root/}/"
[ "$dry" = 1 ] || mkdir -p "$out"

# 0. The GPU and the driver; refuse early without one (not on a dry run).
if [ "$dry" = 1 ]; then
  echo "+ nvidia-smi --query-gpu=name,driver_version --format=csv,noheader"
  echo "+ $python -c 'import torch; assert torch.cuda.is_available()'"
else
  if ! gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1) || [ -z "$gpu" ]; then
    echo "gpu-check: no NVIDIA GPU found (nvidia-smi failed); use --dry-run to see the plan" >&2
    exit 1
  fi
  echo "GPU: $gpu"
  if ! "$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    echo "gpu-check: $python has no CUDA build of PyTorch (set PYTHON=...)" >&2
    exit 1
  fi
fi

# 1. Build (online once: the profile's nd4j-cuda-11.6-platform jar is large).
step "$out/build.log" mvn -B -ntp -Pcuda -DskipTests test-compile
build=$?

# 2. The whole suite on the nd4j backend (the profile's default), on the GPU.
suite_status=skipped
if [ "$build" = 0 ]; then
  [ "$dry" = 1 ] || rm -f "$root"/*/target/surefire-reports/TEST-*.xml
  step "$out/suite.log" mvn -B -ntp -Pcuda -Djgrad.backend=nd4j test
  suite_status=$?
fi
attr() { grep -o '<testsuite [^>]*' "$2" | head -1 | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
suite_summary() {
  local passed=0 failed=0 skipped=0 f t fl er sk
  for f in "$root"/*/target/surefire-reports/TEST-*.xml; do
    [ -e "$f" ] || continue
    t=$(attr tests "$f"); fl=$(attr failures "$f"); er=$(attr errors "$f"); sk=$(attr skipped "$f")
    passed=$((passed + t - fl - er - sk)); failed=$((failed + fl + er)); skipped=$((skipped + sk))
  done
  echo "$passed passed, $failed failed, $skipped skipped"
}

# 3. W1, W2, W6: jgrad on the GPU (bench/run.sh with -Pcuda on its classpath), PyTorch on the same GPU.
bench_failed=0
for w in "${workloads[@]}"; do
  args=(--workload "$w" --epochs "$epochs" --cnn-epochs "$cnn_epochs")
  step "$out/jgrad-$w.jsonl" env BENCH_MVN_ARGS=-Pcuda JAVA_OPTS="-Xmx6g -Djgrad.backend=nd4j" \
      "$here/run.sh" jgrad "${args[@]}" --tag gpu || bench_failed=1
  step "$out/torch-$w.jsonl" "$python" "$here/torch_bench.py" "${args[@]}" --device cuda \
      --tag gpu || bench_failed=1
done

# 4. One summary.
echo
echo "== jgrad GPU check summary =="
if [ "$dry" = 1 ]; then
  echo "dry run: nothing was built or run; the summary would list the suite's passed/failed/skipped counts"
  echo "and, per workload (${workloads[*]}), s/epoch (median) and test accuracy for jgrad and PyTorch, with"
  echo "PyTorch's time over jgrad's (above 1: jgrad faster)."
  exit 0
fi
if [ "$build" != 0 ]; then
  echo "build -Pcuda: FAILED (see ${out#$root/}/build.log)"
else
  echo "build -Pcuda: ok"
  echo "suite on nd4j/GPU: $(suite_summary) (exit $suite_status; ${out#$root/}/suite.log)"
fi
"$python" - "$out" "${workloads[@]}" <<'PY'
import json, os, sys
out, workloads = sys.argv[1], sys.argv[2:]
labels = {"mlp": "W1 mlp", "mlp-bn": "W2 mlp-bn", "cnn": "W6 cnn"}
def last(path):
    try:
        lines = [l for l in open(path) if l.strip().startswith("{")]
        return json.loads(lines[-1]) if lines else None
    except OSError:
        return None
print("%-10s %14s %14s %9s %10s %10s" % ("workload", "jgrad s/epoch", "torch s/epoch", "speed", "jgrad acc", "torch acc"))
for w in workloads:
    j, t = last(os.path.join(out, "jgrad-%s.jsonl" % w)), last(os.path.join(out, "torch-%s.jsonl" % w))
    js = j and j.get("epoch_seconds_median")
    ts = t and t.get("epoch_seconds_median")
    ratio = "%.2fx" % (ts / js) if js and ts else "-"
    acc = lambda d: "%.4f" % d["test_accuracy"] if d and "test_accuracy" in d else "failed"
    print("%-10s %14s %14s %9s %10s %10s" % (labels[w], js or "failed", ts or "failed", ratio, acc(j), acc(t)))
PY
[ "$build" = 0 ] && [ "$suite_status" = 0 ] && [ "$bench_failed" = 0 ]
