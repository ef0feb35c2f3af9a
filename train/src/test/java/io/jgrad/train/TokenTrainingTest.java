package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.data.CharCorpus;
import io.jgrad.data.Dataset;
import io.jgrad.data.TokenWindows;
import io.jgrad.nn.Embedding;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Trainer and Evaluator on INT64 targets of any shape (issue 19): a next-character model
 * trained on token windows, and accuracy and loss counted per token with ignored positions
 * skipped, checked against hand-counted values.
 */
class TokenTrainingTest {

    @Test
    void trainsANextCharacterModelOnTokenWindows() {
        CharCorpus corpus = CharCorpus.of("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd");
        int v = corpus.vocabSize();
        TokenWindows windows = new TokenWindows(corpus.ids(), 6, v);
        Dataset train = windows.all(1);
        Dataset val = windows.fixed(4);
        Rng.manualSeed(3);
        Sequential model = new Sequential(new Embedding(v, 8), new Linear(8, v));
        Trainer trainer = Trainer.builder().model(model).optimizer(Adam.builder(model.parameters()).lr(0.05).build())
                .epochs(8).batchSize(8).seed(1).progress(Progress.none()).build();
        History h = trainer.fit(train, val);
        EpochStats first = h.epochs().get(0);
        EpochStats last = h.last().orElseThrow();
        assertTrue(last.trainLoss() < first.trainLoss() / 4, first + " -> " + last);
        assertEquals(1.0, last.valAcc(), 1e-12, "each character determines the next: " + last);
        assertEquals(1.0, last.trainAcc(), 1e-12);
        Evaluation ev = trainer.evaluate(val);
        assertEquals(4 * 6, ev.count(), "every token of the 4 windows counts");
    }

    @Test
    void accuracyAndLossCountTokensSkippingIgnoredOnes() {
        // an embedding whose logits peak at the input token: the prediction is the input itself
        int v = 4;
        Embedding emb = new Embedding(v, v);
        float[] eye = new float[v * v];
        for (int i = 0; i < v; i++) {
            eye[i * v + i] = 3;
        }
        emb.loadStateDict(Map.of("weight", Tensor.of(eye, v, v)));
        long[] x = {0, 1, 2, 3, 3, 2, 1, 0};
        long[] y = {0, 2, -100, 3, 1, -100, -100, 0};          // right at 0, 3, 7; wrong at 1, 4
        Dataset d = Dataset.of(Tensor.ofLongs(x, 2, 4), Tensor.ofLongs(y, 2, 4), v);
        for (int batch : new int[] {1, 2}) {
            Evaluation ev = Evaluator.evaluate(new Sequential(emb), d, LossFunction.crossEntropy(), batch);
            assertEquals(5, ev.count());
            assertEquals(3.0 / 5, ev.accuracy(), 1e-12);
            float expected = Losses.crossEntropy(emb.forward(Variable.constant(Tensor.ofLongs(x, 2, 4))),
                    Tensor.ofLongs(y, 2, 4)).item();
            assertEquals(expected, ev.loss(), 1e-6, "the mean over the 5 counted tokens, batch size " + batch);
        }
        long[][] confusion = Evaluator.evaluate(new Sequential(emb), d, LossFunction.crossEntropy()).confusionMatrix();
        assertArrayEquals(new long[] {2, 0, 0, 0}, confusion[0]);
        assertArrayEquals(new long[] {0, 0, 0, 1}, confusion[1]);

        long[] y0 = {0, 2, 1, 3, 1, 2, 1, 0};                   // ignoring 0: right at 3, 5, 6 of 6 counted
        Dataset d0 = Dataset.of(Tensor.ofLongs(x, 2, 4), Tensor.ofLongs(y0, 2, 4), v);
        Evaluation zeroIgnored = Evaluator.evaluate(new Sequential(emb), d0, LossFunction.crossEntropy(0), 8);
        assertEquals(6, zeroIgnored.count());
        assertEquals(0.5, zeroIgnored.accuracy(), 1e-12);
        String m = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(new Sequential(emb), d, LossFunction.crossEntropy(0), 8)).getMessage();
        assertTrue(m.contains("target -100"), "-100 is a target like any other when 0 is the ignore index: " + m);
    }

    @Test
    void aModelWhoseOutputDoesNotFitTheTargetsIsNamed() {
        Dataset d = Dataset.of(Tensor.ofLongs(new long[] {0, 1, 2, 0}, 2, 2), Tensor.ofLongs(new long[] {1, 2, 0, 1}, 2, 2), 3);
        Sequential wrong = new Sequential(new Embedding(3, 4), new Linear(4, 5));
        String m = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(wrong, d, LossFunction.crossEntropy())).getMessage();
        assertTrue(m.contains("[2, 2, 5]") && m.contains("[2, 2, 3]"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(new Sequential(new Embedding(3, 3)), d, LossFunction.mse())).getMessage();
        assertTrue(m.contains("INT64"), m);
    }
}
