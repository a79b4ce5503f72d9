package io.hiertag.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One instance's meters, health and, when {@code metrics.port} is set, the server for both. The registry holds the
 * JVM's and the process's meters (memory, GC, threads, classes, CPU, uptime, open files, free space under
 * {@code data.dir}), Kafka Streams' own metrics with those of its consumers, producers and admin client
 * ({@link KafkaStreamsMetrics}), and the application's ({@link TaggerMeters}). Without a port nothing is counted.
 */
public final class Telemetry implements AutoCloseable {

    public static final String READY = "hiertag.ready";

    private final MeterRegistry registry;
    private final TaggerMeters meters;
    private final Health health;
    private final OpsServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private Telemetry(MeterRegistry registry, OpsServer server, Health health) {
        this.registry = registry;
        this.meters = new TaggerMeters(registry);
        this.server = server;
        this.health = health;
    }

    /** Meters and the server on {@code port} when given; otherwise {@link #none()}. */
    public static Telemetry of(OptionalInt port, Path dataDir) {
        return port.isPresent() ? serve(port.getAsInt(), dataDir) : none();
    }

    /** Counts into a Prometheus registry served on {@code port} (0: a free one). */
    public static Telemetry serve(int port, Path dataDir) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Health health = new Health();
        Telemetry t;
        try {
            t = new Telemetry(prometheus, OpsServer.start(port, prometheus, health), health);
        } catch (RuntimeException e) {
            prometheus.close();
            throw e;
        }
        JvmGcMetrics gc = new JvmGcMetrics();
        t.closeables.add(gc);
        for (MeterBinder b : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new JvmInfoMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics(),
                new DiskSpaceMetrics(dataDir.toFile()))) {
            b.bindTo(prometheus);
        }
        Gauge.builder(READY, t.health, h -> h.ready().ok() ? 1 : 0)
                .description("1 while /health/ready answers 200").register(prometheus);
        return t;
    }

    /** Counts nothing and serves nothing: an instance run without {@code metrics.port}, or a tool. */
    public static Telemetry none() {
        return new Telemetry(new CompositeMeterRegistry(), null, new Health());
    }

    public TaggerMeters meters() {
        return meters;
    }

    public Health health() {
        return health;
    }

    /** The port the server listens on; empty without a server. */
    public OptionalInt port() {
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    /** Health follows this client from now on, and its metrics (its clients' included) join the registry. */
    public void watch(KafkaStreams streams) {
        health.watch(streams);
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(registry);
        closeables.add(metrics);
    }

    /** Stops the server, then the binders' background work. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing a binder only stops its polling; nothing to recover.
            }
        }
        registry.close();
    }
}
