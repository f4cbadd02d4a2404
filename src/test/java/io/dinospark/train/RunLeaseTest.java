package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Two drivers on one run directory: the second refuses a live lease, takes a stale one over, and is noticed. */
class RunLeaseTest {

    private static final Duration FAST = Duration.ofMillis(50);
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private RunLease lease(Duration renewEvery, Duration staleAfter) throws IOException {
        return new RunLease(new org.apache.hadoop.fs.Path(dir.toString()), new Configuration(), renewEvery, staleAfter);
    }

    private JsonNode leaseFile() throws IOException {
        return new ObjectMapper().readTree(Files.readString(dir.resolve(RunLease.FILE)));
    }

    private void writeLease(String id, Instant renewed) throws IOException {
        Files.writeString(dir.resolve(RunLease.FILE), "{\"host\":\"elsewhere\",\"pid\":7,\"id\":\"" + id
                + "\",\"started\":\"" + renewed + "\",\"renewed\":\"" + renewed + "\"}");
    }

    /** Waits up to 1.5 s for {@code condition}. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 30 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    private static boolean holds(RunLease lease) {
        try {
            lease.check();
            return true;
        } catch (IllegalStateException lost) {
            return false;
        }
    }

    @Test
    void aSecondDriverIsRefusedWithTheHolderNamedAndALeaseIsRenewed() throws Exception {
        try (RunLease first = lease(FAST, LONG)) {
            JsonNode holder = leaseFile();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> lease(LONG, LONG));
            for (String field : new String[] {"host", "pid", "id"}) {
                assertTrue(e.getMessage().contains(holder.get(field).asText()), field + ": " + e.getMessage());
            }
            assertTrue(e.getMessage().contains("last renewed at 20") && e.getMessage().contains("becomes stale at 20"),
                    e.getMessage());
            assertEquals(holder.get("id"), leaseFile().get("id"), "the refused driver leaves the lease alone");

            Instant started = Instant.parse(holder.get("renewed").asText());
            assertTrue(eventually(() -> {
                try {
                    return Instant.parse(leaseFile().get("renewed").asText()).isAfter(started);
                } catch (IOException | RuntimeException notYet) {
                    return false;
                }
            }), "the renewal time moves on");
            first.check();
        }
    }

    @Test
    void aStaleLeaseIsTakenOverAndReleaseDeletesTheLease() throws IOException {
        writeLease("dead-driver", Instant.now().minus(Duration.ofHours(1)));
        try (RunLease taken = new RunLease(new org.apache.hadoop.fs.Path(dir.toString()), new Configuration())) {
            assertNotEquals("dead-driver", leaseFile().get("id").asText());
            taken.check();
        }
        assertFalse(Files.exists(dir.resolve(RunLease.FILE)), "close deletes the lease");
        lease(LONG, LONG).close();
    }

    @Test
    void anUnreadableLeaseCountsAsRenewedWhenLastModified() throws IOException {
        for (String text : new String[] {"{\"host\":\"half-writ", "{\"id\":\"x\",\"renewed\":\"yesterday\"}"}) {
            Files.writeString(dir.resolve(RunLease.FILE), text);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> lease(LONG, LONG));
            assertTrue(e.getMessage().contains("unreadable lease file"), e.getMessage());
        }
        lease(LONG, Duration.ZERO).close();
    }

    @Test
    void driversRacingForOneDirectoryLeaveOneHolderAfterARenewal() throws Exception {
        int drivers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(drivers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<RunLease>> attempts = new ArrayList<>();
        for (int i = 0; i < drivers; i++) {
            attempts.add(pool.submit(() -> {
                start.await();
                return lease(FAST, LONG);
            }));
        }
        start.countDown();
        List<RunLease> taken = new ArrayList<>();
        for (Future<RunLease> attempt : attempts) {
            try {
                taken.add(attempt.get());
            } catch (ExecutionException refused) {
                assertTrue(refused.getCause() instanceof IllegalStateException, refused.getCause().toString());
            }
        }
        pool.shutdown();
        assertFalse(taken.isEmpty());
        // On the local FS a create without overwrite is a check then a write, so more than one may get through;
        // all but the last writer find another id at their next renewal.
        assertTrue(eventually(() -> taken.stream().filter(RunLeaseTest::holds).count() == 1),
                taken.stream().filter(RunLeaseTest::holds).count() + " of " + taken.size() + " hold the lease");
        for (RunLease lease : taken) {
            lease.close();
        }
    }

    @Test
    void aLeaseTakenOverByAnotherDriverStopsTheFirstAtItsNextRenewal() throws Exception {
        try (RunLease first = lease(FAST, LONG)) {
            writeLease("second-driver", Instant.now());
            assertTrue(eventually(() -> !holds(first)), "the first driver notices");
            IllegalStateException e = assertThrows(IllegalStateException.class, first::check);
            assertTrue(e.getMessage().contains("another driver took the run") && e.getMessage().contains("second-driver"),
                    e.getMessage());
        }
        assertEquals("second-driver", leaseFile().get("id").asText(), "the first driver's close leaves the new lease");
    }

    @Test
    void aLeaseFileRemovedUnderARunningDriverStopsIt() throws Exception {
        try (RunLease first = lease(FAST, LONG)) {
            Files.delete(dir.resolve(RunLease.FILE));
            assertTrue(eventually(() -> !holds(first)), "the driver notices");
            IllegalStateException e = assertThrows(IllegalStateException.class, first::check);
            assertTrue(e.getMessage().contains("was removed"), e.getMessage());
        }
    }
}
