package io.jgrad.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The jgrad examples' command line: {@code jgrad mlp} trains a Fashion-MNIST classifier,
 * {@code jgrad cnn} trains a convolutional one, {@code jgrad distill} compares a small student trained alone with one distilled from a
 * large teacher, {@code jgrad lm} trains a character-level Transformer language model; {@code run}, {@code jshell} and {@code classpath} are the launcher script's own
 * ({@link LauncherCommands}). {@code jgrad --help} lists them all, {@code jgrad help <command>}
 * and {@code jgrad <command> --help} the options with each command's own defaults.
 */
@Command(name = "jgrad", mixinStandardHelpOptions = true, version = "jgrad 0.1.0",
        description = "Train small neural networks with jgrad on Fashion-MNIST (or a synthetic set), and a character-level language model on text.",
        subcommands = {MlpCommand.class, CnnCommand.class, DistillCommand.class, LmCommand.class, LauncherCommands.Run.class,
            LauncherCommands.Jshell.class, LauncherCommands.Classpath.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line (tests call {@code execute} on it in-process). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::badInput);
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommand() instanceof TrainOptions.CommandDefaults d) {
                sub.setDefaultValueProvider(d::defaultValue);
            }
        }
        return cli;
    }

    /**
     * Bad input found while running (a --data that does not exist, an {@code --lr NaN} an
     * optimizer rejects...) is one line and exit code 2, no stack trace: any
     * {@link IllegalArgumentException}, also one wrapped by another exception (a Spark job's).
     */
    private static int badInput(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        Throwable bad = e;
        while (bad != null && !(bad instanceof IllegalArgumentException)) {
            bad = bad.getCause() == bad ? null : bad.getCause();
        }
        if (bad == null) {
            throw e;
        }
        cmd.getErr().println("jgrad " + cmd.getCommandName() + ": " + bad.getMessage());
        return 2;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command; see ./jgrad --help");
    }
}
