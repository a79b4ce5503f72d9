package io.hiertag.streams;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.KafkaClients;
import io.hiertag.kafka.TopicAdmin;
import io.hiertag.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.tools.StreamsResetter;

/**
 * Makes the application reprocess its input from the start, as Kafka documents it: Kafka's application reset
 * tool ({@link StreamsResetter}) moves the group's offsets on the input topic to the earliest and deletes the
 * internal topics (the batch buffer's changelog, the metrics' repartition topic and stores), then
 * {@link KafkaStreams#cleanUp()} deletes this instance's local state. Each instance that has local state needs
 * its own cleanup; the tool's part is needed once.
 *
 * <p>The output topics are inputs of the metrics but are left out of the reset: their offsets stay where they are,
 * so the metrics count the new tags once, not the old ones again.
 */
public final class ApplicationReset implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HiertagConfig config;
    private final String bootstrapServers;
    private final KafkaStreams local;

    private ApplicationReset(HiertagConfig config, String bootstrapServers, KafkaStreams local) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.local = local;
    }

    /**
     * Takes this instance's state folder, as a starting instance would.
     *
     * @throws IllegalStateException if another process (a running instance) holds it
     */
    public static ApplicationReset open(HiertagConfig config, String bootstrapServers) {
        // Only the graph's stores matter to the cleanup: the processors are never run.
        Properties props = StreamsSettings.of(config, bootstrapServers, "reset");
        try {
            return new ApplicationReset(config, bootstrapServers,
                    new KafkaStreams(TaggingTopology.build(config, TaggingTopology.DESCRIBED_ONLY), props));
        } catch (StreamsException e) {
            throw new IllegalStateException("the state folder " + config.stateDir().resolve(config.applicationId())
                    + " is in use by a running instance: stop it first", e);
        }
    }

    /** The group's members: instances running, or killed less than a session timeout ago. */
    public List<String> groupMembers() {
        try (Admin admin = TopicAdmin.admin(bootstrapServers, KafkaClients.common(config, bootstrapServers))) {
            List<String> out = new ArrayList<>();
            for (MemberDescription m : admin.describeConsumerGroups(List.of(config.applicationId()))
                    .describedGroups().get(config.applicationId()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .members()) {
                out.add(m.groupInstanceId().orElse(m.consumerId()) + " on " + m.host());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot describe group " + config.applicationId() + " at "
                    + bootstrapServers + ": " + e, e);
        }
    }

    /**
     * Runs Kafka's reset tool on the input topic, then, unless it failed or this is a dry run, cleans up the
     * local state. The tool prints what it does on standard output, and its errors on standard error.
     *
     * @param force remove members still in the group (instances killed without leaving)
     * @return the tool's exit code: 0 when done
     */
    public int run(boolean dryRun, boolean force) {
        List<String> args = new ArrayList<>(List.of("--application-id", config.applicationId(), "--bootstrap-server",
                bootstrapServers, "--input-topics", new Topics(config.topicPrefix()).images().name(),
                "--to-earliest"));
        if (dryRun) {
            args.add("--dry-run");
        }
        if (force) {
            args.add("--force");
        }
        Properties clients = new Properties();
        clients.putAll(KafkaClients.common(config, bootstrapServers));
        int code = new StreamsResetter().execute(args.toArray(String[]::new), clients);
        if (code == 0 && !dryRun) {
            local.cleanUp();
        }
        return code;
    }

    @Override
    public void close() {
        local.close();
    }
}
