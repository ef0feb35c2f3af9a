import io.jgrad.tensor.BatchNormKernel;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.Threads;
import org.nd4j.linalg.api.ndarray.INDArray;
public class BnBench {
    public static void main(String[] a) {
        Threads.set(Integer.parseInt(a[0]));
        int n = 128, c = Integer.parseInt(a[1]);
        INDArray x = Tensor.randn(new Rng(1), n, c).array().dup('c');
        INDArray g = Tensor.randn(new Rng(2), n, c).array().dup('c');
        INDArray w = Tensor.randn(new Rng(3), c).array().dup('c');
        INDArray b = Tensor.randn(new Rng(4), c).array().dup('c');
        INDArray y = x.ulike(), dx = x.ulike(), dw = w.ulike(), db = b.ulike();
        boolean relu = a.length > 2;
        for (int rep = 0; rep < 10; rep++) {
            long f = 0, bw = 0;
            int iters = 500;
            for (int k = 0; k < iters; k++) {
                long t0 = System.nanoTime();
                BatchNormKernel p = BatchNormKernel.forward(x, w, b, 1e-5, y, relu);
                long t1 = System.nanoTime();
                p.backward(g, dx, 0, dw, 0, db, 0);
                long t2 = System.nanoTime();
                f += t1 - t0; bw += t2 - t1;
            }
            System.out.printf("forward %.2f ns/value, backward %.2f ns/value%n", f / (double) iters / n / c, bw / (double) iters / n / c);
        }
    }
}
