#!/usr/bin/python3
"""Golden values for jgrad's integer tensors and per-token training (issue 19, items 1 and 2),
computed with PyTorch 2.13 in float32.

autograd/src/test/resources/golden/seq_int.json (read by SeqIntGoldenTest in autograd):
  argmax  -- x with many ties (small integers as floats), argmax(dim, keepdim) as int64
  masked  -- y = x.masked_fill(mask, value), mask broadcast to x (bool or 0/1 float), with
             the gradient of sum(y * gout) for x
nn/src/test/resources/golden/seq_int.json (read by SeqIntLossesGoldenTest in nn):
  ce      -- F.cross_entropy(logits.reshape(-1, C), targets.reshape(-1), ignore_index=k)
             on logits [..., C] with int64 targets [...], scaled by gscale before backward
             (so the loss's incoming gradient is tested), the loss and the logits' gradient
  emb     -- nn.Embedding(num, dim) on int64 indices [N, T] with repeated indices: the output
             and the weight's gradient of sum(y * gout)

Each case seeds its own generator from its name, so adding one leaves the others unchanged.
Run from the repository root:
    /work/venv-torch213/bin/python tools/golden/gen_seq_int.py
"""
import json
import os
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

AUTOGRAD_OUT = os.path.join("autograd", "src", "test", "resources", "golden", "seq_int.json")
NN_OUT = os.path.join("nn", "src", "test", "resources", "golden", "seq_int.json")


def t(x):
    x = x.detach()
    if x.dtype == torch.int64:
        return {"shape": list(x.shape), "data": [int(v) for v in x.reshape(-1).tolist()]}
    return {"shape": list(x.shape), "data": [float(v) for v in x.double().reshape(-1).tolist()]}


def seed(name):
    torch.manual_seed(zlib.crc32(name.encode()))


def argmax_case(name, shape, dim, keepdim):
    seed(name)
    x = torch.randint(0, 3, shape).float()  # values 0, 1, 2: ties everywhere
    return {"name": name, "x": t(x), "dim": dim, "keepdim": keepdim, "y": t(x.argmax(dim, keepdim=keepdim))}


def masked_case(name, shape, mask_shape, mask_float, value):
    seed(name)
    x = torch.randn(shape, requires_grad=True)
    mask = torch.rand(mask_shape) < 0.4
    y = x.masked_fill(mask, value)
    gout = torch.randn(y.shape)
    (y * gout).sum().backward()
    m = mask.float() if mask_float else mask.long()
    return {"name": name, "x": t(x), "mask": t(m), "maskFloat": mask_float, "value": value,
            "y": t(y), "gout": t(gout), "dx": t(x.grad)}


def ce_case(name, shape, ignore_index, ignore_fraction, gscale=1.0):
    seed(name)
    c = shape[-1]
    logits = (torch.randn(shape) * 2).requires_grad_(True)
    targets = torch.randint(0, c, shape[:-1])
    if ignore_fraction > 0:
        drop = torch.rand(shape[:-1]) < ignore_fraction
        targets = torch.where(drop, torch.full_like(targets, ignore_index), targets)
    kwargs = {} if ignore_index is None else {"ignore_index": ignore_index}
    loss = F.cross_entropy(logits.reshape(-1, c), targets.reshape(-1), **kwargs)
    (loss * gscale).backward()
    return {"name": name, "logits": t(logits), "targets": t(targets), "ignoreIndex": ignore_index,
            "gscale": gscale, "loss": float(loss.detach()), "dlogits": t(logits.grad)}


def emb_case(name, num, dim, idx_shape):
    seed(name)
    m = nn.Embedding(num, dim)
    idx = torch.randint(0, num, idx_shape)
    idx.view(-1)[:3] = idx.view(-1)[0]  # make sure an index repeats
    y = m(idx)
    gout = torch.randn(y.shape)
    (y * gout).sum().backward()
    return {"name": name, "weight": t(m.weight), "indices": t(idx), "y": t(y), "gout": t(gout),
            "dweight": t(m.weight.grad)}


def write(path, cases):
    with open(path, "w") as f:
        json.dump({"generator": "tools/golden/gen_seq_int.py", "torch": torch.__version__, "cases": cases}, f)
    print("wrote", path)


def main():
    autograd = {
        "argmax": [argmax_case("argmax_d0", (4, 5, 6), 0, False),
                   argmax_case("argmax_d1_keep", (4, 5, 6), 1, True),
                   argmax_case("argmax_last", (4, 5, 6), -1, False),
                   argmax_case("argmax_2d", (7, 3), 1, False)],
        "masked": [masked_case("masked_bool_bcast", (2, 3, 4), (3, 4), False, -1e9),
                   masked_case("masked_float_bcast", (2, 3, 4), (2, 1, 4), True, 2.5),
                   masked_case("masked_full", (5, 6), (5, 6), False, 0.0)],
    }
    nn_cases = {
        "ce": [ce_case("ce_ntc_plain", (3, 5, 7), None, 0.0),
               ce_case("ce_ntc_default_ignore", (3, 5, 7), -100, 0.3, 1.7),
               ce_case("ce_ntc_ignore0", (4, 6, 5), 0, 0.25, 0.5),
               ce_case("ce_nc", (9, 4), None, 0.0),
               ce_case("ce_4d_ignore", (2, 3, 2, 5), 3, 0.3, 2.0)],
        "emb": [emb_case("emb_nt", 10, 4, (3, 5)),
                emb_case("emb_nt_small", 3, 6, (4, 7))],
    }
    write(AUTOGRAD_OUT, autograd)
    write(NN_OUT, nn_cases)


if __name__ == "__main__":
    main()
