package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the application, twice, in the middle of a stream of images: with exactly-once processing and the
 * changelogged batch buffer every input comes out exactly once; with at-least-once and the in-memory buffer, the
 * same harness must see inputs lost or duplicated, which shows that it catches what it checks for.
 *
 * <p>The broker runs in this JVM; the application runs as a child JVM, restarted on the same data directory and
 * application id right after each kill, as a supervisor would. The two runs have their own topics and application
 * ids and run side by side, started before the tests: most of a run is JVM start-up, model loading and waiting for
 * the group, which overlap well, and JUnit cannot run this class's tests concurrently without also running other
 * classes alongside. Each test waits for its run and checks it.
 */
@Tag("slow")
class CrashTest {

    private static final int INPUTS = 5_000;
    /** Below the application's throughput: kills land while images arrive, not while a backlog is worked off. */
    private static final int PER_SECOND = 80;
    private static final int KILLS = 2;
    private static final Duration TIMEOUT = Duration.ofSeconds(170);
    /** After every id arrived: time for a late duplicate to show up (exactly-once commits every 100 ms). */
    private static final Duration SETTLE_ALL_SEEN = Duration.ofSeconds(3);
    /** Otherwise: this long without output from a running application means nothing more is coming. */
    private static final Duration SETTLE_MISSING = Duration.ofSeconds(10);
    private static final String RUNNING = "-> RUNNING";
    private static final Pattern RESTORED = Pattern.compile("Task \\S+: (\\d+) buffered images restored");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private static EmbeddedKafkaBroker broker;
    private static final ExecutorService RUNS = Executors.newFixedThreadPool(2);
    private static Future<Outcome> exactlyOnce;
    private static Future<Outcome> atLeastOnce;

    /** What a run saw: the verifier's report, and how many images each generation found in its restored buffers. */
    private record Outcome(ExactlyOnceVerifier.Report report, List<Integer> restoredImages) {
    }

