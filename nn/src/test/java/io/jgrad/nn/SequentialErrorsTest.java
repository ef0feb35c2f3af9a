package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A child's bad-input error names the child's index and type (issue 21). */
class SequentialErrorsTest {
    @Test
    void theFailingChildIsNamed() {
        Sequential m = new Sequential(new Flatten(), new Linear(784, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Variable.constant(Tensor.zeros(8, 1024))));
        assertEquals("Sequential: child 1 (Linear) failed: Linear(784, 10).forward: expected input [..., 784], got [8, 1024]",
                e.getMessage());
        assertTrue(e.getCause() instanceof IllegalArgumentException, "the child's own exception is the cause");
    }

    @Test
    void aFusedLinearReluAndANestedSequentialAreNamedToo() {
        Sequential inner = new Sequential(new Linear(4, 3), new ReLU());
        Sequential outer = new Sequential(new Linear(5, 5), new ReLU(), inner);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> outer.forward(Variable.constant(Tensor.zeros(2, 5)))).getMessage();
        assertEquals("Sequential: child 2 (Sequential) failed: Sequential: child 0 (Linear) failed: "
                + "Linear(4, 3).forward: expected input [..., 4], got [2, 5]", msg);
        String first = assertThrows(IllegalArgumentException.class,
                () -> outer.forward(Variable.constant(Tensor.zeros(2, 6)))).getMessage();
        assertTrue(first.startsWith("Sequential: child 0 (Linear) failed: Linear(5, 5).forward"), first);
    }
}
