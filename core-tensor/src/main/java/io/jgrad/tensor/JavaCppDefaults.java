package io.jgrad.tensor;

/**
 * JavaCPP settings jgrad needs before ND4J's native code loads, applied from {@link Threads} (the
 * first thing any jgrad Tensor touches).
 *
 * <p>Why: with its default {@code org.bytedeco.javacpp.maxPhysicalBytes}, JavaCPP reads the
 * process's resident size on every pointer it registers, and ND4J registers one for the shape of
 * every new array: in a plain training loop of a small model (784→64→10, batch 32) that was
 * ~10% of a step. jgrad paces collections for native memory itself ({@link NativeMemory}), so the
 * check is switched off ({@code 0}) unless the user set the property. It only takes effect when
 * JavaCPP's {@code Pointer} class has not loaded yet; a user who touches ND4J before jgrad keeps
 * JavaCPP's defaults.
 */
final class JavaCppDefaults {
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private JavaCppDefaults() {
    }

    static void apply() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
    }
}
