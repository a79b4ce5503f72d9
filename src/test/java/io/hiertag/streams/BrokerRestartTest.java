package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away twice while images stream through the application, and comes back on the same address
 * and data a few seconds later: once stopped with SIGTERM (a planned restart: controlled shutdown, clean logs)
 * and once killed with SIGKILL (a crash: connections cut mid-request, logs recovered at start). The
 * application must ride both out without a restart of its own, never enter ERROR, and still deliver every input
 * exactly once.
 *
 * <p>Broker and application are child JVMs (the broker through {@code hiertag broker}), so the test can kill the
 * one and read the other's state transitions from its log.
 */
@Tag("slow")
class BrokerRestartTest {

    private static final int INPUTS = 3_000;
    private static final int PER_SECOND = 80;
    /** New output ids that show the application working (again) before the broker may go away. */
    private static final int RECOVERED = 300;
    private static final Duration DOWNTIME = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(170);
    private static final Duration SETTLE_ALL_SEEN = Duration.ofSeconds(3);
    private static final Duration SETTLE_MISSING = Duration.ofSeconds(20);
    private static final String STATE = "Streams state ";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<ChildProcess> children = new ArrayList<>();
    private int port;
    private int brokerGeneration;

    @AfterEach
    void killChildren() {
        for (ChildProcess child : children) {
            child.close();
        }
    }

    @Test
    void theApplicationRidesOutABrokerStopAndABrokerCrash() throws Exception {
        long start = System.nanoTime();
        port = freePort();
        String bootstrap = "127.0.0.1:" + port;
        ChildProcess broker = startBroker();
        ChildProcess app = startApp(bootstrap);
        app.awaitOutput("-> RUNNING", Duration.ofSeconds(90));
        HiertagConfig config = HiertagConfig.builder().build();
        try (InputFeed feed = InputFeed.create(config, bootstrap, "img-", INPUTS, PER_SECOND);
             ExactlyOnceVerifier verifier = new ExactlyOnceVerifier(config, bootstrap)) {
            feed.start();
            int outages = 0;
            int idsAtRestart = 0;
            long lastChange = System.nanoTime();
            while (true) {
                app.assertHealthy();
                feed.assertHealthy();
                if (verifier.poll(Duration.ofMillis(200)) > 0) {
                    lastChange = System.nanoTime();
                }
                // Both outages while images are still published and processed, and the second only once the
                // application has shown it got going again after the first.
                if (outages < 2 && feed.published() >= INPUTS * (outages + 1) / 3
                        && verifier.distinctIds() >= idsAtRestart + RECOVERED) {
                    boolean crash = outages == 1;
                    System.out.printf("broker restart: %s at %.0f s: %d ids out, %d of %d published%n",
                            crash ? "kill -9" : "SIGTERM", seconds(start), verifier.distinctIds(), feed.published(),
                            INPUTS);
                    if (crash) {
                        broker.kill9();
                    } else {
                        assertEquals(128 + 15, broker.terminate(Duration.ofSeconds(60)), broker.tail());
                    }
                    sleepWatching(app, DOWNTIME);
                    broker = startBroker();
                    outages++;
                    idsAtRestart = verifier.distinctIds();
                    System.out.printf("broker restart: back at %.0f s%n", seconds(start));
                    lastChange = System.nanoTime();
                }
                long quiet = System.nanoTime() - lastChange;
                if (feed.done() && outages == 2 && quiet > (verifier.distinctIds() == INPUTS
                        ? SETTLE_ALL_SEEN : SETTLE_MISSING).toNanos()) {
                    break;
                }
                if (System.nanoTime() - start > TIMEOUT.toNanos()) {
                    throw new AssertionError("no settled outcome within " + TIMEOUT.toSeconds() + " s: "
                            + verifier.report(feed.validIds(), feed.invalidIds()) + "\n" + app.tail());
                }
            }
            ExactlyOnceVerifier.Report report = verifier.report(feed.validIds(), feed.invalidIds());
            List<String> states = app.outputLines(STATE).stream()
                    .map(l -> l.substring(l.indexOf(STATE) + STATE.length(), l.indexOf(" (application.id"))).toList();
            System.out.printf("broker restart: %.0f s, state changes %s: %s%n", seconds(start), states, report);
            assertTrue(report.exactlyOnce(), report.toString());
            assertEquals("REBALANCING -> RUNNING", states.get(states.size() - 1), app.tail());
        }
    }

    /** Starts the broker on the fixed port and data folder, so that it comes back where the clients expect it. */
    private ChildProcess startBroker() throws InterruptedException {
        ChildProcess broker = ChildProcess.start("broker generation " + brokerGeneration,
                dir.resolve("broker-" + brokerGeneration++ + ".log"), "512m",
                List.of("broker", "--port", Integer.toString(port), "--data-dir", dir.toString()));
        children.add(broker);
        broker.awaitOutput("hiertag broker ready at 127.0.0.1:" + port, Duration.ofSeconds(90));
        return broker;
    }

    private ChildProcess startApp(String bootstrap) {
        ChildProcess app = ChildProcess.start("application", dir.resolve("app.log"), "512m", List.of("run",
                "--bootstrap", bootstrap, "--data-dir", dir.resolve("app").toString(),
                "--set", HiertagConfig.APPLICATION_ID + "=broker-restart",
                "--set", HiertagConfig.TOPIC_PARTITIONS + "=3",
                "--set", HiertagConfig.BATCH_SIZE + "=32",
                "--set", HiertagConfig.MODEL_DIR + "=" + TestModels.testModel(),
                "--set", HiertagConfig.CACHE_DIR + "=" + TestModels.cacheDir()));
        children.add(app);
        return app;
    }

    private static void sleepWatching(ChildProcess app, Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            app.assertHealthy();
            Thread.sleep(100);
        }
    }

    /** A port free a moment ago; the broker keeps it across restarts, so its address never changes. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
