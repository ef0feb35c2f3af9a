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
    # The JVM as ./jgrad picks it: $JAVA_HOME's when set, else the java on the PATH; from Java 24 on,
    # the native calls jgrad's backend makes are allowed (as ./jgrad does) instead of warned about.
    java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    feature="$("$java_bin" -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p')"
    native_opts=""
    [[ "${feature:-0}" -lt 24 ]] || native_opts="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
    exec "$java_bin" ${JAVA_OPTS:--Xmx2g} $native_opts $backend_opt -cp "$cp" io.jgrad.bench.Bench "$@" ;;
  torch)
    [[ -z "$backend_opt" ]] || { echo "run.sh: --backend is a jgrad option" >&2; exit 2; }
    exec "${TORCH_PYTHON:-/usr/bin/python3}" "$here/torch_bench.py" "$@" ;;
  *)
    echo "usage: $0 jgrad|torch --workload mlp|mlp-bn|overhead|wide|cnn|lenet|distill|gemm|linear|memory [options]" >&2; exit 2 ;;
esac
