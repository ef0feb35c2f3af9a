import io.jgrad.tensor.UpdateKernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam update microbenchmark on W1's parameter sizes (784x256, 256, 256x128, 128, 128x10, 10;
 * 235,146 values), issue 23, seventh pass. Modes (first argument):
 *
 *   ops        UpdateKernels.adam as the cpu backend's Ops calls it (main: HostChunks' chunk copies + kernel; from
 *              27a9594 AdamPass; split over the cores from 128 Ki values when -Djgrad.threads allows; -Deps, 1e-8)
 *   copy       the same chunk copies (4 gets, 3 puts per chunk) with no arithmetic
 *   heapK      the kernel alone over heap arrays of one chunk (L1-resident): variant K = cur | hoist
 *   passK      copies + kernel variant K in this file's own single-threaded chunk pass (chunk = -Dchunk, 2048)
 *   alt        in one JVM, repetitions alternating between 2048- and 1024-value chunks: the Adam pass (cur) on W1's
 *              sizes and an SGD-momentum pass on W2's (-Dkernel=sgd), each cut over the cores as HostChunks does
 *              (Parallel.forRange, whole chunks, split from 128 Ki values), so the 2-thread A/B shares one load
 *   check      the variants against cur, bit for bit, on random data with and without weight decay
 *   relu       Kernels.relu then reluBackward (beta 0) on 128x256 and 128x128 activations (the other HostChunks users)
 *   sgd        UpdateKernels.sgdMomentum (momentum 0.9, wd 5e-4) on W2's sizes (535,818 values; ns per value of those)
 *
 * -Dstuck=f makes a fraction f of the elements (scattered) W1's stuck first moments: gradient 0 and m a few units of
 * 2^-149, a subnormal that Adam keeps (each such float operation takes a microcode assist on x86); -Dunits=lo:hi
 * sets their range (e.g. 1024:8388607, moments still sinking through the subnormals: use -Dsteps=20). Each
 * repetition starts from the same moments.
 *
 * Every figure is the best of N repetitions (-Dreps, 15) of -Dsteps (200) steps, as ns per value of wall time and of
 * this thread's CPU time, with the load average. Run from the worktree root after `mvn -o -q -pl core-tensor -am compile`:
 *
 *   CP=core-tensor/target/classes:$(tr ':' '\n' < bench/target/classpath.txt | grep '\.jar$' | paste -sd:)
 *   javac -cp $CP -d /tmp/adam6/mb bench/results/adam6-2026-12-07-AdamKernelBench.java
 *   java -Djgrad.threads=1 -cp /tmp/adam6/mb:$CP AdamKernelBench ops      # and copy, heapcur, passhoist, check ...
 */
class AdamKernelBench {
    static final int[] SIZES = {200704, 256, 32768, 128, 1280, 10};
    static final int TOTAL = 235146;
    /** The units of 2^-149 of -Dstuck's moments: -Dunits=lo:hi (default 1:4, W1's stuck ones; 1024:8388607 sinking ones). */
    static final int UNITS_LO = Integer.parseInt(System.getProperty("units", "1:4").split(":")[0]);
    static final int UNITS_HI = Integer.parseInt(System.getProperty("units", "1:4").split(":")[1]);
    static final int[] RELU_SIZES = {128 * 256, 128 * 128};
    static final int[] SGD_SIZES = {401408, 512, 512, 512, 131072, 256, 256, 256, 2560, 10};
    static final ThreadMXBean TMX = ManagementFactory.getThreadMXBean();

    interface Kernel {
        void apply(float[] p, float[] g, float[] m, float[] v, int n);
    }

    static float b1 = 0.9f, omb1 = (float) (1 - 0.9), b2 = 0.999f, omb2 = (float) (1 - 0.999), e = 1e-8f;
    static float neg = (float) -(1e-3 / (1 - Math.pow(0.9, 7))), bc2 = (float) Math.sqrt(1 - Math.pow(0.999, 7));
    static float wd = 0;
    /** ε for the ops mode (-Deps; 0 turns AdamPass's set-aside off, for comparison). */
    static final double EPS = Double.parseDouble(System.getProperty("eps", "1e-8"));

