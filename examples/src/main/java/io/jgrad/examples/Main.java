package io.jgrad.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The jgrad examples' command line: {@code jgrad mlp} trains a Fashion-MNIST classifier,
 * {@code jgrad cnn} trains a convolutional one, {@code jgrad distill} compares a small student trained alone with one distilled from a
 * large teacher, {@code jgrad lm} trains a character-level Transformer language model. {@code jgrad --help} and {@code jgrad <command> --help} list the options.
 */
@Command(name = "jgrad", mixinStandardHelpOptions = true, version = "jgrad 0.1.0",
        description = "Train small neural networks with jgrad on Fashion-MNIST (or a synthetic set), and a character-level language model on text.",
        subcommands = {MlpCommand.class, CnnCommand.class, DistillCommand.class, LmCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line (tests call {@code execute} on it in-process). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::badInput);
    }

    /** Bad input found while running (a --data that does not exist...) is one line and exit code 2, no stack trace. */
    private static int badInput(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (!(e instanceof IllegalArgumentException)) {
            throw e;
        }
        cmd.getErr().println("jgrad " + cmd.getCommandName() + ": " + e.getMessage());
        return 2;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: mlp, cnn, distill or lm");
    }
}
