package io.jgrad.examples;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.CharCorpus;
import io.jgrad.data.TokenWindows;
import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Losses;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Clipping;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jgrad lm}: trains a character-level GPT ({@link CharGpt#recipe}) on Debian's
 * {@code fortunes} text with the fixed recipe: AdamW (lr 1e-3, betas 0.9/0.99, weight
 * decay 0.1), batches of 32 random 129-character windows of the first 90% of the text, 100
 * warm-up steps then cosine decay to 1e-4 at the last step, gradients clipped at total norm 1.
 * It then reports the mean cross entropy over 64 fixed windows of the last 10% in eval mode,
 * prints a 200-character sample, and writes {@code history.csv}, {@code loss.png} and
 * {@code model.safetensors}. The last line reads
 * {@code validation loss X.XXX nats/char after N steps (S s training, T s in all, seed K)}.
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Train a character-level Transformer language model on the fortunes text and sample from it.")
final class LmCommand implements Callable<Integer> {
    static final int BATCH = 32;
    static final int CONTEXT = 128;
    static final int VALIDATION_WINDOWS = 64;
    static final int SAMPLE_LENGTH = 200;

    @Option(names = "--steps", description = "Training steps (default: ${DEFAULT-VALUE}).", defaultValue = "2000")
    int steps;

    @Option(names = "--data", description = "Directory of the fortune files (default: ${DEFAULT-VALUE}; "
            + "apt-get install -y fortunes).", defaultValue = "/usr/share/games/fortunes")
    Path data;

    @Option(names = "--seed", description = "Random seed of initialisation, batches, dropout and the sample "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--out", description = "Output directory (default: runs/lm).", defaultValue = "runs/lm")
    Path out;

    @Option(names = "--eval-every", description = "Validation loss every this many steps, for the chart "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "250")
    int evalEvery;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        PrintWriter log = spec.commandLine().getOut();
        if (steps <= 0 || evalEvery <= 0) {
            throw new IllegalArgumentException("--steps and --eval-every must be positive, got " + steps + " and " + evalEvery);
        }
        CharCorpus corpus;
        try {
            corpus = CharCorpus.fortunes(data);
        } catch (NoSuchFileException e) {
            spec.commandLine().getErr().println("jgrad lm: " + e.getFile() + ": " + e.getReason());
            return 2;
        }
        CharCorpus.Split split = corpus.split(0.9);
        TokenWindows train = new TokenWindows(split.train(), CONTEXT, corpus.vocabSize());
        TokenWindows validation = new TokenWindows(split.validation(), CONTEXT, corpus.vocabSize());
        Batch valBatch = validation.batch(validation.fixedStarts(VALIDATION_WINDOWS));
        Rng.manualSeed(seed);
        CharGpt model = CharGpt.recipe(corpus.vocabSize());
        Optimizer opt = AdamW.builder(model.parameters()).lr(1e-3).betas(0.9, 0.99).weightDecay(0.1).build();
        log.printf(Locale.ROOT, "lm on %s: %,d characters (%,d train / %,d validation), vocabulary %d; %,d parameters; "
                + "%d steps of %d x %d%n", data, corpus.length(), split.train().length, split.validation().length,
                corpus.vocabSize(), model.parameterCount(), steps, BATCH, CONTEXT);
        log.flush();

        LmHistory history = new LmHistory(steps);
        Rng batches = new Rng(seed + 1);
        int every = Math.max(1, steps / 20);
        long trainStart = System.nanoTime();
        double evalSeconds = 0;
        for (int s = 0; s < steps; s++) {
            double lr = learningRate(s, steps);
            opt.setLr(lr);
            model.train();
            double loss;
            try (StepScope scope = StepScope.open()) {
                Batch b = train.randomBatch(batches, BATCH);
                Variable l = Losses.crossEntropy(model.forward(Variable.constant(b.features())), b.targets());
                opt.zeroGrad();
                l.backward();
                Clipping.clipGradNorm(model.parameters(), 1.0);
                opt.step();
                loss = l.item();
            }
            if (!Double.isFinite(loss)) {
                log.printf(Locale.ROOT, "training stopped at step %d: the loss is %s%n", s, loss);
                return 2;
            }
            history.train(s, loss, lr);
            if ((s + 1) % evalEvery == 0 || s == steps - 1) {
                long e0 = System.nanoTime();
                history.validation(s, validationLoss(model, valBatch));
                evalSeconds += (System.nanoTime() - e0) / 1e9;
            }
            if ((s + 1) % every == 0 || s == steps - 1) {
                double elapsed = (System.nanoTime() - trainStart) / 1e9 - evalSeconds;
                log.printf(Locale.ROOT, "step %d/%d  loss %.3f  lr %.2e  %.0f ms/step%s%n", s + 1, steps, loss, lr,
                        1000 * elapsed / (s + 1), history.lastValidationText(s));
                log.flush();
            }
        }
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9 - evalSeconds;
        double valLoss = history.finalValidation();
        Files.createDirectories(out);
        history.writeCsv(out.resolve("history.csv"));
        history.writeChart(out.resolve("loss.png"));
        Checkpoints.save(model, out.resolve("model.safetensors"));
        String sample = sample(model, corpus, new Rng(seed + 2));
        log.println("sample (temperature 1):");
        log.println(sample);
        log.printf(Locale.ROOT, "wrote %s (history.csv, loss.png, model.safetensors)%n", out);
        log.printf(Locale.ROOT, "validation loss %.3f nats/char after %d steps (%.0f s training, %.0f s in all, seed %d)%n",
                valLoss, steps, trainSeconds, (System.nanoTime() - t0) / 1e9, seed);
        return 0;
    }

    /**
     * The recipe's learning rate at step {@code s} (0-based) of {@code n}: {@code 1e-3·(s+1)/100}
     * while {@code s < 100}, then a cosine from 1e-3 at step 100 down to 1e-4 at step {@code n − 1}.
     */
    static double learningRate(int s, int n) {
        double max = 1e-3;
        double min = 1e-4;
        int warmup = 100;
        if (s < warmup) {
            return max * (s + 1) / warmup;
        }
        double span = n - 1 - warmup;
        double progress = span <= 0 ? 1 : (s - warmup) / span;
        return min + (max - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /** The mean cross entropy (nats per character) over the fixed validation windows, in eval mode. */
    static double validationLoss(CharGpt model, Batch windows) {
        model.eval();
        try (NoGrad g = Variable.noGrad(); StepScope scope = StepScope.open()) {
            return Losses.crossEntropy(model.forward(Variable.constant(windows.features())), windows.targets()).item();
        } finally {
            model.train();
        }
    }

    /**
     * {@link #SAMPLE_LENGTH} characters drawn one at a time at temperature 1 from the model in
     * eval mode, starting after a newline (or token 0), each conditioned on up to the last
     * {@link #CONTEXT} characters.
     */
    static String sample(CharGpt model, CharCorpus corpus, Rng rng) {
        model.eval();
        String vocab = corpus.vocabulary();
        long start = vocab.indexOf('\n') >= 0 ? vocab.codePoints().boxed().toList().indexOf((int) '\n') : 0;
        long[] tokens = new long[SAMPLE_LENGTH + 1];
        tokens[0] = start;
        try (NoGrad g = Variable.noGrad()) {
            for (int i = 1; i <= SAMPLE_LENGTH; i++) {
                int from = Math.max(0, i - model.context());
                long[] ctx = java.util.Arrays.copyOfRange(tokens, from, i);
                try (StepScope scope = StepScope.open()) {
                    Variable logits = model.forward(Variable.constant(Tensor.ofLongs(ctx, 1, ctx.length)));
                    float[] last = logits.narrow(1, ctx.length - 1, 1).softmax(-1).value().toFloatArray();
                    tokens[i] = draw(last, rng.nextDouble());
                }
            }
        } finally {
            model.train();
        }
        return corpus.decode(java.util.Arrays.copyOfRange(tokens, 1, tokens.length));
    }

    /** The index where the running sum of {@code probs} first exceeds {@code u} (the last one on rounding). */
    private static int draw(float[] probs, double u) {
        double c = 0;
        for (int i = 0; i < probs.length; i++) {
            c += probs[i];
            if (u < c) {
                return i;
            }
        }
        return probs.length - 1;
    }
}
