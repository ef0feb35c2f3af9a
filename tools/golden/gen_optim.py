#!/usr/bin/env python3
"""Golden values for module optim (PyTorch 1.13): optimizer trajectories, scheduler lr
sequences and gradient clipping.

Run: /usr/bin/python3 tools/golden/gen_optim.py  -> optim/src/test/resources/golden/optim.json

Optimizers: a 4->5->tanh->3 MLP in float32 with fixed initial weights, a fixed batch of 8
and cross-entropy loss; each case runs STEPS steps (zero_grad, forward, backward, step) and
records the loss before every step and the final weights. Schedulers: the lr after the
constructor and after each of 30 step() calls. Single-tensor (foreach=False) code paths.
"""
import json
import os

import torch

torch.manual_seed(0)
STEPS = 25
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "optim", "src", "test", "resources", "golden", "optim.json")


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


g = torch.Generator().manual_seed(1234)
init = {
    "w1": torch.randn(5, 4, generator=g) * 0.5,
    "b1": torch.randn(5, generator=g) * 0.1,
    "w2": torch.randn(3, 5, generator=g) * 0.5,
    "b2": torch.randn(3, generator=g) * 0.1,
}
x = torch.randn(8, 4, generator=g)
y = torch.tensor([0, 2, 1, 1, 0, 2, 2, 1])


def model():
    return {k: v.clone().requires_grad_(True) for k, v in init.items()}


def loss_of(p):
    h = torch.tanh(x @ p["w1"].t() + p["b1"])
    z = h @ p["w2"].t() + p["b2"]
    return torch.nn.functional.cross_entropy(z, y)


def run(make_opt, skip_b2=False):
    p = model()
    opt = make_opt(p)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_of(p)
        losses.append(float(loss))
        loss.backward()
        if skip_b2:
            p["b2"].grad = None
        opt.step()
    return {"losses": losses, "final": {k: flat(v) for k, v in p.items()}}


def all_params(p):
    return [p["w1"], p["b1"], p["w2"], p["b2"]]


