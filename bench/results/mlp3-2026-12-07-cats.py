import subprocess, sys, re, collections
data = sys.argv[1]
out = subprocess.run(['perf', 'report', '-i', data, '--no-children', '--sort', 'comm,dso,sym', '-g', 'none', '--stdio'],
                     capture_output=True, text=True).stdout
cats = collections.Counter()
for line in out.splitlines():
    m = re.match(r'\s+([\d.]+)%\s+(.+?)\s{2,}(\S.*?)\s{2,}\[(.)\]\s+(.*)', line)
    if not m: continue
    pct, comm, dso, kind, sym = float(m.group(1)), m.group(2).strip(), m.group(3).strip(), m.group(4), m.group(5)
    if comm.startswith('GC Thread') or comm == 'VM Thread' or comm.startswith('G1'): c = 'GC threads'
    elif comm.startswith('C2 Compiler') or comm.startswith('C1 Compiler'): c = 'JIT compilers'
    elif 'openblas' in dso: c = 'GEMM (OpenBLAS)'
    elif 'StubRoutines' in sym: c = 'native-heap copies (StubRoutines)'
    elif 'BatchNormKernel' in sym: c = 'BatchNormKernel'
    elif 'UpdateKernels' in sym: c = 'optimizer update'
    elif 'kallsyms' in dso: c = 'OS kernel'
    elif 'JIT' in dso or 'Interpreter' in sym: c = 'other JIT-compiled Java'
    elif 'libjvm' in dso: c = 'other libjvm'
    else: c = 'libc, libnd4j, other'
    cats[c] += pct
for c, p in cats.most_common():
    print('%-40s %5.1f%%' % (c, p))
