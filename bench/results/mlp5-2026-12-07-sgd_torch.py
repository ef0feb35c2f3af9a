import torch, time, sys
torch.set_num_threads(int(sys.argv[1]))
sizes = [401408, 512, 512, 512, 131072, 256, 256, 256, 2560, 10]
ps = [torch.nn.Parameter(torch.rand(s)) for s in sizes]
opt = torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=5e-4)
for p in ps: p.grad = torch.rand_like(p) * 0.01
for rep in range(6):
    t0 = time.perf_counter()
    for k in range(500): opt.step()
    print("torch sgd %.3f ms/step" % ((time.perf_counter() - t0) / 500 * 1e3))
