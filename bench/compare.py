#!/usr/bin/python3
"""Runs jgrad and PyTorch on the same workloads ALTERNATELY in one run and prints ratios.

    ./bench/compare.sh --workloads mlp,mlp-bn,overhead,gemm --repeats 3

Each repeat runs every workload once per configuration, rotating the order, so drift on a
shared machine hits both frameworks alike. PyTorch is run in the configurations given by
--torch (default: 1 thread, and 2 threads with OMP_WAIT_POLICY=PASSIVE) and compared at its
best per workload. Raw JSON lines go to --out (one per result, with "config" added).

PyTorch's BLAS: Debian's python3-torch calls the system libblas.so.3, which is the reference
(netlib) BLAS unless an optimized one is installed: ~4 GFLOP/s instead of ~90 per core. With
--torch-blas openblas (default) PyTorch is pointed, through LD_LIBRARY_PATH, at the OpenBLAS
0.3.19 that ND4J ships (so both frameworks run the same GEMM kernels); --torch-blas system
keeps the system's.
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "run.sh")


def openblas_dir():
    libs = sorted(glob.glob(os.path.expanduser(
        "~/.javacpp/cache/openblas-*/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0")))
    if not libs:
        sys.exit("compare: ND4J's OpenBLAS not found in ~/.javacpp/cache; run ./bench/run.sh jgrad --workload gemm once")
    d = os.path.join(HERE, "target", "torch-blas")
    os.makedirs(d, exist_ok=True)
    for name in ("libblas.so.3", "liblapack.so.3"):
        link = os.path.join(d, name)
        if os.path.islink(link):
            os.remove(link)
        os.symlink(libs[-1], link)
    return d


def configs(args):
    out = []
    for c in args.jgrad.split(","):
        env = {"JGRAD_THREADS": c} if c != "default" else {}
        out.append(("jgrad", "jgrad-" + c, env, []))
    blas = openblas_dir() if args.torch_blas == "openblas" else None
    for c in args.torch.split(","):
        threads = c.rstrip("p")
        env = {"OPENBLAS_NUM_THREADS": threads}
        env["OMP_WAIT_POLICY"] = "PASSIVE" if c.endswith("p") else ""
        if blas:
            env["LD_LIBRARY_PATH"] = blas
        out.append(("torch", "torch-" + c, env, ["--threads", threads]))
    return out


def workload_args(w, args):
    a = ["--workload", w]
    if w in ("mlp", "mlp-bn"):
        a += ["--epochs", str(args.epochs)]
    if w == "overhead":
        a += ["--steps", str(args.steps), "--blocks", str(args.blocks)]
    if w == "distill":
        a += ["--teacher-epochs", str(args.teacher_epochs), "--student-seeds", args.student_seeds,
              "--kd-configs", args.kd_configs]
    return a


def run(framework, config, env_extra, extra, w, args, out):
    if framework == "torch" and w == "linear":
        return []
    env = dict(os.environ)
    for k, v in env_extra.items():
        if v == "":
            env.pop(k, None)
        else:
            env[k] = v
    if framework == "jgrad":
        env["BENCH_NO_BUILD"] = "1"
    cmd = [RUN, framework] + workload_args(w, args) + extra
    t0 = time.time()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    rows = []
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            d["config"] = config
            d["wall_seconds"] = round(time.time() - t0, 2)
            rows.append(d)
            out.write(json.dumps(d) + "\n")
            out.flush()
    if p.returncode != 0 or not rows:
        print(f"  {config} {w}: FAILED (exit {p.returncode})\n{p.stderr[-2000:]}", file=sys.stderr)
    return rows


def metrics(d):
    """(metric name, value, higher_is_better) pairs of one result line."""
    w = d["workload"]
    if w in ("mlp", "mlp-bn"):
        return [(w + " s/epoch", d["epoch_seconds_median"], False), (w + " test acc", d["test_accuracy"], True)]
    if w == "overhead":
        return [("overhead steps/s", d["steps_per_second"], True)]
    if w == "gemm":
        return [(f"gemm {d['n']} GFLOP/s ({d['op']})", d["gflops_median"], True)]
    if w == "linear":
        return [("linear fwd+bwd GFLOP/s", d["gflops_median"], True),
                ("linear fraction of GEMM ceiling", d["fraction_of_ceiling"], True)]
    if w == "distill-teacher":
        return [("distill teacher s (total)", d["teacher_train_seconds"], False)]
    if w == "distill":
        return [("distill student plain s", d["student_plain_train_seconds"], False),
                ("distill student KD s", d["student_kd_train_seconds"], False),
                ("distill plain acc", d["student_plain_test_accuracy"], True),
                ("distill KD acc", d["student_kd_test_accuracy"], True)]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workloads", default="mlp,mlp-bn,overhead,gemm,linear")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--blocks", type=int, default=3)
    ap.add_argument("--teacher-epochs", type=int, default=5)
    ap.add_argument("--student-seeds", default="42,43,44")
    ap.add_argument("--kd-configs", default="0.9:4:5")
    ap.add_argument("--jgrad", default="default", help="jgrad configs: default or thread counts, e.g. default,2")
    ap.add_argument("--torch", default="1,2p", help="torch configs: N threads, suffix p for OMP_WAIT_POLICY=PASSIVE")
    ap.add_argument("--torch-blas", choices=["openblas", "system"], default="openblas")
    ap.add_argument("--out", default=os.path.join(HERE, "target", "compare-%d.jsonl" % int(time.time())))
    args = ap.parse_args()
    subprocess.run(["bash", "-c", f"cd {os.path.dirname(HERE)} && mvn -q -B -o -pl bench -am compile "
                    "dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime"],
                   check=True, stdout=subprocess.DEVNULL)
    cfgs = configs(args)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    results = {}  # (metric, config) -> [values]
    better = {}
    with open(args.out, "w") as out:
        for r in range(args.repeats):
            for w in args.workloads.split(","):
                order = cfgs[r % len(cfgs):] + cfgs[:r % len(cfgs)]
                for framework, config, env, extra in order:
                    for d in run(framework, config, env, extra, w, args, out):
                        for name, v, hib in metrics(d):
                            results.setdefault((name, config), []).append(v)
                            better[name] = hib
                print(f"repeat {r + 1}/{args.repeats} {w} done", file=sys.stderr, flush=True)
    names = list(dict.fromkeys(k[0] for k in results))
    cnames = [c[1] for c in cfgs]
    print("\n| metric | " + " | ".join(cnames) + " | jgrad / best torch |")
    print("|---|" + "---|" * (len(cnames) + 1))
    for name in names:
        med = {c: statistics.median(results[(name, c)]) for c in cnames if (name, c) in results}
        cells = [("%.4g" % med[c]) if c in med else "–" for c in cnames]
        jg = [med[c] for c in med if c.startswith("jgrad")]
        tr = [med[c] for c in med if c.startswith("torch")]
        ratio = "–"
        if jg and tr:
            j = max(jg) if better[name] else min(jg)
            t = max(tr) if better[name] else min(tr)
            ratio = "%.2f" % (j / t) + (" (higher is better)" if better[name] else " (lower is better)")
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio} |")
    print(f"\nraw results: {args.out}")


if __name__ == "__main__":
    main()
