package io.hiertag.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hiertag.config.ConfigException;
import io.hiertag.config.HiertagConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoints an operator's tools read: {@code /metrics} (Prometheus text format, or whichever format the
 * scraper's {@code Accept} header asks for), {@code /health/live} and {@code /health/ready} (200 or 503, with a
 * small JSON body saying why). The JDK's own server, as Micrometer's documentation suggests for an application
 * without a web framework: a scrape every few seconds needs no more, and it adds no dependency.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Serves on {@code port} of every interface (0: a free port, see {@link #port()}). */
    static OpsServer start(int port, PrometheusMeterRegistry registry, Health health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            // An operator's mistake (the port is taken), so one line at start rather than a stack trace.
            throw new ConfigException(HiertagConfig.METRICS_PORT, Integer.toString(port), "cannot listen there ("
                    + e.getMessage() + "); choose a free port, or 0 for any");
        }
        ExpositionFormats formats = ExpositionFormats.init();
        server.createContext("/metrics", ex -> handle(ex, () -> scrape(ex, registry, formats)));
        server.createContext("/health/live", ex -> handle(ex, () -> health(health.live())));
        server.createContext("/health/ready", ex -> handle(ex, () -> health(health.ready())));
        // One daemon thread: probes and scrapes are small and rare, and must never keep the JVM alive.
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hiertag-ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        OpsServer ops = new OpsServer(server, executor);
        LOG.info("Serving /metrics, /health/live and /health/ready on port {}", ops.port());
        return ops;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** One answer: status, content type and body. */
    private record Response(int status, String contentType, byte[] body) {
    }

    private static void handle(HttpExchange ex, Supplier<Response> answer) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
                ex.sendResponseHeaders(404, -1); // a context also matches every path below it
                return;
            }
            Response r = answer.get();
            ex.getResponseHeaders().set("Content-Type", r.contentType());
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(r.status(), -1);
                return;
            }
            ex.sendResponseHeaders(r.status(), r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        } catch (RuntimeException e) {
            LOG.warn("Answering {} failed: {}", ex.getRequestURI(), e.toString());
            throw e;
        }
    }

    private static Response scrape(HttpExchange ex, PrometheusMeterRegistry registry, ExpositionFormats formats) {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        try {
            registry.scrape(body, writer.getContentType());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Response(200, writer.getContentType(), body.toByteArray());
    }

    private static Response health(Health.Status s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", s.ok() ? "UP" : "DOWN");
        body.put("streams", s.streams());
        body.put("warmedUp", s.warmedUp());
        try {
            return new Response(s.ok() ? 200 : 503, "application/json",
                    (JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops at once: a probe or scrape still being answered is cut off. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
