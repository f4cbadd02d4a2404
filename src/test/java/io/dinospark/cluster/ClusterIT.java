package io.dinospark.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.data.SyntheticImageSet;
import io.dinospark.train.Checkpoints;
import io.dinospark.train.RunOutput;

/**
 * DINO on a real Spark standalone cluster, on each engine: a master and two single-core workers on 127.0.0.1, started from the
 * project's own Spark jars ({@link SparkDistribution}), and the packaged cluster jar submitted with SparkSubmit, as a
 * user submits it. Executors are separate JVMs that see only Spark's jars and the cluster jar, and every broadcast,
 * closure and result crosses a process boundary serialized.
 *
 * <p>Run alone: {@code mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClusterIT}.
 * Logs: {@code target/cluster-it/<test>/} (master, workers, driver; executors under {@code worker-N/app-*}).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final Path IT_DIR = BASEDIR.resolve("target/cluster-it");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);
    private static final int WORKERS = 2;
    private static final int BATCH_PER_WORKER = 4;
    /**
     * Both runs train these steps (two epochs), so that the run with the killed worker can be held against the one
     * without, and the torch engine's short steps leave time to kill a worker in the middle of one.
     */
    private static final int STEPS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LOST_TASK = Pattern.compile(
            "task (\\d+)\\.(\\d+) in stage (\\d+)\\.\\d+ \\(TID \\d+\\)[^\\n]*(?:ExecutorLostFailure|its executor exited)");

    private static SparkDistribution spark;
    private static Path images;
    /** The undisturbed run of each engine: each step's loss and the final checkpoint (absent until it has run). */
    private static final java.util.Map<String, Finished> REFERENCE = new java.util.concurrent.ConcurrentHashMap<>();

    /** A completed run: the loss of each step, and its final checkpoint. */
    private record Finished(List<Double> losses, Checkpoints.State last) {
    }

    @BeforeAll
    static void sparkAndImages() throws Exception {
        Files.createDirectories(IT_DIR);
        spark = SparkDistribution.create(IT_DIR, Path.of(property("dino.local.classpath")),
                BASEDIR.resolve("src/it/spark-distribution/pom.xml"), property("dino.spark.version"),
                Path.of(property("dino.maven.home")));
        // 4 classes x 16 = 64 images: 8 steps of 2 workers x 4 images per epoch.
        images = IT_DIR.resolve("images");
        new SyntheticImageSet(4, 3).write(images.toString(), 16, 0, 0, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "torch"})
    @Order(1)
    void aShortRunCompletesOnTheCluster(String engine) throws Exception {
        int steps = STEPS;
        Path dir = testDir("completes-" + engine);
        try (StandaloneCluster cluster = new StandaloneCluster(dir, spark, opens())) {
            try {
                cluster.start(WORKERS, "2g", START_TIMEOUT);
                StandaloneCluster.Launched driver = cluster.submit(BASEDIR, "2g", submitArgs(dir.resolve("run"), steps, engine));
                assertFinished(driver);
                REFERENCE.put(engine, assertRunComplete(dir.resolve("run"), steps, driver));
                System.out.println(summary(cluster, driver));
            } catch (Throwable t) {
                System.err.println(cluster.logTails(80));
                throw t;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "torch"})
    @Order(2)
    void aRunSurvivesAWorkerKilledMidRunAndLosesNothing(String engine) throws Exception {
        int steps = STEPS;
        int killAfter = 2;
        Path dir = testDir("worker-killed-" + engine);
        Path run = dir.resolve("run");
        try (StandaloneCluster cluster = new StandaloneCluster(dir, spark, opens())) {
            try {
                cluster.start(WORKERS, "2g", START_TIMEOUT);
                StandaloneCluster.Launched driver = cluster.submit(BASEDIR, "2g", submitArgs(run, steps, engine));
                // The driver logs a progress line as each step ends.
                StandaloneCluster.await(() -> {
                    if (!driver.process().isAlive()) {
                        throw new IllegalStateException("the driver exited with " + driver.process().exitValue()
                                + " before step " + killAfter + " was done; see " + driver.log());
                    }
                    return stepsLogged(driver) >= killAfter;
                }, RUN_TIMEOUT, killAfter + " steps in " + driver.log());

                // Kill the second worker while its executor runs a task, so that work in flight is lost.
                StandaloneCluster.Launched victim = cluster.workers().get(1);
                List<ProcessHandle> executors = StandaloneCluster.children(victim);
                assertFalse(executors.isEmpty(), victim.name() + " runs no executor: killing it would prove nothing");
                Path executorLog = cluster.executorLog(victim);
                // Kill it while it trains the student: a parameter-averaging worker task in flight, the part whose
                // loss is hardest to recover from.
                StandaloneCluster.await(() -> {
                    String task = runningTask(executorLog);
                    return task != null && trainsTheStudent(task, engine, StandaloneCluster.read(driver.log()));
                }, Duration.ofMinutes(2), "a student-training task on " + victim.name() + "'s executor (" + executorLog + ")");
                cluster.killWorker(victim);
                long doneAtKill = stepsLogged(driver);
                boolean taskInFlight = runningTask(executorLog) != null; // the dead executor's last words
                System.out.printf("killed %s (pid %d) and its executor %s after %d of %d steps, %s%n", victim.name(),
                        victim.process().pid(), executors.stream().map(ProcessHandle::pid).toList(), doneAtKill, steps,
                        taskInFlight ? "with a task running" : "between tasks");
                assertTrue(doneAtKill < steps, "the run finished before the worker was killed");

                assertFinished(driver);
                Finished killed = assertRunComplete(run, steps, driver);
                String driverLog = StandaloneCluster.read(driver.log());
                assertTrue(driverLog.contains("Lost executor"), "the driver never noticed the lost executor; see "
                        + driver.log());
                if (taskInFlight) {
                    assertLostTaskRanAgain(driverLog, driver);
                }
                // The lost work was redone exactly: same losses step by step, same final teacher, student and center
                // as the undisturbed run (the data and crops are seeded per image; stochastic depth is off).
                Finished reference = REFERENCE.get(engine);
                assertNotNull(reference, "the undisturbed run (@Order(1)) gives the losses and final state to compare"
                        + " with; run the whole class");
                assertEquals(reference.losses(), killed.losses(), "each step's loss, without and with the kill");
                assertArrayEquals(reference.last().teacher().toFloatVector(), killed.last().teacher().toFloatVector(),
                        "the final teacher, without and with the kill");
                assertArrayEquals(reference.last().student().params().toFloatVector(),
                        killed.last().student().params().toFloatVector(), "the final student, without and with the kill");
                assertArrayEquals(reference.last().center().toFloatVector(), killed.last().center().toFloatVector(),
                        "the final center, without and with the kill");
                System.out.println(summary(cluster, driver));
            } catch (Throwable t) {
                System.err.println(cluster.logTails(80));
                throw t;
            }
        }
    }

    /**
     * The task the killed executor was running is reported lost (Spark 3.5 words it "task 1.0 in stage 25.0 (TID 37)
     * failed because while it was being computed, its executor exited ..." when the worker's loss comes first, "Lost
     * task ... ExecutorLostFailure" otherwise), and a later attempt of it finished.
     */
    private static void assertLostTaskRanAgain(String driverLog, StandaloneCluster.Launched driver) {
        Matcher lost = LOST_TASK.matcher(driverLog);
        assertTrue(lost.find(), "the killed executor was running a task, but the driver reports no lost task; see "
                + driver.log());
        String task = lost.group(1);
        int attempt = Integer.parseInt(lost.group(2));
        String stage = lost.group(3);
        Matcher retried = Pattern.compile("Finished task " + task + "\\.(\\d+) in stage " + Pattern.quote(stage) + "\\.")
                .matcher(driverLog);
        boolean ranAgain = false;
        while (retried.find()) {
            ranAgain |= Integer.parseInt(retried.group(1)) > attempt;
        }
        assertTrue(ranAgain, "task " + task + " of stage " + stage + " was lost with its executor and never finished"
                + " in a later attempt; see " + driver.log());
        Matcher what = Pattern.compile("Stage " + Pattern.quote(stage) + " \\(([^)]*\\))").matcher(driverLog);
        System.out.println("lost with the executor and run again: " + lost.group() + " (stage " + stage + ": "
                + (what.find() ? what.group(1) : "?") + ")");
    }

    private static long stepsLogged(StandaloneCluster.Launched driver) {
        return StandaloneCluster.read(driver.log()).lines().filter(l -> l.contains(" TrainCommand: step ")).count();
    }

    /**
     * Whether the task ("task 1.0 in stage 25.0 (TID 37)") belongs to the stage where the engine's workers train the
     * student: DL4J's treeAggregate in its parameter-averaging master, the torch engine's treeReduce.
     */
    private static boolean trainsTheStudent(String task, String engine, String driverLog) {
        String callSite = engine.equals("dl4j") ? "treeAggregate at ParameterAveragingTrainingMaster" : "treeReduce at TorchStudentTrainer";
        Matcher stage = Pattern.compile("in stage (\\d+)\\.").matcher(task);
        return stage.find() && Pattern.compile("Stage " + stage.group(1) + " \\([^)]*" + callSite).matcher(driverLog).find();
    }

    /** The task the executor's log says it started and has not finished ("task 1.0 in stage 25.0 (TID 37)"), or null. */
    private static String runningTask(Path executorLog) {
        String log = StandaloneCluster.read(executorLog);
        int running = log.lastIndexOf("Running task ");
        if (running < 0 || running < log.lastIndexOf("Finished task ")) {
            return null;
        }
        int end = log.indexOf(')', running);
        return end < 0 ? null : log.substring(running + "Running ".length(), end + 1);
    }

    /** spark-submit's arguments: the cluster jar's main class, two executors of one core, then {@code train}. */
    private static List<String> submitArgs(Path run, int steps, String engine) {
        String opens = String.join(" ", opens());
        List<String> args = new ArrayList<>(List.of(
                "--class", "io.dinospark.cli.DinoSpark",
                "--name", "dino-spark-cluster-it",
                "--conf", "spark.driver.host=" + StandaloneCluster.HOST,
                "--conf", "spark.driver.bindAddress=" + StandaloneCluster.HOST,
                "--conf", "spark.ui.enabled=false",
                // One executor of one core on each worker, and no task before both have registered.
                "--conf", "spark.cores.max=" + WORKERS,
                "--conf", "spark.executor.cores=1",
                "--conf", "spark.executor.memory=1g",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
                "--conf", "spark.executor.extraJavaOptions=" + opens,
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                property("dino.cluster.jar"),
                "train", "--config", "conf/cpu-synthetic.conf", "--output", run.toString(), "--steps", String.valueOf(steps),
                "data.root=" + images.resolve("train"),
                "train.workers=" + WORKERS,
                "train.batch_size_per_worker=" + BATCH_PER_WORKER,
                "train.epochs=2",
                "train.checkpoint_every=2",
                "train.engine=" + engine,
                // No random stochastic-depth masks, whose draws depend on which executor runs a task: with them off a
                // run is the same on any executors, and a retried task gives the same result as the first attempt.
                "model.drop_path_rate=0"));
        return args;
    }

    private static void assertFinished(StandaloneCluster.Launched driver) throws InterruptedException {
        if (!driver.process().waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("the run did not finish in " + RUN_TIMEOUT.toMinutes() + " minutes; see " + driver.log());
        }
        assertEquals(0, driver.process().exitValue(), "spark-submit's exit code; see " + driver.log());
    }

    /** Every step 0..steps-1 exactly once, each with all its images and none skipped; the final checkpoint loads. */
    private static Finished assertRunComplete(Path run, int steps, StandaloneCluster.Launched driver) throws IOException {
        List<String> lines = lines(run.resolve(RunOutput.METRICS_FILE));
        List<Long> seen = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (String line : lines) {
            JsonNode step = JSON.readTree(line);
            seen.add(step.get("step").asLong());
            losses.add(step.get("loss").asDouble());
            assertEquals(WORKERS * BATCH_PER_WORKER, step.get("images").asLong(), "images used by " + line);
            assertEquals(0, step.get("skippedImages").asLong(), "images skipped by " + line);
            assertTrue(Double.isFinite(step.get("loss").asDouble()), line);
        }
        assertEquals(java.util.stream.LongStream.range(0, steps).boxed().toList(), seen, "steps in metrics.jsonl");
        Checkpoints.State last = new Checkpoints(new org.apache.hadoop.fs.Path(run.toString()), new Configuration(), 3)
                .latest().orElseThrow(() -> new AssertionError("no checkpoint in " + run));
        assertEquals(steps, last.nextStep(), "the latest checkpoint's step");
        String log = StandaloneCluster.read(driver.log());
        assertTrue(log.contains("(" + steps + " of ") || log.contains("(all " + steps + " steps trained)"),
                "the driver's closing line; see " + driver.log());
        return new Finished(losses, last);
    }

    /** What Spark said about lost executors and tasks, for the build log. */
    private static String summary(StandaloneCluster cluster, StandaloneCluster.Launched driver) throws IOException {
        StringBuilder out = new StringBuilder("cluster run done; logs in ").append(driver.log().getParent()).append('\n');
        for (Path log : cluster.logs()) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.contains("Lost executor") || line.contains("Lost task") || line.contains("its executor exited")
                        || line.contains("Removing worker") || line.contains("Resubmitt") || line.contains("removed:")
                        || line.contains("Shuffle files lost") || line.matches(".*Starting task \\d+\\.[1-9].*")) {
                    out.append(log.getFileName()).append(": ").append(line).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static List<String> lines(Path file) {
        String text = StandaloneCluster.read(file);
        return text.isEmpty() ? List.of() : Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    private static Path testDir(String name) throws IOException {
        Path dir = IT_DIR.resolve(name);
        SparkDistribution.deleteTree(dir);
        Files.createDirectories(dir);
        return dir;
    }

    private static List<String> opens() {
        return Arrays.stream(property("dino.java17.opens").trim().split("\\s+")).toList();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run ClusterIT through Maven"
                    + " (mvn verify), whose failsafe configuration passes it");
        }
        return value;
    }
}
