package io.jgrad.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One result as one JSON object on one line, the format {@code torch_bench.py} prints, so the
 * two frameworks' outputs can be read by the same script. Keys keep insertion order.
 */
final class Json {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Json put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    Json putAll(Json other) {
        fields.putAll(other.fields);
        return this;
    }

    /** Prints the object as one line on stdout and flushes. */
    void emit() {
        System.out.println(this);
        System.out.flush();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(quote(e.getKey())).append(": ");
            value(sb, e.getValue());
        }
        return sb.append('}').toString();
    }

    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof double[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(a[i]);
            }
            sb.append(']');
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                value(sb, list.get(i));
            }
            sb.append(']');
        } else {
            sb.append(quote(v.toString()));
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
