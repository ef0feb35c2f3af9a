package io.jgrad.optim;

import io.jgrad.tensor.StateDictReader;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs schedulers one after another, switching at milestone epochs, as
 * {@code torch.optim.lr_scheduler.SequentialLR} (PyTorch 1.13): e.g. a warm-up then a decay,
 * {@code new SequentialLR(opt, List.of(new LinearLR(opt, 0.1, 1, 5), new CosineAnnealingLR(opt, 20, 0)), new int[] {5})}.
 * At a milestone the next scheduler restarts at its epoch 0 from the base lrs.
 *
 * <p>State dict: {@code last_epoch} and each child's state under {@code schedulers.<k>.}.
 */
public final class SequentialLR implements LRScheduler {
    private final Optimizer optimizer;
    private final List<BaseLRScheduler> schedulers;
    private final int[] milestones;
    private int lastEpoch;
    private double lastLr;

    public SequentialLR(Optimizer optimizer, List<? extends BaseLRScheduler> schedulers, int[] milestones) {
        if (optimizer == null || schedulers == null || milestones == null || schedulers.isEmpty()) {
            throw new IllegalArgumentException("SequentialLR: needs an optimizer, at least one scheduler and the milestones");
        }
        for (int k = 0; k < schedulers.size(); k++) {
            if (schedulers.get(k).optimizer() != optimizer) {
                throw new IllegalArgumentException("SequentialLR: scheduler " + k + " drives a different optimizer");
            }
        }
        if (milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("SequentialLR: expects one milestone fewer than schedulers, got "
                    + schedulers.size() + " schedulers and " + milestones.length + " milestones");
        }
        for (int k = 1; k < milestones.length; k++) {
            if (milestones[k] < milestones[k - 1]) {
                throw new IllegalArgumentException("SequentialLR: milestones must be sorted, got " + java.util.Arrays.toString(milestones));
            }
        }
        this.optimizer = optimizer;
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        for (int g = 0; g < optimizer.groupCount(); g++) {
            optimizer.setLr(g, schedulers.get(0).baseLrs[g]);
        }
        for (BaseLRScheduler s : schedulers) {
            s.rewindEpoch();
        }
        schedulers.get(0).step();
        lastLr = schedulers.get(0).lastLr();
    }

    @Override
    public void step() {
        lastEpoch++;
        int idx = 0;
        while (idx < milestones.length && milestones[idx] <= lastEpoch) {
            idx++;
        }
        BaseLRScheduler s = schedulers.get(idx);
        if (idx > 0 && milestones[idx - 1] == lastEpoch) {
            s.restart();
        } else {
            s.step();
        }
        lastLr = s.lastLr();
    }

    @Override
    public double lastLr() {
        return lastLr;
    }

    /** {@code last_epoch}, {@code last_lr} and every child's state under {@code schedulers.<k>.}. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        out.put("last_epoch", Tensor.scalar((double) lastEpoch));
        out.put("last_lr", Tensor.scalar(lastLr));
        for (int k = 0; k < schedulers.size(); k++) {
            for (Map.Entry<String, Tensor> e : schedulers.get(k).stateDict().entrySet()) {
                out.put("schedulers." + k + "." + e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * Restores {@link #stateDict()}; strict and all-or-nothing ({@link StateDictReader}): every
     * child's state is checked before any scheduler changes.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        StateDictReader.load("SequentialLR", state, in -> {
            int epoch = (int) in.wholeNumber("last_epoch", 0, Integer.MAX_VALUE);
            double lr = in.nonNegative("last_lr");
            List<Runnable> children = new ArrayList<>();
            for (int k = 0; k < schedulers.size(); k++) {
                children.add(schedulers.get(k).readState(in.under("schedulers." + k + ".")));
            }
            return () -> {
                children.forEach(Runnable::run);
                lastEpoch = epoch;
                lastLr = lr;
            };
        });
    }
}
