package io.jgrad.onnx;

import io.jgrad.nn.Module;

/**
 * How one module type is written as ONNX nodes. An exporter adds the nodes that compute the
 * module's eval-mode forward of {@code x} to {@code graph} and returns the output value; a
 * container exports its children through {@link OnnxGraph#export(Module, String, Value)}.
 * Register a new one with {@link ModuleExporters#register}.
 */
@FunctionalInterface
public interface ModuleExporter<M extends Module> {
    Value export(M module, Value x, OnnxGraph graph);
}
