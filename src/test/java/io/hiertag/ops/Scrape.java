package io.hiertag.ops;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scrape of a running instance's {@code /metrics}, as Prometheus would take it. The values are read from the
 * Prometheus protobuf format, parsed with the Prometheus client's own generated classes; the series names, which
 * are what PromQL sees, from the text format that Prometheus scrapes by default.
 */
public final class Scrape {

    public static final String PROTOBUF = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
            + "encoding=delimited";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Metrics.MetricFamily> families;
    private final String text;

    private Scrape(Map<String, Metrics.MetricFamily> families, String text) {
        this.families = families;
        this.text = text;
    }

    /** Scrapes {@code http://127.0.0.1:port/metrics} in both formats. */
    public static Scrape of(int port) {
        HttpResponse<byte[]> proto = get(port, "/metrics", PROTOBUF);
        HttpResponse<byte[]> plain = get(port, "/metrics", null);
        if (proto.statusCode() != 200 || plain.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + proto.statusCode() + " and " + plain.statusCode());
        }
        Map<String, Metrics.MetricFamily> families = new LinkedHashMap<>();
        try (InputStream in = new ByteArrayInputStream(proto.body())) {
            Metrics.MetricFamily f;
            while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.put(f.getName(), f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(families, new String(plain.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A GET of {@code path}, with an {@code Accept} header when given. */
    public static HttpResponse<byte[]> get(int port, String path, String accept) {
        return send(port, path, "GET", accept);
    }

    public static HttpResponse<byte[]> send(int port, String path, String method, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            b.header("Accept", accept);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The text format as served. */
    public String text() {
        return text;
    }

    /** Every series name in the text format ({@code x_bucket}, {@code x_count}, {@code x_sum} for a histogram). */
    public Set<String> seriesNames() {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    public boolean has(String family) {
        return families.containsKey(family);
    }

    /**
     * The sum of the values of {@code family}'s series whose labels include {@code labels}: a counter's or gauge's
     * value, a histogram's count. 0 when none matches.
     */
    public double sum(String family, Map<String, String> labels) {
        return matching(family, labels).stream().mapToDouble(Scrape::value).sum();
    }

    public double sum(String family) {
        return sum(family, Map.of());
    }

    /** The sum of a histogram's observations, over the series whose labels include {@code labels}. */
    public double histogramSum(String family, Map<String, String> labels) {
        return matching(family, labels).stream().mapToDouble(m -> m.getHistogram().getSampleSum()).sum();
    }

    /** Each series of {@code family} as its labels and value. */
    public Map<Map<String, String>, Double> series(String family) {
        Map<Map<String, String>, Double> out = new LinkedHashMap<>();
        for (Metrics.Metric m : matching(family, Map.of())) {
            out.put(labels(m), value(m));
        }
        return out;
    }

    private List<Metrics.Metric> matching(String family, Map<String, String> labels) {
        Metrics.MetricFamily f = families.get(family);
        List<Metrics.Metric> out = new ArrayList<>();
        if (f != null) {
            for (Metrics.Metric m : f.getMetricList()) {
                if (labels(m).entrySet().containsAll(labels.entrySet())) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    private static Map<String, String> labels(Metrics.Metric m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.getLabelList().forEach(l -> out.put(l.getName(), l.getValue()));
        return out;
    }

    private static double value(Metrics.Metric m) {
        if (m.hasCounter()) {
            return m.getCounter().getValue();
        }
        if (m.hasGauge()) {
            return m.getGauge().getValue();
        }
        if (m.hasHistogram()) {
            return m.getHistogram().getSampleCount();
        }
        throw new AssertionError("no value in " + m);
    }
}
