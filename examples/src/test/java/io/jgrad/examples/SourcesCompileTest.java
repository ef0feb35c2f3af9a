package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What users copy must compile as written, against exactly the classpath of {@code io.jgrad:jgrad}:
 * every {@code ```java} block of the README (its imports included, so a wildcard import that
 * clashes with {@code java.lang.Module} is caught) and every script in {@code examples/scripts}.
 * A README block is a whole class when it declares one, otherwise statements, which are wrapped
 * in a method; a block that starts with "// continues" is appended to the block before it.
 */
class SourcesCompileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void everyReadmeSnippetCompiles() throws IOException {
        List<String> snippets = readmeSnippets(Files.readString(ROOT.resolve("README.md")));
        assertTrue(snippets.size() >= 3, "README java blocks found: " + snippets.size());
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            files.add(asCompilationUnit(snippets.get(i), i));
        }
        assertCompiles(files);
    }

    @Test
    void tensorboardDocSnippetsCompile() throws IOException {
        List<String> snippets = readmeSnippets(Files.readString(ROOT.resolve("docs/tensorboard.md")));
        assertEquals(1, snippets.size(), "docs/tensorboard.md java blocks");
        assertCompiles(List.of(asCompilationUnit(snippets.get(0), 0)));
    }

    @Test
    void everyScriptCompiles() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(ROOT.resolve("examples/scripts"))) {
            scripts = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertEquals(6, scripts.size(), "scripts (a) to (f): " + scripts);
        for (Path script : scripts) { // one at a time: each is a program of its own, as the source launcher sees it
            assertCompiles(List.of(script));
        }
    }

    /** The README's java blocks, "// continues" blocks joined to the one before. */
    static List<String> readmeSnippets(String readme) {
        List<String> out = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(readme);
        while (m.find()) {
            String block = m.group(1);
            if (block.startsWith("// continues") && !out.isEmpty()) {
                out.set(out.size() - 1, out.get(out.size() - 1) + block);
            } else {
                out.add(block);
            }
        }
        return out;
    }

    /** A block as a source file: as is when it declares a class, else its statements inside a method. */
    private Path asCompilationUnit(String block, int index) throws IOException {
        Matcher cls = Pattern.compile("(?m)^public class (\\w+)").matcher(block);
        Path d = Files.createDirectories(dir.resolve("snippet" + index));
        if (cls.find()) {
            return Files.writeString(d.resolve(cls.group(1) + ".java"), block);
        }
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String name = "Snippet" + index;
        return Files.writeString(d.resolve(name + ".java"), imports + "class " + name
                + " {\n  static void run() throws Exception {\n" + body + "  }\n}\n");
    }

    private void assertCompiles(List<Path> files) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(Path.of("target/classpath.txt")).trim();
        List<String> args = new ArrayList<>(List.of("-proc:none", "-d", Files.createTempDirectory(dir, "out").toString(),
                "-cp", classpath));
        files.forEach(f -> args.add(f.toString()));
        StringWriter errors = new StringWriter();
        int code = javac.run(null, null, new java.io.OutputStream() {
            @Override
            public void write(int b) {
                errors.write(b);
            }
        }, args.toArray(String[]::new));
        StringBuilder sources = new StringBuilder();
        for (Path f : files) {
            sources.append("--- ").append(f.getFileName()).append('\n').append(Files.readString(f));
        }
        assertEquals(0, code, "javac failed:\n" + errors + "\n" + sources);
    }
}
