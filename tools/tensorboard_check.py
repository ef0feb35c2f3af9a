#!/usr/bin/env python3
"""Reads event files that jgrad wrote with TensorBoard's own EventAccumulator and asserts the
exact values: the proof that TensorBoard reads jgrad's SummaryWriter.

The runs come from the Java test TensorBoardKnownRunTest (train module), which writes
train/target/tensorboard-check/{known,trainer}; see docs/tensorboard.md:

    mvn -B -ntp -pl train -am test -Dtest=TensorBoardKnownRunTest -Dsurefire.failIfNoSpecifiedTests=false
    /work/venv-torch213/bin/python tools/tensorboard_check.py [train/target/tensorboard-check]

Exits 0 with "skipped: tensorboard not installed" when the tensorboard package is missing, 1 on
any mismatch (every failed assertion is listed), 0 when all pass.
"""
import json
import os
import struct
import sys

try:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
except ImportError:
    print("tensorboard check skipped: tensorboard not installed")
    sys.exit(0)

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train",
                                                         "target", "tensorboard-check")
STEPS = 5  # TensorBoardKnownRunTest.STEPS
passed, failures = 0, []


def f32(x):
    """x rounded to float32 and back, as a scalar summary stores it."""
    return struct.unpack("f", struct.pack("f", x))[0]


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)


def default_bins():
    """PyTorch's SummaryWriter default_bins (bins="tensorflow")."""
    v, pos = 1e-12, []
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return [-x for x in reversed(pos)] + [0.0] + pos


def expected_histogram(values):
    """torch.utils.tensorboard.summary.make_histogram with the default bins, in plain Python."""
    bins = default_bins()
    counts = [0] * (len(bins) - 1)
    for x in values:
        if bins[0] <= x <= bins[-1]:
            lo, hi = 0, len(bins) - 1
            if x == bins[-1]:
                lo = hi - 1
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if bins[mid] <= x:
                    lo = mid
                else:
                    hi = mid
            counts[lo] += 1
    nonzero = [i for i, c in enumerate(counts) if c > 0]
    start, end = nonzero[0], nonzero[-1] + 1
    return {"min": min(values), "max": max(values), "num": float(len(values)), "sum": sum(values),
            "sum_squares": sum(x * x for x in values), "bucket_limit": bins[start:end + 1],
            "bucket": [0.0] + [float(c) for c in counts[start:end]]}


def load(run):
    path = os.path.join(ROOT, run)
    if not os.path.isdir(path):
        print(f"tensorboard check: no run at {path}; run TensorBoardKnownRunTest first (see docs/tensorboard.md)")
        sys.exit(1)
    acc = EventAccumulator(path, size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def check_known():
    acc = load("known")
    tags = acc.Tags()
    check(sorted(tags["scalars"]) == ["loss/train", "lr", "metrics/quarter"], f"known scalar tags {tags['scalars']}")
    check(tags["histograms"] == ["weights"], f"known histogram tags {tags['histograms']}")
    formulas = {"loss/train": lambda s: 1.0 / (s + 1), "lr": lambda s: 0.1 * 0.5 ** s, "metrics/quarter": lambda s: s / 4}
    for tag, formula in formulas.items():
        events = acc.Scalars(tag)
        check([e.step for e in events] == list(range(STEPS)), f"known {tag} steps {[e.step for e in events]}")
        for e in events:
            check(e.value == f32(formula(e.step)), f"known {tag} step {e.step}: {e.value} != {f32(formula(e.step))}")
            check(e.wall_time > 1.6e9, f"known {tag} step {e.step}: wall time {e.wall_time}")
    histos = acc.Histograms("weights")
    check([h.step for h in histos] == list(range(STEPS)), f"known weights steps {[h.step for h in histos]}")
    for h in histos:
        values = [(i - 40) * (h.step + 1) / 8 for i in range(100)]
        want = expected_histogram(values)
        got = h.histogram_value
        for field in ("min", "max", "num", "sum", "sum_squares"):
            check(getattr(got, field) == want[field], f"known weights step {h.step} {field}: "
                                                      f"{getattr(got, field)} != {want[field]}")
        check(list(got.bucket_limit) == want["bucket_limit"], f"known weights step {h.step} bucket_limit")
        check(list(got.bucket) == want["bucket"], f"known weights step {h.step} bucket {list(got.bucket)}")
        try:  # the same histogram from PyTorch itself, when it is installed
            import torch
            from torch.utils.tensorboard.summary import histogram
            ref = histogram("w", torch.tensor(values, dtype=torch.float32), default_bins()).value[0].histo
            mine = (got.min, got.max, got.num, got.sum, got.sum_squares, list(got.bucket_limit), list(got.bucket))
            theirs = (ref.min, ref.max, ref.num, ref.sum, ref.sum_squares, list(ref.bucket_limit), list(ref.bucket))
            check(mine == theirs, f"known weights step {h.step}: differs from torch's histogram(): {theirs}")
        except ImportError:
            pass


def check_trainer():
    acc = load("trainer")
    with open(os.path.join(ROOT, "trainer", "expected.json")) as f:
        expected = json.load(f)
    epochs = expected["epochs"]
    tags = acc.Tags()
    want_scalars = ["loss/train", "loss/val", "accuracy/train", "accuracy/val", "lr"]
    check(sorted(tags["scalars"]) == sorted(want_scalars), f"trainer scalar tags {tags['scalars']}")
    for tag in want_scalars:
        events = acc.Scalars(tag)
        check([e.step for e in events] == [e["epoch"] for e in epochs], f"trainer {tag} steps")
        for e, want in zip(events, epochs):
            check(e.value == f32(want[tag]), f"trainer {tag} epoch {e.step}: {e.value} != {f32(want[tag])}")
    params = expected["parameters"]
    check(sorted(tags["histograms"]) == sorted("parameters/" + k for k in params),
          f"trainer histogram tags {tags['histograms']}")
    for name, stats in params.items():
        histos = acc.Histograms("parameters/" + name)
        check([h.step for h in histos] == [e["epoch"] for e in epochs], f"trainer parameters/{name} steps")
        last = histos[-1].histogram_value
        check((last.num, last.min, last.max) == (stats["num"], stats["min"], stats["max"]),
              f"trainer parameters/{name} last epoch num/min/max {(last.num, last.min, last.max)} != {stats}")
        check(sum(last.bucket) == stats["num"], f"trainer parameters/{name}: buckets hold {sum(last.bucket)} values")


check_known()
check_trainer()
for f in failures:
    print("FAILED:", f)
print(f"tensorboard check ({os.path.normpath(ROOT)}, read by TensorBoard's EventAccumulator): "
      f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
