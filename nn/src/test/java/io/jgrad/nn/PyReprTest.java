package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Python's repr(float), which PyTorch's module reprs print (values checked in CPython 3). */
class PyReprTest {
    @Test
    void matchesPythonRepr() {
        assertEquals("1e-05", PyRepr.number(1e-5));
        assertEquals("0.0001", PyRepr.number(1e-4));
        assertEquals("0.1", PyRepr.number(0.1));
        assertEquals("0.3", PyRepr.number(0.3));
        assertEquals("1.0", PyRepr.number(1));
        assertEquals("-2.5", PyRepr.number(-2.5));
        assertEquals("1.5e-07", PyRepr.number(1.5e-7));
        assertEquals("1000000000000000.0", PyRepr.number(1e15));
        assertEquals("1e+16", PyRepr.number(1e16));
        assertEquals("0.0", PyRepr.number(0));
        assertEquals("nan", PyRepr.number(Double.NaN));
        assertEquals("True", PyRepr.bool(true));
    }
}
