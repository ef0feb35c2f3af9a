#!/usr/bin/python3
"""Golden values for BatchNorm1d in training mode at W2's sizes, computed with PyTorch 2.13 on ONE thread.

Run:  /work/venv-torch213/bin/python tools/golden/gen_batchnorm_exact.py
Writes nn/src/test/resources/golden/batchnorm_exact.json. Every tensor is {"shape": [...], "data": [...]}
(row-major, float32 values stored exactly as doubles). jgrad's cpu kernel computes PyTorch's one-thread
CPU batch norm bit for bit (float sums and fma in PyTorch's order), so BatchNormExactGoldenTest compares
these with no tolerance on the cpu backend. PyTorch on more threads adds per-thread partial sums and
differs in low bits, hence torch.set_num_threads(1).
"""
import json
import os

import torch
import torch.nn as nn

torch.manual_seed(2313)
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "nn", "src", "test", "resources", "golden",
                   "batchnorm_exact.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": [float(v) for v in x.double().reshape(-1).tolist()]}


def case(n, c, affine, relu):
    bn = nn.BatchNorm1d(c, affine=affine, momentum=0.1)
    if affine:
        with torch.no_grad():
            bn.weight.copy_(torch.randn(c))
            bn.bias.copy_(torch.randn(c))
    x = (torch.randn(n, c) * 3 + 0.5).requires_grad_(True)
    y = bn(x)
    if relu:
        y = torch.relu(y)
    gout = torch.randn(n, c)
    (y * gout).sum().backward()
    out = {"x": t(x), "gout": t(gout), "y": t(y), "dx": t(x.grad), "running_mean": t(bn.running_mean),
           "running_var": t(bn.running_var), "affine": affine, "relu": relu}
    if affine:
        out.update({"weight": t(bn.weight), "bias": t(bn.bias), "dweight": t(bn.weight.grad),
                    "dbias": t(bn.bias.grad)})
    return out


cases = {
    "w2_layer2_relu": case(128, 256, True, True),
    "affine_plain": case(64, 48, True, False),
    "noaffine_relu": case(32, 40, False, True),
    "small_odd": case(5, 7, True, False),
    "tail_mixed": case(20, 21, True, True),
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "tools/golden/gen_batchnorm_exact.py", "torch": torch.__version__, "threads": 1,
               "cases": cases}, f)
print("wrote", OUT)
