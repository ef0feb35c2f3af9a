package io.jgrad.tensor.backend;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The class labels of a batch (and optional per-class weights), validated once and kept in the
 * form each backend's loss kernels read: the {@code int[]} for the {@code cpu} backend's host
 * kernels, a one-hot {@code [N, C]} matrix and a weight row in the backend's memory for the
 * {@code nd4j} one. The device copies are made on first use (one transfer each) and kept, so a
 * batch whose labels were prepared before the step costs the step no transfer.
 */
public final class ClassLabels {
    private final int[] labels;
    private final int numClasses;
    private final float[] weights;
    private INDArray oneHot;
    private INDArray weightRow;

    private ClassLabels(int[] labels, int numClasses, float[] weights) {
        this.labels = labels;
        this.numClasses = numClasses;
        this.weights = weights;
    }

    /**
     * Labels {@code labels[i]} in {@code [0, numClasses)} and non-negative finite class weights
     * (null for all ones), both copied.
     *
     * @param op names the operation in error messages
     * @throws IllegalArgumentException naming {@code op} for a null or out-of-range label or a bad weight
     */
    public static ClassLabels of(String op, int[] labels, int numClasses, float[] classWeights) {
        if (labels == null) {
            throw new IllegalArgumentException(op + ": targets are null");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(op + ": targets[" + i + "] = " + labels[i]
                        + " is out of range for " + numClasses + " classes (valid 0.." + (numClasses - 1) + ")");
            }
        }
        if (classWeights != null) {
            if (classWeights.length != numClasses) {
                throw new IllegalArgumentException(op + ": classWeights has " + classWeights.length
                        + " entries but logits have " + numClasses + " classes");
            }
            for (int j = 0; j < numClasses; j++) {
                if (!(classWeights[j] >= 0) || Float.isInfinite(classWeights[j])) {
                    throw new IllegalArgumentException(op + ": classWeights[" + j + "] = " + classWeights[j]
                            + " must be finite and non-negative");
                }
            }
        }
        return new ClassLabels(labels.clone(), numClasses, classWeights == null ? null : classWeights.clone());
    }

    /** The number of labels (the batch size). */
    public int size() {
        return labels.length;
    }

    /** The number of classes. */
    public int numClasses() {
        return numClasses;
    }

    /** Whether class weights were given. */
    public boolean weighted() {
        return weights != null;
    }

    /** Label {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** The weight of class {@code j} (1 without weights). */
    public double weight(int j) {
        return weights == null ? 1.0 : weights[j];
    }

    /** The labels, a copy. */
    public int[] labels() {
        return labels.clone();
    }

    /** The one-hot {@code [N, C]} float32 matrix in ND4J memory, uploaded on first use. */
    synchronized INDArray oneHot() {
        if (oneHot == null) {
            float[] hot = new float[labels.length * numClasses];
            for (int i = 0; i < labels.length; i++) {
                hot[i * numClasses + labels[i]] = 1;
            }
            oneHot = Transfers.upload(hot, labels.length, numClasses);
        }
        return oneHot;
    }

    /** The class weights as a float32 {@code [1, C]} row in ND4J memory (null without weights), uploaded on first use. */
    synchronized INDArray weightRow() {
        if (weights != null && weightRow == null) {
            weightRow = Transfers.upload(weights, 1, numClasses);
        }
        return weightRow;
    }

    /** The one-hot matrix and weight row in {@code type}, uploading them if not yet done. */
    INDArray oneHot(DataType type) {
        INDArray h = oneHot();
        return h.dataType() == type ? h : h.castTo(type);
    }

    INDArray weightRow(DataType type) {
        INDArray w = weightRow();
        return w == null || w.dataType() == type ? w : w.castTo(type);
    }

    /**
     * Uploads the device copies now (two transfers at most), so that a later loss on the
     * {@code nd4j} backend makes none; returns this.
     */
    public ClassLabels prepare() {
        oneHot();
        weightRow();
        return this;
    }

    @Override
    public String toString() {
        return "ClassLabels" + Arrays.toString(labels) + " of " + numClasses;
    }
}
