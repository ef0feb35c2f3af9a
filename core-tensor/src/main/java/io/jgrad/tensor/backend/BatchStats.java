package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-channel batch mean and biased variance of one batch-normalisation forward, kept where
 * the backend computed them: as ND4J arrays on the {@code nd4j} backend (so that a layer's
 * running statistics are updated on the device, {@link Ops#updateRunningStats}), as heap arrays
 * from the {@code cpu} backend's host kernels. The other form is made on first request, one
 * counted transfer each ({@link Transfers}).
 */
public final class BatchStats {
    private INDArray mean;
    private INDArray var;
    private double[] meanHost;
    private double[] varHost;

    private BatchStats(INDArray mean, INDArray var, double[] meanHost, double[] varHost) {
        this.mean = mean;
        this.var = var;
        this.meanHost = meanHost;
        this.varHost = varHost;
    }

    /** Statistics held as ND4J arrays of length C. */
    public static BatchStats of(INDArray mean, INDArray biasedVar) {
        return new BatchStats(mean, biasedVar, null, null);
    }

    /** Statistics held on the heap (length C each). */
    public static BatchStats of(double[] mean, double[] biasedVar) {
        return new BatchStats(null, null, mean, biasedVar);
    }

    /** The batch mean on the heap (read from the device on first request). */
    public synchronized double[] mean() {
        if (meanHost == null) {
            meanHost = Transfers.readDoubles(mean);
        }
        return meanHost;
    }

    /** The biased batch variance on the heap (read from the device on first request). */
    public synchronized double[] biasedVar() {
        if (varHost == null) {
            varHost = Transfers.readDoubles(var);
        }
        return varHost;
    }

    /** The batch mean as an ND4J array of length C (uploaded as float64 on first request if it was computed on the heap). */
    public synchronized INDArray meanArray() {
        if (mean == null) {
            mean = Transfers.upload(meanHost, meanHost.length);
        }
        return mean;
    }

    /** The biased batch variance as an ND4J array of length C (uploaded on first request as {@link #meanArray}). */
    public synchronized INDArray varArray() {
        if (var == null) {
            var = Transfers.upload(varHost, varHost.length);
        }
        return var;
    }

    /** Whether the statistics are held on the heap (the host kernels' form). */
    public synchronized boolean onHost() {
        return meanHost != null && varHost != null;
    }
}
