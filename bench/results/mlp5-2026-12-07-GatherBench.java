import io.jgrad.tensor.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;
import java.util.Random;

public class GatherBench {
    public static void main(String[] a) {
        int n = 60000, d = 784, bs = 128;
        float[] src = new float[n * d];
        Random r = new Random(1);
        for (int i = 0; i < src.length; i++) src[i] = r.nextFloat();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1); int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
        INDArray dst = Nd4j.create(DataType.FLOAT, bs, d);
        java.util.List<Double> one = new java.util.ArrayList<>(), two = new java.util.ArrayList<>();
        for (int rep = 0; rep < 40; rep++) {
            int th = rep % 2 == 0 ? 1 : 2;
            io.jgrad.tensor.Threads.set(th);
            long t0 = System.nanoTime();
            int steps = 0;
            for (int e = 0; e < 1; e++)
                for (int s = 0; s + bs <= n; s += bs) { Kernels.gatherRows(src, d, perm, s, s + bs, dst); steps++; }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            if (rep >= 4) (th == 1 ? one : two).add(ms);
        }
        java.util.Collections.sort(one); java.util.Collections.sort(two);
        System.out.printf("gather medians ms/step: 1 thread %.4f, 2 threads %.4f (%d rounds each; quartiles %.4f-%.4f, %.4f-%.4f)%n",
            one.get(one.size() / 2), two.get(two.size() / 2), one.size(), one.get(one.size() / 4), one.get(3 * one.size() / 4), two.get(two.size() / 4), two.get(3 * two.size() / 4));
    }
}
