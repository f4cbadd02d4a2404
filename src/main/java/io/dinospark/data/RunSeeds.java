package io.dinospark.data;

/**
 * Every random stream of a run derives from its one seed: the initial parameters, the image order of each epoch,
 * and the augmentation of each image in each epoch. A retried task on any executor therefore reproduces its data
 * exactly, and a run's initial network can be rebuilt (the random-init baseline of evaluation).
 */
public final class RunSeeds {

    private RunSeeds() {
    }

    /** Seed of the initial values of parameter {@code name} of network layer {@code layerIndex}. */
    public static long parameterInit(long runSeed, int layerIndex, String name) {
        return SeededPermutation.mix(SeededPermutation.mix((SeededPermutation.mix(runSeed) ^ 0x1A17L) + layerIndex)
                ^ name.hashCode());
    }

    /** Seed of epoch {@code epoch}'s image order. */
    public static long epochOrder(long runSeed, int epoch) {
        return SeededPermutation.mix(SeededPermutation.mix(runSeed) + epoch);
    }

    /** Seed of the crops of image {@code imageId} in epoch {@code epoch}. */
    public static long imageCrops(long runSeed, int epoch, long imageId) {
        return SeededPermutation.mix(SeededPermutation.mix(SeededPermutation.mix(runSeed) ^ 0x5DEECE66DL + epoch) + imageId);
    }

    /**
     * Seed of the stochastic depth of worker {@code worker}'s {@code minibatch}-th update in global step {@code step}:
     * a retried task draws the same noise.
     */
    public static long stochasticDepth(long runSeed, long step, int worker, int minibatch) {
        return SeededPermutation.mix(SeededPermutation.mix(SeededPermutation.mix(SeededPermutation.mix(runSeed) ^ 0xD209L)
                + step) + ((long) worker << 32 | minibatch));
    }

    /** Seed of the images an evaluation samples from a set (the online k-NN's subsets). */
    public static long evaluationSample(long runSeed) {
        return SeededPermutation.mix(SeededPermutation.mix(runSeed) ^ 0x6E4B4E4EL);
    }
}
