package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Under -XX:+DisableExplicitGC jgrad's collection pacing is void: it must say so once, with what to do. */
class DisableExplicitGcWarningTest {

    @Test
    void theWarningAppearsOnceWithTheFlagAndNeverWithout() throws Exception {
        String with = child("-XX:+DisableExplicitGC");
        assertEquals(1, with.split(java.util.regex.Pattern.quote("runs with -XX:+DisableExplicitGC"), -1).length - 1, with);
        assertTrue(with.contains("StepScope") && with.contains("ExplicitGCInvokesConcurrent"), with);
        assertFalse(child("-XX:-DisableExplicitGC").contains("DisableExplicitGC"));
    }

    @Test
    void thisJvmDoesNotDisableExplicitCollections() {
        assertFalse(NativeMemory.explicitGcDisabled());
    }

    private static String child(String flag) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", flag, "-cp", System.getProperty("java.class.path"),
                Steps.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The child: enough temporaries to pass the budget several times. */
    public static final class Steps {
        public static void main(String[] args) {
            for (int i = 0; i < 300; i++) {
                Tensor.zeros(256, 1024);
            }
        }
    }
}
