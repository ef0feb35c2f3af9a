#!/usr/bin/python3
"""Safetensors files written independently of jgrad, for the Java reader's tests.

Run:  /usr/bin/python3 tools/golden/gen_safetensors.py
Debian's PyTorch has no `safetensors` package, so the format is written here by hand with
struct, json and numpy, following the spec: 8-byte little-endian header length, JSON header
{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, raw little-endian data.

Writes into nn/src/test/resources/golden/:
  model.safetensors   state_dict of Sequential(Linear(6,5), BatchNorm1d(5), ReLU(), Linear(5,3))
                      after 3 SGD steps (num_batches_tracked as I64, like PyTorch)
  dtypes.safetensors  one tensor per dtype F32 F64 F16 BF16 I64 I32 I16 I8 U8 BOOL
  safetensors.json    the model's eval-mode input and outputs, and the dtype file's values
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(2024)
torch.set_num_threads(1)
DIR = os.path.join(os.path.dirname(__file__), "..", "..", "nn", "src", "test", "resources", "golden")

NUMPY = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
         "U8": "u1", "BOOL": "u1"}


def to_bytes(dtype, array):
    if dtype == "BF16":  # bfloat16: the upper 16 bits of the float32 (values chosen exactly representable)
        bits = np.asarray(array, dtype="<f4").view("<u4") >> 16
        return bits.astype("<u2").tobytes()
    return np.asarray(array).astype(NUMPY[dtype]).tobytes()


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, dtype, shape, numpy array)."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, dtype, shape, array in tensors:
        data = to_bytes(dtype, array)
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def t(x):
    return {"shape": list(x.shape), "data": [float(v) for v in np.asarray(x, dtype=np.float64).reshape(-1)]}


# ---- a small trained model in eval mode
model = nn.Sequential(nn.Linear(6, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for _ in range(3):
    xb = torch.randn(8, 6) * 2 + 0.5
    yb = torch.randint(0, 3, (8,))
    opt.zero_grad()
    nn.functional.cross_entropy(model(xb), yb).backward()
    opt.step()
model.eval()
x = torch.randn(4, 6)
with torch.no_grad():
    y = model(x)
state = model.state_dict()
entries = []
for name, v in state.items():
    if v.dtype == torch.int64:
        entries.append((name, "I64", list(v.shape), v.numpy()))
    else:
        entries.append((name, "F32", list(v.shape), v.numpy()))
write_safetensors(os.path.join(DIR, "model.safetensors"), entries, {"format": "pt"})

# ---- one tensor per dtype; values exactly representable in each
vals = np.array([[0.5, -1.25, 3.0], [65504.0 / 1024, -0.0, 2.0 ** -20]], dtype=np.float64)
ints = np.array([[-3, 0, 7], [2 ** 40, -2 ** 33, 1]], dtype=np.int64)
dtypes = [
    ("f32", "F32", [2, 3], vals), ("f64", "F64", [2, 3], vals * 1.0000001), ("f16", "F16", [2, 3], vals),
    ("bf16", "BF16", [2, 3], np.array([[0.5, -1.25, 3.0], [256.0, -0.0, 2.0 ** -20]])),
    ("i64", "I64", [2, 3], ints), ("i32", "I32", [2, 3], ints % 1000 - 500), ("i16", "I16", [3], np.array([-7, 0, 300])),
    ("i8", "I8", [3], np.array([-128, 0, 127])), ("u8", "U8", [3], np.array([0, 200, 255])),
    ("bool", "BOOL", [3], np.array([1, 0, 1])), ("scalar", "F32", [], np.array(1.5)),
]
write_safetensors(os.path.join(DIR, "dtypes.safetensors"), dtypes, {"written_by": "gen_safetensors.py"})
expected = {}
for name, dtype, shape, array in dtypes:
    decoded = np.frombuffer(to_bytes(dtype, array), dtype="<u2" if dtype == "BF16" else NUMPY[dtype])
    if dtype == "BF16":
        decoded = (decoded.astype("<u4") << 16).view("<f4")
    expected[name] = {"dtype": dtype, "tensor": t(decoded.astype(np.float64).reshape(shape))}

with open(os.path.join(DIR, "safetensors.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": {
        "model": {"file": "model.safetensors", "keys": list(state.keys()), "x": t(x.numpy()), "y_eval": t(y.numpy()),
                  "num_batches_tracked": int(state["1.num_batches_tracked"])},
        "dtypes": {"file": "dtypes.safetensors", "metadata": {"written_by": "gen_safetensors.py"}, "tensors": expected},
    }}, f, indent=1)
print("wrote", os.path.abspath(DIR))
