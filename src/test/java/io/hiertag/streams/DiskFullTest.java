package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.EmbeddedKafkaBroker;
import io.hiertag.samples.SampleImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state directory's file system fills up while images stream through the application (issue 12): the
 * application must stop instead of writing anything twice, and after the space is freed and it is restarted,
 * every input comes out exactly once. The negative control runs the same with a processing exception handler
 * that resumes where ours fails the task, as ours did before the fix, and must show the duplicates.
 *
 * <p>What RocksDB does here: the batch buffer's writes stay in its memtable (Kafka Streams turns RocksDB's
 * write-ahead log off), so a full disk is noticed only when a full memtable (16 MB) is flushed to an SST file,
 * in the background. That flush fails with ENOSPC, RocksDB records it as a hard background error, and from then
 * on every put and delete on that store fails with "While appending to file: …sst: No space left on device";
 * reads still work. Which write fails first is whichever comes next, so the test shapes its input to make that
 * the failure that matters, a delete after the batch's outputs were forwarded: images come in bursts of a 2 MB
 * image and a tiny one, far enough apart that each burst is flushed alone by the wall-clock punctuation. The
 * large put is the one that fills the memtable (its bytes are the memtable's bytes), the tiny put after it
 * starts the flush, and the next write to the store comes only at the punctuation that forwards the burst's
 * finished batch: the flush has failed by then, so the first write to fail is the delete of the burst's large
 * image, after its tag went out. The test
 * checks in the application's log that this is where the failure happened. Resumed, that failure leaves the
 * batch in the buffer with its tags already sent, and every later put fails and is resumed past too: the
 * control's verifier finds images lost (and, where a batch is sent again, duplicated).
 *
 * <p>The file system is a small tmpfs (root only; elsewhere the test is skipped, and fails on CI), filled but
 * for {@link #HEADROOM}: a nearly full disk, with room for small files (a new metrics window segment) but not
 * for the flush, which carries at least the 2 MB image. The broker runs in this JVM, on the ordinary disk; the
 * application runs as a child JVM, restarted on the same data directory once the space is freed, as an operator
 * would; a start before that must be refused with one line and exit code 2. The two runs have their own tmpfs,
 * topics and application ids and run side by side.
 */
@Tag("slow")
class DiskFullTest {

    private static final int BURSTS = 80;
    /** Each burst is flushed alone: the next one comes long after the punctuation has flushed it. */
    private static final int BURSTS_PER_SECOND = 2;
    private static final String MAX_DELAY = "150ms";
    /** Output ids before the disk fills: the application has shown it works. */
    private static final int FILL_AFTER = 20;
    /** Room for the state of the restarted application, whose batches of the backlog hold 4 large images. */
    private static final long TMPFS_BYTES = 192L << 20;
    private static final long HEADROOM = 256L << 10;
    /** A memtable fills in about 16 MB / (2 × 2 MB/s) = 4 s, so the failure comes well within this. */
    private static final Duration FULL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final Duration SETTLE_ALL_SEEN = Duration.ofSeconds(3);
    private static final Duration SETTLE_MISSING = Duration.ofSeconds(10);
    private static final String RUNNING = "-> RUNNING";
    private static final String HANDLER_FAILURE = "Failure in processor " + TaggingTopology.FIRST_PASS;
    private static final String DELETE_FAILED = "Error while removing key from store " + TaggingTopology.BATCH_BUFFER;
    private static final String ENOSPC = "No space left on device";
    private static final String STOPPED = "Out of disk space";
    private static final int EXIT_ERROR = 1;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private static final List<Tmpfs> MOUNTS = new ArrayList<>();
    private static EmbeddedKafkaBroker broker;
    private static final ExecutorService RUNS = Executors.newFixedThreadPool(2);
    private static Future<Outcome> failing;
    private static Future<Outcome> resuming;

    /**
     * What a run saw: the verifier's report; the first failure the processing exception handler logged, with its
     * stack trace; the line saying why the application stopped, if it did; its exit code, or null if it was still
     * running when the space was freed; and, if it had stopped, how a start on the still full disk ended.
     */
    private record Outcome(ExactlyOnceVerifier.Report report, String firstFailure, String stoppedLine,
            Integer exitWhenFull, Refusal restartWhenFull) {
    }

    /** A start that was refused: its exit code and output. */
    private record Refusal(int exitCode, String output) {
    }

    @BeforeAll
    static void mountAndStart() {
        // Mounted here, in the test thread, so that a machine that cannot mount skips the tests before anything
        // starts.
        Tmpfs failingData = mount("fail");
        Tmpfs resumingData = mount("resume");
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        failing = RUNS.submit(new DiskFullRun("fail", failingData, Map.of()));
        // The control decides each batch on the stream thread: a pipelined batch still running when the next
        // burst comes (a loaded machine) would let that burst's put fail first, and the control show nothing.
        resuming = RUNS.submit(new DiskFullRun("resume", resumingData, Map.of(
                "kafka.processing.exception.handler", ResumingProcessingHandler.class.getName(),
                HiertagConfig.BATCH_PIPELINE, "false")));
    }

    private static Tmpfs mount(String name) {
        Tmpfs fs = Tmpfs.require(dir.resolve(name + "-data"), TMPFS_BYTES, false);
        MOUNTS.add(fs);
        return fs;
    }

    @AfterAll
    static void stopAndUnmount() throws InterruptedException {
        RUNS.shutdownNow();
        RUNS.awaitTermination(60, TimeUnit.SECONDS);
        if (broker != null) {
            broker.close();
        }
        MOUNTS.forEach(Tmpfs::close);
    }

    @Test
    void aFullDiskStopsTheApplicationAndARestartLosesAndDuplicatesNothing() throws Exception {
        Outcome outcome = await(failing);
        assertEquals(EXIT_ERROR, outcome.exitWhenFull(), "the application did not stop on the full disk");
        assertFailedOnTheDeleteAfterForwarding(outcome);
        assertTrue(outcome.stoppedLine().contains(ENOSPC), outcome.stoppedLine());
        Refusal refused = outcome.restartWhenFull();
        assertEquals(2, refused.exitCode(), refused.output());
        List<String> said = refused.output().lines().filter(l -> l.startsWith("hiertag: ")).toList();
        assertTrue(said.size() == 1 && said.get(0).matches("hiertag: data.dir \\S+ has \\d+ MB free, less than "
                + "data.min-free-bytes \\(64 MB\\); free space on its file system or point data.dir "
                + "\\(--data-dir\\) at a larger one") && !refused.output().contains("\tat "), refused.output());
        assertTrue(outcome.report().exactlyOnce(), outcome.report().toString());
    }

    @Test
    void resumingInsteadOfFailingIsCaughtDuplicating() throws Exception {
        Outcome outcome = await(resuming);
        assertFailedOnTheDeleteAfterForwarding(outcome);
        assertFalse(outcome.report().exactlyOnce(),
                "the negative control kept exactly-once, so the test proves nothing: " + outcome.report());
    }

    /** Otherwise the run did not reach the failure the fix is about, and says nothing about it. */
    private static void assertFailedOnTheDeleteAfterForwarding(Outcome outcome) {
        assertTrue(outcome.firstFailure().contains("FirstPassProcessor.finish")
                && outcome.firstFailure().contains(DELETE_FAILED) && outcome.firstFailure().contains(ENOSPC),
                "the first failure was not the batch buffer's delete after forwarding, on ENOSPC:\n"
                        + outcome.firstFailure());
    }

    private static Outcome await(Future<Outcome> run) throws Exception {
        try {
            return run.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    /** Images a noise PNG of about 2 MB, then a tiny one; see the class comment for why. */
    private static List<byte[]> burst() {
        int side = 820;
        SplittableRandom r = new SplittableRandom(12);
        BufferedImage noise = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                noise.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return List.of(SampleImages.png(noise), SampleImages.png(SampleImages.generate(12, 1, 16, 16)));
    }

    /**
     * Starts the application, publishes {@link #BURSTS} bursts, fills the file system once {@link #FILL_AFTER}
     * ids are out, waits until the application stops (or, resuming, writes something twice), frees the space,
     * restarts the application if it stopped, and reads until the output settles.
     */
    private static final class DiskFullRun implements Callable<Outcome> {

        private final String name;
        private final Tmpfs data;
        private final Map<String, String> settings;
        private final List<ChildProcess> instances = new ArrayList<>();

        DiskFullRun(String name, Tmpfs data, Map<String, String> settings) {
            this.name = name;
            this.data = data;
            this.settings = settings;
        }

        @Override
        public Outcome call() throws Exception {
            try {
                return run();
            } finally {
                for (ChildProcess i : instances) {
                    i.close();
                }
            }
        }

        private Outcome run() throws Exception {
            long start = System.nanoTime();
            HiertagConfig config = HiertagConfig.builder().set(HiertagConfig.TOPIC_PREFIX, name + ".").build();
            // A producer batch that holds a whole burst, so that the application fetches and buffers the burst's
            // two records together, never one punctuation apart.
            HiertagConfig feedConfig = config.with(Map.of("kafka.batch.size", Integer.toString(8 << 20)));
            ChildProcess app = startApp("first");
            app.awaitOutput(RUNNING, Duration.ofSeconds(90));
            ChildProcess full = app;
            Integer exitWhenFull = null;
            Refusal restartWhenFull = null;
            try (InputFeed feed = InputFeed.bursts(feedConfig, broker.bootstrapServers(), name + "-", BURSTS,
                    BURSTS_PER_SECOND, burst());
                 ExactlyOnceVerifier verifier = new ExactlyOnceVerifier(config, broker.bootstrapServers())) {
                feed.start();
                long filledAt = 0;
                boolean freed = false;
                long lastChange = System.nanoTime();
                while (true) {
                    feed.assertHealthy();
                    long now = System.nanoTime();
                    if (verifier.poll(Duration.ofMillis(200)) > 0) {
                        lastChange = now;
                    }
                    if (filledAt == 0 && verifier.distinctIds() >= FILL_AFTER) {
                        long held = data.fill(HEADROOM);
                        filledAt = System.nanoTime();
                        System.out.printf("%s: disk filled at %.0f s (%d MB held, %d KB free): %d ids out, %d of %d "
                                + "published%n", name, seconds(start), held >> 20, data.usableSpace() >> 10,
                                verifier.distinctIds(), feed.published(), BURSTS * 2);
                    } else if (filledAt != 0 && !freed) {
                        boolean duplicated = !verifier.report(feed.validIds(), feed.invalidIds()).duplicated()
                                .isEmpty();
                        if (!app.isAlive() || duplicated || now - filledAt > FULL_TIMEOUT.toNanos()) {
                            exitWhenFull = app.isAlive() ? null : app.waitFor(Duration.ZERO);
                            System.out.printf("%s: %.1f s after the disk filled: %s; freeing it%n", name,
                                    (now - filledAt) / 1e9, exitWhenFull != null ? "exited with " + exitWhenFull
                                            : duplicated ? "duplicates seen" : "nothing happened");
                            if (exitWhenFull != null) {
                                restartWhenFull = startOnFullDisk();
                            }
                            data.free();
                            freed = true;
                        }
                    }
                    if (freed && !app.isAlive() && app == full) {
                        app = startApp("restarted");
                        app.awaitOutput(RUNNING, Duration.ofSeconds(90));
                        System.out.printf("%s: restarted, running at %.0f s%n", name, seconds(start));
                        now = System.nanoTime();
                        lastChange = now;
                    }
                    if (freed) {
                        app.assertHealthy();
                    }
                    boolean running = app.outputContains(RUNNING) && app.isAlive();
                    if (!running || !freed) {
                        lastChange = now;
                    }
                    if (feed.done() && now - lastChange > (verifier.distinctIds() == BURSTS * 2
                            ? SETTLE_ALL_SEEN : SETTLE_MISSING).toNanos()) {
                        break;
                    }
                    if (now - start > TIMEOUT.toNanos()) {
                        throw new AssertionError(name + ": no settled outcome within " + TIMEOUT.toSeconds()
                                + " s: " + verifier.report(feed.validIds(), feed.invalidIds()) + "\n" + app.tail());
                    }
                }
                Outcome outcome = new Outcome(verifier.report(feed.validIds(), feed.invalidIds()),
                        full.firstEntry(HANDLER_FAILURE), String.join("\n", full.outputLines(STOPPED)),
                        exitWhenFull, restartWhenFull);
                System.out.printf("%s: %.0f s, %s: %s%n%s%n", name, seconds(start), app == full ? "not restarted"
                        : "restarted", outcome.report(), outcome.stoppedLine());
                return outcome;
            }
        }

        /** What an operator sees who restarts the application before freeing the space. */
        private Refusal startOnFullDisk() throws InterruptedException {
            ChildProcess refused = startApp("start-on-full-disk");
            return new Refusal(refused.waitFor(Duration.ofSeconds(60)), refused.tail());
        }

        /** A new instance of the application, on the same data directory and application id. */
        private ChildProcess startApp(String label) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put(HiertagConfig.APPLICATION_ID, "disk-full-" + name);
            all.put(HiertagConfig.TOPIC_PREFIX, name + ".");
            // One partition, so one batch buffer: its writes are one sequence, which the bursts shape.
            all.put(HiertagConfig.TOPIC_PARTITIONS, "1");
            // More than a burst, so that each burst waits for the punctuation; batches of the backlog after the
            // restart stay at 8 MB.
            all.put(HiertagConfig.BATCH_SIZE, "4");
            all.put(HiertagConfig.BATCH_MAX_DELAY, MAX_DELAY);
            all.put(HiertagConfig.MODEL_DIR, TestModels.testModel().toString());
            all.put(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString());
            // A client that stopped on an error leaves its group only when its session expires (45 s by default),
            // and the restarted one waits for that.
            all.put("kafka.consumer.session.timeout.ms", "6000");
            all.put("kafka.consumer.heartbeat.interval.ms", "1000");
            // The tmpfs is smaller than the default minimum; the restart on the full disk must still be refused.
            all.put(HiertagConfig.DATA_MIN_FREE_BYTES, Long.toString(64L << 20));
            all.putAll(settings);
            List<String> args = new ArrayList<>(List.of("run", "--bootstrap", broker.bootstrapServers(),
                    "--data-dir", data.path().toString()));
            all.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
            ChildProcess child = ChildProcess.start(name + " app " + label, dir.resolve(name + "-app-" + label
                    + ".log"), "512m", args);
            instances.add(child);
            return child;
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
