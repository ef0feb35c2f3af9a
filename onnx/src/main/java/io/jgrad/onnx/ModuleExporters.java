package io.jgrad.onnx;

import io.jgrad.nn.AdaptiveAvgPool2d;
import io.jgrad.nn.AvgPool2d;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Embedding;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.GELU;
import io.jgrad.nn.GRU;
import io.jgrad.nn.LSTM;
import io.jgrad.nn.LayerNorm;
import io.jgrad.nn.LeakyReLU;
import io.jgrad.nn.Linear;
import io.jgrad.nn.LogSoftmax;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Module;
import io.jgrad.nn.MultiheadAttention;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Sigmoid;
import io.jgrad.nn.Softmax;
import io.jgrad.nn.Tanh;
import io.jgrad.nn.TransformerEncoderLayer;
import io.jgrad.nn.Unflatten;
import io.jgrad.onnx.layers.AttentionExporter;
import io.jgrad.onnx.layers.BatchNormExporter;
import io.jgrad.onnx.layers.Conv2dExporter;
import io.jgrad.onnx.layers.ElementwiseExporter;
import io.jgrad.onnx.layers.EmbeddingExporter;
import io.jgrad.onnx.layers.GeluExporter;
import io.jgrad.onnx.layers.LayerNormExporter;
import io.jgrad.onnx.layers.LeakyReluExporter;
import io.jgrad.onnx.layers.LinearExporter;
import io.jgrad.onnx.layers.PoolExporters;
import io.jgrad.onnx.layers.RecurrentExporter;
import io.jgrad.onnx.layers.ReshapeExporters;
import io.jgrad.onnx.layers.SequentialExporter;
import io.jgrad.onnx.layers.SoftmaxExporter;
import io.jgrad.onnx.layers.TransformerEncoderLayerExporter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of {@link ModuleExporter}s, keyed by a module's exact class: a subclass may
 * change {@code forward}, so it is exported only once an exporter is registered for it too.
 * jgrad's layers are registered here, one line each; a project adds its own modules with
 * {@link #register}.
 */
public final class ModuleExporters {
    private static final Map<Class<?>, ModuleExporter<?>> EXPORTERS = new ConcurrentHashMap<>();

    static {
        register(Sequential.class, new SequentialExporter());
        register(Linear.class, new LinearExporter());
        register(Conv2d.class, new Conv2dExporter());
        register(BatchNorm1d.class, new BatchNormExporter());
        register(BatchNorm2d.class, new BatchNormExporter());
        register(ReLU.class, new ElementwiseExporter("Relu"));
        register(Sigmoid.class, new ElementwiseExporter("Sigmoid"));
        register(Tanh.class, new ElementwiseExporter("Tanh"));
        register(LeakyReLU.class, new LeakyReluExporter());
        register(GELU.class, new GeluExporter());
        register(Softmax.class, new SoftmaxExporter());
        register(LogSoftmax.class, new SoftmaxExporter());
        register(Dropout.class, (m, x, g) -> x);      // the identity in evaluation mode
        register(MaxPool2d.class, PoolExporters.MAX);
        register(AvgPool2d.class, PoolExporters.AVG);
        register(AdaptiveAvgPool2d.class, PoolExporters.ADAPTIVE_AVG);
        register(Flatten.class, ReshapeExporters.FLATTEN);
        register(Unflatten.class, ReshapeExporters.UNFLATTEN);
        register(LayerNorm.class, new LayerNormExporter());
        register(Embedding.class, new EmbeddingExporter());
        register(LSTM.class, RecurrentExporter.lstm());
        register(GRU.class, RecurrentExporter.gru());
        register(MultiheadAttention.class, new AttentionExporter());
        register(TransformerEncoderLayer.class, new TransformerEncoderLayerExporter());
    }

    private ModuleExporters() {
    }

    /** Exports modules of exactly class {@code type} with {@code exporter} (replacing any earlier one). */
    public static <M extends Module> void register(Class<M> type, ModuleExporter<? super M> exporter) {
        if (type == null || exporter == null) {
            throw new IllegalArgumentException("ModuleExporters.register: type and exporter must not be null, got "
                    + type + " and " + exporter);
        }
        EXPORTERS.put(type, exporter);
    }

    /** The exporter for modules of exactly {@code type}, or null. */
    @SuppressWarnings("unchecked")
    static ModuleExporter<Module> find(Class<?> type) {
        return (ModuleExporter<Module>) EXPORTERS.get(type);
    }
}
