package io.hiertag.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hiertag.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard in {@code ops/grafana/}: it parses, has the panels the operations guide describes, names the
 * datasource that docker-compose provisions, and its queries are PromQL that Prometheus' own {@code promtool}
 * accepts. That every query names only series the application exports is checked against a live scrape by
 * {@code OperationsEndToEndTest}, through {@link #assertQueriesNameOnly}.
 */
public class GrafanaDashboardTest {

    static final Path DASHBOARD = Path.of("ops/grafana/hiertag-dashboard.json");
    static final Path DATASOURCE = Path.of("ops/grafana/provisioning/datasources/prometheus.yml");
    static final Path PROMETHEUS = Path.of("ops/prometheus/prometheus.yml");
    private static final Path PROMTOOL = Path.of("/usr/local/bin/promtool");

    /** PromQL's functions, aggregations and keywords that a dashboard query may use: never metric names. */
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "avg", "max", "min", "count", "rate", "irate",
            "increase", "histogram_quantile", "by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "clamp_min", "clamp_max", "topk", "bottomk", "delta",
            "deriv", "abs", "vector", "scalar", "time", "changes", "resets", "max_over_time", "min_over_time",
            "avg_over_time", "label_replace");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void hasTheDescribedPanelsOnTheProvisionedDatasource() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("hiertag", dashboard.get("uid").asText());
        List<String> titles = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        String uid = datasourceUid();
        for (JsonNode panel : dashboard.get("panels")) {
            titles.add(panel.get("title").asText());
            assertTrue(ids.add(panel.get("id").asInt()), "two panels with id " + panel.get("id"));
            assertFalse(panel.path("description").asText().isBlank(), panel.get("title") + " has no description");
            assertTrue(panel.get("targets").size() > 0, panel.get("title") + " has no query");
            assertEquals(uid, panel.at("/datasource/uid").asText(), panel.get("title").asText());
            for (JsonNode target : panel.get("targets")) {
                assertEquals(uid, target.at("/datasource/uid").asText(), target.toString());
            }
        }
        assertTrue(titles.containsAll(List.of("Throughput", "End-to-end latency", "Rescue rate",
                "Dead letters by reason", "Batch buffer", "Model time")), titles.toString());
        // Every query must name at least one series; the end-to-end test checks that each one is exported.
        queries().forEach((where, expr) -> assertFalse(metricNames(expr).isEmpty(), where + ": " + expr));
    }

    /** The uid in the provisioning file, which the dashboard's panels must name. */
    private static String datasourceUid() throws IOException {
        Matcher m = Pattern.compile("(?m)^\\s+uid:\\s*(\\S+)\\s*$").matcher(Files.readString(DATASOURCE));
        assertTrue(m.find(), DATASOURCE + " names no uid");
        return m.group(1);
    }

    /** Each query, as a recording rule, through {@code promtool check rules}; the Prometheus config likewise. */
    @Test
    void queriesAndPrometheusConfigPassPromtool(@TempDir Path dir) throws Exception {
        ExternalTool.require(Files.isExecutable(PROMTOOL), PROMTOOL + " (from Debian's prometheus package)");
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (String expr : queries().values()) {
            // Grafana fills $__rate_interval in before Prometheus sees the query.
            String promql = expr.replace("$__rate_interval", "1m").replace("'", "''");
            rules.append("      - record: dashboard:query").append(n++).append("\n        expr: '").append(promql)
                    .append("'\n");
        }
        Path file = dir.resolve("dashboard-rules.yml");
        Files.writeString(file, rules);
        ExternalTool.Result r = ExternalTool.run(List.of(PROMTOOL.toString(), "check", "rules", file.toString()),
                Duration.ofSeconds(60), dir);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("SUCCESS: " + n + " rules found"), r.output());
        ExternalTool.Result config = ExternalTool.run(List.of(PROMTOOL.toString(), "check", "config",
                PROMETHEUS.toAbsolutePath().toString()), Duration.ofSeconds(60), dir);
        assertEquals(0, config.exitCode(), config.output());
    }

    /** Fails naming every query that names a series missing from {@code exported}. */
    public static void assertQueriesNameOnly(Set<String> exported) throws IOException {
        List<String> missing = new ArrayList<>();
        queries().forEach((where, expr) -> {
            for (String name : metricNames(expr)) {
                if (!exported.contains(name)) {
                    missing.add(where + " names " + name + ", which the application does not export");
                }
            }
        });
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }

    /** Every query by panel title and refId. */
    static Map<String, String> queries() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                out.put(panel.get("title").asText() + "/" + target.get("refId").asText(), target.get("expr")
                        .asText());
            }
        }
        return out;
    }

    /**
     * The series names a query selects: what is left once label matchers, ranges, grouping labels, Grafana's
     * variables, numbers, function calls and PromQL's keywords are taken out.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\\$\\w+", " ")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("(?<![\\w:.])\\d+(\\.\\d+)?([eE][-+]?\\d+)?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group();
            boolean call = s.substring(m.end()).stripLeading().startsWith("(");
            if (!PROMQL_WORDS.contains(word) && !call) {
                names.add(word);
            }
        }
        return names;
    }

    @Test
    void metricNamesAreWhatPromQlSelects() {
        assertEquals(Set.of("a_total", "b_bucket"), metricNames(
                "sum by (le, x) (rate(a_total{k=\"v\", j=~\"w.*\"}[$__rate_interval])) / histogram_quantile(0.9, "
                        + "sum by (le) (rate(b_bucket[5m])))"));
        assertEquals(Set.of("up"), metricNames("max(up) > 0.5"));
    }
}
