package io.dinospark.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Spark home made of the project's own Spark jars, as a binary distribution lays it out: {@code jars/} holds links
 * to Spark and its dependencies and nothing of the project. A standalone worker starts its executors on
 * {@code SPARK_HOME/jars/*} (Spark's {@code WorkerCommandBuilder}), so that is the executors' whole classpath too, and
 * the cluster jar has to bring DL4J, ND4J and the rest itself, as it must on a real cluster.
 *
 * <p>Which jars are Spark's: {@code src/it/spark-distribution/pom.xml} depends on spark-core and spark-sql alone; its
 * resolution (a nested {@code mvn dependency:build-classpath}) names Spark's dependencies, and the versions are taken
 * from the project's own classpath ({@code target/local-classpath.txt}), where the project's dependency management has
 * aligned them (Jackson, SLF4J) as Spark's distribution has them.
 */
final class SparkDistribution {

    /** Spark's launcher reads the Scala version from here, or from build folders a distribution does not have. */
    static final String SCALA_VERSION = "2.13";

    private final Path home;

    private SparkDistribution(Path home) {
        this.home = home;
    }

    /** The Spark home, with {@code jars/} and an empty {@code conf/}. */
    Path home() {
        return home;
    }

    /** The classpath of every Spark JVM: {@code jars/*}, expanded by the JVM. */
    String classpath() {
        return home.resolve("jars") + "/*";
    }

    /**
     * Builds {@code <dir>/spark-home}, resolving Spark's dependencies once (cached in {@code dir}).
     *
     * @param projectClasspath the project's full classpath, Spark included ({@code target/local-classpath.txt})
     * @param distributionPom the POM that depends on Spark alone
     */
    static SparkDistribution create(Path dir, Path projectClasspath, Path distributionPom, String sparkVersion,
            Path mavenHome) throws IOException, InterruptedException {
        Path sparkOnly = dir.resolve("spark-only-classpath.txt");
        if (!Files.exists(sparkOnly) || Files.getLastModifiedTime(sparkOnly).compareTo(Files.getLastModifiedTime(distributionPom)) < 0) {
            resolve(distributionPom, sparkVersion, mavenHome, sparkOnly, dir.resolve("spark-distribution-mvn.log"));
        }
        // An artifact is known by its folder in the local repository (<group>/<artifact>), whatever its version.
        Set<Path> sparkArtifacts = entries(sparkOnly).stream().map(jar -> jar.getParent().getParent())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        List<Path> jars = new ArrayList<>();
        Set<Path> found = new LinkedHashSet<>();
        for (Path jar : entries(projectClasspath)) {
            Path artifact = jar.getParent().getParent();
            if (sparkArtifacts.contains(artifact)) {
                jars.add(jar);
                found.add(artifact);
            }
        }
        sparkArtifacts.removeAll(found);
        if (!sparkArtifacts.isEmpty()) {
            throw new IllegalStateException("Spark's dependencies " + sparkArtifacts + " are not on the project's classpath "
                    + projectClasspath + "; run mvn process-classes");
        }

        Path home = dir.resolve("spark-home");
        Path jarsDir = home.resolve("jars");
        deleteTree(home);
        Files.createDirectories(jarsDir);
        Files.createDirectories(home.resolve("conf"));
        for (Path jar : jars) {
            Path link = jarsDir.resolve(jar.getFileName());
            if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // Two artifacts with one file name: keep both, the JVM's jars/* takes any name ending in .jar.
                link = jarsDir.resolve(jar.getParent().getParent().getParent().getFileName() + "-" + jar.getFileName());
            }
            Files.createSymbolicLink(link, jar);
        }
        return new SparkDistribution(home);
    }

    private static void resolve(Path pom, String sparkVersion, Path mavenHome, Path out, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mavenHome.resolve("bin/mvn").toString(), "-B", "-q", "-f",
                pom.toString(), "dependency:build-classpath", "-Dspark.version=" + sparkVersion,
                "-Dmdep.outputFile=" + out));
        // Spark's artifacts are in the local repository already (the build resolved them as provided), so this
        // needs no network.
        Process mvn = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!mvn.waitFor(10, TimeUnit.MINUTES)) {
            mvn.destroyForcibly();
            throw new IllegalStateException("resolving Spark's jars took over 10 minutes: " + command + "; log: " + log);
        }
        if (mvn.exitValue() != 0 || !Files.exists(out)) {
            throw new IllegalStateException("resolving Spark's jars failed (exit " + mvn.exitValue() + "): " + command
                    + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static List<Path> entries(Path classpathFile) throws IOException {
        String text = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
        return Arrays.stream(text.split(java.io.File.pathSeparator)).filter(s -> s.endsWith(".jar")).map(Path::of).toList();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
