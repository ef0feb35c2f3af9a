package io.jgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a well-formed IDX file (or two IDX files that do not belong together). */
public class IdxFormatException extends IOException {
    private final transient Path file;

    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
