package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.Sequential;
import io.jgrad.onnx.OrtCheck;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The examples' networks leave jgrad as ONNX and ONNX Runtime computes what jgrad does: each
 * default network trained a few steps, exported on one row and run on a batch of 7; and the
 * {@code --onnx FILE} flag of {@code ./jgrad mlp|cnn|distill}, whose file must compute what the
 * model saved beside it computes.
 */
class OnnxExportTest {
    @TempDir
    Path dir;

    /** A few Adam steps on random images and labels, so no parameter or statistic is at its initial value. */
    private static Module trained(Module model, long seed) {
        Rng rng = new Rng(seed);
        Optimizer opt = Adam.builder(model.parameters()).lr(1e-2).build();
        model.train();
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.uniform(rng, 0, 1, 16, 784);
            int[] y = new int[16];
            for (int i = 0; i < y.length; i++) {
                y[i] = (int) (rng.nextDouble() * 10);
            }
            opt.zeroGrad();
            Losses.crossEntropy(model.forward(Variable.constant(x)), y).backward();
            opt.step();
        }
        return model;
    }

    private void check(String label, Module model) {
        Rng rng = new Rng(7);
        OrtCheck.exportAndCompare(label, model, Tensor.uniform(rng, 0, 1, 1, 784), Tensor.uniform(rng, 0, 1, 7, 784),
                dir.resolve(label + ".onnx"));
    }

    @Test
    void theMlpWithBatchNorm() {
        Rng.manualSeed(1);
        check("example-mlp", trained(Models.mlp(784, new int[] {256, 128}, 10, true), 1));
    }

    @Test
    void theMlpWithoutBatchNorm() {
        Rng.manualSeed(2);
        check("example-mlp-no-batchnorm", trained(Models.mlp(784, new int[] {256, 128}, 10, false), 2));
    }

    @Test
    void theCnn() {
        Rng.manualSeed(3);
        check("example-cnn", trained(Models.cnn(28, new int[] {32, 64}, 128, 0.3, 10), 3));
    }

    @Test
    void theDistillationTeacherAndStudent() {
        Rng.manualSeed(4);
        check("example-teacher", trained(Models.teacher(784, 10, 0.3), 4));
        check("example-student", trained(Models.student(784, 10), 5));
    }

    @Test
    void theLmsCharacterGptWithItsRegisteredExporter() {
        Rng.manualSeed(6);
        CharGpt gpt = new CharGpt(12, 8, 16, 2, 2, 32, 0.1);
        Rng rng = new Rng(6);
        Optimizer opt = Adam.builder(gpt.parameters()).lr(1e-2).build();
        for (int step = 0; step < 3; step++) {                     // a few steps of next-token training
            long[] ids = new long[4 * 8];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (long) (rng.nextDouble() * 12);
            }
            int[] next = new int[4 * 8];
            for (int i = 0; i < next.length; i++) {
                next[i] = (int) ids[(i + 1) % ids.length];
            }
            opt.zeroGrad();
            Losses.crossEntropy(gpt.forward(Variable.constant(Tensor.ofLongs(ids, 4, 8))).reshape(32, 12), next).backward();
            opt.step();
        }
        CharGptExporter.register();
        long[] example = {1, 5, 7, 0, 11, 3, 3, 2};
        long[] other = new long[3 * 8];
        for (int i = 0; i < other.length; i++) {
            other[i] = (i * 5 + 2) % 12;
        }
        OrtCheck.exportAndCompare("example-lm-chargpt", gpt, Tensor.ofLongs(example, 1, 8), Tensor.ofLongs(other, 3, 8),
                dir.resolve("lm.onnx"));
    }

    private static int run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(args);
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains("wrote the ONNX model "), out.toString());
        return exit;
    }

    /** The file of {@code --onnx} computes what the command's saved model does. */
    private void sameAsSavedModel(String label, Path onnx, Path out, Sequential architecture) {
        Checkpoints.load(architecture, out.resolve("model.safetensors"));
        Tensor batch = Tensor.uniform(new Rng(11), 0, 1, 3, 784);
        OrtCheck.compare(label, OrtCheck.evalForward(architecture, batch), OrtCheck.run(onnx, batch));
    }

    @Test
    void mlpAndCnnAndDistillExportWithTheOnnxFlag() throws Exception {
        Path mlp = dir.resolve("mlp.onnx");
        run("mlp", "--synthetic", "--limit", "300", "--epochs", "1", "--hidden", "16", "--out",
                dir.resolve("mlp").toString(), "--onnx", mlp.toString());
        sameAsSavedModel("cli-mlp", mlp, dir.resolve("mlp"), Models.mlp(784, new int[] {16}, 10, true));

        Path cnn = dir.resolve("cnn.onnx");
        run("cnn", "--synthetic", "--limit", "200", "--epochs", "1", "--channels", "2,4", "--hidden", "8",
                "--batch-size", "50", "--out", dir.resolve("cnn").toString(), "--onnx", cnn.toString());
        sameAsSavedModel("cli-cnn", cnn, dir.resolve("cnn"), Models.cnn(28, new int[] {2, 4}, 8, 0.3, 10));

        Path distill = dir.resolve("out/student.onnx");
        run("distill", "--synthetic", "--limit", "200", "--epochs", "1", "--teacher-epochs", "1", "--seeds", "1",
                "--labeled", "50", "--out", dir.resolve("distill").toString(), "--onnx", distill.toString());
        sameAsSavedModel("cli-distill-student", distill, dir.resolve("distill"), Models.student(784, 10));
        assertTrue(Files.size(distill) > 784 * 32 * 4, "the student's weights are in the file");
    }
}
