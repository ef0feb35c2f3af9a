package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Any {@link IllegalArgumentException} a command meets is one line on stderr and exit code 2,
 * never a stack trace (issue 21: {@code mlp --optimizer sgd --lr NaN} printed one and exited 1).
 */
class CliErrorsTest {
    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new String[] {Integer.toString(exit), err.toString()};
    }

    private static void oneLine(String expected, String... args) {
        String[] r = run(args);
        assertEquals("2", r[0], r[1]);
        assertFalse(r[1].contains("\tat "), "a stack trace:\n" + r[1]);
        assertEquals(expected + System.lineSeparator(), r[1]);
    }

    @Test
    void everyOptimizerRejectsABadLrInOneLine() {
        oneLine("jgrad mlp: SGD: lr must be a finite number >= 0, got NaN",
                "mlp", "--synthetic", "--optimizer", "sgd", "--lr", "NaN");
        oneLine("jgrad mlp: GD: lr must be a finite number >= 0, got -1.0",
                "mlp", "--synthetic", "--optimizer", "gd", "--lr", "-1");
        oneLine("jgrad mlp: Adam: lr must be a finite number >= 0, got NaN",
                "mlp", "--synthetic", "--optimizer", "adam", "--lr", "NaN");
        oneLine("jgrad mlp: AdamW: weightDecay must be a finite number >= 0, got -0.5",
                "mlp", "--synthetic", "--optimizer", "adamw", "--weight-decay", "-0.5");
        oneLine("jgrad cnn: SGD: momentum must be a finite number >= 0, got NaN",
                "cnn", "--synthetic", "--optimizer", "sgd", "--momentum", "NaN");
    }

    @Test
    void aWrappedIllegalArgumentIsStillOneLine() throws Exception {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.getExecutionExceptionHandler().handleExecutionException(
                new RuntimeException("job failed", new IllegalArgumentException("--spark: bad master")), cli, null);
        assertEquals(2, exit);
        assertEquals("jgrad jgrad: --spark: bad master" + System.lineSeparator(), err.toString());
    }
}
