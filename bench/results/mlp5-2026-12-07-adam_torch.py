import torch, time, sys
torch.set_num_threads(int(sys.argv[1]))
sizes = [200704, 256, 32768, 128, 1280, 10]
ps = [torch.nn.Parameter(torch.rand(s)) for s in sizes]
opt = torch.optim.Adam(ps, lr=1e-3)
for p in ps: p.grad = torch.rand_like(p) * 0.01
for rep in range(6):
    t0 = time.perf_counter()
    for k in range(500): opt.step()
    print("torch adam %.3f ms/step" % ((time.perf_counter() - t0) / 500 * 1e3))
