package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jgrad.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Training errors name the place (issue 21): the offending label and its example, and a
 * warning when a validation split taken from label-sorted data misses classes.
 */
class ErrorsNameThePlaceTest {
    /** 40 examples of 20 features; labels as given. */
    private static Dataset data(int[] labels, int classes) {
        float[] x = new float[labels.length * 20];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        return Dataset.of(x, 20, labels, classes);
    }

    @Test
    void aLabelBeyondTheModelsOutputsIsNamedWithItsExample() {
        int[] labels = new int[40];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 4;
        }
        labels[17] = 12;
        Trainer t = Fixtures.trainer(Fixtures.mlp(1, 8), 1e-3).epochs(1).build();
        String msg = assertThrows(IllegalArgumentException.class, () -> t.fit(data(labels, 13), null)).getMessage();
        assertEquals("fit: the model's output is [32, 4] and the loss is crossEntropy, but the data has 13 classes"
                + " (label 12 of example 17 is outside the model's classes [0, 4)); give the model one output per class", msg);
    }

    @Test
    void aValidationSplitMissingClassesIsAWarning() {
        int[] sorted = new int[40];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i / 10;                         // 0 ... 0, 1 ... 1, 2 ..., 3 ...
        }
        Logger log = (Logger) LoggerFactory.getLogger(Trainer.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            Fixtures.trainer(Fixtures.mlp(1, 8), 1e-3).epochs(1).validationSplit(0.25).build().fit(data(sorted, 4));
            List<String> warnings = seen.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("Trainer.fit: the validation split (the last 10 examples) has no example of"
                    + " class(es) {0, 1, 2} that the training part has"), warnings.get(0));

            seen.list.clear();
            int[] mixed = new int[40];
            for (int i = 0; i < mixed.length; i++) {
                mixed[i] = i % 4;
            }
            Fixtures.trainer(Fixtures.mlp(1, 8), 1e-3).epochs(1).validationSplit(0.25).build().fit(data(mixed, 4));
            assertTrue(seen.list.stream().noneMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN), "no warning when all classes are there");
        } finally {
            log.detachAppender(seen);
        }
    }
}
