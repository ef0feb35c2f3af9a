package io.jgrad.onnx.layers;

import io.jgrad.nn.AdaptiveAvgPool2d;
import io.jgrad.nn.AvgPool2d;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Pool2d;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.OnnxNode;
import io.jgrad.onnx.Value;

/**
 * The poolings: {@link MaxPool2d} as {@code MaxPool} (padding never wins the max in either),
 * {@link AvgPool2d} as {@code AveragePool} counting the zero padding (PyTorch's default) and
 * {@link AdaptiveAvgPool2d}{@code (1)} as {@code GlobalAveragePool}.
 */
public final class PoolExporters {
    private PoolExporters() {
    }

    /** {@code MaxPool}. */
    public static final ModuleExporter<MaxPool2d> MAX = (m, x, g) -> g.output(m, x, window("MaxPool", m, x, g).output());

    /** {@code AveragePool} with {@code count_include_pad=1}. */
    public static final ModuleExporter<AvgPool2d> AVG = (m, x, g) ->
            g.output(m, x, window("AveragePool", m, x, g).attr("count_include_pad", 1).output());

    /** {@code GlobalAveragePool}: {@code [N, C, H, W] -> [N, C, 1, 1]}. */
    public static final ModuleExporter<AdaptiveAvgPool2d> ADAPTIVE_AVG = (m, x, g) ->
            g.output(m, x, g.node("GlobalAveragePool", x.name()).output());

    private static OnnxNode window(String op, Pool2d m, Value x, OnnxGraph g) {
        long k = m.kernelSize();
        long s = m.stride();
        long p = m.padding();
        return g.node(op, x.name()).ints("kernel_shape", k, k).ints("strides", s, s).ints("pads", p, p, p, p);
    }
}
