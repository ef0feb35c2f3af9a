package io.jgrad.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one field of Linux's {@code /proc/cpuinfo}, the source of the BLAS choices made before
 * native code loads ({@link BlasLibrary}'s vendor, {@link BlasCoreType}'s instruction sets).
 */
final class CpuInfo {
    private CpuInfo() {
    }

    /** The value of the first line whose key is {@code key} ({@code "vendor_id"}, {@code "flags"}); empty when unreadable. */
    static String first(String key) {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith(key) && l.indexOf(':') > 0
                            && l.substring(0, l.indexOf(':')).trim().equals(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
