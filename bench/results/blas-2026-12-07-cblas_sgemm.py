# Times cblas_sgemm of one shared library (argv[1]) on jgrad training-step shapes, row-major, at argv[2] threads;
# a last argument `halves` times the slabs jgrad hands each of two cores instead of the whole products
# (best of 5 x 300 calls after 50). Run: OPENBLAS_CORETYPE=SkylakeX python3 THIS libopenblas.so.0 1 [halves]
# MKL: MKL_THREADING_LAYER=GNU LD_LIBRARY_PATH=<redist dir> python3 THIS <redist dir>/libmkl_rt.so.2 1
import ctypes, sys, time, numpy as np, os
lib = ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)
th = int(sys.argv[2])
try:
    lib.openblas_set_num_threads(th)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    core = lib.openblas_get_corename().decode()
    lib.openblas_get_config.restype = ctypes.c_char_p
    cfg = lib.openblas_get_config().decode()
except Exception as e:
    core = cfg = str(e)
print(core, cfg)
RowMajor, NoT, T = 101, 111, 112
P = ctypes.POINTER(ctypes.c_float)
def sg(ta, tb, M, N, K):
    A = np.random.rand(*( (K, M) if ta == T else (M, K))).astype(np.float32)
    B = np.random.rand(*( (N, K) if tb == T else (K, N))).astype(np.float32)
    C = np.zeros((M, N), np.float32)
    lda = A.shape[1]; ldb = B.shape[1]
    args = (RowMajor, ta, tb, M, N, K, ctypes.c_float(1.0), A.ctypes.data_as(P), lda, B.ctypes.data_as(P), ldb, ctypes.c_float(0.0), C.ctypes.data_as(P), N)
    f = lib.cblas_sgemm
    for _ in range(50): f(*args)
    best = 1e9
    for r in range(5):
        n = 300
        t = time.perf_counter()
        for _ in range(n): f(*args)
        best = min(best, (time.perf_counter() - t) / n)
    return best
WHOLE = [("fwd1 NT",NoT,T,128,256,784),("fwd2 NT",NoT,T,128,128,256),("fwd3",NoT,T,128,10,128),
          ("dW1 TN",T,NoT,256,784,128),("dW2 TN",T,NoT,128,256,128),("dX2 NN",NoT,NoT,128,256,128),
          ("W2 fwd1",NoT,T,128,512,784),("W2 dW1",T,NoT,512,784,128),("W2 fwd2",NoT,T,128,256,512),("W2 dX2",NoT,NoT,128,512,256),
          ("sq512",NoT,NoT,512,512,512),("sq1024",NoT,NoT,1024,1024,1024)]
HALVES = [("h fwd1",NoT,T,128,128,784),("h dW1",T,NoT,128,784,128),("h W2fwd1",NoT,T,128,256,784),("h W2dW1",T,NoT,256,784,128),("h W2fwd2",NoT,T,128,128,512),("h W2dX2",NoT,NoT,64,512,256)]
shapes = HALVES if len(sys.argv) > 3 and sys.argv[3] == 'halves' else WHOLE
tot=0
for name, ta, tb, M, N, K in shapes:
    s = sg(ta, tb, M, N, K); print(f"{name:10s} {M}x{N}x{K}: {s*1e6:8.1f} us  {2*M*N*K/s/1e9:6.1f} GF/s")
