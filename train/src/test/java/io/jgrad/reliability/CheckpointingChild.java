package io.jgrad.reliability;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process {@link CrashSafetyTest} kills: it continues a {@link ResumableRun} from the
 * checkpoint file if there is one, then trains, saving a checkpoint after every step, and
 * reports each step's loss, the start of each save and its end (with the nanoseconds it took) on stdout until it is killed or reaches the last step.
 *
 * <p>Usage: {@code CheckpointingChild <checkpoint file> <last step>}.
 */
public final class CheckpointingChild {
    private CheckpointingChild() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        long last = Long.parseLong(args[1]);
        ResumableRun run = new ResumableRun(1);
        if (Files.exists(file)) {
            run.restore(file);
        }
        say("started " + run.steps());
        while (run.steps() < last) {
            float loss = run.step();
            say("loss " + run.steps() + " " + Integer.toHexString(Float.floatToRawIntBits(loss)));
            say("saving " + run.steps());
            long t0 = System.nanoTime();
            run.save(file);
            say("saved " + run.steps() + " " + (System.nanoTime() - t0));
        }
        say("done");
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
