"""Fits the coefficients of the cpu backend's float32 GELU (core-tensor GeluFloat.java) and checks
the kernel's float32 arithmetic, emulated op by op in numpy, against a double reference.

    /work/venv-torch213/bin/python tools/fit/gelu_float.py      (needs numpy and mpmath)

With a = min(|x|/sqrt(2), 4.5):
  e^(-a^2) = 1/(1+q), q = (e^(a^2/8) - 1) squared up three times as q <- q(2+q);
  e^v - 1 = v*P(v) on [0, 4.5^2/8], P of degree 8, P(0) = 1 (relative minimax, Lawson's method);
  erfc(a) = e^(-a^2) * N(a)/D(a), N, D of degree 4, N(0) = D(0) = 1 (relative minimax for erfcx).
Prints the coefficients as Java float literals and the worst errors of the emulated kernel over
[-10, 10], relative to max(1, |value|).
"""
import math

import mpmath
import numpy as np

f32 = np.float32
CLAMP = 4.5
SQUARINGS = 3
V_MAX = CLAMP * CLAMP / 2 ** SQUARINGS


def lawson(a, y, w0, iters=80):
    """Weighted least squares reweighted towards the minimax solution; w0 scales the error."""
    w = np.ones(len(y))
    for _ in range(iters):
        W = w * w0
        sol, *_ = np.linalg.lstsq(a * W[:, None], y * W, rcond=None)
        e = np.abs((a @ sol - y) * w0)
        w = w * (e / e.max() + 1e-4) ** 0.5
        w /= w.max()
    return sol


def fit_expm1():
    v = np.linspace(0, V_MAX, 20001)
    y = np.exp(v)
    a = np.stack([v ** k for k in range(2, 10)], 1)
    return np.concatenate([[1.0], lawson(a, y - 1 - v, 1 / y)])        # P(v) = 1 + c2 v + ... + c9 v^8


def fit_erfcx(n=4, m=4):
    a = np.linspace(0, CLAMP, 20001)
    y = np.array([float(mpmath.erfc(x) * mpmath.exp(x * x)) for x in a])
    w = np.ones_like(a)
    den = np.ones_like(a)
    for _ in range(40):
        cols = [a ** k for k in range(n + 1)] + [-y * a ** k for k in range(1, m + 1)]
        W = w / np.abs(den) / y
        sol, *_ = np.linalg.lstsq(np.stack(cols, 1) * W[:, None], y * W, rcond=None)
        num = np.polyval(sol[:n + 1][::-1], a)
        dc = np.concatenate([[1.0], sol[n + 1:]])
        den = np.polyval(dc[::-1], a)
        e = np.abs(num / den - y) / y
        w = w * (e / e.max() + 1e-4) ** 0.5
        w /= w.max()
    return sol[:n + 1], dc


def horner(cs, x):
    r = cs[-1]
    for c in cs[-2::-1]:
        r = (r * x + c).astype(f32)
    return r


def kernel(x, P, N, D):
    """GeluFloat's arithmetic in float32: (gelu, gelu')."""
    ax = np.abs(x)
    a = np.minimum((ax * f32(0.70710677)).astype(f32), f32(CLAMP))
    v = (a * a * f32(0.125)).astype(f32)
    q = (horner(P, v) * v).astype(f32)
    for _ in range(SQUARINGS):
        q = (q * (f32(2) + q)).astype(f32)
    gauss = (f32(1) / (f32(1) + q)).astype(f32)
    erfc = (gauss * (horner(N, a) / horner(D, a)).astype(f32)).astype(f32)
    x_clamp = f32(CLAMP * math.sqrt(2))
    y = (f32(0.5) * (x + ax) - f32(0.5) * np.minimum(ax, x_clamp) * erfc).astype(f32)
    s = np.maximum(np.minimum((x * f32(1e30)).astype(f32), f32(1)), f32(-1))
    cdf = ((f32(0.5) + f32(0.5) * s) - f32(0.5) * s * erfc).astype(f32)
    xc = np.maximum(np.minimum(x, x_clamp), -x_clamp)
    d = (cdf + f32(0.3989423) * xc * gauss).astype(f32)
    return y, d


def main():
    P = [f32(c) for c in fit_expm1()]
    n, d = fit_erfcx()
    N = [f32(c) for c in n]
    D = [f32(c) for c in d]
    N[0] = D[0] = f32(1)
    for name, cs in (("E", P), ("N", N), ("D", D)):
        for k, c in enumerate(cs):
            print(f"    private static final float {name}{k if name != 'E' else k + 1} = {float(c)!r}f;")
    x = np.linspace(-10, 10, 2000001).astype(f32)
    y, dy = kernel(x, P, N, D)
    xd = x.astype(np.float64)
    ref = np.array([0.5 * v * math.erfc(-v / math.sqrt(2)) for v in xd])
    dref = np.array([0.5 * math.erfc(-v / math.sqrt(2)) + v * math.exp(-v * v / 2) / math.sqrt(2 * math.pi)
                     for v in xd])
    print("gelu  max error / max(1,|gelu|): ", (np.abs(y - ref) / np.maximum(1, np.abs(ref))).max())
    print("gelu' max error / max(1,|gelu'|):", (np.abs(dy - dref) / np.maximum(1, np.abs(dref))).max())


if __name__ == "__main__":
    main()
