package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinospark.config.DistillationConfig;
import io.dinospark.config.OptimConfig;
import org.junit.jupiter.api.Test;

/** Schedules against arrays built here the way the authors' numpy code builds them. */
class SchedulesTest {

    private static final OptimConfig OPTIM = new OptimConfig(5e-4, 1e-6, 2, 0.04, 0.4, 3.0, 1);
    private static final DistillationConfig DINO = new DistillationConfig(0.1, 0.07, 0.04, 3, 0.9, 0.996);

    @Test
    void everyStepMatchesTheNumpyArrays() {
        int epochs = 5;
        int niter = 7;
        Schedules s = new Schedules(OPTIM, DINO, epochs, niter, 192);
        double[] lr = cosineScheduler(5e-4 * 192 / 256., 1e-6, epochs, niter, 2);
        double[] wd = cosineScheduler(0.04, 0.4, epochs, niter, 0);
        double[] momentum = cosineScheduler(0.996, 1, epochs, niter, 0);
        double[] temp = teacherTempSchedule(0.04, 0.07, 3, epochs);
        assertEquals(epochs * niter, s.totalSteps());
        for (int step = 0; step < epochs * niter; step++) {
            assertClose(lr[step], s.lr(step), "lr", step);
            assertClose(wd[step], s.weightDecay(step), "weight decay", step);
            assertClose(momentum[step], s.teacherMomentum(step), "momentum", step);
            assertEquals(temp[step / niter], s.teacherTempAtStep(step), 1e-15, "teacher temp at step " + step);
            assertEquals(step / niter, s.epoch(step));
        }
    }

    /** Values printed by the authors' cosine_scheduler under numpy 2.4 (float64), for the schedules above. */
    @Test
    void matchesValuesFromNumpy() {
        Schedules s = new Schedules(OPTIM, DINO, 5, 7, 192);
        assertEquals(0.0, s.lr(0));
        assertEquals(2.8846153846153845e-05, s.lr(1));
        assertEquals(0.000375, s.lr(13), "last warmup step is linspace's endpoint, exactly");
        assertEquals(0.000375, s.lr(14), "first cosine step is the base value");
        assertEquals(0.0002815, s.lr(21));
        assertEquals(3.088635495900966e-06, s.lr(34), 1e-20);
        assertEquals(0.03999999999999998, s.weightDecay(0));
        assertEquals(0.39927537291914306, s.weightDecay(34), 1e-16);
        assertEquals(0.9999919485879905, s.teacherMomentum(34), 1e-16);
        assertEquals(0.05500000000000001, s.teacherTemp(1));
        assertEquals(0.07, s.teacherTemp(2));
        assertEquals(0.07, s.teacherTemp(4));
    }

    @Test
    void noWarmupStartsAtTheBaseValue() {
        OptimConfig optim = new OptimConfig(1e-3, 1e-6, 0, 0.04, 0.4, 3.0, 0);
        DistillationConfig dino = new DistillationConfig(0.1, 0.04, 0.04, 0, 0.9, 0.996);
        Schedules s = new Schedules(optim, dino, 3, 4, 256);
        double[] lr = cosineScheduler(1e-3, 1e-6, 3, 4, 0);
        assertEquals(1e-3, s.lr(0));
        for (int step = 0; step < 12; step++) {
            assertClose(lr[step], s.lr(step), "lr", step);
            assertEquals(0.04, s.teacherTempAtStep(step));
            assertFalse(s.lastLayerFrozen(step), "freeze_last_layer_epochs = 0 never freezes");
        }
    }

