package io.dinospark.cli;

import java.io.IOException;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import io.dinospark.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Writes a run's report (plots and one HTML page) into {@code <run>/report/}; with --every, again and again. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Plots of a run's metrics (loss, learning rate, teacher entropy against ln K, images/s, online k-NN) "
                + "and one page, <run>/report/index.html, with the plots, the evaluation table, the attention maps and the config.",
                "Works while the run trains: a half-written last metrics line is left out."})
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run directory (train --output; any Hadoop FileSystem URI).")
    String run;

    @Option(names = "--every", defaultValue = "0", paramLabel = "SECONDS",
            description = "Remake the report every SECONDS until interrupted (the page then reloads itself); 0: once. Default: ${DEFAULT-VALUE}.")
    int every;

    @Override
    public Integer call() throws InterruptedException {
        if (every < 0) {
            throw new ParameterException(spec.commandLine(), "--every must be >= 0, got " + every);
        }
        Configuration hadoop = new Configuration();
        while (true) {
            try {
                RunReport.Written written = RunReport.write(new Path(run), hadoop, every);
                spec.commandLine().getOut().printf("report of %d steps: %s%n", written.steps(), written.index());
                spec.commandLine().getOut().flush();
            } catch (IOException e) {
                spec.commandLine().getErr().println("report: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
            if (every == 0) {
                return 0;
            }
            Thread.sleep(every * 1000L);
        }
    }
}