    /** UpdateKernels.adam's loop as of main 1d0d80d. */
    static void cur(float[] pc, float[] gc, float[] mc, float[] vc, int n) {
        float b1 = AdamKernelBench.b1, omb1 = AdamKernelBench.omb1, b2 = AdamKernelBench.b2, omb2 = AdamKernelBench.omb2;
        float e = AdamKernelBench.e, neg = AdamKernelBench.neg, bc2 = AdamKernelBench.bc2, wd = AdamKernelBench.wd;
        for (int i = 0; i < n; i++) {
            float d = wd == 0 ? gc[i] : gc[i] + wd * pc[i];
            float mi = mc[i] * b1 + omb1 * d;
            float vi = vc[i] * b2 + omb2 * d * d;
            mc[i] = mi;
            vc[i] = vi;
            pc[i] = pc[i] + neg * (mi / ((float) Math.sqrt(vi) / bc2 + e));
        }
    }

    /** The weight-decay select hoisted: one loop each. */
    static void hoist(float[] pc, float[] gc, float[] mc, float[] vc, int n) {
        float b1 = AdamKernelBench.b1, omb1 = AdamKernelBench.omb1, b2 = AdamKernelBench.b2, omb2 = AdamKernelBench.omb2;
        float e = AdamKernelBench.e, neg = AdamKernelBench.neg, bc2 = AdamKernelBench.bc2, wd = AdamKernelBench.wd;
        if (wd == 0) {
            for (int i = 0; i < n; i++) {
                float d = gc[i];
                float mi = mc[i] * b1 + omb1 * d;
                float vi = vc[i] * b2 + omb2 * d * d;
                mc[i] = mi;
                vc[i] = vi;
                pc[i] = pc[i] + neg * (mi / ((float) Math.sqrt(vi) / bc2 + e));
            }
        } else {
            for (int i = 0; i < n; i++) {
                float d = gc[i] + wd * pc[i];
                float mi = mc[i] * b1 + omb1 * d;
                float vi = vc[i] * b2 + omb2 * d * d;
                mc[i] = mi;
                vc[i] = vi;
                pc[i] = pc[i] + neg * (mi / ((float) Math.sqrt(vi) / bc2 + e));
            }
        }
    }

    static Kernel kernel(String name) {
        switch (name) {
            case "cur": return AdamKernelBench::cur;
            case "hoist": return AdamKernelBench::hoist;
            case "none": return (p, g, m, v, n) -> { };
            default: throw new IllegalArgumentException("no kernel " + name);
        }
    }

    static FloatBuffer view(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }


    /** No copies: the loop reads and writes the FloatBuffer views element by element. */
    static void nio(INDArray p, INDArray g, INDArray m, INDArray v) {
        FloatBuffer pc = view(p), gc = view(g), mc = view(m), vc = view(v);
        int n = (int) p.length();
        for (int i = 0; i < n; i++) {
            float d = wd == 0 ? gc.get(i) : gc.get(i) + wd * pc.get(i);
            float mi = mc.get(i) * b1 + omb1 * d;
            float vi = vc.get(i) * b2 + omb2 * d * d;
            mc.put(i, mi);
            vc.put(i, vi);
            pc.put(i, pc.get(i) + neg * (mi / ((float) Math.sqrt(vi) / bc2 + e)));
        }
    }

    static final sun.misc.Unsafe U;

