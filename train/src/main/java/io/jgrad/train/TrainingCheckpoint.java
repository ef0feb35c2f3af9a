package io.jgrad.train;

import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.nn.Module;
import io.jgrad.nn.SafeTensors;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a run needs to continue exactly where it stopped, in one atomically written
 * safetensors file: the model's state dict (keys {@code model.*}), the optimizer's
 * ({@code optimizer.*}), the scheduler's ({@code scheduler.*}, when there is one), the state of
 * every random generator the run draws from ({@code generator.*}: each {@link io.jgrad.nn.Stochastic}
 * module's, such as {@link io.jgrad.nn.Dropout}'s, and the global {@link Rng}) and the number of
 * optimizer steps taken (metadata {@code step}). The trainers add the rest of a run's state
 * (plateau scheduler, callbacks, the epoch's running sums; see docs/checkpoints-and-resume.md).
 * One file, so a crash can never leave a model from one step beside an optimizer from another;
 * the write goes to a temporary file that is fsync'ed and renamed over the old one, so the file
 * is always the previous complete checkpoint or the new complete one, and the temporary files of
 * killed saves are deleted by the next save.
 *
 * <pre>{@code
 * TrainingCheckpoint.save(file, model, optimizer, scheduler, step);
 * // ... after a crash, with freshly built model, optimizer, scheduler and loader:
 * long step = TrainingCheckpoint.load(file, model, optimizer, scheduler);
 * Iterator<Batch> batches = TrainingCheckpoint.resume(loader, step);
 * }</pre>
 * With the same seeds, the continued run takes bit for bit the steps the uninterrupted one
 * would have taken, Dropout masks included (unlike a PyTorch state dict, the file holds the
 * generators; {@code load} sets the global generator too).
 */
public final class TrainingCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingCheckpoint.class);
    private static final String FORMAT = "jgrad-training-checkpoint";

    /** The step and the metadata of a loaded checkpoint. */
    record Loaded(long step, Map<String, String> metadata) {
    }

    private TrainingCheckpoint() {
    }

    /**
     * Writes the state of {@code model}, {@code optimizer}, {@code scheduler} (may be null) and
     * of the generators the run draws from after {@code step} optimizer steps to {@code file},
     * atomically.
     */
    public static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, long step) {
        requireRun("save", file, model, optimizer);
        write(file, parts(model, optimizer, scheduler, () -> CheckpointPart.generatorsOf(model)), step, Map.of());
    }

    /**
     * Restores {@code model}, {@code optimizer}, {@code scheduler} (null when the run has none)
     * and the generators from {@code file} and returns the number of steps taken. The sections a
     * trainer adds (plateau scheduler, callbacks, the epoch's sums) are skipped. All-or-nothing: a damaged file or one whose state does not fit is an
     * {@link IllegalArgumentException} naming the file and the key, and then nothing has changed.
     */
    public static long load(Path file, Module model, Optimizer optimizer, LRScheduler scheduler) {
        requireRun("load", file, model, optimizer);
        List<CheckpointPart> parts = parts(model, optimizer, scheduler, () -> CheckpointPart.generatorsOf(model));
        for (String trainerOnly : List.of("plateau", "callback", "epoch", "extra")) {
            parts.add(new CheckpointPart(trainerOnly, Map::of, state -> { }));
        }
        return read(file, parts).step();
    }

    /**
     * As {@link #save(Path, Module, Optimizer, LRScheduler, long)}, plus {@code extra}: the state
     * of the caller's own loop (say, the running sums of the epoch in progress), stored under
     * {@code extra.*} and returned by {@link #load(Path, Module, Optimizer, LRScheduler, Map)}.
     */
    public static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, long step,
                            Map<String, Tensor> extra) {
        requireRun("save", file, model, optimizer);
        List<CheckpointPart> parts = parts(model, optimizer, scheduler, () -> CheckpointPart.generatorsOf(model));
        parts.add(new CheckpointPart("extra", () -> extra == null ? Map.of() : extra, state -> { }));
        write(file, parts, step, Map.of());
    }

    /**
     * As {@link #load(Path, Module, Optimizer, LRScheduler)}; also puts the {@code extra} state
     * the file holds (keys without the {@code extra.} prefix; none when it was saved without)
     * into {@code extra}, which is cleared first.
     */
    public static long load(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, Map<String, Tensor> extra) {
        requireRun("load", file, model, optimizer);
        if (extra == null) {
            throw new IllegalArgumentException("TrainingCheckpoint.load: extra is null");
        }
        Map<String, Tensor> read = new LinkedHashMap<>();
        List<CheckpointPart> parts = parts(model, optimizer, scheduler, () -> CheckpointPart.generatorsOf(model));
        parts.add(new CheckpointPart("extra", Map::of, read::putAll));
        long step = read(file, parts).step();
        extra.clear();
        extra.putAll(read);
        return step;
    }

    /** The sections every training checkpoint holds: model, optimizer, scheduler (if any), generators. */
    static List<CheckpointPart> parts(Module model, Optimizer optimizer, LRScheduler scheduler,
                                      Supplier<Map<String, Rng>> generators) {
        List<CheckpointPart> parts = new ArrayList<>();
        parts.add(new CheckpointPart("model", model::stateDict, model::loadStateDict));
        parts.add(new CheckpointPart("optimizer", optimizer::stateDict, optimizer::loadStateDict));
        if (scheduler != null) {
            parts.add(new CheckpointPart("scheduler", scheduler::stateDict, scheduler::loadStateDict));
        }
        parts.add(CheckpointPart.generators(generators));
        return parts;
    }

    /** Writes every part's state and {@code metadata} (besides format and step) to {@code file}, atomically. */
    static void write(Path file, List<CheckpointPart> parts, long step, Map<String, String> metadata) {
        if (step < 0) {
            throw new IllegalArgumentException("TrainingCheckpoint.save: step must be >= 0, got " + step);
        }
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (CheckpointPart part : parts) {
            part.save().get().forEach((k, v) -> all.put(part.name() + "." + k, v));
        }
        Map<String, String> meta = new LinkedHashMap<>(); // ordered, so equal states give equal files
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.putAll(metadata);
        SafeTensors.save(all, meta, file);
    }

    /**
     * Loads every part from {@code file}, all or nothing: when a part does not fit, the parts
     * loaded before it are put back as they were and the exception names the file and the part.
     */
    static Loaded read(Path file, List<CheckpointPart> parts) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        String where = "TrainingCheckpoint.load " + file + ": ";
        if (!FORMAT.equals(contents.metadata().get("format"))) {
            throw new IllegalArgumentException(where + "not a training checkpoint (metadata format is "
                    + contents.metadata().get("format") + ", expected " + FORMAT + ")");
        }
        long step = parseStep(where, contents.metadata().get("step"));
        Map<String, Map<String, Tensor>> byPart = new LinkedHashMap<>();
        parts.forEach(p -> byPart.put(p.name(), new LinkedHashMap<>()));
        contents.tensors().forEach((k, v) -> {
            int dot = k.indexOf('.');
            Map<String, Tensor> section = dot < 0 ? null : byPart.get(k.substring(0, dot));
            if (section == null) {
                throw new IllegalArgumentException(where + "unexpected key '" + k + "' (this run saves "
                        + byPart.keySet() + (k.startsWith("scheduler.") ? "; the file holds a scheduler's state but no "
                        + "scheduler was given" : "") + ")");
            }
            section.put(k.substring(dot + 1), v);
        });
        List<Map<String, Tensor>> backups = new ArrayList<>();
        for (CheckpointPart part : parts) {
            backups.add(part.save().get());
        }
        for (int i = 0; i < parts.size(); i++) {
            try {
                parts.get(i).load().accept(byPart.get(parts.get(i).name()));
            } catch (IllegalArgumentException ex) {
                for (int j = i - 1; j >= 0; j--) { // each load changes nothing when it fails; undo the earlier ones
                    parts.get(j).load().accept(backups.get(j));
                }
                throw new IllegalArgumentException(where + parts.get(i).name() + ": " + ex.getMessage(), ex);
            }
        }
        if (byPart.containsKey("generator") && byPart.get("generator").isEmpty()) {
            LOG.warn("{} holds no generator state (written by an older jgrad): Dropout masks and other draws will "
                    + "not repeat those of the interrupted run", file);
        }
        return new Loaded(step, contents.metadata());
    }

    private static void requireRun(String op, Path file, Module model, Optimizer optimizer) {
        if (file == null || model == null || optimizer == null) {
            throw new IllegalArgumentException("TrainingCheckpoint." + op + ": " + (file == null ? "file"
                    : model == null ? "model" : "optimizer") + " is null");
        }
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
