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
