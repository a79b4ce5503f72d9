package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, and bounds, how long an instance killed with {@code kill -9} and restarted at once takes to tag again,
 * and what it replays from the batch buffer's changelog to get there.
 *
 * <p>{@value #BEHIND} inputs go through the application first (a backlog published at once, worked off at
 * the application's own pace), so that many images have passed through the batch buffer. Then a trickle of new
 * inputs keeps coming while the application is killed and restarted on the same data directory with Kafka's
 * default session timeout, as a supervisor would restart it. The kill waits until the buffer's changelog has been
 * compacted (up to {@link #CLEANER_WAIT}), which is where a long-running instance would be. The restarted process's
 * timings come from its log: the {@code Streams state ... -> RUNNING} line, and Kafka Streams' own restore lines
 * (turned on for this test only) for the changelog restore. The numbers are printed in one line prefixed
 * {@code kill recovery:}.
 */
@Tag("slow")
class KillRecoveryTest {

    private static final int BEHIND = 10_000;
    private static final int BACKLOG_PER_SECOND = 2_000;
    /** At most: it is stopped once the restarted process has tagged for a few seconds. */
    private static final int TRICKLE = 3_000;
    private static final int TRICKLE_PER_SECOND = 30;
    /** Longest wait for the broker's log cleaner (it looks for work every 15 s) before killing regardless. */
    private static final Duration CLEANER_WAIT = Duration.ofSeconds(50);
    /**
     * From the restarted process's Kafka Streams start to its first tag: the part that group membership decides
     * (without a static id it waits out the dead member's session, 45 s). The goal for the whole restart, process
     * start to first tag, is 15 s; JVM start and model loading take 4 to 11 s of it on 2 busy cores, too uneven
     * for a bound in a shared CI, so that total is printed rather than asserted.
     */
    private static final Duration FIRST_TAG_LIMIT = Duration.ofSeconds(10);
    private static final Duration BACKLOG_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration AFTER_RESTART_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private static final String APP_ID = "kill-recovery";
    private static final String PREFIX = "kr.";
    private static final String CHANGELOG = APP_ID + "-" + TaggingTopology.BATCH_BUFFER + "-changelog";
    private static final String RUNNING = "-> RUNNING";
    /** Kafka Streams logs each changelog partition's restore at INFO; the application keeps Kafka at WARN. */
    private static final String RESTORE_LOG = "-Dorg.slf4j.simpleLogger.log."
            + "org.apache.kafka.streams.processor.internals.StoreChangelogReader=info";
    /** Logged when a partition's restore begins (the "Start restoring" line is at DEBUG). */
    private static final Pattern RESTORE_START = Pattern.compile("End offset for changelog ("
            + Pattern.quote(CHANGELOG) + "-\\d+) initialized as");
    private static final Pattern RESTORE_END = Pattern.compile("Finished restoring changelog ("
            + Pattern.quote(CHANGELOG) + "-\\d+) to store \\S+ with a total number of (\\d+) records");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private EmbeddedKafkaBroker broker;
    private final List<ChildProcess> generations = new ArrayList<>();

    @AfterEach
    void stop() {
        generations.forEach(ChildProcess::close);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aKilledInstanceTagsAgainSoonAfterItsRestartAndRestoresOnlyWhatTheBufferStillHolds() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        String bootstrap = broker.bootstrapServers();
        HiertagConfig config = HiertagConfig.builder().set(HiertagConfig.TOPIC_PREFIX, PREFIX).build();
        ChildProcess app = startApp();
        app.awaitOutput(RUNNING, Duration.ofSeconds(90));
        try (ExactlyOnceVerifier verifier = new ExactlyOnceVerifier(config, bootstrap);
             InputFeed backlog = InputFeed.create(config, bootstrap, "behind-", BEHIND, BACKLOG_PER_SECOND);
             InputFeed trickle = InputFeed.create(config, bootstrap, "after-", TRICKLE, TRICKLE_PER_SECOND);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long backlogStart = System.nanoTime();
            backlog.start();
            while (verifier.distinctIds() < BEHIND) {
                app.assertHealthy();
                backlog.assertHealthy();
                verifier.poll(Duration.ofMillis(200));
                failAfter(backlogStart, BACKLOG_TIMEOUT, "the backlog was not worked off", verifier, app);
            }
            double backlogSeconds = seconds(backlogStart);

            // New images keep arriving; kill once the changelog holds less than a quarter of what went through it.
            trickle.start();
            long trickleStart = System.nanoTime();
            long throughBuffer = backlog.validBytes();
            long changelogBytes = changelogBytes(admin);
            while (System.nanoTime() - trickleStart < TimeUnit.SECONDS.toNanos(5)
                    || (changelogBytes > throughBuffer / 4 && System.nanoTime() - trickleStart < CLEANER_WAIT.toNanos())) {
                app.assertHealthy();
                trickle.assertHealthy();
                verifier.poll(Duration.ofMillis(500));
                changelogBytes = changelogBytes(admin);
            }
            long killedAt = System.currentTimeMillis();
            app.kill9();
            long restartedAt = System.currentTimeMillis();
            app = startApp();

            long firstTagAt = -1;
            long lastChange = System.nanoTime();
            long restart = System.nanoTime();
            while (true) {
                app.assertHealthy();
                trickle.assertHealthy();
                if (verifier.poll(Duration.ofMillis(100)) > 0) {
                    lastChange = System.nanoTime();
                }
                // Nothing the killed process tagged after its death can be committed: a tag this new is the restart's.
                if (firstTagAt < 0 && verifier.newestTaggedAtMs() > killedAt) {
                    firstTagAt = System.currentTimeMillis();
                }
                if (firstTagAt >= 0 && System.currentTimeMillis() - firstTagAt > SETTLE.toMillis()
                        && !trickle.done()) {
                    trickle.stop();
                }
                if (firstTagAt >= 0 && trickle.done() && verifier.distinctIds() >= BEHIND + trickle.published()
                        && System.nanoTime() - lastChange > SETTLE.toNanos()) {
                    break;
                }
                failAfter(restart, AFTER_RESTART_TIMEOUT, "no settled outcome after the restart", verifier, app);
            }

            Set<String> valid = new LinkedHashSet<>(backlog.validIds());
            valid.addAll(trickle.validIds());
            Set<String> invalid = new LinkedHashSet<>(backlog.invalidIds());
            invalid.addAll(trickle.invalidIds());
            ExactlyOnceVerifier.Report report = verifier.report(valid, invalid);
            long runningAt = logTime(app.outputLines(RUNNING).get(0));
            long streamsStartedAt = logTime(app.outputLines("CREATED -> REBALANCING").get(0));
            Restore restore = restoreOf(app);
            Map<String, String> changelogConfig = changelogConfig(admin);
            System.out.printf("kill recovery: %d inputs behind (%.1f MB of valid images) worked off in %.1f s; at the "
                    + "kill the buffer changelog held %.1f MB; restart -> RUNNING %.1f s, restart -> first new tag "
                    + "%.1f s (Streams start -> first tag %.1f s, RUNNING -> first tag %.1f s); buffer restore %s; "
                    + "changelog config %s; %s%n",
                    BEHIND, throughBuffer / 1e6, backlogSeconds, changelogBytes / 1e6,
                    (runningAt - restartedAt) / 1e3, (firstTagAt - restartedAt) / 1e3,
                    (firstTagAt - streamsStartedAt) / 1e3, (firstTagAt - runningAt) / 1e3, restore, changelogConfig,
                    report);
            for (String event : List.of(" ready with label sets ", "Warm-up:", "Streams state ")) {
                app.outputLines(event).forEach(l -> System.out.println("kill recovery: restarted: " + l));
            }

            assertTrue(report.exactlyOnce(), report.toString());
            assertTrue(firstTagAt - streamsStartedAt < FIRST_TAG_LIMIT.toMillis(), "the restarted instance tagged "
                    + "again " + (firstTagAt - streamsStartedAt) + " ms after its Kafka Streams client started, not "
                    + "within " + FIRST_TAG_LIMIT.toSeconds() + " s\n" + app.tail());
            assertEquals("compact", changelogConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG), changelogConfig.toString());
            assertTrue(changelogBytes <= throughBuffer / 4, String.format("at the kill the buffer's changelog "
                    + "still held %.1f MB of the %.1f MB that went through it: not compacted", changelogBytes / 1e6,
                    throughBuffer / 1e6));
            assertTrue(restore.partitions() > 0, "the restarted instance restored no batch buffer:\n" + app.tail());
        }
    }

    private ChildProcess startApp() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(HiertagConfig.APPLICATION_ID, APP_ID);
        settings.put(HiertagConfig.TOPIC_PREFIX, PREFIX);
        settings.put(HiertagConfig.TOPIC_PARTITIONS, "3");
        settings.put(HiertagConfig.BATCH_SIZE, "32");
        settings.put(HiertagConfig.MODEL_DIR, TestModels.testModel().toString());
        settings.put(HiertagConfig.CACHE_DIR, TestModels.cacheDir().toString());
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap", broker.bootstrapServers(),
                "--data-dir", dir.resolve("app").toString()));
        settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        int generation = generations.size();
        ChildProcess child = ChildProcess.start("app generation " + generation,
                dir.resolve("app-" + generation + ".log"), "512m", List.of(RESTORE_LOG), args);
        generations.add(child);
        return child;
    }

    /** The batch buffer's changelog partitions on the broker's disk, in bytes. */
    private static long changelogBytes(Admin admin) throws Exception {
        long bytes = 0;
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(List.of(1)).allDescriptions().get()
                .values()) {
            for (LogDirDescription d : dirs.values()) {
                bytes += d.replicaInfos().entrySet().stream().filter(e -> e.getKey().topic().equals(CHANGELOG))
                        .mapToLong(e -> e.getValue().size()).sum();
            }
        }
        return bytes;
    }

    /** The changelog's settings that matter for its size, as the broker reports them. */
    private static Map<String, String> changelogConfig(Admin admin) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, CHANGELOG);
        Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        Map<String, String> out = new TreeMap<>();
        for (String key : List.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.SEGMENT_BYTES_CONFIG,
                TopicConfig.SEGMENT_MS_CONFIG, TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                TopicConfig.DELETE_RETENTION_MS_CONFIG)) {
            out.put(key, config.get(key).value());
        }
        return out;
    }

    /** What the restarted process restored into its batch buffers, from Kafka Streams' restore log lines. */
    private record Restore(int partitions, long records, long millis) {
        @Override
        public String toString() {
            return partitions == 0 ? "none" : records + " records in " + millis + " ms over " + partitions
                    + " partitions";
        }
    }

    private static Restore restoreOf(ChildProcess app) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        Map<String, Long> records = new TreeMap<>();
        for (String line : app.outputLines(CHANGELOG)) {
            Matcher start = RESTORE_START.matcher(line);
            Matcher end = RESTORE_END.matcher(line);
            if (start.find()) {
                first = Math.min(first, logTime(line));
            } else if (end.find()) {
                last = Math.max(last, logTime(line));
                records.merge(end.group(1), Long.parseLong(end.group(2)), Long::sum);
            }
        }
        return records.isEmpty() ? new Restore(0, 0, 0)
                : new Restore(records.size(), records.values().stream().mapToLong(Long::longValue).sum(),
                        last - first);
    }

    /** The epoch millisecond of a log line, from slf4j-simple's {@code yyyy-MM-dd HH:mm:ss.SSS} prefix. */
    private static long logTime(String line) {
        return LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant()
                .toEpochMilli();
    }

    private static void failAfter(long startNanos, Duration timeout, String what, ExactlyOnceVerifier verifier,
            ChildProcess app) {
        if (System.nanoTime() - startNanos > timeout.toNanos()) {
            throw new AssertionError(what + " within " + timeout.toSeconds() + " s: " + verifier.distinctIds()
                    + " ids out\n" + app.tail());
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
