package io.jgrad.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;

/** Medians, rounding, peak memory and time since JVM start: the numbers every result line carries. */
final class Stats {
    private Stats() {
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    static double[] round(double[] xs, int digits) {
        double[] r = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            r[i] = round(xs[i], digits);
        }
        return r;
    }

    /** Peak resident set size in MiB ({@code VmHWM} of /proc/self/status), the figure torch_bench.py reports. */
    static double peakRssMib() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0, 1);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through
        }
        return -1;
    }

    /**
     * CPU time of the whole process so far, ns (all threads; -1 if the JVM cannot tell): on a
     * shared machine the work a run did, where its wall-clock time also counts other processes'.
     */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() : -1;
    }

    /**
     * CPU time the JIT's compiler threads have used so far, ns ({@code utime + stime} of the
     * {@code C1/C2 CompilerThread}s in /proc/self/task, 10 ms ticks; -1 off Linux): how much of a
     * 2-core machine the compilers took from the step in an epoch or block ({@link #jitCpuSecondsSince}).
     */
    static long jitCpuNanos() {
        long ticks = 0;
        try (var tasks = Files.list(Paths.get("/proc/self/task"))) {
            for (var t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    if (!Files.readString(t.resolve("comm")).matches("C[12] CompilerThre.*\\n?")) {
                        continue;
                    }
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);     // fields 14 and 15: utime, stime
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked: its time is lost either way
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * 10_000_000L;
    }

    /**
     * The compiler threads' CPU time since {@code startNanos} (a {@link #jitCpuNanos} reading), in
     * seconds. A compiler thread that the JVM retires (it keeps at least one of each kind) takes its
     * time with it, so the difference can read low, and is never below 0.
     */
    static double jitCpuSecondsSince(long startNanos) {
        return Math.max(0, jitCpuNanos() - startNanos) / 1e9;
    }

    /** Seconds since this JVM started. */
    static double sinceJvmStart() {
        return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    }
}