    static {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            U = (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** No copies: the loop reads and writes native memory through sun.misc.Unsafe. */
    static void unsafe(INDArray p, INDArray g, INDArray m, INDArray v) {
        long ap = p.data().address(), ag = g.data().address(), am = m.data().address(), av = v.data().address();
        int n = (int) p.length();
        float b1 = AdamKernelBench.b1, omb1 = AdamKernelBench.omb1, b2 = AdamKernelBench.b2, omb2 = AdamKernelBench.omb2;
        float e = AdamKernelBench.e, neg = AdamKernelBench.neg, bc2 = AdamKernelBench.bc2;
        for (int i = 0; i < n; i++) {
            long o = 4L * i;
            float d = U.getFloat(ag + o);
            float mi = U.getFloat(am + o) * b1 + omb1 * d;
            float vi = U.getFloat(av + o) * b2 + omb2 * d * d;
            U.putFloat(am + o, mi);
            U.putFloat(av + o, vi);
            U.putFloat(ap + o, U.getFloat(ap + o) + neg * (mi / ((float) Math.sqrt(vi) / bc2 + e)));
        }
    }

    static float[][] scratch;

    /** A single-threaded copy of HostChunks.pass with a chosen kernel and chunk size. */
    static void pass(Kernel k, int chunk, INDArray p, INDArray g, INDArray m, INDArray v) {
        FloatBuffer bp = view(p), bg = view(g), bm = view(m), bv = view(v);
        float[] pc = scratch[0], gc = scratch[1], mc = scratch[2], vc = scratch[3];
        int total = (int) p.length();
        for (int at = 0; at < total; at += chunk) {
            int n = Math.min(chunk, total - at);
            bp.get(at, pc, 0, n);
            bg.get(at, gc, 0, n);
            bm.get(at, mc, 0, n);
            bv.get(at, vc, 0, n);
            k.apply(pc, gc, mc, vc, n);
            bp.put(at, pc, 0, n);
            bm.put(at, mc, 0, n);
            bv.put(at, vc, 0, n);
        }
    }


    /** UpdateKernels.sgdMomentum's loop (momentum 0.9, dampening 0, not Nesterov, wd 5e-4). */
    static void sgd(float[] pc, float[] gc, float[] bc, float[] unused, int n) {
        float mu = 0.9f, omd = 1f, wd = 5e-4f, neg = -0.05f;
        for (int i = 0; i < n; i++) {
            float d = wd == 0 ? gc[i] : gc[i] + wd * pc[i];
            float b = bc[i] * mu + omd * d;
            bc[i] = b;
            pc[i] = pc[i] + neg * b;
        }
    }

    static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][2048]);

    /** HostChunks.run with a chosen chunk: the same cut over the cores, copies and kernel. */
    static void parallelPass(Kernel k, int chunk, boolean sgd, INDArray p, INDArray g, INDArray m, INDArray v) {
        int total = (int) p.length();
        long chunks = (total + chunk - 1) / chunk;
        io.jgrad.tensor.backend.Parallel.forRange("bench", chunks, (1 << 17) / 2 / chunk, (c0, c1) -> {
            FloatBuffer bp = view(p), bg = view(g), bm = view(m), bv = sgd ? null : view(v);
            float[][] sc = SCRATCH.get();
            int to = (int) Math.min(total, c1 * chunk);
            for (int at = (int) c0 * chunk; at < to; at += chunk) {
                int n = Math.min(chunk, to - at);
                bp.get(at, sc[0], 0, n);
                bg.get(at, sc[1], 0, n);
                bm.get(at, sc[2], 0, n);
                if (!sgd) {
                    bv.get(at, sc[3], 0, n);
                }
                k.apply(sc[0], sc[1], sc[2], sc[3], n);
                bp.put(at, sc[0], 0, n);
                bm.put(at, sc[2], 0, n);
                if (!sgd) {
                    bv.put(at, sc[3], 0, n);
                }
            }
        });
    }

