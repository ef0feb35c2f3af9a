#!/usr/bin/python3
"""Golden values for jgrad's n-d and image layers (issue 11), computed with PyTorch in float32.

Every case names a layer and its constructor arguments; it stores the layer's state dict
before anything runs, optional warm-up batches run in training mode (forward only: they move
BatchNorm's running statistics), then one forward in the case's mode with the input x, the
output y, and the gradients of sum(y * gout) for x and every parameter, and the state dict
afterwards. Each case seeds its own generator from its name, so adding one leaves the others.

Run from the repository root:
    /usr/bin/python3 tools/golden/gen_layers_nd.py
Writes nn/src/test/resources/golden/layers_nd.json, read by LayersNdGoldenTest.
"""
import json
import os
import zlib

import torch
import torch.nn as nn

OUT = os.path.join("nn", "src", "test", "resources", "golden", "layers_nd.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": [float(v) for v in x.double().reshape(-1).tolist()]}


def case(name, layer, make, args, x_shape, mode="train", warmup=0, indices=None, scale=1.0, shift=0.0):
    torch.manual_seed(zlib.crc32(name.encode()))
    m = make()
    with torch.no_grad():  # non-trivial affine parameters, so their gradients are tested
        for pname, p in m.named_parameters():
            if pname in ("weight", "bias") and layer in ("BatchNorm2d", "LayerNorm"):
                p.copy_(torch.randn(p.shape))
    state = {k: t(v) for k, v in m.state_dict().items()}
    batches = [torch.randn(x_shape) * scale + shift for _ in range(warmup)]
    m.train()
    with torch.no_grad():
        for b in batches:
            m(b)
    m.train(mode == "train")
    if indices is not None:
        x = torch.tensor(indices)
        y = m(x)
    else:
        x = (torch.randn(x_shape) * scale + shift).requires_grad_(True)
        y = m(x)
    gout = torch.randn(y.shape)
    (y * gout).sum().backward()
    return {"name": name, "layer": layer, "args": args, "mode": mode, "state": state,
            "batches": [t(b) for b in batches],
            "x": {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]},
            "y": t(y), "gout": t(gout), "dx": None if indices is not None else t(x.grad),
            "grads": {k: t(p.grad) for k, p in m.named_parameters()},
            "stateAfter": {k: t(v) for k, v in m.state_dict().items()}}


def cases():
    out = []
    for name, mom, affine, mode, warm in [("bn2d_train", 0.1, True, "train", 0), ("bn2d_noaffine", 0.1, False, "train", 0),
                                          ("bn2d_steps_eval", 0.1, True, "eval", 3),
                                          ("bn2d_cumulative_eval", None, True, "eval", 3),
                                          ("bn2d_steps_train", 0.1, True, "train", 2)]:
        out.append(case(name, "BatchNorm2d", lambda mom=mom, affine=affine: nn.BatchNorm2d(3, momentum=mom, affine=affine),
                        {"channels": 3, "momentum": mom, "affine": affine}, [4, 3, 5, 4], mode, warm, scale=2.0, shift=0.5))
    out.append(case("layernorm_2d", "LayerNorm", lambda: nn.LayerNorm(6), {"size": 6}, [4, 6], scale=2.0, shift=1.0))
    out.append(case("layernorm_3d", "LayerNorm", lambda: nn.LayerNorm(5), {"size": 5}, [2, 3, 5]))
    for name, a in [("conv2d_module", dict(i=3, o=4, k=3, s=1, p=1, d=1, g=1)),
                    ("conv2d_module_stride2", dict(i=2, o=3, k=3, s=2, p=0, d=1, g=1)),
                    ("conv2d_module_groups", dict(i=4, o=4, k=3, s=1, p=1, d=2, g=2))]:
        out.append(case(name, "Conv2d", lambda a=a: nn.Conv2d(a["i"], a["o"], a["k"], a["s"], a["p"], a["d"], a["g"]), a,
                        [2, a["i"], 7, 6]))
    out.append(case("linear_3d", "Linear", lambda: nn.Linear(5, 3), {"in": 5, "out": 3}, [2, 4, 5]))
    out.append(case("linear_1d", "Linear", lambda: nn.Linear(5, 3), {"in": 5, "out": 3}, [5]))
    out.append(case("embedding", "Embedding", lambda: nn.Embedding(7, 4), {"num": 7, "dim": 4}, None,
                    indices=[[1, 3, 3], [0, 6, 1]]))
    out.append(case("maxpool2d_module", "MaxPool2d", lambda: nn.MaxPool2d(2), {"k": 2}, [2, 3, 6, 5]))
    out.append(case("avgpool2d_module", "AvgPool2d", lambda: nn.AvgPool2d(2), {"k": 2}, [2, 3, 6, 4]))
    out.append(case("adaptive_avgpool", "AdaptiveAvgPool2d", lambda: nn.AdaptiveAvgPool2d(1), {}, [2, 3, 4, 5]))
    out.append(case("flatten_4d", "Flatten", lambda: nn.Flatten(), {}, [2, 3, 4, 5]))
    out.append(case("gelu_module", "GELU", lambda: nn.GELU(), {}, [3, 4], scale=3.0))
    out.append(case("dropout_eval_4d", "Dropout", lambda: nn.Dropout(0.5), {"p": 0.5}, [2, 3, 2, 2], mode="eval"))
    return out


def main():
    torch.set_num_threads(1)
    cs = cases()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:  # one case per line keeps diffs readable
        f.write(json.dumps({"generator": "tools/golden/gen_layers_nd.py", "torch": torch.__version__})[:-1]
                + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in cs))
        f.write("\n]}\n")
    print(f"wrote {len(cs)} cases to {OUT}")


if __name__ == "__main__":
    main()
