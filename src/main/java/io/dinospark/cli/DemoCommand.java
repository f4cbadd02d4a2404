package io.dinospark.cli;

import io.dinospark.config.DinoConfig;
import io.dinospark.config.ConfigLoader;
import io.dinospark.data.SyntheticCropRows;
import io.dinospark.train.LocalDinoLoop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * DINO in one process on synthetic images: the step protocol without Spark, to see the network, the loss, the
 * teacher and the schedules work together on any machine.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train DINO in this process on synthetic images and print loss and teacher entropy.")
final class DemoCommand implements Runnable {

    @Mixin
    ConfigOptions options;

    @Option(names = "--steps-per-epoch", defaultValue = "50", description = "Optimizer steps per epoch (default ${DEFAULT-VALUE}).")
    int stepsPerEpoch;

    @Option(names = "--print-every", defaultValue = "10", description = "Print every N steps (default ${DEFAULT-VALUE}).")
    int printEvery;

    @Override
    public void run() {
        DinoConfig config = options.load();
        System.out.print(ConfigLoader.render(config));
        LocalDinoLoop loop = new LocalDinoLoop(config, stepsPerEpoch);
        long steps = loop.schedules().totalSteps();
        double lnK = Math.log(config.model().outDim());
        long start = System.nanoTime();
        var history = loop.run(new SyntheticCropRows(config.crops(), config.train().batchSizePerWorker(), config.train().seed()),
                steps, m -> {
                    if (m.step() % printEvery == 0 || m.step() == steps - 1) {
                        double seconds = (System.nanoTime() - start) / 1e9;
                        System.out.printf("step %d/%d  epoch %d  loss %.4f  teacher entropy %.3f (ln K %.3f)  lr %.2e"
                                        + "  momentum %.4f  %.1f images/s%n", m.step() + 1, steps, m.epoch(), m.loss(),
                                m.teacherEntropy(), lnK, m.lr(), m.teacherMomentum(),
                                (m.step() + 1) * config.train().batchSizePerWorker() / seconds);
                    }
                });
        System.out.printf("done: %d steps in %.0f s; loss %.4f -> %.4f%n", steps, (System.nanoTime() - start) / 1e9,
                history.get(0).loss(), history.get(history.size() - 1).loss());
    }
}
