package io.hiertag.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Explicit topic creation, since the application's brokers do not auto-create topics. */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long POLL_PAUSE_MS = 100;

    private TopicAdmin() {
    }

    /** An {@link Admin} client for {@code bootstrapServers}, with {@code extra} client settings on top. */
    public static Admin admin(String bootstrapServers, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(config);
    }

    /**
      * Creates those of {@code topics} that do not exist yet and returns once every one of them is visible in
      * {@code describeTopics} with a leader for each partition. Existing topics are left as they are.
      *
      * @throws TimeoutException if that does not happen within {@code timeout}
      */
    public static void ensureTopics(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, NewTopic> wanted = topics.stream()
                .collect(Collectors.toMap(NewTopic::name, Function.identity(), (a, b) -> a));
        try {
            Set<String> existing = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = wanted.values().stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                create(admin, missing, deadline);
            }
            awaitVisible(admin, wanted, deadline, timeout);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("Topics " + new TreeSet<>(wanted.keySet()) + " were not ready within "
                    + timeout.toMillis() + " ms", e);
        }
    }

    private static void create(Admin admin, List<NewTopic> missing, long deadline)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        CreateTopicsResult result = admin.createTopics(missing);
        for (NewTopic topic : missing) {
            String name = topic.name();
            try {
                result.values().get(name).get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                LOG.info("Created topic {} with {} partition(s), replication factor {}, configs {}", name,
                        result.numPartitions(name).get(), result.replicationFactor(name).get(),
                        Objects.requireNonNullElse(topic.configs(), Map.of()));
            } catch (ExecutionException e) {
                // Another instance may have created it between our list and create calls.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
        }
    }

    private static void awaitVisible(Admin admin, Map<String, NewTopic> wanted, long deadline, Duration timeout)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        while (true) {
            KafkaFuture<Map<String, TopicDescription>> described = admin.describeTopics(wanted.keySet()).allTopicNames();
            try {
                Map<String, TopicDescription> descriptions = described.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                if (descriptions.values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
                    warnOnPartitionMismatch(wanted, descriptions);
                    return;
                }
            } catch (ExecutionException e) {
                // Freshly created topics take a moment to reach the broker's metadata.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Cannot describe topics " + new TreeSet<>(wanted.keySet()) + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
            if (remainingMs(deadline) <= POLL_PAUSE_MS) {
                throw new TimeoutException("Topics " + new TreeSet<>(wanted.keySet()) + " were not all visible with a"
                        + " leader within " + timeout.toMillis() + " ms");
            }
            Thread.sleep(POLL_PAUSE_MS);
        }
    }

    /** Kafka never shrinks a topic, and a co-partitioned join needs equal counts, so a mismatch deserves a warning. */
    private static void warnOnPartitionMismatch(Map<String, NewTopic> wanted, Map<String, TopicDescription> actual) {
        wanted.values().forEach(topic -> {
            int partitions = actual.get(topic.name()).partitions().size();
            if (topic.numPartitions() > 0 && topic.numPartitions() != partitions) {
                LOG.warn("Topic {} exists with {} partition(s), not the {} asked for; it is left as it is",
                        topic.name(), partitions, topic.numPartitions());
            }
        });
    }

    private static long remainingMs(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Each topic's effective {@code max.message.bytes}: its own setting or the broker's default. */
    public static Map<String, Long> maxMessageBytes(Admin admin, Collection<String> topics, Duration timeout) {
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Long> out = new HashMap<>();
            configs.forEach((r, c) -> out.put(r.name(),
                    Long.parseLong(c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the configuration of topics " + topics + ": " + e, e);
        }
    }
}
