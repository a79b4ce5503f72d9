package io.hiertag.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
  * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM, for the
  * application's default mode and for end-to-end tests. Everything listens on 127.0.0.1 only.
  *
  * <p>{@code kafka.server.KafkaRaftServer} and {@code kafka.tools.StorageTool} are not Kafka's public API; they
  * are used only here so that a Kafka upgrade has one place to fix.
  *
  * <p>Layout of the data directory: {@code server.properties} (rewritten at every start, ports change) and
  * {@code kraft/} (the log and metadata directory, formatted on first start and reused afterwards).
  */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
    }

    /**
      * Starts a broker on {@code 127.0.0.1:port} with its data in {@code dataDir}, formatting the storage only
      * if it was never formatted, and returns once it answers requests.
      *
      * @param port the client port, or 0 for a free one
      * @throws IllegalStateException if the broker does not start or does not answer within 60 s
      */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, not " + port);
        }
        long startNanos = System.nanoTime();
        Path dir = dataDir.toAbsolutePath();
        Path logDir = dir.resolve("kraft");
        int brokerPort = port == 0 ? freePort(-1) : port;
        int controllerPort = freePort(brokerPort);
        String bootstrap = HOST + ":" + brokerPort;
        Properties props = brokerProperties(logDir, brokerPort, controllerPort);
        boolean formatted = formatIfNeeded(dir, logDir, props);

        KafkaRaftServer server = null;
        try {
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            BrokerReadiness.awaitBroker(bootstrap, READY_TIMEOUT);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            IllegalStateException failure = new IllegalStateException("Embedded Kafka broker with data in " + dir
                    + " did not start on " + bootstrap + ": " + e.getMessage() + (root == e ? "" : " (cause: " + root + ")"), e);
            if (server != null) {
                try {
                    stop(server);
                } catch (RuntimeException stopError) {
                    failure.addSuppressed(stopError);
                }
            }
            throw failure;
        }
        LOG.info("Embedded Kafka broker ready at {} (data {}, {}) in {} ms", bootstrap, dir,
                formatted ? "newly formatted" : "existing storage", elapsedMs(startNanos));
        return new EmbeddedKafkaBroker(server, bootstrap, dir);
    }

    /** {@code 127.0.0.1:<port>}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The absolute data directory given to {@link #start}. */
    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down cleanly and waits for it; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            long startNanos = System.nanoTime();
            stop(server);
            LOG.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers, elapsedMs(startNanos));
        }
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static Properties brokerProperties(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        // A static voter needs no --standalone at format time, and survives a controller port change on restart.
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One broker: every internal topic must fit on it.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Start-up time and heap: 50 partitions per internal topic and a 128 MiB cleaner buffer are for clusters.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // Topics are created explicitly; a typo must fail rather than create a stray topic.
        p.put("auto.create.topics.enable", "false");
        // Records with old timestamps (replayed data, tests) must not be deleted by time retention mid-run.
        p.put("log.retention.ms", "-1");
        p.put("log.retention.bytes", "-1");
        // Streams-protocol groups (KIP-1071): drop a kill -9'd member after 6 s instead of 45 s.
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        p.put("group.streams.min.session.timeout.ms", "6000");
        p.put("group.streams.session.timeout.ms", "6000");
        p.put("group.streams.min.heartbeat.interval.ms", "1000");
        p.put("group.streams.heartbeat.interval.ms", "1000");
        // Bounds startup() itself, which otherwise waits forever for the broker to catch up with its metadata.
        p.put("server.max.startup.time.ms", String.valueOf(READY_TIMEOUT.toMillis()));
        return p;
    }

    /** Formats {@code logDir} unless it holds {@code meta.properties}; returns whether it formatted. */
    private static boolean formatIfNeeded(Path dir, Path logDir, Properties props) {
        try {
            Files.createDirectories(logDir);
            // StorageTool reads its settings from a file only.
            Path config = dir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "Written by EmbeddedKafkaBroker at each start; edits are lost");
            }
            if (Files.exists(logDir.resolve("meta.properties"))) {
                return false;
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc;
            try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(
                        new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()}, print);
            }
            if (rc != 0) {
                throw new IllegalStateException("Formatting Kafka storage in " + logDir + " failed (exit code " + rc + "): "
                        + output.toString(StandardCharsets.UTF_8).strip());
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka data directory " + dir, e);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1, other than {@code avoid}. */
    private static int freePort(int avoid) {
        try {
            InetAddress loopback = InetAddress.getByName(HOST);
            while (true) {
                try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
                    if (socket.getLocalPort() != avoid) {
                        return socket.getLocalPort();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
