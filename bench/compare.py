#!/usr/bin/python3
"""Runs jgrad and PyTorch on the same workloads ALTERNATELY in one run and prints ratios.

    ./bench/compare.sh                      # W1, W2, W3, W5 and GEMM, one alternating run

Each repeat runs every workload once per configuration, rotating the order, so drift on a
shared machine hits both frameworks alike. Both sides time the plain user loop (zero_grad,
forward, loss, backward, step). The PyTorch compared against is what `pip install torch` gives a
user: torch==2.13.0+cpu (MKL, oneDNN) in a venv, found or made by this script (--torch-python,
default bench/target/venv-torch213, made with `pip install torch==2.13.0+cpu`, which installs
offline from the machine's local wheels). It runs in the configurations given by --torch
(default: 1 and 2 threads, both with OMP_WAIT_POLICY=PASSIVE) and is compared at its best per
workload. The table gives jgrad's speed over PyTorch's (above 1: jgrad is faster), for the
first timed epoch or block (after the warm-up: by default only 50 steps, what a user's first
epoch sees) and for the steady state (the median), and each side's peak resident memory.
Raw JSON lines go to --out (one per result, with "config" added; jgrad's carry "java", its JVM).

--java runs jgrad on each JDK given (e.g. Java 25 and Java 17), in the same alternating rounds,
each with its own ratio column.

--debian-torch adds Debian's python3-torch 1.13 as a second column. It calls the system
libblas.so.3, which is the reference (netlib) BLAS unless an optimized one is installed (~4
GFLOP/s instead of ~90 per core), so then this script refuses to run unless libblas.so.3
resolves to an OpenBLAS: `apt-get install -y libopenblas0-pthread`.
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


SYSTEM_BLAS = "/usr/lib/x86_64-linux-gnu/libblas.so.3"


def system_blas(args):
    """The library PyTorch's libblas.so.3 resolves to; exits when it is not an optimized BLAS."""
    path = os.path.realpath(SYSTEM_BLAS)
    if "openblas" not in path and "mkl" not in path and "blis" not in path and not args.allow_reference_blas:
        sys.exit(f"compare: {SYSTEM_BLAS} is {path}, the reference BLAS: PyTorch would run ~20x below what a "
                 "PyTorch user gets. Install an optimized one: apt-get install -y libopenblas0-pthread "
                 "(or pass --allow-reference-blas)")
    return path


TORCH_VERSION = "2.13.0+cpu"