    /** Alternating 2048- and 1024-value chunks in one JVM; best and median per chunk size. */
    static void alternate(int reps, int steps) {
        boolean sgd = "sgd".equals(System.getProperty("kernel"));
        int[] sizes = sgd ? SGD_SIZES : SIZES;
        int total = Arrays.stream(sizes).sum();
        int n = sizes.length;
        INDArray[] p = new INDArray[n], g = new INDArray[n], m = new INDArray[n], v = new INDArray[n];
        for (int i = 0; i < n; i++) {
            p[i] = Nd4j.rand(DataType.FLOAT, sizes[i]).subi(0.5);
            g[i] = Nd4j.rand(DataType.FLOAT, sizes[i]).subi(0.5).muli(0.01);
            m[i] = Nd4j.rand(DataType.FLOAT, sizes[i]).muli(1e-3);
            v[i] = Nd4j.rand(DataType.FLOAT, sizes[i]).muli(1e-5);
        }
        Kernel k = sgd ? AdamKernelBench::sgd : AdamKernelBench::cur;
        int[] chunks = {2048, 1024};
        double[][] wall = new double[2][reps];
        double load0 = load();
        for (int rep = 0; rep < reps; rep++) {
            for (int c = 0; c < 2; c++) {
                int cc = chunks[(rep + c) % 2];
                long t0 = System.nanoTime();
                for (int st = 0; st < steps; st++) {
                    for (int i = 0; i < n; i++) {
                        parallelPass(k, cc, sgd, p[i], g[i], m[i], v[i]);
                    }
                }
                wall[(rep + c) % 2][rep] = (System.nanoTime() - t0) / (double) steps / total;
            }
        }
        for (int c = 0; c < 2; c++) {
            double[] w = wall[c].clone();
            Arrays.sort(w);
            System.out.printf("alt %s threads=%s chunk=%d: best %.3f ns/value wall, median %.3f (%d reps of %d steps); load %.2f -> %.2f%n",
                    sgd ? "sgd" : "adam", System.getProperty("jgrad.threads", "default"), chunks[c], w[0], w[reps / 2],
                    reps, steps, load0, load());
        }
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "ops";
        int reps = Integer.getInteger("reps", 15);
        int steps = Integer.getInteger("steps", 200);
        int chunk = Integer.getInteger("chunk", 2048);
        scratch = new float[4][Math.max(chunk, 2048)];
        if (mode.equals("alt")) {
            alternate(reps, steps);
            return;
        }
        if (mode.equals("check")) {
            check();
            return;
        }
        int[] sizes = mode.equals("sgd") ? SGD_SIZES : mode.equals("relu") ? RELU_SIZES : SIZES;
        int total = Arrays.stream(sizes).sum();
        int n = sizes.length;
        INDArray[] p = new INDArray[n], g = new INDArray[n], m = new INDArray[n], v = new INDArray[n];
        double stuck = Double.parseDouble(System.getProperty("stuck", "0"));
        float[][] mInit = new float[n][];
        Random sr = new Random(3);
        for (int i = 0; i < n; i++) {
            float[] pa = new float[sizes[i]], ga = new float[sizes[i]], ma = new float[sizes[i]], va = new float[sizes[i]];
            for (int j = 0; j < sizes[i]; j++) {
                pa[j] = sr.nextFloat() - 0.5f;
                ga[j] = (sr.nextFloat() - 0.5f) * 0.01f;
                ma[j] = sr.nextFloat() * 1e-3f;
                va[j] = sr.nextFloat() * 1e-5f;
                if (sr.nextDouble() < stuck) {             // W1's stuck first moments: gradient 0, m a few ulps of 2^-149
                    ga[j] = 0;
                    ma[j] = Float.intBitsToFloat(UNITS_LO + sr.nextInt(UNITS_HI - UNITS_LO + 1)) * (sr.nextBoolean() ? 1 : -1);
                }
            }
            mInit[i] = ma;
            p[i] = Nd4j.createFromArray(pa);
            g[i] = Nd4j.createFromArray(ga);
            m[i] = Nd4j.createFromArray(ma);
            v[i] = Nd4j.createFromArray(va);
        }
        float[][] hp = new float[4][2048];
        Random r = new Random(1);
        for (int i = 0; i < 2048; i++) {
            hp[0][i] = r.nextFloat() - 0.5f;
            hp[1][i] = (r.nextFloat() - 0.5f) * 0.01f;
            hp[2][i] = r.nextFloat() * 1e-3f;
            hp[3][i] = r.nextFloat() * 1e-5f;
        }
        double bestWall = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE;
        double load0 = load();
        for (int rep = 0; rep < reps; rep++) {
            if (stuck > 0) {                                // every repetition from the same moments (they sink)
                for (int i = 0; i < n; i++) {
                    m[i] = Nd4j.createFromArray(mInit[i]);
                }
            }
            long c0 = TMX.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long values = 0;
            for (int s = 0; s < steps; s++) {
                if (mode.startsWith("heap")) {
                    Kernel k = kernel(mode.substring(4));
                    for (int j = 0; j < TOTAL / 2048; j++) {        // the same number of values, in L1
                        k.apply(hp[0], hp[1], hp[2], hp[3], 2048);
                        // keep m and v bounded: they are decayed but never reset, like a real run's
                    }
                    values += (TOTAL / 2048) * 2048L;
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    switch (mode) {
                        case "ops":
                            UpdateKernels.adam(p[i], g[i], m[i], v[i], 0.9, 0.999, EPS, wd, -neg, bc2);
                            break;
                        case "nio":
                            nio(p[i], g[i], m[i], v[i]);
                            break;
                        case "unsafe":
                            unsafe(p[i], g[i], m[i], v[i]);
                            break;
                        case "relu":
                            io.jgrad.tensor.Kernels.relu(g[i], p[i]);
                            io.jgrad.tensor.Kernels.reluBackward(p[i], v[i], m[i], 0);
                            break;
                        case "sgd":
                            UpdateKernels.sgdMomentum(p[i], g[i], m[i], 0.05, 0.9, 0, false, 5e-4);
                            break;
                        case "copy":
                            pass(kernel("none"), chunk, p[i], g[i], m[i], v[i]);
                            break;
                        default:
                            if (!mode.startsWith("pass")) {
                                throw new IllegalArgumentException("mode " + mode);
                            }
                            pass(kernel(mode.substring(4)), chunk, p[i], g[i], m[i], v[i]);
                    }
                }
                values += total;
            }
            long t1 = System.nanoTime();
            long c1 = TMX.getCurrentThreadCpuTime();
            double wall = (t1 - t0) / (double) values, cpu = (c1 - c0) / (double) values;
            bestWall = Math.min(bestWall, wall);
            bestCpu = Math.min(bestCpu, cpu);
            if (Boolean.getBoolean("verbose")) {
                System.out.printf("  rep %d: %.3f ns/value wall, %.3f cpu%n", rep, wall, cpu);
            }
        }
        System.out.printf("%s threads=%s chunk=%d: best %.3f ns/value wall (%.3f ms/step), %.3f ns/value main-thread CPU; load %.2f -> %.2f%n",
                mode, System.getProperty("jgrad.threads", "default"), chunk, bestWall, bestWall * Arrays.stream(sizes).sum() / 1e6, bestCpu,
                load0, load());
    }

