package io.jgrad.nn;

import java.math.BigDecimal;

/**
 * Formats values the way Python's {@code repr} does, so {@link Module#toString()} prints
 * exactly what PyTorch prints ({@code eps=1e-05}, {@code p=0.5}, {@code affine=True}).
 */
final class PyRepr {
    private PyRepr() {
    }

    /** {@code True} / {@code False}. */
    static String bool(boolean b) {
        return b ? "True" : "False";
    }

    /**
     * Python's {@code repr(float)}: the shortest round-tripping digits, positional when the
     * decimal exponent is in [-4, 16), otherwise {@code d.ddde±XX}.
     */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exp10 = digits.length() - 1 - d.scale(); // value = d.ddd × 10^exp10
        String sign = v < 0 ? "-" : "";
        if (exp10 < -4 || exp10 >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String e = String.format("%02d", Math.abs(exp10));
            return sign + mantissa + "e" + (exp10 < 0 ? "-" : "+") + e;
        }
        String plain = d.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }
}