    @BeforeAll
    static void startBrokerAndRuns() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        exactlyOnce = RUNS.submit(new KillRun("eos", Map.of()));
        // The exactly-once commit interval, so that the runs differ only in guarantee and buffer: committing that
        // often also commits the offsets of images waiting in memory, so a kill loses some, besides replaying some.
        atLeastOnce = RUNS.submit(new KillRun("alos", Map.of(
                HiertagConfig.PROCESSING_GUARANTEE, "at_least_once", HiertagConfig.BATCH_BUFFER, "memory",
                "kafka.commit.interval.ms", "100")));
    }

    @AfterAll
    static void stopRunsAndBroker() throws InterruptedException {
        // A run kills its own application when it ends; this only cuts short a run whose test was not selected.
        RUNS.shutdownNow();
        RUNS.awaitTermination(60, TimeUnit.SECONDS);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void exactlyOnceSurvivesKill9OfTheApplication() throws Exception {
        Outcome outcome = await(exactlyOnce);
        assertTrue(outcome.report().exactlyOnce(), outcome.report().toString());
        // Otherwise every kill fell between batches, and the run would say nothing about the buffer.
        assertTrue(outcome.restoredImages().stream().anyMatch(n -> n > 0),
                "no kill caught an image waiting in the batch buffer");
    }

    @Test
    void atLeastOnceWithAnInMemoryBufferIsCaughtLosingOrDuplicating() throws Exception {
        ExactlyOnceVerifier.Report report = await(atLeastOnce).report();
        assertFalse(report.lost().isEmpty() && report.duplicated().isEmpty(),
                "the negative control came out exactly once, so the harness proves nothing: " + report);
        assertTrue(report.misrouted().isEmpty() && report.unexpected().isEmpty(), report.toString());
    }

    /** The run's outcome, or its failure (with the application's log tail) as this test's failure. */
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

    /**
     * Publishes {@link #INPUTS} inputs while the application runs, kills it with SIGKILL each time the verified
     * output passes another 1/(KILLS+1) of the inputs and restarts it at once, then reads until the output settles.
     */
    private static final class KillRun implements Callable<Outcome> {

        private final String name;
        private final Map<String, String> settings;
        private final List<ChildProcess> generations = new ArrayList<>();

        KillRun(String name, Map<String, String> settings) {
            this.name = name;
            this.settings = settings;
        }

        @Override
        public Outcome call() throws Exception {
            try {
                return run();
            } finally {
                for (ChildProcess g : generations) {
                    g.close();
                }
            }
        }

        private Outcome run() throws Exception {
            long start = System.nanoTime();
            HiertagConfig config = HiertagConfig.builder().set(HiertagConfig.TOPIC_PREFIX, name + ".").build();
            ChildProcess app = startApp();
            app.awaitOutput(RUNNING, Duration.ofSeconds(90));
            try (InputFeed feed = InputFeed.create(config, broker.bootstrapServers(), name + "-", INPUTS,
                    PER_SECOND);
                 ExactlyOnceVerifier verifier = new ExactlyOnceVerifier(config, broker.bootstrapServers())) {
                feed.start();
                int idsAtStart = 0;
                long lastChange = System.nanoTime();
                while (true) {
                    app.assertHealthy();
                    feed.assertHealthy();
                    long now = System.nanoTime();
                    if (verifier.poll(Duration.ofMillis(200)) > 0) {
                        lastChange = now;
                    }
                    int kills = generations.size() - 1;
                    // Each generation must have produced output of its own before it is killed.
                    if (kills < KILLS && verifier.distinctIds() > idsAtStart
                            && verifier.distinctIds() >= INPUTS * (kills + 1) / (KILLS + 1)) {
                        System.out.printf("%s: kill -9 of %s at %.0f s: %d ids out, %d of %d published%n", name,
                                app.name(), seconds(start), verifier.distinctIds(), feed.published(), INPUTS);
                        app.kill9();
                        app = startApp();
                        idsAtStart = verifier.distinctIds();
                    }
                    // Quiet time counts only once the current generation runs: a restart is silent, not finished.
                    boolean running = app.outputContains(RUNNING);
                    if (!running) {
                        lastChange = now;
                    }
                    long quiet = now - lastChange;
                    if (feed.done() && running && quiet > (verifier.distinctIds() == INPUTS
                            ? SETTLE_ALL_SEEN : SETTLE_MISSING).toNanos()) {
                        break;
                    }
                    if (now - start > TIMEOUT.toNanos()) {
                        throw new AssertionError(name + ": no settled outcome within " + TIMEOUT.toSeconds()
                                + " s: " + verifier.report(feed.validIds(), feed.invalidIds()) + "\n" + app.tail());
                    }
                }
                Outcome outcome = new Outcome(verifier.report(feed.validIds(), feed.invalidIds()), restoredImages());
                System.out.printf("%s: %d kills, %.0f s, buffered images restored by generation %s: %s%n", name,
                        generations.size() - 1, seconds(start), outcome.restoredImages(), outcome.report());
                return outcome;
            }
        }

        /** A new generation of the application: same data directory and application id as the ones before. */
        private ChildProcess startApp() {
            Map<String, String> all = new LinkedHashMap<>();
            all.put(HiertagConfig.APPLICATION_ID, "crash-" + name);
            all.put(HiertagConfig.TOPIC_PREFIX, name + ".");
            all.put(HiertagConfig.TOPIC_PARTITIONS, "3");
            all.put(HiertagConfig.BATCH_SIZE, "32");
            // Partial batches wait across many commits, so a kill finds images in the buffer whose input offsets
            // are already committed: what the changelogged buffer must carry over and the in-memory one loses.
            all.put(HiertagConfig.BATCH_MAX_DELAY, "2s");
            all.put(HiertagConfig.MODEL_DIR, TestModels.testModel().toString());
            all.put(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString());
            // A killed member says no goodbye: its tasks move only once its session expires (45 s by default).
            all.put("kafka.consumer.session.timeout.ms", "6000");
            all.put("kafka.consumer.heartbeat.interval.ms", "1000");
            all.putAll(settings);
            List<String> args = new ArrayList<>(List.of("run", "--bootstrap", broker.bootstrapServers(),
                    "--data-dir", dir.resolve(name).toString()));
            all.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
            int generation = generations.size();
            ChildProcess child = ChildProcess.start(name + " app generation " + generation,
                    dir.resolve(name + "-app-" + generation + ".log"), "512m", args);
            generations.add(child);
            return child;
        }

        /** Per generation, the images it found in its restored batch buffers, as the first pass logs them. */
        private List<Integer> restoredImages() {
            List<Integer> out = new ArrayList<>();
            for (ChildProcess g : generations) {
                int n = 0;
                for (String line : g.outputLines("buffered images restored")) {
                    Matcher m = RESTORED.matcher(line);
                    n += m.find() ? Integer.parseInt(m.group(1)) : 0;
                }
                out.add(n);
            }
            return out;
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
