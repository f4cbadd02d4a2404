package io.dinospark.train;

import io.dinospark.config.DinoConfig;
import io.dinospark.config.DistillationConfig;
import io.dinospark.config.OptimConfig;
import io.dinospark.config.TrainConfig;

/**
 * DINO's per-step schedules, indexed by the global step (0-based): the values the authors' code precomputes with
 * {@code utils.cosine_scheduler} and {@code DINOLoss.teacher_temp_schedule}, computed here on demand with the same
 * floating-point operations instead of stored in arrays.
 */
public final class Schedules {

    private final int epochs;
    private final long stepsPerEpoch;
    private final long totalSteps;
    private final Cosine lr;
    private final Cosine weightDecay;
    private final Cosine teacherMomentum;
    private final double warmupTeacherTemp;
    private final double teacherTemp;
    private final int warmupTeacherTempEpochs;
    private final int freezeLastLayerEpochs;

    /**
     * @param totalBatch images per step over all workers; the base lr is {@code optim.lr * totalBatch / 256}
     */
    public Schedules(OptimConfig optim, DistillationConfig dino, int epochs, long stepsPerEpoch, int totalBatch) {
        if (epochs <= 0 || stepsPerEpoch <= 0 || totalBatch <= 0) {
            throw new IllegalArgumentException("epochs (" + epochs + "), stepsPerEpoch (" + stepsPerEpoch
                    + ") and totalBatch (" + totalBatch + ") must all be > 0");
        }
        if (optim.warmupEpochs() > epochs || dino.warmupTeacherTempEpochs() > epochs) {
            throw new IllegalArgumentException("warmup epochs (lr " + optim.warmupEpochs() + ", teacher temp "
                    + dino.warmupTeacherTempEpochs() + ") must be <= epochs (" + epochs + ")");
        }
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = Math.multiplyExact(epochs, stepsPerEpoch);
        this.lr = new Cosine(optim.lr() * totalBatch / 256., optim.minLr(), optim.warmupEpochs() * stepsPerEpoch,
                totalSteps);
        this.weightDecay = new Cosine(optim.weightDecay(), optim.weightDecayEnd(), 0, totalSteps);
        this.teacherMomentum = new Cosine(dino.teacherMomentum(), 1, 0, totalSteps);
        this.warmupTeacherTemp = dino.warmupTeacherTemp();
        this.teacherTemp = dino.teacherTemp();
        this.warmupTeacherTempEpochs = dino.warmupTeacherTempEpochs();
        this.freezeLastLayerEpochs = optim.freezeLastLayerEpochs();
    }

    /**
     * The schedules of {@code config}'s run over {@code images} images ({@code data.root}): as many steps an epoch as
     * whole steps of {@code train.images_per_step} fit.
     *
     * @throws IllegalArgumentException naming the data set when it holds fewer images than one step
     */
    public static Schedules of(DinoConfig config, long images) {
        TrainConfig t = config.train();
        long stepsPerEpoch = images / t.imagesPerStep();
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException(config.data().root() + " holds " + images + " images, fewer than one"
                    + " step's " + t.imagesPerStep() + " (train.workers x train.batch_size_per_worker x"
                    + " train.averaging_frequency)");
        }
        return new Schedules(config.optim(), config.dino(), t.epochs(), stepsPerEpoch, t.imagesPerStep());
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The epoch the global step falls in. */
    public int epoch(long step) {
        checkStep(step);
        return (int) (step / stepsPerEpoch);
    }

    /** Learning rate: linear warmup from 0 to {@code lr * totalBatch / 256}, then cosine to {@code min_lr}. */
    public double lr(long step) {
        checkStep(step);
        return lr.at(step);
    }

    /** Weight decay: cosine from {@code weight_decay} to {@code weight_decay_end}. */
    public double weightDecay(long step) {
        checkStep(step);
        return weightDecay.at(step);
    }

    /** Teacher EMA momentum: cosine from {@code teacher_momentum} to 1. */
    public double teacherMomentum(long step) {
        checkStep(step);
        return teacherMomentum.at(step);
    }

    /** Teacher temperature of an epoch: linear warmup over {@code warmup_teacher_temp_epochs}, then constant. */
    public double teacherTemp(int epoch) {
        if (epoch < 0 || epoch >= epochs) {
            throw new IllegalArgumentException("epoch " + epoch + " is outside [0, " + epochs + ")");
        }
        return epoch < warmupTeacherTempEpochs
                ? linspace(warmupTeacherTemp, teacherTemp, warmupTeacherTempEpochs, epoch)
                : teacherTemp;
    }

    public double teacherTempAtStep(long step) {
        return teacherTemp(epoch(step));
    }

    /** Whether the head's last layer gets no gradient at this step (the first {@code freeze_last_layer_epochs}). */
    public boolean lastLayerFrozen(long step) {
        return epoch(step) < freezeLastLayerEpochs;
    }

    private void checkStep(long step) {
        if (step < 0 || step >= totalSteps) {
            throw new IllegalArgumentException("step " + step + " is outside [0, " + totalSteps + ") ("
                    + epochs + " epochs x " + stepsPerEpoch + " steps)");
        }
    }

    /** Element {@code i} of numpy's {@code linspace(start, stop, num)}, computed as numpy computes it. */
    private static double linspace(double start, double stop, long num, long i) {
        if (num == 1) {
            return start;
        }
        if (i == num - 1) {
            return stop; // numpy sets the endpoint exactly
        }
        double step = (stop - start) / (num - 1);
        return step == 0 ? i / (double) (num - 1) * (stop - start) + start : i * step + start;
    }

    /**
     * The authors' {@code cosine_scheduler(base, final, epochs, niter_per_ep, warmup_epochs)}, per step. StrictMath
     * gives every worker and JVM the same bits.
     */
    private record Cosine(double base, double end, long warmupSteps, long totalSteps) {

        double at(long step) {
            if (step < warmupSteps) {
                return linspace(0, base, warmupSteps, step);
            }
            long i = step - warmupSteps;
            long length = totalSteps - warmupSteps;
            return end + 0.5 * (base - end) * (1 + StrictMath.cos(Math.PI * i / length));
        }
    }
}
