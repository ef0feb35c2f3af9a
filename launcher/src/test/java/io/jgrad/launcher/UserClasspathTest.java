package io.jgrad.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher's class path is a plain user project's (issue 21, item 1): {@code CsvDataset}
 * crashed under {@code ./jgrad run} because the examples module let Spark downgrade commons-io.
 * This module is such a user project (no parent); the test fails the build when the reactor
 * resolves the starter's dependencies (what the other modules' tests run on,
 * {@code starter/target/classpath.txt}) to other versions, or when Spark reaches the class path.
 */
class UserClasspathTest {
    /** An entry of the local Maven repository: .../repository/group/path/artifact/version/file.jar. */
    private static final Pattern REPO = Pattern.compile(".*/repository/(.+)/([^/]+)/([^/]+)/[^/]+\\.jar");
    /** A reactor module: /root/of/checkout/module/target/classes or .../target/module-version.jar. */
    private static final Pattern MODULE = Pattern.compile(".*/([^/]+)/target/(classes|[^/]+\\.jar)");

    /** groupId:artifactId (or "module:NAME") to its version (or "reactor"). */
    private static Map<String, String> read(Path file) throws IOException {
        assertTrue(Files.exists(file), file + " is missing: build with `mvn -pl launcher -am package`");
        Map<String, String> out = new TreeMap<>();
        for (String entry : Files.readString(file).trim().split(java.io.File.pathSeparator)) {
            Matcher repo = REPO.matcher(entry.replace('\\', '/'));
            Matcher module = MODULE.matcher(entry.replace('\\', '/'));
            if (repo.matches()) {
                // group:artifact, plus the classifier part of the file name (ND4J has one jar per platform)
                String jar = entry.substring(entry.lastIndexOf('/') + 1).replace(repo.group(3), "");
                String key = repo.group(1).replace('/', '.') + ":" + repo.group(2) + ":" + jar;
                String before = out.put(key, repo.group(3));
                assertEquals(null, before, "twice on the class path: " + key);
            } else if (module.matches()) {
                out.put("module:" + module.group(1), "reactor");
            } else {
                throw new AssertionError("unexpected class path entry " + entry);
            }
        }
        return out;
    }

    @Test
    void theReactorResolvesTheStarterAsAUserProjectDoes() throws IOException {
        Map<String, String> user = read(Path.of("target", "classpath.txt"));
        Map<String, String> reactor = read(Path.of("..", "starter", "target", "classpath.txt"));
        reactor.put("module:starter", "reactor");          // the starter itself is on the user's path
        TreeSet<String> differ = new TreeSet<>();
        for (String k : new TreeSet<>(user.keySet())) {
            if (!user.get(k).equals(reactor.get(k))) {
                differ.add(k + " user " + user.get(k) + ", reactor " + reactor.get(k));
            }
        }
        for (String k : reactor.keySet()) {
            if (!user.containsKey(k)) {
                differ.add(k + " user -, reactor " + reactor.get(k));
            }
        }
        assertEquals(new TreeSet<>(), differ, "the starter's dependencies resolve differently in a plain user project");
    }

    @Test
    void noSparkAndCommonsCsvGetsTheCommonsIoItNeeds() throws IOException {
        Map<String, String> user = read(Path.of("target", "classpath.txt"));
        assertTrue(user.keySet().stream().noneMatch(k -> k.startsWith("org.apache.spark:")), user.keySet().toString());
        String io = user.entrySet().stream().filter(e -> e.getKey().startsWith("commons-io:commons-io:"))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
        // commons-csv 1.14 reads through UnsynchronizedBufferedReader, new in commons-io 2.17
        String[] v = io.split("\\.");
        assertTrue(Integer.parseInt(v[0]) > 2 || Integer.parseInt(v[1]) >= 17, "commons-io " + io);
    }
}
