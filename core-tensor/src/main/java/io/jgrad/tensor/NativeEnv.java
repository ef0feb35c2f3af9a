package io.jgrad.tensor;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Writes a variable into the process's own C environment ({@code setenv} in libc), where native
 * libraries loaded later read it with {@code getenv}. Java's {@code System.getenv} is a copy taken
 * at start-up and cannot be written. Used once, for {@link BlasCoreType}, through JNA (which ND4J
 * already brings).
 */
final class NativeEnv {
    private NativeEnv() {
    }

    /** libc's {@code int setenv(const char*, const char*, int overwrite)}. */
    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /** Sets {@code name=value} without overwriting an existing value; false when libc could not be reached. */
    static boolean set(String name, String value) {
        try {
            LibC c = Native.loadLibrary("c", LibC.class);
            return c.setenv(name, value, 0) == 0;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
