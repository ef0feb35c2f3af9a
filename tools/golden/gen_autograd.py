#!/usr/bin/python3
"""Golden values for jgrad's autograd ops, computed by PyTorch (1.13) in float32.

For every case: the inputs, the forward output, fixed weights w of the output's shape,
and the gradient of sum(out * w) with respect to every input that requires one.
Each case seeds its own generator from its name, so adding a case leaves the others as
they were. Non-finite numbers (log(0) = -inf) are written as JSON's -Infinity/NaN.

Run from the repository root:
    /usr/bin/python3 tools/golden/gen_autograd.py
Writes autograd/src/test/resources/golden/autograd.json, read by OpGoldenTest.
"""
import json
import os
import zlib

import torch

OUT = os.path.join("autograd", "src", "test", "resources", "golden", "autograd.json")

# The shapes every broadcasting binary op is tried on (NumPy rules, scalars included).
BROADCAST_PAIRS = [
    ([2, 3], [2, 3]),
    ([2, 3], [3]),
    ([3], [2, 3]),
    ([2, 1], [1, 3]),
    ([4, 1], [3]),
    ([2, 3, 4], [3, 1]),
    ([2, 3], []),
    ([], [2, 3]),
    ([1], []),
]


def normal(shape):
    return torch.randn(shape, dtype=torch.float32)


def positive(shape):
    return normal(shape).abs() + 0.5


def away_from_zero(shape):
    x = normal(shape)
    return torch.where(x < 0, x - 0.5, x + 0.5)


def fixed(values, shape):
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def large_logits(shape):
    """Logits around +-1000, where a naive exp overflows."""
    sign = torch.where(torch.rand(shape) < 0.5, -1.0, 1.0)
    return 1000.0 * sign + 2.0 * normal(shape)


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}

UNARY = {
    "neg": (torch.neg, normal),
    "exp": (torch.exp, normal),
    "log": (torch.log, positive),
    "relu": (torch.relu, normal),
    "sigmoid": (torch.sigmoid, normal),
    "tanh": (torch.tanh, normal),
}


def spec():
    """(name, op, args, [(make_input, shape, requires_grad)], fn) for every case."""
    cases = []
    for op, fn in BINARY.items():
        right = away_from_zero if op == "div" else normal
        for sa, sb in BROADCAST_PAIRS:
            name = f"{op}_{sa}_{sb}".replace(" ", "")
            cases.append((name, op, {}, [(normal, sa, True), (right, sb, True)], fn))
        cases.append((f"{op}_constant_right", op, {}, [(normal, [2, 3], True), (right, [3], False)], fn))
        cases.append((f"{op}_constant_left", op, {}, [(normal, [3], False), (right, [2, 3], True)], fn))

    cases.append(("matmul_3x4_4x5", "matmul", {}, [(normal, [3, 4], True), (normal, [4, 5], True)], torch.matmul))
    cases.append(("matmul_1x4_4x1", "matmul", {}, [(normal, [1, 4], True), (normal, [4, 1], True)], torch.matmul))
    cases.append(("matmul_constant_right", "matmul", {}, [(normal, [2, 3], True), (normal, [3, 2], False)], torch.matmul))

    for op, (fn, make) in UNARY.items():
        cases.append((f"{op}_2x3", op, {}, [(make, [2, 3], True)], fn))
        cases.append((f"{op}_scalar", op, {}, [(make, [], True)], fn))
    # log(0) = -inf and log(-1) = NaN as in PyTorch; the gradient is w / x there too
    cases.append(("log_zero_and_negative", "log", {},
                  [(lambda s: fixed([0.0, -1.0, 1.0, 2.5], s), [4], True)], torch.log))
    # relu's gradient at exactly 0 is 0
    cases.append(("relu_with_zeros", "relu", {},
                  [(lambda s: fixed([-1.0, 0.0, 0.0, 2.0, -0.5, 3.0], s), [2, 3], True)], torch.relu))

    for p, make in [(2.0, normal), (3.0, normal), (0.5, positive), (-1.5, positive), (0.0, normal), (1.0, normal)]:
        cases.append((f"pow_{p}", "pow", {"p": p}, [(make, [2, 3], True)], lambda x, p=p: torch.pow(x, p)))
    cases.append(("pow_2.0_with_zero", "pow", {"p": 2.0},
                  [(lambda s: fixed([0.0, 1.5, -2.0], s), [3], True)], lambda x: torch.pow(x, 2.0)))

    cases.append(("add_scalar", "add_scalar", {"s": 0.75}, [(normal, [2, 3], True)], lambda x: x + 0.75))
    cases.append(("mul_scalar", "mul_scalar", {"s": -1.25}, [(normal, [2, 3], True)], lambda x: x * -1.25))

    for op, fn in [("sum", torch.sum), ("mean", torch.mean)]:
        cases.append((f"{op}_all_2x3x4", f"{op}_all", {}, [(normal, [2, 3, 4], True)], fn))
        cases.append((f"{op}_all_scalar", f"{op}_all", {}, [(normal, [], True)], fn))
        for shape, axis, keep in [([2, 3, 4], 0, False), ([2, 3, 4], 1, True), ([2, 3, 4], -1, False),
                                  ([2, 3], 1, False), ([2, 3], 0, True), ([5], 0, False), ([5], 0, True)]:
            cases.append((f"{op}_{shape}_axis{axis}_keep{keep}".replace(" ", ""), op,
                          {"axis": axis, "keepDims": keep}, [(normal, shape, True)],
                          lambda x, fn=fn, axis=axis, keep=keep: fn(x, dim=axis, keepdim=keep)))

    for src, dst in [([2, 3, 4], [4, 6]), ([2, 3, 4], [-1, 4]), ([6], [2, 3]), ([2, 3], [6])]:
        cases.append((f"reshape_{src}_to_{dst}".replace(" ", ""), "reshape", {"shape": dst},
                      [(normal, src, True)], lambda x, dst=dst: x.reshape(dst)))
    cases.append(("transpose_3x5", "transpose", {}, [(normal, [3, 5], True)], lambda x: x.t()))

    for op, fn in [("softmax", torch.softmax), ("logSoftmax", torch.log_softmax)]:
        for axis in [0, 1, -1]:
            cases.append((f"{op}_3x4_axis{axis}", op, {"axis": axis}, [(normal, [3, 4], True)],
                          lambda x, fn=fn, axis=axis: fn(x, dim=axis)))
        cases.append((f"{op}_2x3x4_axis1", op, {"axis": 1}, [(normal, [2, 3, 4], True)],
                      lambda x, fn=fn: fn(x, dim=1)))
        cases.append((f"{op}_large_logits", op, {"axis": 1}, [(large_logits, [3, 5], True)],
                      lambda x, fn=fn: fn(x, dim=1)))
    cases += nd_cases()
    return cases


