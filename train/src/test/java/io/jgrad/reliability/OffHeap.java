package io.jgrad.reliability;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.memory.deallocation.DeallocatableReference;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads how much native memory ND4J holds. INDArray buffers live off the Java heap and are freed
 * by JavaCPP's deallocator once their Java objects are collected, so a reading is only
 * meaningful after a few collections with pauses for the deallocator thread to run.
 *
 * <p>ND4J 1.0.0-M2.1's CPU buffers are allocated by libnd4j, not through JavaCPP, so
 * {@link Pointer#totalBytes()} does not see them (it reads 0 here); what does see every live
 * native buffer is ND4J's {@code DeallocatorService}, whose reference map holds one entry per
 * buffer until its deallocator freed it. {@link #liveBuffers()} reads that map.
 */
final class OffHeap {
    private OffHeap() {
    }

    /**
     * Collects garbage until ND4J's deallocator has freed every buffer whose Java object is gone
     * (or 10 s passed): the reference map then holds only buffers still in use.
     */
    static void settle() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long[] last = {-1, -1};
        while (System.nanoTime() < deadline) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long[] now = liveBuffers();
            if (now[2] == 0 && now[0] == last[0]) {
                return;
            }
            last = now;
        }
    }

    /**
     * The native buffers ND4J has allocated and not yet freed: {count, bytes held by those still
     * in use, count of those whose Java object is already gone but which are not yet freed}.
     */
    static long[] liveBuffers() {
        Map<?, ?> refs = referenceMap();
        long count = 0;
        long bytes = 0;
        long dead = 0;
        for (Object r : new ArrayList<>(refs.values())) {
            count++;
            Object target = ((DeallocatableReference) r).get();
            if (target == null) {
                dead++;
            } else if (target instanceof DataBuffer b) {
                bytes += b.length() * b.getElementSize();
            }
        }
        return new long[] {count, bytes, dead};
    }

    private static Map<?, ?> referenceMap() {
        try {
            Field f = Nd4j.getDeallocatorService().getClass().getDeclaredField("referenceMap");
            f.setAccessible(true);
            return (Map<?, ?>) f.get(Nd4j.getDeallocatorService());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read ND4J's DeallocatorService.referenceMap", e);
        }
    }

    /** Bytes JavaCPP has allocated and not yet freed (native buffers of live INDArrays and friends). */
    static long totalBytes() {
        return Pointer.totalBytes();
    }

    /** The process's resident memory as the OS reports it, less the committed Java heap. */
    static long nonHeapResidentBytes() {
        return Pointer.physicalBytes() - Runtime.getRuntime().totalMemory();
    }

    static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f MB", bytes / 1e6);
    }
}
