// (g) A classifier trained on a CSV file: CsvDataset reads a table with a header row (the column
// "label" holds the class, every other column is a feature), then the Trainer fits a small MLP.
// pandas + PyTorch:  df = pd.read_csv(path); X = df.drop(columns="label"); y = df["label"]
//
//   ./jgrad run examples/scripts/CsvClassifier.java [FILE.csv] [--short]
// Without FILE.csv it first writes runs/scripts/blobs.csv (600 rows, 8 features, 3 classes) and reads that.
import io.jgrad.data.CsvDataset;
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.tensor.Rng;
import io.jgrad.train.Evaluation;
import io.jgrad.train.History;
import io.jgrad.train.Progress;
import io.jgrad.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

public class CsvClassifier {
    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--short"); // CI's few-second setting
        Path out = Files.createDirectories(Path.of("runs/scripts"));
        Path given = Arrays.stream(args).filter(a -> a.endsWith(".csv")).map(Path::of).findFirst().orElse(null);
        Path csv = given != null ? given : writeExample(out.resolve("blobs.csv"));

        Dataset all = CsvDataset.builder(csv).labelColumn("label").load();
        System.out.printf("read %s: %d rows, %d features, %d classes%n", csv, all.size(), all.numFeatures(), all.numClasses());
        Dataset.Split split = all.split(0.8, 1);                      // shuffled 80 / 20

        Rng.manualSeed(1);
        Sequential model = new Sequential(new Linear(all.numFeatures(), 32), new ReLU(), new Linear(32, all.numClasses()));
        Trainer trainer = Trainer.builder()
                .model(model).optimizer(Adam.builder(model.parameters()).lr(1e-2).build())
                .epochs(quick ? 5 : 30).batchSize(32).seed(1).progress(Progress.epochs())
                .build();
        History history = trainer.fit(split.first(), split.second());
        Evaluation test = trainer.evaluate(split.second());
        System.out.printf(Locale.ROOT, "Test accuracy: %.4f%n", test.accuracy());
        Path png = out.resolve("csv-classifier.png");
        history.writeChart(png);
        System.out.println("wrote " + png);
    }

    /** A CSV as a spreadsheet would export it: a header row, then one example per line. */
    static Path writeExample(Path file) throws IOException {
        Dataset d = SyntheticClassification.builder().samples(600).features(8).informative(5).classes(3).seed(3).build();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            StringBuilder header = new StringBuilder();
            for (int j = 0; j < d.numFeatures(); j++) {
                header.append("x").append(j).append(',');
            }
            w.println(header.append("label"));
            float[] x = d.features().toFloatArray();
            for (int i = 0; i < d.size(); i++) {
                StringBuilder row = new StringBuilder();
                for (int j = 0; j < d.numFeatures(); j++) {
                    row.append(String.format(Locale.ROOT, "%.5f", x[i * d.numFeatures() + j])).append(',');
                }
                w.println(row.append(d.label(i)));
            }
        }
        return file;
    }
}
