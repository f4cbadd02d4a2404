package io.dinospark.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and some single-core workers, started as separate JVMs on a
 * {@link SparkDistribution}, and a driver submitted to it with {@code org.apache.spark.deploy.SparkSubmit} (client
 * mode). Every process writes its log to a file in the cluster's folder; executors write theirs under each worker's
 * work directory ({@code worker-N/app-.../<executor>/stderr}). {@link #close()} kills every process and its children.
 */
final class StandaloneCluster implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private final Path dir;
    private final SparkDistribution spark;
    private final List<String> javaOptions;
    private final List<Launched> launched = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook = new Thread(this::killAll, "standalone-cluster-cleanup");
    private final List<Launched> workers = new ArrayList<>();
    private String masterUrl;

    /** A process this cluster started, with its log file. */
    record Launched(String name, Process process, Path log) {
    }

    /**
     * @param javaOptions options for every JVM (the Java 17 {@code --add-opens} list)
     */
    StandaloneCluster(Path dir, SparkDistribution spark, List<String> javaOptions) throws IOException {
        this.dir = dir;
        this.spark = spark;
        this.javaOptions = javaOptions;
        Files.createDirectories(dir);
        // Also when the test JVM is stopped (a build timeout, Ctrl-C): no JVM of the cluster outlives the build.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    String masterUrl() {
        return masterUrl;
    }

    List<Launched> workers() {
        return workers;
    }

    /** Starts the master and {@code count} workers with one core and {@code memory} each; returns when all registered. */
    void start(int count, String memory, Duration timeout) throws IOException, InterruptedException {
        int port = freePort();
        Launched master = launch("master", sparkJvm("512m", "org.apache.spark.deploy.master.Master",
                "--host", HOST, "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())), null);
        masterUrl = "spark://" + HOST + ":" + port;
        awaitLog(master, "I have been elected leader", timeout);
        for (int i = 1; i <= count; i++) {
            Path work = dir.resolve("worker-" + i);
            Files.createDirectories(work);
            Launched worker = launch("worker-" + i, sparkJvm("512m", "org.apache.spark.deploy.worker.Worker",
                    "--host", HOST, "--webui-port", String.valueOf(freePort()), "--cores", "1", "--memory", memory,
                    "--work-dir", work.toString(), masterUrl), null);
            workers.add(worker);
        }
        for (Launched worker : workers) {
            awaitLog(worker, "Successfully registered with master", timeout);
        }
    }

    /** Starts {@code SparkSubmit} in client mode: the driver runs in that JVM, its log in {@code driver.log}. */
    Launched submit(Path workingDir, String driverMemory, List<String> sparkSubmitArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client"));
        args.addAll(sparkSubmitArgs);
        return launch("driver", sparkJvm(driverMemory, "org.apache.spark.deploy.SparkSubmit", args.toArray(String[]::new)),
                workingDir);
    }

    /** The JVMs a process started (a worker's executors), found through the process tree. */
    static List<ProcessHandle> children(Launched launched) {
        return launched.process().descendants().toList();
    }

    /** Kills a worker and every executor it started, at once and without warning, as a lost machine would. */
    void killWorker(Launched worker) throws InterruptedException {
        List<ProcessHandle> executors = children(worker);
        executors.forEach(ProcessHandle::destroyForcibly);
        worker.process().destroyForcibly();
        for (ProcessHandle executor : executors) {
            executor.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        worker.process().waitFor(30, TimeUnit.SECONDS);
    }

    /** The log of the executor a worker runs: {@code <work dir>/<application>/<executor>/stderr}. */
    Path executorLog(Launched worker) throws IOException {
        Path work = dir.resolve(worker.name());
        try (Stream<Path> files = Files.walk(work)) {
            List<Path> logs = files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
            if (logs.size() != 1) {
                throw new IllegalStateException("expected one executor log under " + work + ", found " + logs);
            }
            return logs.get(0);
        }
    }

    private List<String> sparkJvm(String heap, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(javaOptions);
        command.add("-cp");
        command.add(spark.classpath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    private Launched launch(String name, List<String> command, Path workingDir) throws IOException {
        Path log = dir.resolve(name + ".log");
        Files.writeString(log, String.join(" ", command) + "\n\n", StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        Map<String, String> env = builder.environment();
        // Nothing from an installed Spark or Hadoop leaks in.
        Stream.of("SPARK_CONF_DIR", "SPARK_CLASSPATH", "SPARK_DIST_CLASSPATH", "SPARK_PREPEND_CLASSES", "SPARK_TESTING",
                "HADOOP_CONF_DIR", "YARN_CONF_DIR", "SPARK_LOCAL_HOSTNAME", "SPARK_PUBLIC_DNS").forEach(env::remove);
        env.put("SPARK_HOME", spark.home().toString());
        env.put("SPARK_SCALA_VERSION", SparkDistribution.SCALA_VERSION);
        // Every address is 127.0.0.1, whatever the machine's host name resolves to.
        env.put("SPARK_LOCAL_IP", HOST);
        Launched started = new Launched(name, builder.start(), log);
        launched.add(started);
        return started;
    }

    /** Waits until the process's log holds {@code text}; fails if the process ends first or time runs out. */
    void awaitLog(Launched process, String text, Duration timeout) throws InterruptedException {
        await(() -> {
            if (!process.process().isAlive()) {
                throw new IllegalStateException(process.name() + " exited with " + process.process().exitValue()
                        + " before its log said '" + text + "'; see " + process.log());
            }
            return read(process.log()).contains(text);
        }, timeout, process.name() + " to log '" + text + "'");
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(25); // short: a torch student task on the cluster lasts about 100 ms
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every log: the master's, the workers', the driver's and the executors' (under the workers' work directories). */
    List<Path> logs() throws IOException {
        List<Path> logs = new ArrayList<>();
        synchronized (launched) {
            launched.forEach(l -> logs.add(l.log()));
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.getFileName().toString().equals("stderr") || p.getFileName().toString().equals("stdout"))
                    .sorted().forEach(logs::add);
        }
        return logs;
    }

    /** The last {@code lines} lines of every log, for a failure report. */
    String logTails(int lines) {
        StringBuilder out = new StringBuilder();
        try {
            for (Path log : logs()) {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                out.append("\n===== ").append(log).append(" (last ").append(Math.min(lines, all.size())).append(" of ")
                        .append(all.size()).append(" lines) =====\n");
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> out.append(l).append('\n'));
            }
        } catch (IOException | UncheckedIOException e) {
            out.append("\n(cannot read the logs: ").append(e).append(")\n");
        }
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private void killAll() {
        List<Launched> all;
        synchronized (launched) {
            all = new ArrayList<>(launched);
        }
        Collections.reverse(all); // the driver first, the master last
        for (Launched l : all) {
            l.process().descendants().forEach(ProcessHandle::destroyForcibly);
            l.process().destroyForcibly();
        }
        for (Launched l : all) {
            try {
                l.process().waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down, and the hook is running or has run
        }
    }
}
