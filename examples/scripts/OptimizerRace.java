// (a) GD, SGD with gradient noise, Adagrad and Adam minimizing f(x) = x² + 10·sin(x) from x = 5,
// on one raw Variable, their trajectories plotted together over the curve.
//
//   ./jgrad run examples/scripts/OptimizerRace.java [--short]
//
// f has a local minimum at x ≈ 3.8375 (f ≈ 8.3156) and the global one at x ≈ -1.3064
// (f ≈ -7.9457); from x = 5 plain gradient descent settles in the local one.
import io.jgrad.autograd.Variable;
import io.jgrad.optim.Adagrad;
import io.jgrad.optim.Adam;
import io.jgrad.optim.GD;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.Plot;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

public class OptimizerRace {
    /** sin(x) as a graph op through the public extension point; its backward is cos(x)·g. */
    static Variable sin(Variable x) {
        INDArray in = x.value().array();
        return Variable.fromOp("sin", Transforms.sin(in, true), g -> new INDArray[] {g.mul(Transforms.cos(in, true))}, x);
    }

    /** f(x) = x² + 10·sin(x). */
    static Variable f(Variable x) {
        return x.pow(2).add(sin(x).mul(Variable.constant(Tensor.scalar(10))));
    }

    static double f(double x) {
        return x * x + 10 * Math.sin(x);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--short"); // CI's few-second setting
        int steps = quick ? 60 : 200;
        Path out = Path.of("runs/scripts");
        List<Function<Variable, Optimizer>> optimizers = List.of(
                x -> GD.builder(List.of(x)).lr(0.05).build(),
                x -> SGD.builder(List.of(x)).lr(0.05).build(),
                x -> Adagrad.builder(List.of(x)).lr(1.0).build(),
                x -> Adam.builder(List.of(x)).lr(0.3).build());
        String[] names = {"GD (lr 0.05)", "SGD + gradient noise σ=10 (lr 0.05)", "Adagrad (lr 1.0)", "Adam (lr 0.3)"};
        double[] curveX = new double[201];
        double[] curveY = new double[201];
        for (int i = 0; i < curveX.length; i++) {
            curveX[i] = -8 + 14.0 * i / (curveX.length - 1);
            curveY[i] = f(curveX[i]);
        }
        Plot path = Plot.titled("f(x) = x² + 10·sin(x) from x = 5").axes("x", "f(x)");
        Plot progress = Plot.titled("f(x) per step").axes("step", "f(x)");
        Rng noise = new Rng(0);
        System.out.printf("minimizing f(x) = x^2 + 10 sin(x) from x = 5, %d steps%n", steps);
        for (int k = 0; k < optimizers.size(); k++) {
            Variable x = Variable.of(Tensor.of(new float[] {5}, 1), true);
            Optimizer opt = optimizers.get(k).apply(x);
            double[] xs = new double[steps + 1];
            double[] fs = new double[steps + 1];
            double[] step = new double[steps + 1];
            for (int t = 0; t <= steps; t++) {
                opt.zeroGrad();
                Variable loss = f(x).sum();
                xs[t] = x.item();
                fs[t] = loss.item();
                step[t] = t;
                if (t == steps) {
                    break;
                }
                loss.backward();
                if (k == 1) { // SGD: the exact gradient plus Gaussian noise, as a mini-batch estimate would have
                    x.grad().array().addi(10 * noise.nextGaussian());
                }
                opt.step();
            }
            System.out.printf("%-36s x = %8.4f   f(x) = %8.4f%n", names[k], xs[steps], fs[steps]);
            path.points(names[k], xs, fs);
            progress.line(names[k], step, fs);
        }
        path.line("f", curveX, curveY); // last, so each optimizer has the same colour in both panels
        Path png = out.resolve("optimizer-race.png");
        Plot.writeRow(png, path, progress);
        System.out.println("wrote " + png);
    }
}
