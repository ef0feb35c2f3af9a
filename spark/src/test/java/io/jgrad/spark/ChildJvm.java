package io.jgrad.spark;

import static org.junit.jupiter.api.Assertions.fail;

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
 * test can wait on and kill with SIGKILL ({@code destroyForcibly}: no shutdown hook runs). It
 * gets this JVM's {@code --add-opens} options (Spark needs them on Java 17) and environment.
 * (The train module's tests have the same helper; test classes are not shared between modules.)
 */
final class ChildJvm {
    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> consumed = new ArrayList<>();
    private final Thread reader;
    private final Path stderr;

    ChildJvm(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djgrad.backend=" + Backend.current().id()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        // stderr (logs, JVM warnings) goes to a file: interleaved with stdout, a log write could split or
        // glue one of the lines the test parses
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

    /** Waits for the next line starting with {@code prefix} and returns it; fails if the child ends first. */
    String await(String prefix) throws InterruptedException {
        while (true) {
            String l = lines.poll(120, TimeUnit.SECONDS);
            if (l == null || l.equals("<eof>")) {
                fail("the child ended or hung before printing '" + prefix + "...'; its output:\n" + String.join("\n", consumed) + errors());
            }
            consumed.add(l);
            if (l.startsWith(prefix)) {
                return l;
            }
        }
    }

    /** What the child wrote to stderr so far, for failure messages. */
    String errors() {
        try {
            String e = Files.readString(stderr);
            return e.isEmpty() ? "" : "\nits stderr:\n" + e;
        } catch (IOException e) {
            return "\n(its stderr could not be read: " + e + ")";
        }
    }

    /** SIGKILL now; true when the child was still running (so the kill interrupted it). */
    boolean kill() throws InterruptedException {
        boolean alive = process.isAlive();
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        return alive;
    }

    /** Waits for the child to end and returns every line it printed. */
    List<String> finish() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the child did not end; its output so far:\n" + String.join("\n", consumed) + errors());
        }
        reader.join(30_000);
        if (reader.isAlive()) {
            fail("the child's output was not read to its end within 30 s of its exit");
        }
        List<String> all = new ArrayList<>(consumed);
        lines.drainTo(all);
        all.remove("<eof>");
        return all;
    }
}
