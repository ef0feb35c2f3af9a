#!/usr/bin/env python3
"""How soon a jgrad process reaches its steady speed (issue 23, item 4: 90% within 1,000 steps).

Runs W3 (`overhead`: 784→64→10, batch 32) and W1's model (`mlp-steps`: 784→256→128→10, batch
128), both Adam on Fashion-MNIST, each in fresh processes: the bench's 50 warm-up steps, then
`--blocks` blocks of `--steps` steps. A block's share is its speed over the run's steady speed, the
median of the last eight blocks. With the defaults (250-step blocks) the fourth block covers steps
800–1,050 of the process: the "within 1,000 steps" block.

    ./bench/warmup.sh [--rounds 3] [--blocks 24] [--steps 250] [--workloads overhead,mlp-steps] [--out F]
                      [--plot warmup.png]

One JSON line per run on stdout (and appended to --out), a table on stderr, and with --plot a
chart of every run's blocks (bench's WarmupPlot, drawn with jgrad's own Plot). JAVA_OPTS and
JGRAD_THREADS reach the JVM as in bench/run.sh; the CPU and the load are in every line.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WARMUP_STEPS = 50          # the bench's minimum warm-up, before the first timed block
STEADY_BLOCKS = 8          # the steady speed: median of this many last blocks
TARGET = 0.90              # item 4: 90% of steady speed ...
WITHIN_STEPS = 1000        # ... within this many steps


def run_once(workload, blocks, steps):
    cmd = [os.path.join(HERE, "run.sh"), "jgrad", "--workload", workload, "--warmup-seconds", "0",
           "--blocks", str(blocks), "--steps", str(steps)]
    env = dict(os.environ, BENCH_NO_BUILD=os.environ.get("BENCH_NO_BUILD", "1"))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"warmup: {workload} printed no result line")
    return lines[-1]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def shares(rates):
    steady = statistics.median(rates[-STEADY_BLOCKS:])
    return steady, [r / steady for r in rates]


def block_of_step(step, steps):
    """The index of the block that holds the process's `step`-th step (warm-up steps count)."""
    return max(0, (step - WARMUP_STEPS) // steps)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--blocks", type=int, default=24)
    ap.add_argument("--steps", type=int, default=250)
    ap.add_argument("--workloads", default="overhead,mlp-steps")
    ap.add_argument("--out")
    ap.add_argument("--plot", help="write a PNG chart of every run's blocks")
    a = ap.parse_args()
    if a.blocks < STEADY_BLOCKS + 2:
        ap.error(f"--blocks must be at least {STEADY_BLOCKS + 2} (the steady speed is the last {STEADY_BLOCKS})")
    if a.steps < 1 or a.rounds < 1:
        ap.error("--steps and --rounds must be positive")
    if not os.environ.get("BENCH_NO_BUILD"):
        subprocess.run(["mvn", "-q", "-B", "-o", "-pl", "bench", "-am", "compile", "dependency:build-classpath",
                        "-Dmdep.outputFile=target/classpath.txt", "-Dmdep.includeScope=runtime"],
                       cwd=os.path.dirname(HERE), check=True, stdout=subprocess.DEVNULL)
    at = block_of_step(WITHIN_STEPS, a.steps)
    shown = min(a.blocks - STEADY_BLOCKS, max(at + 3, 6))
    first = WARMUP_STEPS
    heads = [f"{first + i * a.steps}-{first + (i + 1) * a.steps}" for i in range(shown)]
    print(f"{'workload':<10} {'round':>5} {'steady/s':>9}  " + " ".join(f"{h:>9}" for h in heads)
          + f"  block with step {WITHIN_STEPS}", file=sys.stderr)
    blocks = []                   # workload, run, step at the block's end, share in %: the chart's points
    for r in range(a.rounds):
        for w in a.workloads.split(","):
            line = run_once(w, a.blocks, a.steps)
            rates = line["steps_per_second_blocks"]
            steady, sh = shares(rates)
            reached = next((i for i, s in enumerate(sh) if s >= TARGET), None)
            result = {
                "workload": w, "round": r, "steps_per_block": a.steps, "warmup_steps": WARMUP_STEPS,
                "steady_steps_per_second": round(steady, 1),
                "share_of_steady_blocks": [round(s, 3) for s in sh],
                "share_at_step_1000": round(sh[at], 3),
                "meets_90_within_1000": sh[at] >= TARGET,
                "first_block_at_90": None if reached is None else f"{first + reached * a.steps}-{first + (reached + 1) * a.steps}",
                "block_jit_cpu_seconds": line.get("block_jit_cpu_seconds"),
                "cpu": cpu_model(), "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
                "java": line.get("java"), "threads": line.get("threads"),
            }
            text = json.dumps(result)
            print(text, flush=True)
            if a.out:
                with open(a.out, "a") as f:
                    f.write(text + "\n")
            blocks += [f"{w}\tround {r}\t{first + (i + 1) * a.steps}\t{100 * s:.2f}" for i, s in enumerate(sh)]
            print(f"{w:<10} {r:>5} {steady:>9.0f}  " + " ".join(f"{100 * s:>8.0f}%" for s in sh[:shown])
                  + f"  {100 * sh[at]:.0f}% ({'meets' if sh[at] >= TARGET else 'below'} 90%)", file=sys.stderr)
    if a.plot:
        plot(blocks, a.plot)


def plot(blocks, png):
    """Draws the blocks with bench's WarmupPlot, on the JVM and classpath bench/run.sh uses."""
    root = os.path.dirname(HERE)
    cp = [os.path.join(HERE, "target", "classes")]
    cp += [os.path.join(root, m, "target", "classes") for m in ("core-tensor", "autograd", "nn", "data", "optim", "train")]
    with open(os.path.join(HERE, "target", "classpath.txt")) as f:
        cp.append(f.read().strip())
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    tsv = png + ".tsv"
    with open(tsv, "w") as f:
        f.write("\n".join(blocks) + "\n")
    try:
        subprocess.run([java, "-cp", os.pathsep.join(cp), "io.jgrad.bench.WarmupPlot", tsv, png], check=True)
    finally:
        os.remove(tsv)
    print(f"chart: {png}", file=sys.stderr)


if __name__ == "__main__":
    main()
