package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.data.FashionMnist;
import io.jgrad.nn.SafeTensors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the examples end to end in-process through picocli, on small subsets. */
class MainTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static double percent(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void helpListsTheCommandsAndOptions() {
        Run top = run("--help");
        assertEquals(0, top.exit());
        assertTrue(top.out().contains("mlp") && top.out().contains("cnn") && top.out().contains("distill"), top.out());
        Run mlp = run("mlp", "--help");
        for (String flag : List.of("--epochs", "--batch-size", "--optimizer", "--lr", "--scheduler", "--warmup",
                "--weight-decay", "--class-weights", "--data", "--seed", "--out", "--limit", "--tensorboard")) {
            assertTrue(mlp.out().contains(flag), flag + " missing from\n" + mlp.out());
        }
        assertTrue(run("distill", "--help").out().contains("--labeled"));
        Run bad = run("mlp", "--optimizer", "lbfgs");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("lbfgs"), bad.err());
    }

    @Test
    void mlpOnAFashionMnistSubsetWritesItsOutputs() throws Exception {
        assumeTrue(FashionMnist.isPresent(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        Path out = dir.resolve("mlp");
        Run r = run("mlp", "--limit", "2000", "--epochs", "1", "--out", out.toString(), "--scheduler", "cosine");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("mlp on fashion-mnist-limit2000: 2000 train / 2000 test"), r.out());
        double acc = percent(r.out(), "test accuracy ([0-9.]+)%");
        assertTrue(acc > 60, "one epoch on 2,000 images: " + acc + "%");
        assertTrue(r.out().contains("Ankle boot"), "per-class report with class names");
        assertEquals(2, Files.readAllLines(out.resolve("history.csv")).size());
        assertNotNull(ImageIO.read(out.resolve("history.png").toFile()));
        assertTrue(SafeTensors.load(out.resolve("model.safetensors")).containsKey("1.running_mean"));
    }

    @Test
    void cnnOnATinySubsetLearnsAndWritesItsOutputs() throws Exception {
        String[] data = FashionMnist.isPresent(FashionMnist.DEFAULT_DIR)
                ? new String[] {"--data", FashionMnist.DEFAULT_DIR.toString()} : new String[] {"--synthetic"};
        Path out = dir.resolve("cnn");
        String[] args = {"cnn", "--limit", "600", "--epochs", "2", "--channels", "4,8", "--hidden", "32",
            "--batch-size", "50", "--out", out.toString()};
        Run r = run(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(data))
                .toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("cnn on "), r.out());
        assertTrue(r.out().contains("conv [4, 8], hidden 32"), r.out());
        double acc = percent(r.out(), "test accuracy ([0-9.]+)%");
        assertTrue(acc > 40, "well above chance (10%) after 2 epochs on 600 images: " + acc + "%");
        assertTrue(r.out().lines().reduce((a, b) -> b).orElse("").matches(
                "test accuracy [0-9.]+% after 2 epochs \\([0-9.]+ s, [0-9.]+ s/epoch\\); wrote .*cnn"), r.out());
        assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size());
        assertNotNull(ImageIO.read(out.resolve("history.png").toFile()));
        Map<String, ?> saved = SafeTensors.load(out.resolve("model.safetensors"));
        assertTrue(saved.containsKey("1.weight") && saved.containsKey("2.running_var"), saved.keySet().toString());
    }

    @Test
    void theSyntheticSetOnRequest() throws Exception {
        Path out = dir.resolve("synthetic");
        Run r = run("mlp", "--synthetic", "--limit", "1500", "--epochs", "2",
                "--optimizer", "sgd", "--lr", "0.05", "--warmup", "1", "--scheduler", "step", "--class-weights",
                "1,1,1,1,1,1,1,1,1,2", "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("mlp on synthetic-limit1500"), r.out());
        double acc = percent(r.out(), "test accuracy ([0-9.]+)%");
        assertTrue(acc > 30, "well above chance (10%) after 2 epochs: " + acc + "%");
        assertTrue(Files.isRegularFile(out.resolve("history.png")));
    }

    @Test
    void tensorboardLogsEveryEpochOfTheRun() throws Exception {
        Path tb = dir.resolve("tb");
        Run r = run("mlp", "--synthetic", "--limit", "300", "--epochs", "2", "--hidden", "16", "--out",
                dir.resolve("out").toString(), "--tensorboard", tb.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        String events = eventText(tb);
        for (String tag : List.of("loss/train", "loss/val", "accuracy/train", "accuracy/val", "lr",
                "parameters/0.weight", "parameters/1.running_mean")) {
            assertEquals(!tag.contains("running_mean"), events.contains(tag), tag + " (buffers are not parameters)");
        }
        Run spark = run("mlp", "--synthetic", "--limit", "300", "--epochs", "1", "--spark", "local[2]",
                "--tensorboard", tb.toString());
        assertEquals(2, spark.exit());
        assertTrue(spark.err().contains("--tensorboard is not available with --spark"), spark.err());
    }

    @Test
    void summaryPrintsTheModelAndExits() {
        Run r = run("cnn", "--synthetic", "--limit", "100", "--channels", "4,8", "--hidden", "32", "--summary",
                "--out", dir.resolve("none").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("1        Conv2d       [1, 4, 28, 28]       40"), r.out());
        assertTrue(r.out().contains("Total params: 13,266"), r.out());
        assertTrue(!Files.exists(dir.resolve("none")), "nothing trained or written");
    }

    /** The bytes of the only event file in {@code logDir} as Latin-1 text, to look for tags in. */
    private static String eventText(Path logDir) throws Exception {
        try (var files = Files.list(logDir)) {
            List<Path> events = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
            assertEquals(1, events.size(), "event files in " + logDir + ": " + events);
            return new String(Files.readAllBytes(events.get(0)), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void anExplicitDataDirectoryMustExist() {
        Path typo = dir.resolve("typo");
        Run r = run("mlp", "--data", typo.toString(), "--epochs", "1");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--data " + typo + ": no such directory"), r.err());
        assertTrue(!r.out().contains("synthetic"), "no silent fallback: " + r.out());
        Run empty = run("distill", "--data", dir.toString(), "--epochs", "1");
        assertEquals(2, empty.exit());
        assertTrue(empty.err().contains("cannot read Fashion-MNIST there"), empty.err());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @EnabledForJreRange(max = JRE.JAVA_22)    // Spark 3.5's runtime (see sparkSaysWhichJavaItNeeds)
    void mlpTrainsDataParallelOnSparkLocal2() throws Exception {
        Path out = dir.resolve("spark");
        String[] args = {"mlp", "--synthetic", "--limit", "640", "--hidden", "32",
            "--epochs", "2", "--batch-size", "64", "--lr", "0.01", "--out", out.toString()};
        double single = percent(run(args).out(), "test accuracy ([0-9.]+)%");
        String[] onSpark = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--spark", "local[2]")).toArray(String[]::new);
        Run r = run(onSpark);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("on Spark local[2]") && r.out().contains("spark: 2 workers x 32 rows per step"),
                r.out());
        double acc = percent(r.out(), "test accuracy ([0-9.]+)%");
        // the same global batch, model and optimizer; only the order of the rows differs
        assertTrue(acc > 20 && Math.abs(acc - single) <= 6, "spark " + acc + "% vs one process " + single + "%");
        assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size());
        assertNotNull(ImageIO.read(out.resolve("history.png").toFile()));
        assertTrue(SafeTensors.load(out.resolve("model.safetensors")).containsKey("1.running_mean"));
        Run odd = run("mlp", "--spark", "local[2]", "--workers", "2", "--synthetic",
                "--limit", "300", "--epochs", "1", "--batch-size", "63", "--out", out.toString());
        assertEquals(2, odd.exit(), "bad input is exit code 2: " + odd.err());
        assertTrue(odd.err().contains("global batch 63 must split evenly over 2 workers"), odd.err());
    }

    @Test
    void sparkSaysWhichJavaItNeeds() {
        SparkMlp.checkJava(17);
        SparkMlp.checkJava(21);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkMlp.checkJava(25));
        assertTrue(e.getMessage().contains("Spark 3.5 runs on Java 17 to 22, and this JVM is Java 25"), e.getMessage());
        if (Runtime.version().feature() >= 23) {     // the same through the command line, before any Spark context
            Run r = run("mlp", "--synthetic", "--limit", "300", "--epochs", "1", "--spark", "local[2]",
                    "--out", dir.resolve("spark-jvm").toString());
            assertEquals(2, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("this JVM is Java " + Runtime.version().feature()), r.err());
        }
    }

    @Test
    void distillRunsBothScenariosOnASubset() throws Exception {
        Path out = dir.resolve("distill");
        String data = FashionMnist.isPresent(FashionMnist.DEFAULT_DIR) ? "--data=" + FashionMnist.DEFAULT_DIR
                : "--synthetic";
        String[] args = {"distill", data, "--limit", "1000", "--epochs", "1", "--teacher-epochs", "1",
            "--seeds", "1", "--labeled", "100", "--out", out.toString(), "--tensorboard", dir.resolve("tb").toString()};
        Run r = run(args);
        assertEquals(0, r.exit(), r.out() + r.err());
        for (String run : List.of("teacher", "full_alone-seed42", "full_distilled-seed42", "scarce_alone-seed42",
                "scarce_distilled-seed42")) {
            assertTrue(eventText(dir.resolve("tb").resolve(run)).contains("loss/train"), run);
        }
        double teacher = percent(r.out(), "teacher ([0-9.]+)%");
        assertTrue(teacher > 40, "teacher " + teacher);
        assertTrue(r.out().contains("(1) full labels (1000)") && r.out().contains("(2) 100 labels vs 1000-image transfer set"),
                r.out());
        assertEquals(2, Files.readAllLines(out.resolve("distill.csv")).size());
        // what the README promises every example writes
        assertEquals(2, Files.readAllLines(out.resolve("history.csv")).size());
        assertTrue(Files.readAllLines(out.resolve("history.csv")).get(1).matches("1,[0-9.e-]+,,[0-9.e-]+,[0-9.e-]+,.*"),
                "the distilled student's epoch with validation: " + Files.readAllLines(out.resolve("history.csv")));
        assertNotNull(ImageIO.read(out.resolve("history.png").toFile()));
        assertTrue(SafeTensors.load(out.resolve("model.safetensors")).containsKey("0.weight"));
        try (var files = Files.list(out)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("teacher-")));
        }
        Run again = run(args);
        assertTrue(again.out().contains("loaded the teacher from"), again.out());
        assertEquals(teacher, percent(again.out(), "teacher ([0-9.]+)%"));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void lmTrainsAFewStepsOnTheFortunesAndWritesItsOutputs() throws Exception {
        assumeTrue(Files.isDirectory(io.jgrad.data.CharCorpus.FORTUNES_DIR), "fortunes is not installed (apt-get install -y fortunes)");
        Path out = dir.resolve("lm");
        Run r = run("lm", "--steps", "3", "--eval-every", "2", "--out", out.toString(), "--seed", "7");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("lm on /usr/share/games/fortunes: "), r.out());
        String last = r.out().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.matches("validation loss [0-9]+\\.[0-9]{3} nats/char after 3 steps \\([0-9]+ s training, [0-9]+ s in all, seed 7\\)"),
                last);
        double loss = percent(last, "validation loss ([0-9.]+)");
        assertTrue(loss > 2 && loss < 6, "three steps from random init (ln V is about 4.6): " + loss);
        assertTrue(r.out().contains("sample (temperature 1):"), r.out());
        List<String> csv = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(List.of("step,train_loss,lr,val_loss"), csv.subList(0, 1));
        assertEquals(4, csv.size());
        assertTrue(csv.get(1).startsWith("1,") && csv.get(1).contains(",1.000000e-05,") && csv.get(1).endsWith(","), csv.get(1));
        assertTrue(!csv.get(2).endsWith(",") && !csv.get(3).endsWith(","), "validation measured at steps 2 and 3: " + csv);
        assertNotNull(ImageIO.read(out.resolve("loss.png").toFile()));
        Map<String, ?> saved = SafeTensors.load(out.resolve("model.safetensors"));
        assertTrue(saved.containsKey("tok.weight") && saved.containsKey("blocks.3.self_attn.in_proj_weight")
                && saved.containsKey("head.bias"), saved.keySet().toString());
    }

    @Test
    void lmWithoutTheFortunesSaysHowToInstallThem() {
        Run r = run("lm", "--data", dir.resolve("missing").toString(), "--steps", "1");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("apt-get install -y fortunes") && r.err().contains("missing"), r.err());
    }

    @Test
    void lmLearningRateFollowsTheRecipe() {
        assertEquals(1e-5, LmCommand.learningRate(0, 1000), 1e-15);
        assertEquals(1e-3, LmCommand.learningRate(99, 1000), 1e-15);
        assertEquals(1e-3, LmCommand.learningRate(100, 1000), 1e-15);
        assertEquals(5.5e-4, LmCommand.learningRate(100 + 899 / 2, 1000), 2e-6);
        assertEquals(1e-4, LmCommand.learningRate(999, 1000), 1e-15);
        assertEquals(1e-4, LmCommand.learningRate(100, 101), 1e-15);
    }
}
