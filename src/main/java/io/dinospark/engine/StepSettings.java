package io.dinospark.engine;

import java.io.Serializable;

/**
 * What one global step's student update uses, from the driver's schedules: the learning rate, the weight decay
 * (weights only, decoupled), whether the head's last layer is frozen, and the step itself (the seed of its noise).
 */
public record StepSettings(long step, double lr, double weightDecay, boolean lastLayerFrozen) implements Serializable {
}
