package io.jgrad.nn;

import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves a module's state dict to a safetensors file and loads it back strictly, so a model
 * trained in jgrad can be reloaded (bit-identical) or opened in PyTorch with
 * {@code safetensors.torch.load_file} and {@code load_state_dict}.
 *
 * <pre>{@code
 * Checkpoints.save(model, Path.of("model.safetensors"));   // atomic; loads in PyTorch too
 * Checkpoints.load(model, Path.of("model.safetensors"));   // strict: same keys and shapes
 * }</pre>
 */
public final class Checkpoints {
    private Checkpoints() {
    }

    /** Writes {@code module.stateDict()} to {@code file} atomically (metadata {@code format=pt}, like PyTorch's writer). */
    public static void save(Module module, Path file) {
        if (module == null) {
            throw new IllegalArgumentException("Checkpoints.save: module is null");
        }
        SafeTensors.save(module.stateDict(), Map.of("format", "pt"), file);
    }

    /**
     * Loads {@code file} into {@code module} with the strict {@link Module#loadStateDict}: a
     * missing, extra or mis-shaped key is an {@link IllegalArgumentException} naming it and the
     * file, and then the module is unchanged.
     */
    public static void load(Module module, Path file) {
        if (module == null) {
            throw new IllegalArgumentException("Checkpoints.load: module is null");
        }
        Map<String, Tensor> state = SafeTensors.load(file);
        try {
            module.loadStateDict(state);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("Checkpoints.load " + file + ": " + ex.getMessage(), ex);
        }
    }
}
