import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;

public class SgdBench {
    public static void main(String[] a) {
        int[] sizes = {401408, 512, 512, 512, 131072, 256, 256, 256, 2560, 10};
        int n = sizes.length;
        INDArray[] p = new INDArray[n], g = new INDArray[n], b = new INDArray[n], s = new INDArray[n];
        for (int i = 0; i < n; i++) {
            p[i] = Nd4j.rand(DataType.FLOAT, sizes[i]); g[i] = Nd4j.rand(DataType.FLOAT, sizes[i]).muli(0.01);
            b[i] = Nd4j.rand(DataType.FLOAT, sizes[i]); s[i] = Nd4j.create(DataType.FLOAT, sizes[i]);
        }
        Ops ops = Ops.get();
        String mode = a.length > 0 ? a[0] : "sgd";
        for (int rep = 0; rep < 6; rep++) {
            long t0 = System.nanoTime();
            int steps = 500;
            for (int k = 0; k < steps; k++) {
                for (int i = 0; i < n; i++) {
                    if (mode.equals("sgd")) ops.sgdMomentum(p[i], g[i], b[i], 0.05, 0.9, 0, false, 5e-4, s[i]);
                    else if (mode.equals("copy")) { p[i].assign(g[i]); }
                }
            }
            long t1 = System.nanoTime();
            System.out.printf("%s %.3f ms/step%n", mode, (t1 - t0) / 1e6 / steps);
        }
    }
}