def torch_python(args):
    """The interpreter of a venv with torch==2.13.0+cpu, made when missing."""
    py = args.torch_python
    venv = os.path.dirname(os.path.dirname(py))
    if not os.path.exists(py):
        print(f"compare: making {venv} with torch=={TORCH_VERSION} (pip, local wheels)", file=sys.stderr)
        subprocess.run(["python3", "-m", "venv", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", f"torch=={TORCH_VERSION}", "numpy"], check=True)
    v = subprocess.run([py, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
    if v.returncode != 0 or not v.stdout.strip().startswith("2.13"):
        sys.exit(f"compare: {py} has no torch 2.13 ({v.stdout.strip() or v.stderr.strip()[-300:]})")
    return py


def java_feature(home):
    """The feature release (17, 25, ...) of the JDK at `home`; exits when it has no java."""
    java = os.path.join(home, "bin", "java")
    v = subprocess.run([java, "-version"], capture_output=True, text=True) if os.path.exists(java) else None
    if v is None or v.returncode != 0:
        sys.exit(f"compare: --java {home}: no runnable {java}")
    version = v.stderr.split('"')[1]
    return int(version.split(".")[1] if version.startswith("1.") else version.split(".")[0].split("-")[0])


def configs(args):
    out = []
    homes = args.java.split(",") if args.java else [None]
    for i, home in enumerate(homes):
        env = {} if home is None else {"JAVA_HOME": home}
        feature = None if home is None else java_feature(home)
        suffix = "" if i == 0 else "-java%d" % feature
        for c in args.jgrad.split(","):
            if c == "default":
                out.append(("jgrad", "jgrad" + suffix, dict(env), []))
            elif c == "scoped":
                out.append(("jgrad", "jgrad-scoped" + suffix, dict(env), ["--scoped"]))
            else:
                out.append(("jgrad", "jgrad-" + c + suffix, dict(env, JGRAD_THREADS=c), []))
    for c in args.torch.split(","):
        threads = c.rstrip("p")
        env = {"OPENBLAS_NUM_THREADS": threads, "OMP_WAIT_POLICY": "PASSIVE" if c.endswith("p") else "",
               "TORCH_PYTHON": args.torch_python}
        out.append(("torch", "torch-" + c, env, ["--threads", threads]))
        if args.debian_torch:
            out.append(("torch", "debian113-" + c, dict(env, TORCH_PYTHON="/usr/bin/python3"), ["--threads", threads]))
    return out


def workload_args(w, args):
    a = ["--workload", w]
    if w in ("mlp", "mlp-bn", "cnn", "overhead", "wide", "lenet", "lm", "lstm"):
        a += ["--warmup-seconds", str(args.warmup_seconds)]
    if w in ("mlp", "mlp-bn"):
        a += ["--epochs", str(args.epochs)]
    if w == "cnn":
        a += ["--cnn-epochs", str(args.cnn_epochs), "--cnn-channels", args.cnn_channels]
    if w == "overhead":
        a += ["--steps", str(args.steps), "--blocks", str(args.blocks)]
    if w == "wide":
        a += ["--wide-steps", str(args.wide_steps), "--blocks", str(args.blocks)]
    if w == "lenet":
        a += ["--lenet-steps", str(args.lenet_steps), "--blocks", str(args.blocks)]
    if w == "lm":
        a += ["--lm-steps", str(args.lm_steps), "--blocks", str(args.blocks)]
    if w == "lstm":
        a += ["--lstm-steps", str(args.lstm_steps), "--blocks", str(args.blocks)]
    if w == "distill":
        a += ["--teacher-epochs", str(args.teacher_epochs), "--student-seeds", args.student_seeds,
              "--kd-configs", args.kd_configs]
    return a


def run(framework, config, env_extra, extra, w, args, out):
    if framework == "torch" and w in ("linear", "memory"):
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


def epochs(label, d):
    """The first timed epoch (after the warm-up) and the median epoch."""
    return [(label + ": s/epoch, first", d["epoch_seconds_first"], False),
            (label + ": s/epoch, median", d["epoch_seconds_median"], False)]


def named(label, rss):
    """Peak resident memory rows under the workload's label (informational, no ratio)."""
    return [(label + ": peak RSS MiB", v, hib) for _, v, hib in rss]


def metrics(d):
    """(metric name, value, higher_is_better) pairs of one result line."""
    w = d["workload"]
    rss = [] if "peak_rss_mib" not in d else [(None, d["peak_rss_mib"], False)]
    if w in ("mlp", "mlp-bn"):
        label = {"mlp": "W1 mlp 784-256-128-10", "mlp-bn": "W2 mlp-bn 784-512-BN-256-BN-10"}[w]
        return epochs(label, d) + [(label + ": test acc", d["test_accuracy"], True)] + named(label, rss)
    if w in ("overhead", "wide", "lenet", "lm", "lstm"):
        label = {"overhead": "W3 overhead 784-64-10, batch 32", "wide": "W5 wide 784-1200-1200-10, batch 128",
                 "lenet": "LeNet 5x5 16/32 maps, batch 64", "lm": "W7 lm recipe step (GPT 4x128, 32x128 tokens)",
                 "lstm": "W8 LSTM 2x128 over 50 steps, batch 64"}[w]
        return [(label + ": steps/s, first block", d["steps_per_second_blocks"][0], True),
                (label + ": steps/s, steady", d["steps_per_second"], True)] + named(label, rss)
    if w == "gemm":
        if d["op"] in ("Nd4j.gemm(out=)", "torch.mm"):
            return []                               # the table shows jgrad's own call and mm(out=)
        return [(f"GEMM n={d['n']}: GFLOP/s", d["gflops_median"], True)]
    if w == "linear":
        return [("linear fwd+bwd GFLOP/s", d["gflops_median"], True),
                ("linear fraction of GEMM ceiling", d["fraction_of_ceiling"], True)]
    if w == "cnn":
        label = "W6 cnn %s maps" % "/".join(str(c) for c in d.get("cnn_channels", [16, 32]))
        return epochs(label, d) + [(label + ": test acc", d["test_accuracy"], True)] + named(label, rss)
    if w == "distill-teacher":
        return [("distill teacher s (total)", d["teacher_train_seconds"], False)]
    if w == "distill":
        return [("distill student plain s", d["student_plain_train_seconds"], False),
                ("distill student KD s", d["student_kd_train_seconds"], False),
                ("distill plain acc", d["student_plain_test_accuracy"], True),
                ("distill KD acc", d["student_kd_test_accuracy"], True)]
    return []


def table(results, better, cnames):
    """A README-ready Markdown table: medians per configuration, and each jgrad configuration's speed
    over the best PyTorch configuration's (for s/epoch the inverse ratio of times), above 1 when jgrad
    is faster; with Debian's 1.13, also the default jgrad's speed over its best."""
    debian = any(c.startswith("debian113-") for c in cnames)
    jcols = [c for c in cnames if c.startswith("jgrad")]
    pairs = [(j, "torch-") for j in jcols] + ([("jgrad", "debian113-")] if debian else [])
    heads = [j + " speed / best " + ("PyTorch 2.13" if p == "torch-" else "Debian 1.13") for j, p in pairs]
    lines = ["| metric | " + " | ".join(cnames + heads) + " |", "|---|" + "---|" * (len(cnames) + len(heads))]
    for name in dict.fromkeys(k[0] for k in results):
        med = {c: statistics.median(results[(name, c)]) for c in cnames if (name, c) in results}
        cells = [("%.4g" % med[c]) if c in med else "–" for c in cnames]
        for j, prefix in pairs:
            tr = [med[c] for c in med if c.startswith(prefix)]
            ratio = "–"
            if j in med and tr and "acc" not in name and "RSS" not in name:
                best = max(tr) if better[name] else min(tr)
                ratio = "%.2f×" % (med[j] / best if better[name] else best / med[j])
            cells.append(ratio)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rounds(results, better, cnames):
    """With several rounds: each round's ratio of the first jgrad configuration against that round's best
    PyTorch configuration, so that a target met in the medians can be told from one met in every round."""
    jgrad = next((c for c in cnames if c.startswith("jgrad")), None)
    torch = [c for c in cnames if c.startswith("torch-")]
    n = max((len(v) for (_, c), v in results.items() if c == jgrad), default=0)
    if jgrad is None or not torch or n < 2:
        return ""
    lines = [f"| {jgrad} speed / best PyTorch 2.13, by round | " + " | ".join(f"round {r + 1}" for r in range(n)) + " |",
             "|---|" + "---|" * n]
    for name in dict.fromkeys(k[0] for k in results):
        if "acc" in name or "RSS" in name or (name, jgrad) not in results:
            continue
        cells = []
        for r in range(n):
            js = results[(name, jgrad)]
            ts = [results[(name, c)][r] for c in torch if (name, c) in results and len(results[(name, c)]) > r]
            if r >= len(js) or not ts:
                cells.append("–")
                continue
            best = max(ts) if better[name] else min(ts)
            cells.append("%.2f×" % (js[r] / best if better[name] else best / js[r]))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def from_file(path):
    """The results of an earlier run's raw lines (its --out), in the order they were written: (results,
    better, configuration names)."""
    results, better, cnames = {}, {}, []
    with open(path) as f:
        for line in f:
            if not line.startswith("{"):
                continue
            d = json.loads(line)
            c = d.get("config")
            if c is None:
                continue
            if c not in cnames:
                cnames.append(c)
            for name, v, hib in metrics(d):
                results.setdefault((name, c), []).append(v)
                better[name] = hib
    order = [c for c in cnames if c.startswith("jgrad")] + [c for c in cnames if not c.startswith("jgrad")]
    return results, better, order


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workloads", default="mlp,mlp-bn,overhead,wide,cnn,lenet,lm,lstm,gemm")
    ap.add_argument("--repeats", type=int, default=1, help="alternating rounds (default 1)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--cnn-epochs", type=int, default=1, help="cnn (W6): epochs per run")
    ap.add_argument("--steps", type=int, default=2000, help="overhead (W3): steps per timed block")
    ap.add_argument("--wide-steps", type=int, default=200, help="wide (W5): steps per timed block")
    ap.add_argument("--lenet-steps", type=int, default=100, help="lenet: steps per timed block")
    ap.add_argument("--lm-steps", type=int, default=10, help="lm (W7): steps per timed block")
    ap.add_argument("--lstm-steps", type=int, default=20, help="lstm (W8): steps per timed block")
    ap.add_argument("--blocks", type=int, default=3)
    ap.add_argument("--warmup-seconds", type=float, default=0.0,
                    help="untimed steps first, on both sides, beyond the 50 always run (default 0: the first "
                         "timed epoch is a user's first epoch; the median is the steady state)")
    ap.add_argument("--cnn-channels", default="32,64", help="cnn (W6): feature maps of the two conv blocks")
    ap.add_argument("--teacher-epochs", type=int, default=5)
    ap.add_argument("--student-seeds", default="42,43,44")
    ap.add_argument("--kd-configs", default="0.9:4:5")
    ap.add_argument("--jgrad", default="default",
                    help="jgrad configs: default (the plain loop, jgrad's own thread choice), scoped (each step "
                         "in a StepScope, as Trainer), or a thread count; e.g. default,scoped,1")
    ap.add_argument("--java", default="",
                    help="JDK homes to run jgrad on, comma-separated (default: $JAVA_HOME's java, else the PATH's); "
                         "the first gives the jgrad columns, each other one columns suffixed -javaNN, e.g. "
                         "/usr/lib/jvm/temurin-25-jdk-amd64,/usr/lib/jvm/java-17-openjdk-amd64")
    ap.add_argument("--torch", default="1p,2p", help="torch configs: N threads, suffix p for OMP_WAIT_POLICY=PASSIVE")
    ap.add_argument("--torch-python", default=os.environ.get("JGRAD_TORCH_PYTHON",
                    os.path.join(HERE, "target", "venv-torch213", "bin", "python")),
                    help="a Python with torch==2.13.0+cpu (made as a venv when missing)")
    ap.add_argument("--debian-torch", action="store_true", help="also Debian's python3-torch 1.13, a second column")
    ap.add_argument("--allow-reference-blas", action="store_true",
                    help="run even though PyTorch's libblas.so.3 is the reference BLAS")
    ap.add_argument("--out", default=os.path.join(HERE, "target", "compare-%d.jsonl" % int(time.time())))
    ap.add_argument("--table", metavar="JSONL", help="print the tables of an earlier run's raw lines and exit")
    args = ap.parse_args()
    if args.table:
        results, better, cnames = from_file(args.table)
        print(table(results, better, cnames))
        by_round = rounds(results, better, cnames)
        if by_round:
            print("\n" + by_round)
        return
    blas = system_blas(args) if args.debian_torch else None
    torch_python(args)
    subprocess.run(["bash", "-c", f"cd {os.path.dirname(HERE)} && mvn -q -B -o -pl bench -am compile "
                    "dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime"],
                   check=True, stdout=subprocess.DEVNULL)
    cfgs = configs(args)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    results = {}  # (metric, config) -> [values]
    javas = {}    # jgrad config -> its JVM's version
    better = {}
    with open(args.out, "w") as out:
        for r in range(args.repeats):
            for w in args.workloads.split(","):
                order = cfgs[r % len(cfgs):] + cfgs[:r % len(cfgs)]
                for framework, config, env, extra in order:
                    for d in run(framework, config, env, extra, w, args, out):
                        if "java" in d:
                            javas[config] = d["java"]
                        for name, v, hib in metrics(d):
                            results.setdefault((name, config), []).append(v)
                            better[name] = hib
                print(f"repeat {r + 1}/{args.repeats} {w} done", file=sys.stderr, flush=True)
    cnames = [c[1] for c in cfgs]
    print()
    print(table(results, better, cnames))
    by_round = rounds(results, better, cnames)
    if by_round:
        print("\n" + by_round)
    load = os.getloadavg()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"\nCPU: {cpu}; jgrad on " + (", ".join(f"Java {v} ({c})" for c, v in javas.items()) or "?")
          + f"; PyTorch {TORCH_VERSION} from {args.torch_python}"
          + (f"; Debian 1.13's BLAS: {blas}" if blas else "") + f"; {args.repeats} alternating round(s); load average at the end "
          f"{load[0]:.1f} on {os.cpu_count()} CPUs"
          + (" (above the CPU count: other processes shared the machine)" if load[0] > os.cpu_count() else ""))
    print(f"raw results: {args.out}")


if __name__ == "__main__":
    main()
