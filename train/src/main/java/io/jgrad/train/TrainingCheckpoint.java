package io.jgrad.train;

import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.nn.Module;
import io.jgrad.nn.SafeTensors;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a run needs to continue exactly where it stopped, in one atomically written
 * safetensors file: the model's state dict (keys {@code model.*}), the optimizer's
 * ({@code optimizer.*}), the scheduler's ({@code scheduler.*}, when there is one) and the number
 * of optimizer steps taken (metadata {@code step}). One file, so a crash can never leave a model
 * from one step beside an optimizer from another; the write goes to a temporary file that is
 * fsync'ed and renamed over the old one, so a crash mid-save leaves the previous checkpoint.
 *
 * <pre>{@code
 * TrainingCheckpoint.save(file, model, optimizer, scheduler, step);
 * // ... after a crash, with freshly built model, optimizer, scheduler and loader:
 * long step = TrainingCheckpoint.load(file, model, optimizer, scheduler);
 * Iterator<Batch> batches = TrainingCheckpoint.resume(loader, step);
 * }</pre>
 * With the same seeds, the continued run takes bit for bit the steps the uninterrupted one
 * would have taken. (Dropout's generator is not saved, as PyTorch's RNG state is not part of
 * a state dict: a model with dropout resumes exactly only if you also restore its generator.)
 */
public final class TrainingCheckpoint {
    private static final String FORMAT = "jgrad-training-checkpoint";

    private TrainingCheckpoint() {
    }

    /**
     * Writes the state of {@code model}, {@code optimizer} and {@code scheduler} (may be null)
     * after {@code step} optimizer steps to {@code file}, atomically.
     */
    public static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, long step) {
        if (file == null || model == null || optimizer == null) {
            throw new IllegalArgumentException("TrainingCheckpoint.save: " + (file == null ? "file" : model == null ? "model"
                    : "optimizer") + " is null");
        }
        if (step < 0) {
            throw new IllegalArgumentException("TrainingCheckpoint.save: step must be >= 0, got " + step);
        }
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> all.put("model." + k, v));
        optimizer.stateDict().forEach((k, v) -> all.put("optimizer." + k, v));
        if (scheduler != null) {
            scheduler.stateDict().forEach((k, v) -> all.put("scheduler." + k, v));
        }
        Map<String, String> metadata = new LinkedHashMap<>(); // ordered, so equal states give equal files
        metadata.put("format", FORMAT);
        metadata.put("step", Long.toString(step));
        SafeTensors.save(all, metadata, file);
    }

    /**
     * Restores {@code model}, {@code optimizer} and {@code scheduler} (null when the run has
     * none) from {@code file} and returns the number of steps taken. All-or-nothing: a damaged
     * file or one whose state does not fit is an {@link IllegalArgumentException} naming the
     * file and the key, and then none of the three has changed.
     */
    public static long load(Path file, Module model, Optimizer optimizer, LRScheduler scheduler) {
        if (file == null || model == null || optimizer == null) {
            throw new IllegalArgumentException("TrainingCheckpoint.load: " + (file == null ? "file" : model == null ? "model"
                    : "optimizer") + " is null");
        }
        SafeTensors.Contents contents = SafeTensors.read(file);
        String where = "TrainingCheckpoint.load " + file + ": ";
        if (!FORMAT.equals(contents.metadata().get("format"))) {
            throw new IllegalArgumentException(where + "not a training checkpoint (metadata format is "
                    + contents.metadata().get("format") + ", expected " + FORMAT + ")");
        }
        long step = parseStep(where, contents.metadata().get("step"));
        Map<String, Tensor> modelState = new LinkedHashMap<>();
        Map<String, Tensor> optimizerState = new LinkedHashMap<>();
        Map<String, Tensor> schedulerState = new LinkedHashMap<>();
        contents.tensors().forEach((k, v) -> {
            if (k.startsWith("model.")) {
                modelState.put(k.substring(6), v);
            } else if (k.startsWith("optimizer.")) {
                optimizerState.put(k.substring(10), v);
            } else if (k.startsWith("scheduler.")) {
                schedulerState.put(k.substring(10), v);
            } else {
                throw new IllegalArgumentException(where + "unexpected key '" + k + "'");
            }
        });
        if (scheduler == null && !schedulerState.isEmpty()) {
            throw new IllegalArgumentException(where + "the file holds a scheduler's state but no scheduler was given");
        }
        Map<String, Tensor> modelBackup = model.stateDict();
        Map<String, Tensor> optimizerBackup = optimizer.stateDict();
        int loaded = 0;
        try {
            model.loadStateDict(modelState);
            loaded = 1;
            optimizer.loadStateDict(optimizerState);
            loaded = 2;
            if (scheduler != null) {
                scheduler.loadStateDict(schedulerState);
            }
        } catch (IllegalArgumentException ex) {
            // each loadStateDict changes nothing when it fails; undo the ones that succeeded
            if (loaded >= 2) {
                optimizer.loadStateDict(optimizerBackup);
            }
            if (loaded >= 1) {
                model.loadStateDict(modelBackup);
            }
            String part = loaded == 0 ? "model" : loaded == 1 ? "optimizer" : "scheduler";
            throw new IllegalArgumentException(where + part + ": " + ex.getMessage(), ex);
        }
        return step;
    }

    private static long parseStep(String where, String step) {
        try {
            long s = Long.parseLong(step == null ? "" : step);
            if (s >= 0) {
                return s;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(where + "metadata step is '" + step + "', expected a whole number >= 0");
    }

    /**
     * The batches of a freshly built {@code loader} from where a run that took {@code stepsDone}
     * steps over it stopped: the shuffles of the finished epochs are replayed (so the loader's
     * generator is where it was) and the current epoch's done batches skipped. When the returned
     * iterator runs out, continue with {@code loader.iterator()} as usual.
     */
    public static Iterator<Batch> resume(DataLoader loader, long stepsDone) {
        if (loader == null || stepsDone < 0) {
            throw new IllegalArgumentException("TrainingCheckpoint.resume: " + (loader == null ? "loader is null"
                    : "stepsDone must be >= 0, got " + stepsDone));
        }
        int perEpoch = loader.numBatches();
        if (perEpoch == 0) {
            throw new IllegalArgumentException("TrainingCheckpoint.resume: the loader yields no batch");
        }
        for (long e = 0; e < stepsDone / perEpoch; e++) {
            loader.iterator();
        }
        Iterator<Batch> it = loader.iterator();
        for (long b = 0; b < stepsDone % perEpoch; b++) {
            it.next();
        }
        return it;
    }
}
