#!/usr/bin/env python3
"""conv6 (bench/README.md, "Convolutions, sixth pass"): how busy the JIT's compiler threads were in
each timed block of a bench run, and what C2 compiled in the first block.

Run the bench with the JVM's compilation log and keep its JSON line:
    JAVA_OPTS="-Xmx2g -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=hs.log" \
      BENCH_NO_BUILD=1 ./bench/run.sh jgrad --workload lenet --warmup-seconds 0 > line.json
    python3 bench/results/conv6-2026-12-07-jit.py hs.log line.json

A compile's busy time is the wall time from its <task> to its <task_done> stamp (seconds since
the VM started, as the line's block_start_seconds_since_jvm_start), so on a loaded machine it
includes time the compiler thread waited for a core; it is an upper bound on compile CPU.
"""
import collections
import json
import re
import sys


def tasks(log):
    text = open(log).read()
    for m in re.finditer(r"<task (compile_id='\d+'[^>]*?)>.*?<task_done ([^>]*?)/>", text, re.S):
        head, done = m.group(1), m.group(2)
        start = float(re.search(r"stamp='([\d.]+)'", head).group(1))
        end = float(re.search(r"stamp='([\d.]+)'", done).group(1))
        method = re.search(r"method='([^']*)'", head).group(1).split(' ')
        level = re.search(r"level='(\d)'", head)
        yield start, end, method[0].replace('/', '.') + '::' + method[1], int(level.group(1)) if level else 4


def overlap(start, end, lo, hi):
    return max(0.0, min(end, hi) - max(start, lo))


def main(log, line_file):
    line = [json.loads(x) for x in open(line_file) if x.startswith('{')][-1]
    starts = line['block_start_seconds_since_jvm_start']
    ends = [s + d for s, d in zip(starts, line['block_seconds'])]
    all_tasks = list(tasks(log))
    windows = [('start-up', 0.0, line['startup_to_first_step_seconds']),
               ('warm-up', line['startup_to_first_step_seconds'], starts[0])]
    windows += [('block %d' % (i + 1), s, e) for i, (s, e) in enumerate(zip(starts, ends))]
    for name, lo, hi in windows:
        c2 = sum(overlap(s, e, lo, hi) for s, e, _, lvl in all_tasks if lvl == 4)
        c1 = sum(overlap(s, e, lo, hi) for s, e, _, lvl in all_tasks if lvl < 4)
        n2 = sum(1 for s, e, _, lvl in all_tasks if lvl == 4 and overlap(s, e, lo, hi) > 0)
        print('%-8s %6.2f s wall  C2 busy %5.2f s (%d compiles)  C1 busy %5.2f s' % (name, hi - lo, c2, n2, c1))
    by_method = collections.Counter()
    for s, e, method, lvl in all_tasks:
        if lvl == 4:
            by_method[method] += overlap(s, e, starts[0], ends[0])
    print('C2 in block 1, by method (ms):')
    for method, secs in by_method.most_common(15):
        print('  %5.0f  %s' % (secs * 1000, method))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
