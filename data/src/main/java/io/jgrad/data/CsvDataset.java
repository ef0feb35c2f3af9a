package io.jgrad.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a table of numbers from a CSV file into a {@link Dataset}: one example per row, one
 * column holding the label and every other column a feature. Parsing (quotes, delimiters,
 * line endings, a header row) is Apache Commons CSV's; this class only turns cells into floats
 * and says exactly which cell it could not use.
 *
 * <pre>{@code
 * Dataset d = CsvDataset.builder(Path.of("houses.csv")).labelColumn("price").floatTargets(true).load();
 * Dataset iris = CsvDataset.builder(Path.of("iris.csv")).labelColumn("species").load(); // classes 0..K-1
 * }</pre>
 *
 * Integer labels must be whole numbers {@code 0..K-1} (K is the largest label + 1 unless
 * {@link Builder#numClasses} says otherwise); float targets give a regression data set with one
 * target per example.
 */
public final class CsvDataset {
    private CsvDataset() {
    }

    /** A loader of {@code file}; defaults: a header row, ',' as delimiter, the last column as label, integer labels. */
    public static Builder builder(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("CsvDataset.builder: file is null");
        }
        return new Builder(file);
    }

    /** Options of a CSV load; {@link #load()} reads the file with the options set at that moment. */
    public static final class Builder {
        private final Path file;
        private boolean header = true;
        private char delimiter = ',';
        private String labelName;
        private int labelIndex = -1;
        private boolean floatTargets;
        private int numClasses;

        private Builder(Path file) {
            this.file = file;
        }

        /** Whether the first row names the columns (default true). */
        public Builder header(boolean header) {
            this.header = header;
            return this;
        }

        /** The cell delimiter (default ','). */
        public Builder delimiter(char delimiter) {
            this.delimiter = delimiter;
            return this;
        }

        /** The label column by its header name (needs {@code header(true)}). */
        public Builder labelColumn(String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("CsvDataset.labelColumn: name is null or empty");
            }
            this.labelName = name;
            return this;
        }

        /** The label column by 0-based position; negative counts from the end (-1, the default, is the last). */
        public Builder labelColumn(int index) {
            this.labelName = null;
            this.labelIndex = index;
            return this;
        }

        /** Float targets (regression) instead of integer class labels (default false). */
        public Builder floatTargets(boolean floatTargets) {
            this.floatTargets = floatTargets;
            return this;
        }

        /** The number of classes, when some classes may be missing from this file (default: largest label + 1). */
        public Builder numClasses(int numClasses) {
            if (numClasses <= 0) {
                throw new IllegalArgumentException("CsvDataset.numClasses: must be positive, got " + numClasses);
            }
            this.numClasses = numClasses;
            return this;
        }

        /** Reads the file. */
        public Dataset load() throws IOException {
            CSVFormat.Builder format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter)
                    .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true);
            if (header) {
                format.setHeader().setSkipHeaderRecord(true); // names from the first row
            }
            try (Reader in = Files.newBufferedReader(file); CSVParser parser = format.get().parse(in)) {
                List<CSVRecord> rows = parser.getRecords();
                if (rows.isEmpty()) {
                    throw new IllegalArgumentException("CsvDataset: " + file + " has no data rows");
                }
                int columns = rows.get(0).size();
                if (columns < 2) {
                    throw new IllegalArgumentException("CsvDataset: " + file + " has " + columns
                            + " column; needs at least one feature and the label");
                }
                List<String> names = parser.getHeaderNames();
                return toDataset(rows, columns, labelColumnIndex(names, columns), names);
            }
        }

        private int labelColumnIndex(List<String> headerNames, int columns) {
            if (labelName != null) {
                if (!header) {
                    throw new IllegalArgumentException("CsvDataset: labelColumn(\"" + labelName
                            + "\") needs a header row; use labelColumn(index) with header(false)");
                }
                int i = headerNames.indexOf(labelName);
                if (i < 0) {
                    throw new IllegalArgumentException("CsvDataset: " + file + " has no column '" + labelName
                            + "'; its columns are " + headerNames);
                }
                return i;
            }
            int i = labelIndex < 0 ? columns + labelIndex : labelIndex;
            if (i < 0 || i >= columns) {
                throw new IllegalArgumentException("CsvDataset: labelColumn(" + labelIndex + ") is outside the "
                        + columns + " columns of " + file);
            }
            return i;
        }

        private Dataset toDataset(List<CSVRecord> rows, int columns, int label, List<String> names) {
            int n = rows.size();
            int d = columns - 1;
            float[] x = new float[n * d];
            float[] t = new float[n];
            int[] y = new int[n];
            int maxLabel = -1;
            for (int r = 0; r < n; r++) {
                CSVRecord row = rows.get(r);
                if (row.size() != columns) {
                    throw new IllegalArgumentException("CsvDataset: record " + row.getRecordNumber() + " of " + file
                            + " has " + row.size() + " cells, expected " + columns);
                }
                int k = 0;
                for (int c = 0; c < columns; c++) {
                    if (c == label) {
                        float v = number(row, c, names);
                        if (floatTargets) {
                            t[r] = v;
                        } else {
                            y[r] = classIndex(row, c, v, names);
                            maxLabel = Math.max(maxLabel, y[r]);
                        }
                    } else {
                        x[r * d + k++] = number(row, c, names);
                    }
                }
            }
            if (floatTargets) {
                return Dataset.wrapTargets(x, d, t, 1);
            }
            int classes = numClasses > 0 ? numClasses : maxLabel + 1;
            if (maxLabel >= classes) {
                throw new IllegalArgumentException("CsvDataset: label " + maxLabel + " in " + file
                        + " is outside numClasses(" + classes + ")");
            }
            return Dataset.wrap(x, d, y, classes);
        }

        private float number(CSVRecord row, int column, List<String> names) {
            String cell = row.get(column);
            try {
                return Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("CsvDataset: " + where(row, column, names) + " is '" + cell
                        + "', not a number", e);
            }
        }

        private int classIndex(CSVRecord row, int column, float v, List<String> names) {
            if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("CsvDataset: label " + where(row, column, names) + " is '" + row.get(column)
                        + "', not a class index 0, 1, 2, ...; use floatTargets(true) for regression targets");
            }
            return (int) v;
        }

        private String where(CSVRecord row, int column, List<String> names) {
            String name = column < names.size() ? " ('" + names.get(column) + "')" : "";
            return "record " + row.getRecordNumber() + ", column " + column + name + " of " + file;
        }
    }
}
