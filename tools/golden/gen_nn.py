#!/usr/bin/python3
"""Golden values for the jgrad nn module, computed with PyTorch (float32, CPU).

Run:  /usr/bin/python3 tools/golden/gen_nn.py
Writes nn/src/test/resources/golden/nn.json. Every tensor is {"shape": [...], "data": [...]}
(row-major). Inputs are generated here with a fixed seed and stored, so the Java tests feed
PyTorch's exact inputs and compare outputs and gradients.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "nn", "src", "test", "resources", "golden", "nn.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": [float(v) for v in x.double().reshape(-1).tolist()]}


def leaf(*shape, scale=1.0, shift=0.0):
    return (torch.randn(*shape) * scale + shift).requires_grad_(True)


cases = {}

# ---- Linear: y = x W^T + b and gradients of sum(y * gout)
lin = nn.Linear(5, 3)
x = leaf(4, 5)
y = lin(x)
gout = torch.randn(4, 3)
(y * gout).sum().backward()
cases["linear"] = {"x": t(x), "weight": t(lin.weight), "bias": t(lin.bias), "gout": t(gout), "y": t(y),
                   "dx": t(x.grad), "dweight": t(lin.weight.grad), "dbias": t(lin.bias.grad)}


# ---- BatchNorm1d, one training step, affine with non-trivial weight/bias
def bn_train_case(affine, momentum):
    bn = nn.BatchNorm1d(4, affine=affine, momentum=momentum)
    if affine:
        with torch.no_grad():
            bn.weight.copy_(torch.randn(4))
            bn.bias.copy_(torch.randn(4))
    x = leaf(6, 4, scale=3.0, shift=1.5)
    y = bn(x)
    gout = torch.randn(6, 4)
    (y * gout).sum().backward()
    c = {"x": t(x), "gout": t(gout), "y": t(y), "dx": t(x.grad),
         "running_mean": t(bn.running_mean), "running_var": t(bn.running_var),
         "num_batches_tracked": int(bn.num_batches_tracked)}
    if affine:
        c.update({"weight": t(bn.weight), "bias": t(bn.bias), "dweight": t(bn.weight.grad), "dbias": t(bn.bias.grad)})
    return c


cases["batchnorm_train"] = bn_train_case(True, 0.1)
cases["batchnorm_train_noaffine"] = bn_train_case(False, 0.1)


# ---- BatchNorm1d, several training steps, then evaluation with gradients
def bn_steps_case(momentum):
    gen = torch.Generator().manual_seed(99)
    bn = nn.BatchNorm1d(3, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([0.5, -1.0, 2.0]))
        bn.bias.copy_(torch.tensor([0.1, 0.2, -0.3]))
    batches = [torch.randn(5, 3, generator=gen) * 2 + 1 for _ in range(4)]
    for b in batches:
        bn(b)
    bn.eval()
    xe = (torch.randn(4, 3, generator=gen) * 2).requires_grad_(True)
    ye = bn(xe)
    gout = torch.randn(4, 3, generator=gen)
    (ye * gout).sum().backward()
    return {"batches": [t(b) for b in batches], "running_mean": t(bn.running_mean), "running_var": t(bn.running_var),
            "num_batches_tracked": int(bn.num_batches_tracked), "weight": t(bn.weight), "bias": t(bn.bias),
            "x_eval": t(xe), "gout": t(gout), "y_eval": t(ye), "dx": t(xe.grad), "dweight": t(bn.weight.grad),
            "dbias": t(bn.bias.grad)}


cases["batchnorm_steps"] = bn_steps_case(0.1)
cases["batchnorm_steps_cumulative"] = bn_steps_case(None)


# ---- cross entropy family
def ce_case(logits, targets, weight=None, smoothing=0.0):
    logits = logits.clone().requires_grad_(True)
    w = None if weight is None else torch.tensor(weight)
    loss = F.cross_entropy(logits, torch.tensor(targets), weight=w, label_smoothing=smoothing)
    loss.backward()
    return {"logits": t(logits), "targets": targets, "weights": weight, "smoothing": smoothing,
            "loss": float(loss), "dlogits": t(logits.grad)}


logits = torch.randn(6, 5) * 3
targets = [0, 3, 4, 1, 3, 2]
weights = [0.5, 2.0, 1.0, 3.0, 0.25]
cases["ce"] = ce_case(logits, targets)
cases["ce_weighted"] = ce_case(logits, targets, weights)
cases["ce_smoothing"] = ce_case(logits, targets, None, 0.2)
cases["ce_weighted_smoothing"] = ce_case(logits, targets, weights, 0.15)
cases["ce_large_logits"] = ce_case(torch.tensor([[1000.0, -1000.0, 500.0], [-800.0, 0.0, 800.0]]), [2, 0])

# ---- mse (gradients for both arguments)
p = leaf(3, 4)
q = leaf(3, 4)
loss = F.mse_loss(p, q)
loss.backward()
cases["mse"] = {"prediction": t(p), "target": t(q), "loss": float(loss), "dprediction": t(p.grad), "dtarget": t(q.grad)}

# ---- bce with logits, including large magnitudes and soft targets
x = torch.randn(3, 4) * 4
x[0, 0] = 60.0
x[0, 1] = -60.0
x = x.requires_grad_(True)
yb = torch.rand(3, 4)
yb[1, :] = torch.tensor([0.0, 1.0, 1.0, 0.0])
yb = yb.requires_grad_(True)
loss = F.binary_cross_entropy_with_logits(x, yb)
loss.backward()
cases["bce"] = {"logits": t(x), "targets": t(yb), "loss": float(loss), "dlogits": t(x.grad), "dtargets": t(yb.grad)}

# ---- kl_div batchmean, one target probability exactly 0
inp = F.log_softmax(torch.randn(4, 5), dim=1).detach().requires_grad_(True)
tgt = F.softmax(torch.randn(4, 5) * 2, dim=1)
tgt[2, 1] = 0.0
tgt = (tgt / tgt.sum(1, keepdim=True)).detach().requires_grad_(True)
loss = F.kl_div(inp, tgt, reduction="batchmean")
loss.backward()
# PyTorch 1.13 back-propagates NaN into the target where target == 0 (0 * log 0 in autograd);
# jgrad defines the masked term's derivative there as 0, so the golden holds 0 at those places.
dtarget = tgt.grad.clone()
nan_at = torch.isnan(dtarget)
assert torch.equal(nan_at, tgt.detach() == 0)
dtarget[nan_at] = 0.0
cases["kl"] = {"input": t(inp), "target": t(tgt), "loss": float(loss), "dinput": t(inp.grad), "dtarget": t(dtarget),
               "pytorch_nan_in_dtarget_at": torch.nonzero(nan_at.reshape(-1)).reshape(-1).tolist()}


# ---- distillation: alpha*T^2*KL(softmax(t/T) || softmax(s/T)) + (1-alpha)*CE(s, y)
def distill_case(alpha, temperature, with_targets=True):
    s = (torch.randn(6, 5) * 2).requires_grad_(True)
    te = (torch.randn(6, 5) * 3).requires_grad_(True)
    y = [1, 0, 4, 4, 2, 3]
    soft = F.kl_div(F.log_softmax(s / temperature, dim=1), F.softmax(te.detach() / temperature, dim=1),
                    reduction="batchmean")
    loss = alpha * temperature ** 2 * soft
    if with_targets:
        loss = loss + (1 - alpha) * F.cross_entropy(s, torch.tensor(y))
    loss.backward()
    assert te.grad is None
    return {"student": t(s), "teacher": t(te), "targets": y if with_targets else None, "alpha": alpha,
            "temperature": temperature, "loss": float(loss), "dstudent": t(s.grad)}


cases["distill"] = distill_case(0.9, 4.0)
cases["distill_alpha0"] = distill_case(0.0, 2.0)
cases["distill_soft_only"] = distill_case(1.0, 3.0, with_targets=False)

# ---- LeakyReLU (gradient at exactly 0 included)
for slope in (0.01, 0.2):
    x = torch.tensor([[-2.0, -0.5, 0.0, 0.5], [3.0, 0.0, -1e-3, 7.0]], requires_grad=True)
    y = F.leaky_relu(x, slope)
    gout = torch.randn(2, 4)
    (y * gout).sum().backward()
    cases["leaky_relu_%g" % slope] = {"slope": slope, "x": t(x), "gout": t(gout), "y": t(y), "dx": t(x.grad)}

# ---- L1 / L2 penalties: lambda*sum|w|, lambda*sum w^2
ws = [leaf(3, 4), leaf(5)]
with torch.no_grad():
    ws[1][2] = 0.0
lam = 0.03
l1 = lam * sum(w.abs().sum() for w in ws)
l1.backward()
g1 = [t(w.grad) for w in ws]
for w in ws:
    w.grad = None
l2 = lam * sum((w * w).sum() for w in ws)
l2.backward()
cases["penalties"] = {"params": [t(w) for w in ws], "lambda": lam, "l1": float(l1), "l2": float(l2),
                      "dl1": g1, "dl2": [t(w.grad) for w in ws]}

# ---- repr strings
cases["repr"] = {
    "mlp": repr(nn.Sequential(nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.3),
                              nn.Linear(256, 10))),
    "misc": repr(nn.Sequential(nn.Flatten(), nn.LeakyReLU(), nn.Sigmoid(), nn.Tanh(), nn.Softmax(dim=1),
                               nn.LogSoftmax(dim=1), nn.Linear(3, 2, bias=False),
                               nn.BatchNorm1d(7, eps=1e-3, momentum=None, affine=False),
                               nn.Sequential(nn.ReLU(), nn.Dropout(0.5)))),
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
print("wrote", os.path.abspath(OUT))
