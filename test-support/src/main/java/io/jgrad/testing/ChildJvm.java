package io.jgrad.testing;

import io.jgrad.tensor.backend.Backend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a test's main class on this process's class path and backend (so its
 * numbers are comparable bit for bit), its stdout read line by line on a daemon thread, that a
 * test can wait on and kill with SIGKILL ({@link #kill}: no shutdown hook runs). The
 * kill-and-resume tests of train and spark use it. It gets this JVM's {@code --add-opens}
 * options (Spark needs them on Java 17). Its stderr (logs, JVM warnings) goes to a file that
 * failure messages quote: merged into stdout, a write without a trailing newline could glue onto
 * one of the lines a test parses and hide it.
 */
public final class ChildJvm {
    /** The child process, for {@code waitFor} and its exit value (kill it with {@link #kill}). */
    public final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> consumed = new ArrayList<>();
    private final Thread reader;
    private final Path stderr;

    /** Starts {@code main} with {@code args}; {@code jvmOptions} come after the defaults, so they win (e.g. {@code -Xmx1g}). */
    public ChildJvm(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djgrad.backend=" + Backend.current().id()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        stderr = Files.createTempFile("jgrad-child-", ".stderr");
        stderr.toFile().deleteOnExit();
        process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
            lines.add("<eof>");
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** The next line the child prints; fails if it ends or stays silent for two minutes first. */
    public String next() throws InterruptedException {
        String l = lines.poll(120, TimeUnit.SECONDS);
        if (l == null || l.equals("<eof>")) {
            throw new AssertionError("the child ended or hung; its output:\n" + String.join("\n", consumed) + errors());
        }
        consumed.add(l);
        return l;
    }

    /** Waits for the next line starting with {@code prefix} and returns it; fails if the child ends first. */
    public String await(String prefix) throws InterruptedException {
        while (true) {
            String l = next();
            if (l.startsWith(prefix)) {
                return l;
            }
        }
    }

    /** What the child wrote to stderr so far, for failure messages. */
    public String errors() {
        try {
            String e = Files.readString(stderr);
            return e.isEmpty() ? "" : "\nits stderr:\n" + e;
        } catch (IOException e) {
            return "\n(its stderr could not be read: " + e + ")";
        }
    }

    /**
     * SIGKILL now; true when the child was still running (so the kill interrupted it). Through the
     * process handle, not {@code Process.destroyForcibly()}: that also closes this side of the
     * child's stdout pipe, and lines the child wrote just before it died, not yet read, were lost
     * (CrashSafetyTest then found a checkpoint of a step whose loss line no process had printed).
     */
    public boolean kill() throws InterruptedException {
        boolean alive = process.isAlive();
        process.toHandle().destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        return alive;
    }

    /** Waits for the child to end and returns every line it printed. */
    public List<String> finish() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.toHandle().destroyForcibly();
            throw new AssertionError("the child did not end; its output so far:\n" + String.join("\n", consumed) + errors());
        }
        reader.join(30_000);
        if (reader.isAlive()) {
            throw new AssertionError("the child's output was not read to its end within 30 s of its exit");
        }
        List<String> all = new ArrayList<>(consumed);
        lines.drainTo(all);
        all.remove("<eof>");
        return all;
    }
}
