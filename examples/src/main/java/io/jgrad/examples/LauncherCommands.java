package io.jgrad.examples;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands the {@code ./jgrad} shell launcher runs itself ({@code run}, {@code jshell},
 * {@code classpath}), declared here so that {@code ./jgrad --help} lists them with the examples
 * and {@code ./jgrad help run} describes them. The launcher never passes them to this program;
 * called directly ({@code java io.jgrad.examples.Main run ...}) each says to use the launcher.
 */
final class LauncherCommands {
    private LauncherCommands() {
    }

    /** The shared refusal when a launcher command reaches the JVM. */
    abstract static class LauncherOnly implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            throw new IllegalArgumentException("'" + spec.name() + "' is a command of the ./jgrad launcher script; run ./jgrad "
                    + spec.name() + " ... from the repository root");
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run a one-file Java program with jgrad on the classpath.",
            footer = {"", "The exit code is the program's. Example: ./jgrad run examples/scripts/CsvClassifier.java"})
    static final class Run extends LauncherOnly {
        @Parameters(index = "0", paramLabel = "FILE.java", description = "The program: one .java file with a main method.")
        String file;

        @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments passed to the program.")
        List<String> args;
    }

    @Command(name = "jshell", mixinStandardHelpOptions = true,
            description = "Start JShell with jgrad on the class path, its packages imported.",
            footer = {"", "Options after 'jshell' go to JShell itself (e.g. a script file to run)."})
    static final class Jshell extends LauncherOnly {
        @Parameters(paramLabel = "JSHELL-OPTIONS", description = "Options and files for JShell.")
        List<String> options;
    }

    @Command(name = "classpath", mixinStandardHelpOptions = true,
            description = "Print the launcher's class path (for an IDE, javac or java).")
    static final class Classpath extends LauncherOnly {
    }
}
