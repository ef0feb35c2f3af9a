package io.jgrad.bench;

import io.jgrad.tensor.Threads;
import io.jgrad.tensor.backend.Backend;
import org.nd4j.linalg.factory.Nd4j;

/** The environment fields every result line starts with (framework, versions, thread settings). */
final class Environment {
    private Environment() {
    }

    static Json describe() {
        Threads.configure();
        return new Json().put("framework", "jgrad")
                .put("java", System.getProperty("java.version"))
                .put("nd4j_backend", Nd4j.getBackend().getClass().getSimpleName())
                .put("jgrad_backend", Backend.current().toString())
                .put("threads", Threads.count())
                .put("threads_source", Threads.source())
                .put("OMP_NUM_THREADS", System.getenv("OMP_NUM_THREADS"))
                .put("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"))
                .put("JGRAD_THREADS", System.getenv("JGRAD_THREADS"));
    }
}
