package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The launcher's help (issue 21): {@code --help} lists every command, the launcher's own
 * {@code run}, {@code jshell} and {@code classpath} included, with one line each;
 * {@code help CMD} works for all of them; each example's help states its own defaults.
 */
class HelpTest {
    private static final List<String> COMMANDS = List.of("mlp", "cnn", "distill", "lm", "run", "jshell", "classpath", "help");

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void topLevelHelpListsEveryCommandOnOneLine() {
        String[] r = run("--help");
        assertEquals("0", r[0], r[2]);
        String commands = r[1].substring(r[1].indexOf("Commands:"));
        for (String c : COMMANDS) {
            Matcher m = Pattern.compile("(?m)^  " + c + "\\s+(\\S.*)$").matcher(commands);
            assertTrue(m.find(), c + " is not listed with a description:\n" + commands);
        }
        for (String line : commands.lines().skip(1).filter(l -> !l.isBlank()).toList()) {
            assertTrue(line.matches("  [a-z]+ +\\S.*"), "one line per command, no wrapped description:\n" + commands);
        }
    }

    @Test
    void helpWorksForEveryCommand() {
        for (String c : COMMANDS) {
            String[] r = run("help", c);
            assertEquals("0", r[0], c + ": " + r[2]);
            assertTrue(r[1].contains("Usage: jgrad " + c), c + ":\n" + r[1]);
            assertFalse(r[2].contains("Unknown"), r[2]);
        }
        assertTrue(run("help", "run")[1].contains("FILE.java"));
    }

    private static String help(String command) {
        return run(command, "--help")[1].replaceAll("\\s+", " ");
    }

    @Test
    void eachExampleStatesItsOwnDefaults() {
        assertTrue(help("cnn").contains("cosine, plateau (default: cosine)"), help("cnn"));
        assertTrue(help("mlp").contains("cosine, plateau (default: cosine)"), help("mlp"));
        assertTrue(help("distill").contains("cosine, plateau (default: none)"), help("distill"));
        for (String c : List.of("mlp", "cnn", "distill")) {
            String help = help(c);
            assertFalse(help.contains("for mlp") || help.contains("for distill") || help.contains("null"), c + ":\n" + help);
            assertTrue(help.contains("(default: runs/" + c + ")"), c + ":\n" + help);
        }
        assertTrue(run("mlp", "--help")[1].contains("--no-batchnorm"));
        assertTrue(run("cnn", "--help")[1].contains("--hidden"));
    }

    @Test
    void aLauncherCommandReachingTheJvmSaysSoInOneLine() {
        String[] r = run("classpath");
        assertEquals("2", r[0]);
        assertEquals("jgrad classpath: 'classpath' is a command of the ./jgrad launcher script; run ./jgrad classpath ... "
                + "from the repository root" + System.lineSeparator(), r[2]);
    }

    @Test
    void theCommandDefaultIsTheOneUsed() {
        CommandLine cli = Main.commandLine();
        cli.parseArgs("cnn");
        CnnCommand cnn = cli.getSubcommands().get("cnn").getCommand();
        assertEquals(TrainOptions.SchedulerName.cosine, cnn.opts.scheduler);
        cli = Main.commandLine();
        cli.parseArgs("distill", "--scheduler", "step");
        DistillCommand d = cli.getSubcommands().get("distill").getCommand();
        assertEquals(TrainOptions.SchedulerName.step, d.opts.scheduler);
    }
}
