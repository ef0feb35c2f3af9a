package io.jgrad.nn;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table behind {@link Module#summary}: every module of the tree in registration order with
 * its type, the shape of its output for a batch of zeros (one eval-mode forward under noGrad),
 * and the parameters it holds itself, then the totals. A {@link Sequential} is run child by
 * child, so each of its layers gets its shape; the children of any other composite module show
 * {@code --}, since jgrad has no forward hooks to watch them from outside.
 */
final class ModuleSummary {
    private ModuleSummary() {
    }

    private record Row(String path, Module module) {
    }

    static String of(Module model, long... inputShape) {
        if (inputShape == null || inputShape.length == 0) {
            throw new IllegalArgumentException("Module.summary: give the input shape, batch first, e.g. summary(1, 784)");
        }
        for (long d : inputShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("Module.summary: input shape " + Shapes.str(inputShape)
                        + " has a dimension < 1");
            }
        }
        List<Row> rows = new ArrayList<>();
        collect(model, "", rows);
        Map<String, long[]> shapes = new HashMap<>();
        boolean wasTraining = model.isTraining();
        model.eval();
        try (NoGrad g = Variable.noGrad()) {
            run(model, "", Variable.constant(Tensor.zeros(inputShape)), shapes);
        } finally {
            model.train(wasTraining);
        }
        return format(rows, shapes, model);
    }

    private static void collect(Module m, String path, List<Row> rows) {
        rows.add(new Row(path, m));
        m.children().forEach((name, child) -> collect(child, path.isEmpty() ? name : path + "." + name, rows));
    }

    /** Runs {@code m} on {@code x}, recording the output shape of it and, inside a Sequential, of each child. */
    private static Variable run(Module m, String path, Variable x, Map<String, long[]> shapes) {
        Variable y;
        if (runsChildrenInOrder(m)) {
            y = x;
            for (Map.Entry<String, Module> c : m.children().entrySet()) {
                y = run(c.getValue(), path.isEmpty() ? c.getKey() : path + "." + c.getKey(), y, shapes);
            }
        } else {
            try {
                y = m.forward(x);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Module.summary: " + (path.isEmpty() ? "the model" : "layer " + path)
                        + " (" + m.getClass().getSimpleName() + ") fails on input " + Shapes.str(x.shape()) + ": "
                        + e.getMessage(), e);
            }
        }
        shapes.put(path, y.shape());
        return y;
    }

    /** A Sequential whose forward is Sequential's own (a subclass may compute something else). */
    private static boolean runsChildrenInOrder(Module m) {
        if (!(m instanceof Sequential)) {
            return false;
        }
        try {
            Method forward = m.getClass().getMethod("forward", Variable.class);
            return forward.getDeclaringClass() == Sequential.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String format(List<Row> rows, Map<String, long[]> shapes, Module model) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"Layer", "Type", "Output Shape", "Param #"});
        for (Row r : rows) {
            long[] shape = shapes.get(r.path());
            long own = ownParameterCount(r.module());
            boolean container = !r.module().children().isEmpty();
            cells.add(new String[] {r.path().isEmpty() ? "(model)" : r.path(), r.module().getClass().getSimpleName(),
                shape == null ? "--" : Shapes.str(shape), own == 0 && container ? "--" : count(own)});
        }
        int[] width = new int[4];
        for (String[] c : cells) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], c[i].length());
            }
        }
        int total = width[0] + width[1] + width[2] + width[3] + 6;
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < cells.size(); k++) {
            String[] c = cells.get(k);
            sb.append(String.format(Locale.ROOT, "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %"
                    + width[3] + "s", (Object[]) c)).append('\n');
            if (k == 0) {
                sb.append("=".repeat(total)).append('\n');
            }
        }
        long all = 0;
        long trainable = 0;
        for (Parameter p : model.parameters()) {
            all += p.value().size();
            trainable += p.requiresGrad() ? p.value().size() : 0;
        }
        sb.append("=".repeat(total)).append('\n');
        sb.append("Total params: ").append(count(all)).append('\n');
        sb.append("Trainable params: ").append(count(trainable)).append('\n');
        sb.append("Non-trainable params: ").append(count(all - trainable)).append('\n');
        return sb.toString();
    }

    /** The parameters a module registered itself (its children's are on their own rows). */
    private static long ownParameterCount(Module m) {
        long n = 0;
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            n += e.getKey().contains(".") ? 0 : e.getValue().value().size();
        }
        return n;
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
