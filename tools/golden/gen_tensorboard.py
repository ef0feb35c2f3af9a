#!/usr/bin/python3
"""Golden values for jgrad's TensorBoard writer, computed with PyTorch's SummaryWriter helpers
and TensorBoard's own record writer and protobuf classes.

Run:  /work/venv-torch213/bin/python tools/golden/gen_tensorboard.py   (needs torch and tensorboard)
Writes train/src/test/resources/golden/tensorboard.json:
  histograms: for each case its float32 input (as float64 values) and the HistogramProto that
    torch.utils.tensorboard.summary.histogram builds with SummaryWriter's default bins
    (bins="tensorflow");
  record: TensorBoard's RecordWriter framing of a fixed payload (hex), i.e. length, masked
    CRC-32C of the length, data, masked CRC-32C of the data;
  events: serialized tensorboard.Event messages (hex) of a scalar and of a histogram event
    built as torch's SummaryWriter builds them, with a fixed wall time and step.
"""
import io
import json
import os

import torch
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.summary.writer.record_writer import RecordWriter
from torch.utils.tensorboard import SummaryWriter
from torch.utils.tensorboard.summary import histogram, scalar

torch.manual_seed(2020)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "train", "src", "test", "resources", "golden",
                   "tensorboard.json")


def default_bins():
    # as SummaryWriter.__init__ computes them (its default_bins)
    v, buckets, neg = 1e-12, [], []
    while v < 1e20:
        buckets.append(v)
        neg.append(-v)
        v *= 1.1
    bins = neg[::-1] + [0] + buckets
    return bins


BINS = default_bins()


def histo_case(values):
    values = values.float()
    h = histogram("h", values, BINS).value[0].histo
    return {"values": [float(v) for v in values.double().reshape(-1).tolist()],
            "min": h.min, "max": h.max, "num": h.num, "sum": h.sum, "sum_squares": h.sum_squares,
            "bucket_limit": list(h.bucket_limit), "bucket": list(h.bucket)}


histograms = {
    "randn_1000": histo_case(torch.randn(1000)),
    "randn_3x4_small": histo_case(torch.randn(3, 4) * 0.01),
    "uniform_positive_300": histo_case(torch.rand(300) * 5 + 0.5),
    "negative_only": histo_case(-torch.rand(17) * 100 - 1),
    "exact_small": histo_case(torch.tensor([-2.0, -0.5, 0.0, 0.0, 0.25, 3.0])),
    "single_zero": histo_case(torch.tensor([0.0])),
    "edges_and_beyond": histo_case(torch.tensor([1e-12, -1e-12, 1e-13, -1e-13, 1e21, -1e21, 7.0])),
    "wide_range": histo_case(torch.tensor([1e-10, 1e-5, 1.0, 1e5, 1e10, 1e15, -3e3])),
}

buf = io.BytesIO()
RecordWriter(buf).write(b"jgrad TFRecord payload")
record = {"payload": "jgrad TFRecord payload", "hex": buf.getvalue().hex()}

scalar_event = Event(wall_time=1700000000.25, step=3, summary=scalar("loss/train", 0.125))
histo_event = Event(wall_time=1.5, step=7,
                    summary=histogram("parameters/0.weight", torch.tensor([-2.0, -0.5, 0.0, 0.0, 0.25, 3.0]), BINS))
version_event = Event(wall_time=1700000000.0, file_version="brain.Event:2")
events = {
    "scalar": {"wall_time": 1700000000.25, "step": 3, "tag": "loss/train", "value": 0.125,
               "hex": scalar_event.SerializeToString().hex()},
    "histogram": {"wall_time": 1.5, "step": 7, "tag": "parameters/0.weight",
                  "values": [-2.0, -0.5, 0.0, 0.0, 0.25, 3.0], "hex": histo_event.SerializeToString().hex()},
    "file_version": {"wall_time": 1700000000.0, "hex": version_event.SerializeToString().hex()},
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"num_default_bins": len(BINS), "histograms": histograms, "record": record, "events": events}, f)
print("wrote", os.path.normpath(OUT), "with", len(histograms), "histograms and", len(BINS), "bin edges")
