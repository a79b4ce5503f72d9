package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances share one application id and the six partitions of the images topic, on a standalone broker
 * ({@code hiertag broker}, a child JVM like the instances). While images stream through, one instance is killed
 * with {@code kill -9} and not restarted: the two survivors must take over its partitions once its session
 * expires (and the broker aborts its open transaction), and every input must still come out exactly once. Later a second instance is stopped cleanly
 * (SIGTERM): as a static member it must still leave the group at once, so the last one takes everything over well
 * before a session timeout. Which partitions an instance owns is read from its log, where each move to RUNNING
 * names them.
 */
@Tag("slow")
class MultiInstanceTest {

    private static final int INSTANCES = 3;
    private static final int PARTITIONS = 6;
    private static final int INPUTS = 2_000;
    private static final int PER_SECOND = 40;
    /** How long a killed member keeps its partitions. Long enough to tell a clean leave from a timeout. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(20);
    /**
     * The killed instance's open transaction is aborted by the broker only after this (plus up to 10 s for its
     * periodic check); until then the survivors cannot finish restoring the batch buffers it was writing to (a
     * restore reads up to the log end, past the open transaction) and read_committed readers of the outputs it
     * wrote to wait too. The application's 60 s would make the takeover take over a minute.
     */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    /** A clean stop (commit, close, leave) must hand over well within the session timeout. */
    private static final Duration CLEAN_HANDOVER_LIMIT = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(170);
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final String APP_ID = "multi";
    private static final Pattern OWNED = Pattern.compile(
            "^(\\S+ \\S+) .*-> RUNNING \\(application\\.id=" + APP_ID + "\\), \\S+ partitions \\[([0-9, ]*)\\]");
    private static final Pattern MEMBER = Pattern.compile("as static member (\\S+) ");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<ChildProcess> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(ChildProcess::close);
    }

    @Test
    void survivorsTakeOverAKilledInstancesPartitionsAndEveryInputComesOutOnce() throws Exception {
        long start = System.nanoTime();
        int port = freePort();
        String bootstrap = "127.0.0.1:" + port;
        ChildProcess broker = ChildProcess.start("broker", dir.resolve("broker.log"), "512m",
                List.of("broker", "--port", Integer.toString(port), "--data-dir", dir.toString()));
        children.add(broker);
        broker.awaitOutput("hiertag broker ready at " + bootstrap, Duration.ofSeconds(90));
        List<ChildProcess> apps = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            apps.add(startApp(i, bootstrap));
        }
        // Default instance ids: same host, different data folders, so different static members.
        Set<String> members = new HashSet<>();
        for (ChildProcess app : apps) {
            app.awaitOutput("as static member", Duration.ofSeconds(90));
            Matcher m = MEMBER.matcher(app.outputLines("as static member").get(0));
            assertTrue(m.find());
            members.add(m.group(1));
        }
        assertEquals(INSTANCES, members.size(), "instances on one host share a group.instance.id: " + members);
        awaitOwnership(apps, Duration.ofSeconds(120));
        System.out.printf("multi-instance: %d instances own %s after %.0f s%n", INSTANCES, ownership(apps),
                seconds(start));

        HiertagConfig config = HiertagConfig.builder().build();
        try (InputFeed feed = InputFeed.create(config, bootstrap, "img-", INPUTS, PER_SECOND);
             ExactlyOnceVerifier verifier = new ExactlyOnceVerifier(config, bootstrap)) {
            feed.start();
            List<ChildProcess> alive = new ArrayList<>(apps);
            ChildProcess killed = null;
            List<Integer> lost = List.of();
            long killedAt = 0;
            long takenOverAt = 0;
            int lostPartitionIdsAtTakeover = 0;
            ChildProcess stopped = null;
            long stoppedAt = 0;
            long handedOverAt = 0;
            long lastChange = System.nanoTime();
            // When output of the killed instance's partitions resumed: the outage its readers saw.
            int lostPartitionIdsAtKill = 0;
            long resumedAt = 0;
            while (true) {
                alive.forEach(ChildProcess::assertHealthy);
                feed.assertHealthy();
                long now = System.nanoTime();
                if (verifier.poll(Duration.ofMillis(200)) > 0) {
                    lastChange = now;
                }
                // A second's grace: what the killed instance committed just before its death may be read late.
                if (killedAt > 0 && resumedAt == 0 && now - killedAt > 1_000_000_000L) {
                    if (lostPartitionIdsAtKill < 0) {
                        lostPartitionIdsAtKill = seenOn(lost, feed, verifier);
                    } else if (seenOn(lost, feed, verifier) > lostPartitionIdsAtKill) {
                        resumedAt = now;
                    }
                }
                if (killed == null && verifier.distinctIds() >= INPUTS / 5) {
                    killed = alive.remove(1);
                    lost = owned(killed);
                    assertTrue(!lost.isEmpty(), killed.name() + " owned no partition\n" + killed.tail());
                    System.out.printf("multi-instance: kill -9 of %s (partitions %s) at %.0f s, %d ids out%n",
                            killed.name(), lost, seconds(start), verifier.distinctIds());
                    killedAt = System.nanoTime();
                    lostPartitionIdsAtKill = -1;
                    killed.kill9();
                    lastChange = System.nanoTime();
                } else if (killedAt > 0 && takenOverAt == 0) {
                    if (ownsAllOnce(alive)) {
                        takenOverAt = System.nanoTime();
                        lostPartitionIdsAtTakeover = seenOn(lost, feed, verifier);
                        System.out.printf("multi-instance: %.1f s after the kill the survivors own %s%n",
                                (takenOverAt - killedAt) / 1e9, ownership(alive));
                    } else if (now - killedAt > SESSION_TIMEOUT.plus(TRANSACTION_TIMEOUT).plusSeconds(30).toNanos()) {
                        throw new AssertionError("the survivors did not take over " + lost + ": "
                                + ownership(alive) + "\n" + alive.get(0).tail());
                    }
                } else if (takenOverAt > 0 && stopped == null && verifier.distinctIds() >= INPUTS * 3 / 5) {
                    stopped = alive.remove(1);
                    System.out.printf("multi-instance: SIGTERM of %s at %.0f s, %d ids out%n", stopped.name(),
                            seconds(start), verifier.distinctIds());
                    stoppedAt = System.nanoTime();
                    assertEquals(128 + 15, stopped.terminate(Duration.ofSeconds(60)), stopped.tail());
                } else if (stoppedAt > 0 && handedOverAt == 0) {
                    if (ownsAllOnce(alive)) {
                        handedOverAt = System.nanoTime();
                        System.out.printf("multi-instance: %.1f s after the SIGTERM %s owns %s%n",
                                (handedOverAt - stoppedAt) / 1e9, alive.get(0).name(), ownership(alive));
                    } else if (now - stoppedAt > CLEAN_HANDOVER_LIMIT.toNanos()) {
                        throw new AssertionError("a clean stop did not hand over within "
                                + CLEAN_HANDOVER_LIMIT.toSeconds() + " s: " + ownership(alive) + "\n"
                                + alive.get(0).tail());
                    }
                }
                if (handedOverAt > 0 && feed.done() && verifier.distinctIds() >= INPUTS
                        && now - lastChange > SETTLE.toNanos()) {
                    break;
                }
                if (now - start > TIMEOUT.toNanos()) {
                    throw new AssertionError("no settled outcome within " + TIMEOUT.toSeconds() + " s: "
                            + verifier.report(feed.validIds(), feed.invalidIds()) + "\n" + alive.get(0).tail());
                }
            }
            ExactlyOnceVerifier.Report report = verifier.report(feed.validIds(), feed.invalidIds());
            System.out.printf("multi-instance: %.0f s; output of partitions %s resumed %.1f s after the kill; %s%n",
                    seconds(start), lost, (resumedAt - killedAt) / 1e9, report);
            assertTrue(report.exactlyOnce(), report.toString());
            // Inputs of the killed instance's partitions kept coming out, from the survivors.
            assertTrue(resumedAt > 0 && seenOn(lost, feed, verifier) > lostPartitionIdsAtTakeover,
                    "nothing came out of partitions " + lost + " after the takeover");
        }
    }

    private ChildProcess startApp(int i, String bootstrap) {
        ChildProcess app = ChildProcess.start("instance " + i, dir.resolve("app-" + i + ".log"), "512m", List.of(
                "run", "--bootstrap", bootstrap, "--data-dir", dir.resolve("app-" + i).toString(),
                "--set", HiertagConfig.APPLICATION_ID + "=" + APP_ID,
                "--set", HiertagConfig.TOPIC_PARTITIONS + "=" + PARTITIONS,
                "--set", HiertagConfig.BATCH_SIZE + "=16",
                "--set", HiertagConfig.MODEL_DIR + "=" + TestModels.testModel(),
                "--set", HiertagConfig.CACHE_DIR + "=" + TestModels.cacheDir(),
                "--set", "kafka.consumer.session.timeout.ms=" + SESSION_TIMEOUT.toMillis(),
                "--set", "kafka.consumer.heartbeat.interval.ms=1000",
                "--set", "kafka.producer.transaction.timeout.ms=" + TRANSACTION_TIMEOUT.toMillis()));
        children.add(app);
        return app;
    }

    /** Waits until the instances' latest RUNNING lines split the partitions among them without overlap. */
    private static void awaitOwnership(List<ChildProcess> apps, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ownsAllOnce(apps)) {
            apps.forEach(ChildProcess::assertHealthy);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the partitions were not taken over within " + timeout.toSeconds()
                        + " s: " + ownership(apps) + "\n" + apps.get(0).tail());
            }
            Thread.sleep(200);
        }
    }

    private static boolean ownsAllOnce(List<ChildProcess> apps) {
        Set<Integer> all = new TreeSet<>();
        int total = 0;
        for (ChildProcess app : apps) {
            List<Integer> owned = owned(app);
            if (owned.isEmpty()) {
                return false;
            }
            all.addAll(owned);
            total += owned.size();
        }
        return total == PARTITIONS && all.size() == PARTITIONS;
    }

    /** The partitions named by the instance's latest RUNNING line; empty before the first, or while rebalancing. */
    private static List<Integer> owned(ChildProcess app) {
        List<String> states = app.outputLines("Streams state ");
        if (states.isEmpty() || !states.get(states.size() - 1).contains("-> RUNNING")) {
            return List.of();
        }
        Matcher m = OWNED.matcher(states.get(states.size() - 1));
        if (!m.find() || m.group(2).isBlank()) {
            return List.of();
        }
        return Arrays.stream(m.group(2).split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    /** How many ids published to {@code partitions} (default partitioner: the key's hash) have come out. */
    private static int seenOn(List<Integer> partitions, InputFeed feed, ExactlyOnceVerifier verifier) {
        int n = 0;
        for (String id : feed.validIds()) {
            int p = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (partitions.contains(p) && verifier.seen(id)) {
                n++;
            }
        }
        return n;
    }

    private static String ownership(List<ChildProcess> apps) {
        StringBuilder out = new StringBuilder();
        apps.forEach(a -> out.append(out.length() == 0 ? "" : ", ").append(a.name()).append(' ').append(owned(a)));
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