def with_ties(shape):
    """Small integers, so rows repeat their maximum and minimum (PyTorch picks the first)."""
    return torch.randint(-2, 3, shape).float()


def nd_cases():
    """The n-d tensor and image ops of issue 11."""
    import torch.nn.functional as F
    cases = []
    for d0, d1 in [(0, 1), (0, 2), (-1, -2)]:
        cases.append((f"transpose2_2x3x4_{d0}_{d1}", "transpose2", {"dim0": d0, "dim1": d1}, [(normal, [2, 3, 4], True)],
                      lambda x, d0=d0, d1=d1: x.transpose(d0, d1)))
    for dims in [[2, 0, 1], [0, 2, 1], [-1, 0, 1]]:
        cases.append((f"permute_{dims}".replace(" ", ""), "permute", {"dims": dims}, [(normal, [2, 3, 4], True)],
                      lambda x, dims=dims: x.permute(*dims)))
    for dim in [0, 1, 2, -1, -3]:
        cases.append((f"unsqueeze_3x4_{dim}", "unsqueeze", {"dim": dim}, [(normal, [3, 4], True)],
                      lambda x, dim=dim: x.unsqueeze(dim)))
    for dim in [1, -1, 0]:
        cases.append((f"squeeze_3x1x4x1_{dim}", "squeeze", {"dim": dim}, [(normal, [3, 1, 4, 1], True)],
                      lambda x, dim=dim: x.squeeze(dim)))
    for dim, start, length in [(0, 1, 2), (1, 0, 3), (-1, 2, 2), (1, -3, 2)]:
        cases.append((f"narrow_3x5x4_{dim}_{start}_{length}", "narrow", {"dim": dim, "start": start, "length": length},
                      [(normal, [3, 5, 4], True)], lambda x, d=dim, s=start, n=length: x.narrow(d, s, n)))
    cases.append(("cat_dim0", "cat", {"dim": 0}, [(normal, [2, 3], True), (normal, [1, 3], True), (normal, [4, 3], False)],
                  lambda *xs: torch.cat(xs, 0)))
    cases.append(("cat_dim_last", "cat", {"dim": -1}, [(normal, [2, 3, 1], True), (normal, [2, 3, 2], True)],
                  lambda *xs: torch.cat(xs, -1)))
    for dim in [0, 1, -1]:
        cases.append((f"stack_{dim}", "stack", {"dim": dim}, [(normal, [2, 3], True), (normal, [2, 3], True), (normal, [2, 3], True)],
                      lambda *xs, dim=dim: torch.stack(xs, dim)))
    cases.append(("abs_2x3", "abs", {}, [(lambda s: fixed([-1.5, 0.0, 2.0, -0.25, 3.0, 0.0], s), [2, 3], True)], torch.abs))
    cases.append(("sqrt_2x3", "sqrt", {}, [(positive, [2, 3], True)], torch.sqrt))
    cases.append(("sin_2x3", "sin", {}, [(normal, [2, 3], True)], torch.sin))
    cases.append(("cos_2x3", "cos", {}, [(normal, [2, 3], True)], torch.cos))
    cases.append(("clamp_bounds_inclusive", "clamp", {"min": -0.5, "max": 1.0},
                  [(lambda s: fixed([-2.0, -0.5, 0.0, 0.75, 1.0, 3.0], s), [2, 3], True)], lambda x: x.clamp(-0.5, 1.0)))
    cases.append(("clamp_3x4", "clamp", {"min": -0.3, "max": 0.4}, [(normal, [3, 4], True)], lambda x: x.clamp(-0.3, 0.4)))
    for op in ["max", "min"]:
        for shape, dim, keep, make in [([3, 4], 1, False, normal), ([3, 4], 0, True, normal), ([2, 3, 4], -1, False, normal),
                                       ([2, 3, 4], 1, True, normal), ([4, 5], 1, False, with_ties)]:
            tag = "ties" if make is with_ties else "rand"
            cases.append((f"{op}_{shape}_dim{dim}_keep{keep}_{tag}".replace(" ", ""), op, {"dim": dim, "keepDims": keep},
                          [(make, shape, True)], lambda x, op=op, dim=dim, keep=keep: getattr(torch, op)(x, dim, keep)[0]))
    for sa, sb in [([2, 3, 4], [2, 4, 5]), ([2, 3, 4], [4, 5]), ([3, 4], [2, 4, 5]), ([2, 1, 3, 4], [3, 4, 2])]:
        cases.append((f"matmul_{sa}_{sb}".replace(" ", ""), "matmul", {}, [(normal, sa, True), (normal, sb, True)], torch.matmul))
    cases.append(("gelu_3x4", "gelu", {}, [(lambda s: normal(s) * 3, [3, 4], True)], F.gelu))
    conv = [("conv2d_basic", [2, 3, 6, 5], [4, 3, 3, 3], True, 1, 0, 1, 1),
            ("conv2d_stride2_pad1", [2, 3, 7, 6], [4, 3, 3, 3], True, 2, 1, 1, 1),
            ("conv2d_nobias_pad2_k5", [1, 2, 6, 6], [3, 2, 5, 5], False, 1, 2, 1, 1),
            ("conv2d_dilation2", [2, 2, 8, 7], [3, 2, 3, 3], True, 1, 1, 2, 1),
            ("conv2d_groups2", [2, 4, 5, 5], [6, 2, 3, 3], True, 1, 1, 1, 2),
            ("conv2d_1x1", [3, 5, 4, 4], [2, 5, 1, 1], True, 1, 0, 1, 1)]
    for name, xs, ws, bias, st, pad, dil, gr in conv:
        ins = [(normal, xs, True), (normal, ws, True)] + ([(normal, [ws[0]], True)] if bias else [])
        cases.append((name, "conv2d", {"stride": st, "padding": pad, "dilation": dil, "groups": gr}, ins,
                      lambda x, w, b=None, st=st, pad=pad, dil=dil, gr=gr: F.conv2d(x, w, b, st, pad, dil, gr)))
    for name, xs, k, st, pad in [("maxpool_2", [2, 3, 6, 6], 2, 2, 0), ("maxpool_3_s2_p1", [2, 2, 7, 7], 3, 2, 1),
                                 ("maxpool_2_s1", [1, 2, 5, 4], 2, 1, 0)]:
        cases.append((name, "maxPool2d", {"kernel": k, "stride": st, "padding": pad}, [(normal, xs, True)],
                      lambda x, k=k, st=st, pad=pad: F.max_pool2d(x, k, st, pad)))
        cases.append((name.replace("max", "avg"), "avgPool2d", {"kernel": k, "stride": st, "padding": pad},
                      [(normal, xs, True)], lambda x, k=k, st=st, pad=pad: F.avg_pool2d(x, k, st, pad)))
    cases.append(("maxpool_ties_after_relu", "maxPool2d", {"kernel": 2, "stride": 2, "padding": 0},
                  [(lambda s: with_ties(s).relu(), [1, 2, 4, 4], True)], lambda x: F.max_pool2d(x, 2, 2, 0)))
    return cases


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def run(name, op, args, inputs, fn):
    torch.manual_seed(zlib.crc32(name.encode()))
    xs = [make(shape).detach().requires_grad_(rg) for make, shape, rg in inputs]
    out = fn(*xs)
    w = torch.rand(out.shape, dtype=torch.float32) * 2 - 1
    (out * w).sum().backward()
    return {
        "name": name,
        "op": op,
        "args": args,
        "inputs": [dict(tensor_json(x), requiresGrad=x.requires_grad) for x in xs],
        "output": tensor_json(out),
        "weights": tensor_json(w),
        "grads": [tensor_json(x.grad) if x.requires_grad else None for x in xs],
    }


def main():
    torch.set_num_threads(1)
    cases = [run(*c) for c in spec()]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    header = {"generator": "tools/golden/gen_autograd.py", "torch": torch.__version__,
              "loss": "sum(output * weights)"}
    with open(OUT, "w") as f:  # one case per line keeps diffs readable
        f.write(json.dumps(header)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
