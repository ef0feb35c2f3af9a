#!/usr/bin/env python3
"""Alternating A/B rounds of one jgrad workload between two frozen builds (class dirs), with a JFR
recording (every compilation, deoptimizations) and a GC log per run. One JSON line per run to OUT."""
import json, os, re, subprocess, sys, time
OUT = sys.argv[1]; ROUNDS = int(sys.argv[2]); WL = sys.argv[3:]
SIDES = {'base': '/tmp/mlp4-base', 'mlp4': os.environ.get('NEW', '/tmp/mlp4-new')}
TAG = os.environ.get('TAG', 'x')
def cp(d):
    return ':'.join([f'{d}/{m}/classes' for m in ('bench', 'core-tensor', 'autograd', 'nn', 'data', 'optim', 'train')]
                    + [open(f'{d}/classpath.txt').read().strip()])
def hms(s):
    h, m, x = s.split(':'); return int(h) * 3600 + int(m) * 60 + float(x)
def run(side, r):
    jfr, gc = f'/tmp/mlp4/ab-{TAG}-{side}-{r}.jfr', f'/tmp/mlp4/ab-{TAG}-{side}-{r}.gc'
    for f in (jfr, gc):
        if os.path.exists(f): os.remove(f)
    load0 = os.getloadavg()[0]
    env = dict(os.environ, OMP_WAIT_POLICY='PASSIVE')
    cmd = ['java', '-Xmx2g'] + os.environ.get('EXTRA', '').split() + [ f'-Xlog:gc:file={gc}', f'-XX:StartFlightRecording=filename={jfr},settings=/tmp/mlp4/ab.jfc',
           '-cp', cp(SIDES[side]), 'io.jgrad.bench.Bench'] + WL + ['--tag', side, '--run', str(r)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd='/work/wt-mlp4').stdout.strip().splitlines()
    d = json.loads([l for l in out if l.startswith('{')][-1])
    d.update(side=side, round=r, load1_before=load0, load1_after=os.getloadavg()[0], args=' '.join(WL))
    g = open(gc).read()
    d['gc_full_collections'] = g.count('Pause Full')
    d['gc_full_pause_ms'] = round(sum(float(x) for x in re.findall(r'Pause Full.* ([\d.]+)ms', g)), 1)
    info = subprocess.run(['jfr', 'print', '--events', 'jdk.JVMInformation', jfr], capture_output=True, text=True).stdout
    t0 = hms(re.search(r'jvmStartTime = ([\d:.]+)', info).group(1))
    comp = subprocess.run(['jfr', 'print', '--events', 'jdk.Compilation', jfr], capture_output=True, text=True).stdout
    deo = subprocess.run(['jfr', 'print', '--events', 'jdk.Deoptimization', jfr], capture_output=True, text=True).stdout
    # timed window: warm-up ends ~warmup after the first step; epochs follow back to back
    start = d['startup_to_first_step_seconds'] + (5.0 if '--warmup-seconds' not in WL else float(WL[WL.index('--warmup-seconds') + 1]))
    ep = d.get('epoch_seconds') or []
    bounds = [start]
    for e in ep: bounds.append(bounds[-1] + e)
    c2 = [0.0] * len(ep); nde = [0] * len(ep)
    for e in comp.split('jdk.Compilation {')[1:]:
        if '"c2"' not in e: continue
        t = hms(re.search(r'startTime = ([\d:.]+)', e).group(1)) - t0
        m = re.search(r'duration = ([\d.]+) (ms|s|us)', e)
        dur = float(m.group(1)) * {'ms': 1, 's': 1000, 'us': 0.001}[m.group(2)]
        for i in range(len(ep)):
            if bounds[i] <= t < bounds[i + 1]: c2[i] += dur
    for e in deo.split('jdk.Deoptimization {')[1:]:
        t = hms(re.search(r'startTime = ([\d:.]+)', e).group(1)) - t0
        a = re.search(r'action = "(\w+)"', e).group(1)
        if a in ('make_not_entrant', 'reinterpret'):
            for i in range(len(ep)):
                if bounds[i] <= t < bounds[i + 1]: nde[i] += 1
    d['c2_compile_ms_per_epoch'] = [round(x) for x in c2]
    d['invalidating_deopts_per_epoch'] = nde
    with open(OUT, 'a') as f: f.write(json.dumps(d) + '\n')
    print(time.strftime('%T'), side, r, 'load %.1f' % load0, 'ep', ep, 'main', d.get('main_thread_cpu_seconds_per_epoch'),
          'proc', d.get('epoch_process_cpu_seconds'), 'c2', d['c2_compile_ms_per_epoch'], 'deopt', nde, 'fullgc', d['gc_full_collections'], flush=True)
first = int(os.environ.get('FIRST', '1'))
for r in range(first, first + ROUNDS):
    for side in (('base', 'mlp4') if r % 2 else ('mlp4', 'base')):
        run(side, r)