    @Test
    void warmupOverEveryEpochAndSingleStepWarmups() {
        // warmup_epochs == epochs: no cosine part at all.
        Schedules all = new Schedules(new OptimConfig(5e-4, 1e-6, 2, 0.04, 0.4, 3.0, 1), DINO, 3, 5, 256);
        double[] lr = cosineScheduler(5e-4, 1e-6, 3, 5, 2);
        for (int step = 0; step < 15; step++) {
            assertClose(lr[step], all.lr(step), "lr", step);
        }
        // One step per epoch and one warmup epoch: linspace(0, base, 1) == [0].
        Schedules one = new Schedules(new OptimConfig(5e-4, 1e-6, 1, 0.04, 0.4, 3.0, 1),
                new DistillationConfig(0.1, 0.07, 0.04, 1, 0.9, 0.996), 4, 1, 256);
        assertEquals(0.0, one.lr(0));
        assertEquals(5e-4, one.lr(1));
        assertEquals(0.04, one.teacherTemp(0), "linspace with one element is its start");
        assertEquals(0.07, one.teacherTemp(1));
    }

    @Test
    void lastLayerIsFrozenForTheFirstEpochs() {
        Schedules s = new Schedules(new OptimConfig(5e-4, 1e-6, 2, 0.04, 0.4, 3.0, 2), DINO, 5, 7, 64);
        for (int step = 0; step < 35; step++) {
            assertEquals(step < 14, s.lastLayerFrozen(step), "step " + step);
        }
    }

    @Test
    void stepsOutsideTheRunAreRejected() {
        Schedules s = new Schedules(OPTIM, DINO, 5, 7, 64);
        for (long step : new long[] {-1, 35, Long.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.lr(step));
            assertTrue(e.getMessage().contains("step " + step) && e.getMessage().contains("[0, 35)"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> s.teacherMomentum(35));
        assertThrows(IllegalArgumentException.class, () -> s.weightDecay(-1));
        assertThrows(IllegalArgumentException.class, () -> s.lastLayerFrozen(35));
        assertThrows(IllegalArgumentException.class, () -> s.teacherTempAtStep(35));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.teacherTemp(5));
        assertTrue(e.getMessage().contains("epoch 5") && e.getMessage().contains("[0, 5)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Schedules(OPTIM, DINO, 1, 7, 64),
                "warmup longer than the run");
        assertThrows(IllegalArgumentException.class, () -> new Schedules(OPTIM, DINO, 5, 0, 64));
    }

    /** utils.cosine_scheduler of the authors' code, with numpy's linspace and arange written as loops. */
    private static double[] cosineScheduler(double base, double end, int epochs, int niter, int warmupEpochs) {
        int warmupIters = warmupEpochs * niter;
        double[] schedule = new double[epochs * niter];
        double[] warmup = linspace(0, base, warmupIters);
        System.arraycopy(warmup, 0, schedule, 0, warmupIters);
        int length = epochs * niter - warmupIters;
        for (int i = 0; i < length; i++) {
            schedule[warmupIters + i] = end + 0.5 * (base - end) * (1 + Math.cos(Math.PI * i / length));
        }
        return schedule;
    }

    /** DINOLoss.teacher_temp_schedule: linspace over the warmup epochs, then the final value. */
    private static double[] teacherTempSchedule(double warmup, double end, int warmupEpochs, int epochs) {
        double[] schedule = new double[epochs];
        double[] ramp = linspace(warmup, end, warmupEpochs);
        for (int e = 0; e < epochs; e++) {
            schedule[e] = e < warmupEpochs ? ramp[e] : end;
        }
        return schedule;
    }

    /** numpy.linspace(start, stop, num): start + i * step, the last element set to stop. */
    private static double[] linspace(double start, double stop, int num) {
        double[] out = new double[num];
        for (int i = 0; i < num; i++) {
            out[i] = num == 1 ? start : start + i * ((stop - start) / (num - 1));
        }
        if (num > 1) {
            out[num - 1] = stop;
        }
        return out;
    }

    private static void assertClose(double expected, double actual, String what, int step) {
        assertEquals(expected, actual, 1e-15 * Math.max(1, Math.abs(expected)), what + " at step " + step);
    }
}
