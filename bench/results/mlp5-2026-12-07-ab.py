#!/usr/bin/env python3
"""Alternating A/B rounds of one jgrad workload between two frozen builds (class dirs: base = main's
Kernels.gatherRows, mlp5 = this branch), order reversed every other round, with a GC log per run.
One JSON line per run to OUT. Usage: NEW=/tmp/mlp5-new BASE=/tmp/mlp5-base TAG=w2 \
    python3 bench/results/mlp5-2026-12-07-ab.py out.jsonl ROUNDS --workload mlp-bn --epochs 3"""
import json, os, re, subprocess, sys, time
OUT = sys.argv[1]; ROUNDS = int(sys.argv[2]); WL = sys.argv[3:]
SIDES = {'base': os.environ.get('BASE', '/tmp/mlp5-base'), 'mlp5': os.environ.get('NEW', '/tmp/mlp5-new')}
TAG = os.environ.get('TAG', 'x')
def cp(d):
    return ':'.join([f'{d}/{m}/classes' for m in ('bench', 'core-tensor', 'autograd', 'nn', 'data', 'optim', 'train')]
                    + [open(f'{d}/classpath.txt').read().strip()])
def run(side, r):
    gc = f'/tmp/mlp5-ab-{TAG}-{side}-{r}.gc'
    if os.path.exists(gc): os.remove(gc)
    load0 = os.getloadavg()[0]
    env = dict(os.environ, OMP_WAIT_POLICY='PASSIVE')
    cmd = ['java', '-Xmx2g'] + os.environ.get('EXTRA', '').split() + [f'-Xlog:gc:file={gc}',
           '-cp', cp(SIDES[side]), 'io.jgrad.bench.Bench'] + WL + ['--tag', side, '--run', str(r)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd='/work/wt-mlp5').stdout.strip().splitlines()
    d = json.loads([l for l in out if l.startswith('{')][-1])
    d.update(series=TAG, side=side, round=r, load1_before=load0, load1_after=os.getloadavg()[0], args=' '.join(WL))
    g = open(gc).read()
    d['gc_full_collections'] = g.count('Pause Full')
    with open(OUT, 'a') as f: f.write(json.dumps(d) + '\n')
    print(time.strftime('%T'), TAG, side, r, 'load %.1f' % load0, 'ep', d.get('epoch_seconds'), 'main',
          d.get('main_thread_cpu_seconds_per_epoch'), 'proc', d.get('epoch_process_cpu_seconds'),
          'fullgc', d['gc_full_collections'], flush=True)
first = int(os.environ.get('FIRST', '1'))
for r in range(first, first + ROUNDS):
    for side in (('base', 'mlp5') if r % 2 else ('mlp5', 'base')):
        run(side, r)
