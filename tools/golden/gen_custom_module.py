#!/usr/bin/env python3
"""A user-written module's state dict travels between PyTorch and jgrad (issue 21, item 3).

The PyTorch twin of the custom module in nn/src/test/java/io/jgrad/extension/CustomModuleTest.java:
a parameter (`gate`), a buffer (`scale`) and a child module (`proj`), registered as a jgrad user
registers them with registerParameter, registerBuffer and registerModule.

Generate (writes nn/src/test/resources/golden/custom_module.safetensors and custom_module.json):
    /work/venv-torch213/bin/python tools/golden/gen_custom_module.py
Check that a state dict jgrad saved loads strictly into the PyTorch twin and gives the same output
(the Java test writes nn/target/extension/custom_module_jgrad.safetensors):
    /work/venv-torch213/bin/python tools/golden/gen_custom_module.py --check nn/target/extension/custom_module_jgrad.safetensors
The safetensors format is read and written by hand (no `safetensors` package in the venv): an
8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, raw data.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

DIR = os.path.join(os.path.dirname(__file__), "..", "..", "nn", "src", "test", "resources", "golden")
DTYPES = {"F32": ("<f4", torch.float32), "F64": ("<f8", torch.float64), "I64": ("<i8", torch.int64)}


class Gated(nn.Module):
    """y = proj(x) * sigmoid(gate) * scale + x"""

    def __init__(self, d):
        super().__init__()
        self.gate = nn.Parameter(torch.randn(d))
        self.register_buffer("scale", torch.linspace(0.5, 1.5, d))
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        return self.proj(x) * torch.sigmoid(self.gate) * self.scale + x


def write(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        begin, end = h["data_offsets"]
        np_type, torch_type = DTYPES[h["dtype"]]
        out[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype=np_type).copy()).reshape(h["shape"]).to(torch_type)
    return out


def flat(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().double().reshape(-1)]}


def generate():
    torch.manual_seed(21)
    m = Gated(4).eval()
    x = torch.randn(3, 4)
    write(os.path.join(DIR, "custom_module.safetensors"), m.state_dict())
    golden = {"input": flat(x), "output": flat(m(x)),
              "keys": {k: list(v.shape) for k, v in m.state_dict().items()}}
    with open(os.path.join(DIR, "custom_module.json"), "w") as f:
        json.dump(golden, f, indent=1)


def check(path):
    with open(os.path.join(DIR, "custom_module.json")) as f:
        golden = json.load(f)
    m = Gated(4).eval()
    m.load_state_dict(read(path), strict=True)  # a missing, extra or mis-shaped key raises
    x = torch.tensor(golden["input"]["data"]).reshape(golden["input"]["shape"])
    y = m(x).detach().double().reshape(-1)
    want = torch.tensor(golden["output"]["data"], dtype=torch.float64)
    err = (y - want).abs().max().item()
    print(f"{path}: loaded strictly into PyTorch's Gated; max |output - golden| = {err:.2e}")
    sys.exit(0 if err < 1e-5 else 1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        generate()
