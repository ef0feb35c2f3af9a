package io.jgrad.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A text as a sequence of character tokens, for character-level language models: the
 * vocabulary is the sorted set of distinct characters (Unicode code points, as Python's
 * {@code sorted(set(text))}), each character's token id its index there. {@link #fortunes}
 * reads the corpus of {@code ./jgrad lm}: Debian's {@code fortunes} files, concatenated.
 * {@link #split} cuts a training and a validation part at {@code int(fraction·n)};
 * {@link TokenWindows} turns a part into (inputs, next-character targets) windows.
 */
public final class CharCorpus {
    /** Where Debian's {@code fortunes} package installs its files. */
    public static final Path FORTUNES_DIR = Path.of("/usr/share/games/fortunes");

    private final int[] vocabulary;    // sorted distinct code points
    private final long[] ids;          // the text as token ids

    private CharCorpus(int[] vocabulary, long[] ids) {
        this.vocabulary = vocabulary;
        this.ids = ids;
    }

    /** The corpus of {@code text}, its vocabulary the sorted distinct characters of the text. */
    public static CharCorpus of(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("CharCorpus.of: the text is " + (text == null ? "null" : "empty"));
        }
        int[] cps = text.codePoints().toArray();
        int[] vocab = Arrays.stream(cps).distinct().sorted().toArray();
        long[] ids = new long[cps.length];
        for (int i = 0; i < cps.length; i++) {
            ids[i] = Arrays.binarySearch(vocab, cps[i]);
        }
        return new CharCorpus(vocab, ids);
    }

    /**
     * The text of the {@code fortunes} corpus in {@code dir}: every regular file directly in it
     * whose name has no {@code .} (so not the {@code *.dat} indexes, and no symbolic link),
     * read as UTF-8 and concatenated in sorted file-name order.
     *
     * @throws NoSuchFileException when {@code dir} is missing or holds no such file, with how to
     *         install the package ({@code apt-get install -y fortunes})
     */
    public static String readFortunes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null,
                    "no fortunes corpus here; install it with: apt-get install -y fortunes");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> !p.getFileName().toString().contains("."))
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null,
                    "no fortune files (regular files without a '.') here; install them with: apt-get install -y fortunes");
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        StringBuilder text = new StringBuilder();
        for (Path f : files) {
            text.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    /** {@link #of} the {@link #readFortunes} text of {@code dir}. */
    public static CharCorpus fortunes(Path dir) throws IOException {
        return of(readFortunes(dir));
    }

    /** The number of distinct characters V (token ids lie in {@code [0, V)}). */
    public int vocabSize() {
        return vocabulary.length;
    }

    /** The vocabulary, in token-id order. */
    public String vocabulary() {
        return new String(vocabulary, 0, vocabulary.length);
    }

    /** The number of characters n. */
    public int length() {
        return ids.length;
    }

    /** The whole text as token ids (a copy). */
    public long[] ids() {
        return ids.clone();
    }

    /** The token ids of characters {@code [from, to)} (a copy). */
    public long[] ids(int from, int to) {
        if (from < 0 || to > ids.length || from > to) {
            throw new IllegalArgumentException("CharCorpus.ids: range [" + from + ", " + to + ") is outside [0, "
                    + ids.length + "]");
        }
        return Arrays.copyOfRange(ids, from, to);
    }

    /**
     * The token ids of {@code text}.
     *
     * @throws IllegalArgumentException naming a character outside the vocabulary and its position
     */
    public long[] encode(String text) {
        int[] cps = text.codePoints().toArray();
        long[] out = new long[cps.length];
        for (int i = 0; i < cps.length; i++) {
            int k = Arrays.binarySearch(vocabulary, cps[i]);
            if (k < 0) {
                throw new IllegalArgumentException("CharCorpus.encode: character '" + Character.toString(cps[i])
                        + "' (U+" + Integer.toHexString(cps[i]).toUpperCase(java.util.Locale.ROOT) + ") at position "
                        + i + " is not in the vocabulary");
            }
            out[i] = k;
        }
        return out;
    }

    /**
     * The text of token ids.
     *
     * @throws IllegalArgumentException naming an id outside {@code [0, V)} and its position
     */
    public String decode(long[] tokens) {
        StringBuilder out = new StringBuilder(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabulary.length) {
                throw new IllegalArgumentException("CharCorpus.decode: token " + tokens[i] + " at position " + i
                        + " is outside [0, " + vocabulary.length + ")");
            }
            out.appendCodePoint(vocabulary[(int) tokens[i]]);
        }
        return out.toString();
    }

    /**
     * The training and validation parts: characters {@code [0, k)} and {@code [k, n)} with
     * {@code k = int(fraction·n)} (Python's truncation of the double product), as the {@code lm}
     * recipe splits its text at 0.9.
     */
    public Split split(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("CharCorpus.split: fraction must be in (0, 1), got " + fraction);
        }
        int k = (int) (fraction * ids.length);
        return new Split(ids(0, k), ids(k, ids.length));
    }

    /** The token ids of the two parts of {@link #split}. */
    public record Split(long[] train, long[] validation) {
    }
}
