package io.jgrad.onnx.layers;

import io.jgrad.nn.Conv2d;
import io.jgrad.onnx.ModuleExporter;
import io.jgrad.onnx.OnnxGraph;
import io.jgrad.onnx.Value;

/** {@link Conv2d}: one {@code Conv} with its square kernel, stride, zero padding, dilation and groups. */
public final class Conv2dExporter implements ModuleExporter<Conv2d> {
    @Override
    public Value export(Conv2d m, Value x, OnnxGraph g) {
        String w = g.initializer("weight", m.weight().value());
        String[] inputs = m.bias() == null ? new String[] {x.name(), w}
                : new String[] {x.name(), w, g.initializer("bias", m.bias().value())};
        long k = m.kernelSize();
        long s = m.stride();
        long p = m.padding();
        long d = m.dilation();
        String out = g.node("Conv", inputs).ints("kernel_shape", k, k).ints("strides", s, s).ints("pads", p, p, p, p)
                .ints("dilations", d, d).attr("group", m.groups()).output();
        return g.output(m, x, out);
    }
}
