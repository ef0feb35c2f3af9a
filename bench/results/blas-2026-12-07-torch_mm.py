# The same shapes as blas-2026-12-07-cblas_sgemm*.py through torch.mm(out=) in PyTorch 2.13.0+cpu (MKL): python THIS THREADS [halves]
import torch, time, sys
torch.set_num_threads(int(sys.argv[1]))
WHOLE = [("fwd1 NT",0,1,128,256,784),("fwd2 NT",0,1,128,128,256),("fwd3",0,1,128,10,128),
          ("dW1 TN",1,0,256,784,128),("dW2 TN",1,0,128,256,128),("dX2 NN",0,0,128,256,128),
          ("W2 fwd1",0,1,128,512,784),("W2 dW1",1,0,512,784,128),("W2 fwd2",0,1,128,256,512),("W2 dX2",0,0,128,512,256),
          ("sq512",0,0,512,512,512),("sq1024",0,0,1024,1024,1024)]
HALVES = [("h fwd1",0,1,128,128,784),("h dW1",1,0,128,784,128),("h W2fwd1",0,1,128,256,784),("h W2dW1",1,0,256,784,128),("h W2fwd2",0,1,128,128,512),("h W2dX2",0,0,64,512,256)]
shapes = HALVES if len(sys.argv) > 2 and sys.argv[2] == 'halves' else WHOLE
for name, ta, tb, M, N, K in shapes:
    A = torch.rand(K, M).t() if ta else torch.rand(M, K)
    B = torch.rand(N, K).t() if tb else torch.rand(K, N)
    C = torch.empty(M, N)
    for _ in range(50): torch.mm(A, B, out=C)
    best = 1e9
    for r in range(5):
        n = 300; t = time.perf_counter()
        for _ in range(n): torch.mm(A, B, out=C)
        best = min(best, (time.perf_counter() - t) / n)
    print(f"{name:10s} {M}x{N}x{K}: {best*1e6:8.1f} us  {2*M*N*K/best/1e9:6.1f} GF/s")
