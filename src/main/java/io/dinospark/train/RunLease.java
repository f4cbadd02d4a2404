package io.dinospark.train;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one-writer lease of a run directory, {@code <run>/_lease.json}, on any Hadoop FileSystem: taken when a
 * driver starts, renewed by a daemon thread every {@code renewEvery}, deleted on {@link #close}. Another driver
 * refuses the directory while the lease was renewed within {@code staleAfter}, and takes a stale one over.
 *
 * <p>Hadoop's FileSystem has no compare-and-swap, so this is as safe as it allows. A fresh lease is created
 * without overwrite: exclusive on HDFS, a check then a write on the local FS and object stores. A take-over is a
 * read, a write and a read-back of the holder id. Two drivers racing for the same lease can both read back their
 * own id when their writes and read-backs interleave; the one overwritten finds the other's id at its next
 * renewal, and {@link #check} then stops it before its next metrics line or checkpoint, so both write for at most
 * one renewal period. Staleness compares the holder's renewal time with this driver's clock: clocks must agree to
 * well within {@code staleAfter - renewEvery}.
 */
public final class RunLease implements AutoCloseable {

    public static final String FILE = "_lease.json";
    public static final Duration RENEW_EVERY = Duration.ofSeconds(30);
    /** Three missed renewals: a driver that stopped renewing for this long is taken for dead. */
    public static final Duration STALE_AFTER = RENEW_EVERY.multipliedBy(3);

    private static final Logger LOG = LoggerFactory.getLogger(RunLease.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who holds a lease: times are ISO-8601 instants, the id is unique per driver. */
    record Holder(String host, long pid, String id, String started, String renewed) {

        Holder {
            Objects.requireNonNull(id, "id");
            Instant.parse(renewed); // a renewal time that does not parse makes the file unreadable
        }

        Instant renewedAt() {
            return Instant.parse(renewed);
        }

        Holder withRenewal(Instant now) {
            return new Holder(host, pid, id, started, now.toString());
        }

        @Override
        public String toString() {
            return "host " + host + ", pid " + pid + ", lease id " + id + ", started " + started;
        }
    }

    private final Path file;
    private final FileSystem fs;
    private final Duration staleAfter;
    private final ScheduledExecutorService renewer;
    private volatile Holder holder;
    /** Why this driver no longer holds the lease; null while it does. */
    private volatile String lost;

    /** Takes the lease of {@code runDirectory} with the default renewal period and staleness. */
    public RunLease(Path runDirectory, Configuration hadoop) throws IOException {
        this(runDirectory, hadoop, RENEW_EVERY, STALE_AFTER);
    }

    /**
     * Takes the lease of {@code runDirectory} and starts renewing it.
     *
     * @throws IllegalStateException when another driver holds it (renewed within {@code staleAfter})
     */
    public RunLease(Path runDirectory, Configuration hadoop, Duration renewEvery, Duration staleAfter)
            throws IOException {
        this.file = new Path(runDirectory, FILE);
        FileSystem fileSystem = file.getFileSystem(hadoop);
        // A small file rewritten in place: no checksum sidecar that a partial write or another writer leaves stale.
        this.fs = fileSystem instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fileSystem;
        this.staleAfter = staleAfter;
        Instant now = Instant.now();
        this.holder = new Holder(hostName(), ProcessHandle.current().pid(), UUID.randomUUID().toString(),
                now.toString(), now.toString());
        fs.mkdirs(runDirectory);
        take();
        this.renewer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "run-lease " + runDirectory);
            thread.setDaemon(true);
            return thread;
        });
        renewer.scheduleWithFixedDelay(this::renew, renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @throws IllegalStateException when another driver took the run over, or the lease could not be renewed */
    public void check() {
        if (lost != null) {
            throw new IllegalStateException(lost);
        }
    }

    private void take() throws IOException {
        try {
            write(holder, false);
        } catch (FileAlreadyExistsException e) {
            Optional<Holder> current = read();
            if (current.isPresent()) {
                Instant renewed = current.get().renewedAt();
                Instant stale = renewed.plus(staleAfter);
                if (Instant.now().isBefore(stale)) {
                    throw new IllegalStateException("the run directory " + file.getParent() + " is in use by another "
                            + "driver (" + current.get() + "): its lease " + file + " was last renewed at " + renewed
                            + " and becomes stale at " + stale + " unless renewed; stop that driver or wait, or use "
                            + "another output directory");
                }
                LOG.warn("taking over the stale lease {} of {}, last renewed at {} (stale after {} s)", file,
                        current.get(), renewed, staleAfter.toSeconds());
            }
            write(holder, true);
        }
        Holder written = read().orElse(null);
        if (written == null || !holder.id().equals(written.id())) {
            throw new IllegalStateException("another driver took the lease " + file + " at the same time ("
                    + (written == null ? "and released it" : written) + "); use another output directory or retry");
        }
    }

    private void renew() {
        if (lost != null) {
            return;
        }
        Instant now = Instant.now();
        try {
            Holder current = read().orElse(null);
            if (current == null || !holder.id().equals(current.id())) {
                lost = "another driver took the run in " + file.getParent() + " over (" + (current == null
                        ? "its lease file " + file + " was removed" : current + ", last renewed at " + current.renewed())
                        + "); this driver stops so that the run directory keeps one writer";
                LOG.error(lost);
                return;
            }
            Holder renewed = holder.withRenewal(now);
            write(renewed, true);
            holder = renewed;
        } catch (IOException | RuntimeException e) {
            Instant stale = holder.renewedAt().plus(staleAfter);
            if (now.isBefore(stale)) {
                LOG.warn("cannot renew the lease {} ({}); it becomes stale at {}", file, e.toString(), stale);
            } else {
                lost = "this driver could not renew its lease " + file + " since " + holder.renewed() + " (" + e
                        + "), so another driver may have taken the run over; it stops";
                LOG.error(lost);
            }
        }
    }

    private void write(Holder written, boolean overwrite) throws IOException {
        try (OutputStream out = fs.create(file, overwrite)) {
            out.write(JSON.writeValueAsBytes(written));
        }
    }

    /**
     * The holder in the lease file; empty when there is none. A file that does not parse (a writer that died or is
     * writing) counts as renewed when it was last modified.
     */
    private Optional<Holder> read() throws IOException {
        try (InputStream in = fs.open(file)) {
            return Optional.of(JSON.readValue(in.readAllBytes(), Holder.class));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (JacksonException e) {
            String modified = Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime()).toString();
            return Optional.of(new Holder("unknown", -1, "unreadable lease file", modified, modified));
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    /** Stops renewing and deletes the lease file if this driver still holds it. */
    @Override
    public void close() throws IOException {
        renewer.shutdown();
        try {
            renewer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Optional<Holder> current = read();
        if (lost == null && current.isPresent() && holder.id().equals(current.get().id())) {
            fs.delete(file, false);
        }
    }
}