    /** Each variant against cur, bit for bit, on odd lengths, with and without weight decay. */
    static void check() {
        Random r = new Random(7);
        String[] variants = {"hoist"};
        for (float w : new float[] {0, 0.01f}) {
            wd = w;
            for (int n : new int[] {1, 15, 17, 2047, 2049}) {
                float[][] a = new float[4][n];
                for (int i = 0; i < n; i++) {
                    a[0][i] = (float) r.nextGaussian();
                    a[1][i] = (float) r.nextGaussian() * (i % 7 == 0 ? 1e-20f : 0.01f);
                    a[2][i] = (float) r.nextGaussian() * 1e-3f;
                    a[3][i] = r.nextFloat() * (i % 5 == 0 ? 1e-38f : 1e-5f);
                }
                float[][] ref = {a[0].clone(), a[1].clone(), a[2].clone(), a[3].clone()};
                cur(ref[0], ref[1], ref[2], ref[3], n);
                for (String name : variants) {
                    float[][] b = {a[0].clone(), a[1].clone(), a[2].clone(), a[3].clone()};
                    kernel(name).apply(b[0], b[1], b[2], b[3], n);
                    for (int j = 0; j < 4; j++) {
                        for (int i = 0; i < n; i++) {
                            if (Float.floatToRawIntBits(b[j][i]) != Float.floatToRawIntBits(ref[j][i])) {
                                throw new AssertionError(name + " differs: array " + j + " element " + i + " of " + n + " wd " + w);
                            }
                        }
                    }
                }
            }
        }
        System.out.println("check: " + String.join(", ", variants) + " bit-identical to cur");
    }
}
