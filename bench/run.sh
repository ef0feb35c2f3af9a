#!/usr/bin/env bash
# Runs one benchmark workload, one JSON line per result on stdout.
#   ./bench/run.sh jgrad --workload mlp [--epochs 5 ...]     jgrad (compiles the reactor first)
#   ./bench/run.sh torch --workload mlp [--threads 1 ...]    PyTorch peer (bench/torch_bench.py; the interpreter
#                                                            is $TORCH_PYTHON, default Debian's /usr/bin/python3)
#   --backend cpu|nd4j (jgrad only, anywhere in the options) runs on that backend (-Djgrad.backend).
# BENCH_MVN_ARGS adds Maven options to jgrad's build (bench/gpu-check.sh passes -Pcuda).
# jgrad runs on $JAVA_HOME's java when it is set, else on the java on the PATH (as ./jgrad does).
# jgrad picks its own thread count (override: JGRAD_THREADS=n or -Djgrad.threads=n in JAVA_OPTS).
# OMP_WAIT_POLICY=PASSIVE must be in the environment before a native library loads: set here for both.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
which="${1:-}"; shift || true
args=()
backend_opt=""
while [[ $# -gt 0 ]]; do
  if [[ "$1" == "--backend" ]]; then
    [[ $# -ge 2 ]] || { echo "run.sh: --backend needs cpu or nd4j" >&2; exit 2; }
    case "$2" in cpu|nd4j) backend_opt="-Djgrad.backend=$2" ;; *) echo "run.sh: --backend $2: expected cpu or nd4j" >&2; exit 2 ;; esac
    shift 2
  else
    args+=("$1"); shift
  fi
done
set -- ${args[@]+"${args[@]}"}
case "$which" in
  jgrad)
    cp_file="$here/target/classpath.txt"
    if [[ -z "${BENCH_NO_BUILD:-}" || ! -f "$cp_file" ]]; then
      (cd "$root" && mvn -q -B -o ${BENCH_MVN_ARGS:-} -pl bench -am compile dependency:build-classpath \
         -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null)
    fi
    cp="$here/target/classes"
    for m in core-tensor autograd nn data optim train; do cp="$cp:$root/$m/target/classes"; done
    cp="$cp:$(cat "$cp_file")"
    # The JVM and its flags as ./jgrad picks them (tools/java.sh).
    source "$root/tools/java.sh"
    java="$(java_bin)"
    exec "$java" ${JAVA_OPTS:--Xmx2g} $(java_native_opts "$(java_feature "$java")") $backend_opt -cp "$cp" \
      io.jgrad.bench.Bench "$@" ;;
  torch)
    [[ -z "$backend_opt" ]] || { echo "run.sh: --backend is a jgrad option" >&2; exit 2; }
    exec "${TORCH_PYTHON:-/usr/bin/python3}" "$here/torch_bench.py" "$@" ;;
  *)
    echo "usage: $0 jgrad|torch --workload mlp|mlp-bn|overhead|wide|cnn|lenet|distill|gemm|linear|memory [options]" >&2; exit 2 ;;
esac
