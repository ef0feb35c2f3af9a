package io.jgrad.onnx;

import io.jgrad.onnx.proto.OnnxProtos.AttributeProto;
import io.jgrad.onnx.proto.OnnxProtos.NodeProto;

/** A node just added to an {@link OnnxGraph}: set its attributes, then take its {@link #output()}. */
public final class OnnxNode {
    private final NodeProto.Builder node;

    OnnxNode(NodeProto.Builder node) {
        this.node = node;
    }

    /** An integer attribute. */
    public OnnxNode attr(String name, long value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
        return this;
    }

    /** A float attribute (ONNX attributes are single precision). */
    public OnnxNode attr(String name, double value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                .setF((float) value));
        return this;
    }

    /** A list-of-integers attribute. */
    public OnnxNode ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        node.addAttribute(a);
        return this;
    }

    /** The name of the node's (first) output. */
    public String output() {
        return node.getOutput(0);
    }
}
