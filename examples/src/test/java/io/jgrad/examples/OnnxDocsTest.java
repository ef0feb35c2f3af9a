package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/onnx.md's code as a user copies it: every {@code ```java} block compiles against the
 * class path of {@code io.jgrad:jgrad} (plus ONNX Runtime for the block that uses it), and the
 * export block and the ONNX Runtime block run, in that order, on a file in a temporary directory.
 */
class OnnxDocsTest {
    private static final Path DOC = Path.of("..", "docs", "onnx.md").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theDocsExportAndRunAsWritten() throws Exception {
        String file = dir.resolve("mlp.onnx").toString();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<Path> sources = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        while (m.find()) {
            String block = m.group(1).replace("\"mlp.onnx\"", "\"" + file.replace("\\", "\\\\") + "\"");
            Matcher cls = Pattern.compile("(?m)^public class (\\w+)").matcher(block);
            String name = cls.find() ? cls.group(1) : "Snippet" + classes.size();
            if (!block.contains("public class ")) {
                StringBuilder imports = new StringBuilder();
                StringBuilder body = new StringBuilder();
                for (String line : block.split("\n", -1)) {
                    (line.startsWith("import ") ? imports : body).append(line).append('\n');
                }
                block = imports + "public class " + name + " {\n  public static void main(String[] args) throws Exception {\n"
                        + body + "  }\n}\n";
            }
            sources.add(Files.writeString(dir.resolve(name + ".java"), block));
            classes.add(name);
        }
        assertEquals(List.of("Snippet0", "Doubler", "RunMlp"), classes, "docs/onnx.md's java blocks");

        Path out = Files.createDirectories(dir.resolve("classes"));
        String jgradClassPath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(Path.of("target/classpath.txt")).trim();
        String ort = Path.of(OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        compile(jgradClassPath, out, sources.subList(0, 2));
        compile(jgradClassPath + File.pathSeparator + ort, out, sources.subList(2, 3));

        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            main(loader, "Snippet0");
            assertTrue(Files.size(Path.of(file)) > 784 * 128 * 4, "the export wrote the weights");
            main(loader, "RunMlp");
        }
    }

    private static void main(ClassLoader loader, String name) throws Exception {
        Method main = loader.loadClass(name).getMethod("main", String[].class);
        main.invoke(null, (Object) new String[0]);
    }

    private static void compile(String classPath, Path out, List<Path> files) {
        List<String> args = new ArrayList<>(List.of("-proc:none", "-d", out.toString(), "-cp", classPath + File.pathSeparator + out));
        files.forEach(f -> args.add(f.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = ToolProvider.getSystemJavaCompiler().run(null, null, errors, args.toArray(String[]::new));
        assertEquals(0, code, "javac failed on " + files + ":\n" + errors);
    }
}
