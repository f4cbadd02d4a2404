package io.dinospark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.model.DinoNetwork;
import io.dinospark.teacher.Center;
import io.dinospark.train.Checkpoints;
import picocli.CommandLine;

/** What the command tests share: running the CLI, and a run directory for it to evaluate. */
final class Commands {

    private Commands() {
    }

    /** The exit code and standard error of {@code dino-spark args...}. */
    static String[] run(String... args) {
        CommandLine cli = DinoSpark.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        return new String[] {String.valueOf(cli.execute(args)), err.toString()};
    }

    /** A run directory whose one checkpoint, at {@code step}, holds a freshly initialised network of {@code config}. */
    static void writeRun(Path run, DinoConfig config, long step) throws IOException {
        var network = DinoNetwork.create(config);
        new Checkpoints(new org.apache.hadoop.fs.Path(run.toString()), new Configuration(), 1)
                .save(new Checkpoints.State(step, TestConfigs.state(network), network.params(),
                        Center.zeros(config.model().outDim()).value(), ConfigLoader.render(config)));
    }
}