O = torch.optim
cases = {}
# name: (torch optimizer, kwargs); the Java test maps kwargs to builder setters by name
single = {
    "gd": ("SGD", {"lr": 0.1}),
    "sgd": ("SGD", {"lr": 0.1}),
    "sgd_momentum": ("SGD", {"lr": 0.1, "momentum": 0.9}),
    "sgd_dampening": ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    "sgd_nesterov": ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    "sgd_weight_decay": ("SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.05}),
    "adagrad": ("Adagrad", {}),
    "adagrad_lr_decay": ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    "adagrad_initial_accumulator_value": ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    "adagrad_weight_decay": ("Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    "adagrad_eps0": ("Adagrad", {"lr": 0.1, "eps": 0.0}),
    "rmsprop": ("RMSprop", {}),
    "rmsprop_alpha": ("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    "rmsprop_momentum": ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    "rmsprop_centered": ("RMSprop", {"lr": 0.01, "centered": True}),
    "rmsprop_centered_momentum": ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    "rmsprop_weight_decay": ("RMSprop", {"lr": 0.01, "weight_decay": 0.1}),
    "adam": ("Adam", {"lr": 0.01}),
    "adam_default": ("Adam", {}),
    "adam_betas": ("Adam", {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6}),
    "adam_weight_decay": ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    "adam_amsgrad": ("Adam", {"lr": 0.01, "amsgrad": True}),
    "adamw": ("AdamW", {"lr": 0.01}),
    "adamw_amsgrad": ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
}
for name, (cls, kw) in single.items():
    tkw = {k: (tuple(v) if k == "betas" else v) for k, v in kw.items()}
    tkw["foreach"] = False
    res = run(lambda p, cls=cls, tkw=tkw: getattr(O, cls)(all_params(p), **tkw))
    res.update({"optimizer": "GD" if name == "gd" else cls, "options": kw})
    cases[name] = res

# a parameter whose grad is None is skipped (its momentum state stays absent)
res = run(lambda p: O.SGD(all_params(p), lr=0.1, momentum=0.9, foreach=False), skip_b2=True)
res.update({"optimizer": "SGD", "options": {"lr": 0.1, "momentum": 0.9}, "skip_b2": True})
cases["sgd_skip_none_grad"] = res

# parameter groups: layer 1 and layer 2 with their own options
groups = {
    "sgd_groups": ("SGD", {"lr": 0.1, "momentum": 0.9}, {"lr": 0.02, "momentum": 0.5}),
    "adam_groups": ("Adam", {"lr": 0.01}, {"lr": 0.003, "weight_decay": 0.1, "amsgrad": True}),
}
for name, (cls, kw, kw2) in groups.items():
    def make(p, cls=cls, kw=kw, kw2=kw2):
        return getattr(O, cls)([{"params": [p["w1"], p["b1"]]}, {"params": [p["w2"], p["b2"]], **kw2}], foreach=False, **kw)
    res = run(make)
    res.update({"optimizer": cls, "options": kw, "group2": kw2})
    cases[name] = res

# ---------------------------------------------------------------- schedulers
S = torch.optim.lr_scheduler


def lr_sequence(make, lrs=(0.1,), steps=30, metrics=None):
    ps = [torch.zeros(1, requires_grad=True) for _ in lrs]
    opt = O.SGD([{"params": [p], "lr": lr} for p, lr in zip(ps, lrs)], lr=lrs[0])
    sched = make(opt)
    seq = [[g["lr"] for g in opt.param_groups]]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        seq.append([g["lr"] for g in opt.param_groups])
    return seq


plateau_metrics = [1.0, 0.9, 0.95, 0.91, 0.92, 0.8, 0.85, 0.85, 0.85, 0.84, 0.7, 0.71, 0.72, 0.73, 0.74,
                   0.69, 0.695, 0.7, 0.71, 0.5, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.4, 0.41, 0.42, 0.43]
schedulers = {
    "step": lr_sequence(lambda o: S.StepLR(o, 3, 0.5)),
    "step_groups": lr_sequence(lambda o: S.StepLR(o, 4, 0.3), lrs=(0.1, 0.02)),
    "multistep": lr_sequence(lambda o: S.MultiStepLR(o, [5, 12, 12, 20], 0.3)),
    "exponential": lr_sequence(lambda o: S.ExponentialLR(o, 0.9)),
    "linear_decay": lr_sequence(lambda o: S.LinearLR(o, 1.0, 0.0, 10)),
    "linear_warmup": lr_sequence(lambda o: S.LinearLR(o, 1.0 / 3, 1.0, 5)),
    "cosine": lr_sequence(lambda o: S.CosineAnnealingLR(o, 10, 0.001)),
    "cosine_groups": lr_sequence(lambda o: S.CosineAnnealingLR(o, 7, 0.0), lrs=(0.1, 0.05)),
    "lambda": lr_sequence(lambda o: S.LambdaLR(o, lambda e: 0.95 ** e)),
    "sequential_warmup_cosine": lr_sequence(
        lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.1, 1.0, 5), S.CosineAnnealingLR(o, 20, 0.0)], [5])),
    "sequential_three": lr_sequence(
        lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.25, 1.0, 4), S.ExponentialLR(o, 0.9), S.StepLR(o, 5, 0.5)], [4, 15])),
    "plateau_min": lr_sequence(lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=0.01,
                                                             cooldown=1, min_lr=0.01), metrics=plateau_metrics),
    "plateau_max_abs": lr_sequence(lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.1, patience=1, threshold=0.05,
                                                                 threshold_mode="abs", min_lr=1e-4),
                                   metrics=[-m for m in plateau_metrics]),
    "plateau_default": lr_sequence(lambda o: S.ReduceLROnPlateau(o), metrics=plateau_metrics, lrs=(0.1, 0.05)),
}

# ---------------------------------------------------------------- clipping
gc = torch.Generator().manual_seed(99)
grads = [torch.randn(5, 4, generator=gc), torch.randn(5, generator=gc) * 3, torch.randn(3, 5, generator=gc)]


def clip(fn):
    ps = [torch.zeros_like(t, requires_grad=True) for t in grads]
    for p, t in zip(ps, grads):
        p.grad = t.clone()
    total = fn(ps)
    return {"total": None if total is None else float(total), "grads": [flat(p.grad) for p in ps]}


clipping = {
    "grads": [flat(t) for t in grads],
    "shapes": [list(t.shape) for t in grads],
    "norm_l2": clip(lambda ps: torch.nn.utils.clip_grad_norm_(ps, 1.0)),
    "norm_l2_large": clip(lambda ps: torch.nn.utils.clip_grad_norm_(ps, 100.0)),
    "norm_inf": clip(lambda ps: torch.nn.utils.clip_grad_norm_(ps, 0.5, float("inf"))),
    "value": clip(lambda ps: torch.nn.utils.clip_grad_value_(ps, 0.3)),
}

out = {
    "torch": torch.__version__,
    "steps": STEPS,
    "init": {k: flat(v) for k, v in init.items()},
    "x": flat(x),
    "y": y.tolist(),
    "optimizers": cases,
    "schedulers": schedulers,
    "plateau_metrics": plateau_metrics,
    "clipping": clipping,
}
with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(OUT))
