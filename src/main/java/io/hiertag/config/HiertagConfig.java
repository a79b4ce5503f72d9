package io.hiertag.config;

import io.hiertag.image.HostAllowList;
import io.hiertag.image.ImageFormat;
import io.hiertag.labels.HierarchyPrompts;
import io.hiertag.model.ModelDevice;
import io.hiertag.zeroshot.ConsistencyRule;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The application's settings, typed, from one place. Layers, each overriding the one before: built-in defaults,
 * a properties file, {@code HIERTAG_*} environment variables, then command-line {@code --set key=value} flags.
 * Keys under {@code kafka.} pass through to every Kafka client (security settings, for example).
 *
 * <p>Kafka's {@code ConfigDef} would do the plain types, but not durations, lists of paths or the enums' spelling,
 * and its errors name neither the layer's value as given nor a fix; above all this layer must not know Kafka.
 * {@code io.hiertag.kafka.ClientSettings} uses Kafka's definitions where they know better: for the pass-through.
 */
public final class HiertagConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String EMBEDDED_PORT = "embedded.port";
    public static final String DATA_DIR = "data.dir";
    public static final String DATA_MIN_FREE_BYTES = "data.min-free-bytes";
    public static final String APPLICATION_ID = "application.id";
    public static final String INSTANCE_ID = "instance.id";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String MODEL_DIR = "model.dir";
    public static final String DEVICE = "device";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BATCH_MAX_DELAY = "batch.max-delay";
    public static final String BATCH_PIPELINE = "batch.pipeline";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String BATCH_BUFFER = "batch.buffer";
    public static final String STREAM_THREADS = "stream.threads";
    public static final String INPUT_MAX_BYTES = "input.max-bytes";
    public static final String INPUT_MAX_PIXELS = "input.max-pixels";
    public static final String INPUT_FORMATS = "input.formats";
    public static final String IMAGE_FAST_DECODE = "image.fast-decode";
    public static final String INPUT_URI_ALLOWED_DIRS = "input.uri.allowed-dirs";
    public static final String INPUT_URI_ALLOWED_HOSTS = "input.uri.allowed-hosts";
    public static final String INPUT_URI_TIMEOUT = "input.uri.timeout";
    public static final String INPUT_RAW_IMAGES = "input.raw-images";
    public static final String OUTPUT_FORMAT = "output.format";
    public static final String LABEL_SETS = "label.sets";
    public static final String CONSISTENCY_FLIP = "consistency.flip";
    public static final String CONSISTENCY_THRESHOLD = "consistency.threshold";
    public static final String RESCORING_ENSEMBLE = "rescoring.ensemble";
    public static final String HIERARCHY_PROMPT_STYLE = "hierarchy.prompt-style";
    public static final String HIERARCHY_PARENT_TEXT = "hierarchy.parent-text";
    public static final String HIERARCHY_MAX_CHILDREN = "hierarchy.max-children";
    public static final String CACHE_DIR = "cache.dir";
    public static final String METRICS_WINDOW = "metrics.window";
    public static final String METRICS_GRACE = "metrics.grace";
    public static final String METRICS_PORT = "metrics.port";
    public static final String KAFKA_PREFIX = "kafka.";
    private static final String IMAGENET_1K = "imagenet-1k";
    private static final int MAX_INSTANCE_ID = 200;

    /**
     * Variables that {@code bin/hiertag} reads itself (the JVM's options) before the application starts: they share
     * the prefix of the settings' variables but are not settings.
     */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of("HIERTAG_JAVA_OPTS");

    /** Every known key with its default and a one-line description, in the order the docs list them. */
    private static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

    static {
        known(BOOTSTRAP_SERVERS, "", "Kafka bootstrap servers; empty starts an embedded broker (run, demo; a run "
                + "configured by file or environment needs --embedded) or connects to its port on 127.0.0.1 "
                + "(publish, tail).");
        known(EMBEDDED_PORT, "9092", "Port of the embedded broker on 127.0.0.1; 0 picks a free port.");
        known(DATA_DIR, "hiertag-data", "Folder for the embedded broker's log, Streams state and the test model.");
        known(DATA_MIN_FREE_BYTES, "536870912", "Refuse to start when data.dir's file system has less free space "
                + "than this, in bytes; 0 turns the check off.");
        known(APPLICATION_ID, "hiertag", "Kafka Streams application id (consumer group, state and transactions).");
        known(INSTANCE_ID, "", "This instance's stable name in the group (static membership): a restart after a "
                + "crash takes its partitions straight back. Empty: the host name and a hash of data.dir.");
        known(TOPIC_PREFIX, "hiertag.", "Prefix of the four topic names: images, tags, dead-letters, metrics.");
        known(TOPIC_PARTITIONS, "3", "Partitions of topics the application creates.");
        known(TOPIC_REPLICATION_FACTOR, "", "Replication factor of the topics the application creates and of Kafka "
                + "Streams' internal topics; empty: the broker's default.replication.factor.");
        known(MODEL_DIR, "", "Model folder with hiertag-model.json; empty uses the bundled test model under data.dir "
                + "(a run configured by file or environment, or on a cluster, needs --test-model).");
        known(DEVICE, "auto", "Where the model runs: auto (a GPU when usable, else the CPU), gpu (refuse to start "
                + "without one) or cpu.");
        known(BATCH_SIZE, "32", "Images per model call: the first pass flushes when this many are buffered.");
        known(BATCH_MAX_DELAY, "200ms", "Longest wait before a partial batch is flushed (wall clock).");
        known(BATCH_PIPELINE, "true", "Run each first-pass batch on a background thread while the next one fills "
                + "and decodes (at most two in flight), so the model need not wait for the CPU; false: decode and "
                + "embed each batch on the stream thread in turn.");
        known(PROCESSING_GUARANTEE, "exactly_once_v2", "exactly_once_v2 or at_least_once.");
        known(BATCH_BUFFER, "persistent", "persistent: the batch buffer is a changelogged store and survives a crash; "
                + "memory: not changelogged, loses waiting images on a crash (only to demonstrate the failure).");
        known(STREAM_THREADS, "1", "Kafka Streams threads per instance.");
        known(INPUT_MAX_BYTES, "10000000", "Largest accepted encoded image, in bytes.");
        known(INPUT_MAX_PIXELS, "50000000", "Largest accepted image, width times height, read from the header.");
        known(INPUT_FORMATS, "jpeg,png,gif,bmp,tiff,webp", "Accepted image formats, sniffed from the bytes: any of "
                + "jpeg, png, gif, bmp, tiff, webp.");
        known(IMAGE_FAST_DECODE, "false", "Let libjpeg shrink large JPEGs by 2, 4 or 8 while decoding (to at least "
                + "twice the model's input side): much faster on photos far larger than the model input, but the "
                + "pixels differ a little from the reference preprocessing (bench figure (i) reports how much).");
        known(INPUT_URI_ALLOWED_DIRS, "", "Folders that file: URIs may point into, comma-separated; empty: none.");
        known(INPUT_URI_ALLOWED_HOSTS, "", "Hosts that http(s): URIs may point at, comma-separated: host allows only "
                + "the scheme's default port (80, 443), host:port exactly that port, IPv6 as [::1]:8080; empty: none.");
        known(INPUT_URI_TIMEOUT, "10s", "Deadline of a whole http(s): fetch: connecting, headers and the entire body; "
                + "a batch starts its fetches together, so it waits at most this long for all of them.");
        known(INPUT_RAW_IMAGES, "true", "Also take a record whose value is the image file itself (its key the id, "
                + "headers hiertag.label-set, hiertag.ground-truth, hiertag.attr.NAME); false: only ImageEvents.");
        known(OUTPUT_FORMAT, "avro", "Format of the tags, dead letters and metrics written: avro (single-object "
                + "encoding) or json (one JSON object per record).");
        known(LABEL_SETS, "imagenet-1k", "Label sets to load, comma-separated: imagenet-1k (built in) or "
                + "name=path/to/labels.tsv.");
        known(CONSISTENCY_FLIP, "true", "Also call an image uncertain when its left-right flip gets another label.");
        known(CONSISTENCY_THRESHOLD, "", "Empty: the paper's discrete rule (four classifiers must agree). A number "
                + "in [0,1]: uncertain when the template agreement S_T is at or below it.");
        known(RESCORING_ENSEMBLE, "false", "The paper's Table 4 variant: candidates from the 80-template "
                + "classifier and hierarchy strings averaged over the 80 templates.");
        known(HIERARCHY_PROMPT_STYLE, "paper", "paper: 'X which is a kind of P'; legacy: the released code's "
                + "'X which is a kind ofP', byte for byte.");
        known(HIERARCHY_PARENT_TEXT, "synset", "synset: the parent's whole synset ('mammal, mammalian'); "
                + "first-lemma: its first lemma only.");
        known(HIERARCHY_MAX_CHILDREN, "10", "Children per class used in rescoring, at most.");
        known(CACHE_DIR, "", "Text-embedding cache folder; empty uses data.dir/cache.");
        known(METRICS_WINDOW, "1m", "Length of the tumbling windows of the metrics topic, by record time.");
        known(METRICS_GRACE, "30s", "How late a tag or dead letter may arrive and still count in its window; "
                + "a window's metrics are published once this long after it ends.");
        known(METRICS_PORT, "", "Port of the HTTP server for /metrics (Prometheus) and /health/live, /health/ready "
                + "(run); empty: no server; 0 picks a free port.");
    }

    private static void known(String key, String defaultValue, String description) {
        KNOWN.put(key, new String[] {defaultValue, description});
    }

    private final Map<String, String> values;

    private HiertagConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Defaults only. */
    public static HiertagConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Known keys with their defaults and descriptions, for documentation and {@code --help}. */
    public static Map<String, String[]> knownKeys() {
        return Collections.unmodifiableMap(KNOWN);
    }

    public Optional<String> bootstrapServers() {
        String v = values.get(BOOTSTRAP_SERVERS).trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public int embeddedPort() {
        return intValue(EMBEDDED_PORT, 0, 65535);
    }

    public Path dataDir() {
        return Path.of(values.get(DATA_DIR)).toAbsolutePath();
    }

    /** Kafka Streams' state directory: the batch buffer's and the metrics' local stores. */
    public Path stateDir() {
        return dataDir().resolve("state");
    }

    /** The embedded broker's data, when no bootstrap servers are configured. */
    public Path brokerDir() {
        return dataDir().resolve("broker");
    }

    public long dataMinFreeBytes() {
        return longValue(DATA_MIN_FREE_BYTES, 0, Long.MAX_VALUE);
    }

    public String applicationId() {
        return nonEmpty(APPLICATION_ID);
    }

    /**
     * This instance's {@code group.instance.id} (Kafka static membership): the {@code instance.id} setting, or else
     * {@code <host name>-<8 hex digits of a hash of data.dir>}. It stays the same across restarts of one instance,
     * so a restarted instance replaces its killed predecessor in the group at once, and differs between instances
     * on one host, which need different data folders anyway (a state folder serves one instance at a time).
     */
    public String instanceId() {
        return explicitInstanceId().orElseGet(() -> derivedInstanceId(hostName(), dataDir()));
    }

    private Optional<String> explicitInstanceId() {
        String v = values.get(INSTANCE_ID).trim();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        // Kafka's own rule for group.instance.id; Kafka Streams appends "-<thread>" to it.
        if (v.length() > MAX_INSTANCE_ID || !v.chars().allMatch(HiertagConfig::instanceIdChar)) {
            throw new ConfigException(INSTANCE_ID, v, "use 1 to " + MAX_INSTANCE_ID
                    + " letters, digits, '.', '_' or '-'");
        }
        return Optional.of(v);
    }

    static String derivedInstanceId(String hostName, Path dataDir) {
        StringBuilder host = new StringBuilder();
        hostName.chars().limit(MAX_INSTANCE_ID - 9).forEach(c -> host.append(instanceIdChar(c) ? (char) c : '_'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return (host.length() == 0 ? "host" : host) + "-" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static boolean instanceIdChar(int c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
    }

    /** The machine's name as the OS reports it (no reverse lookup); the HOSTNAME variable if it does not resolve. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env.trim();
        }
    }

    public String topicPrefix() {
        return values.get(TOPIC_PREFIX);
    }

    public int topicPartitions() {
        return intValue(TOPIC_PARTITIONS, 1, 10_000);
    }

    /** Empty: the broker decides (its {@code default.replication.factor}), as Kafka's own clients default to. */
    public Optional<Short> topicReplicationFactor() {
        return values.get(TOPIC_REPLICATION_FACTOR).isBlank() ? Optional.empty()
                : Optional.of((short) intValue(TOPIC_REPLICATION_FACTOR, 1, Short.MAX_VALUE));
    }

    public Optional<Path> modelDir() {
        String v = values.get(MODEL_DIR).trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(Path.of(v).toAbsolutePath());
    }

    /** Where the bundled test model lives when no model folder is configured. */
    public Path testModelDir() {
        return dataDir().resolve("test-model");
    }

    public ModelDevice device() {
        return choice(DEVICE, ModelDevice.class);
    }

    public int batchSize() {
        return intValue(BATCH_SIZE, 1, 4096);
    }

    public Duration batchMaxDelay() {
        return duration(BATCH_MAX_DELAY);
    }

    public String processingGuarantee() {
        String v = values.get(PROCESSING_GUARANTEE).trim();
        if (!v.equals("exactly_once_v2") && !v.equals("at_least_once")) {
            throw new ConfigException(PROCESSING_GUARANTEE, v, "use exactly_once_v2 or at_least_once");
        }
        return v;
    }

    /** Whether the batch buffer is changelogged (the default) or in memory only. */
    public boolean persistentBatchBuffer() {
        String v = values.get(BATCH_BUFFER).trim();
        if (!v.equals("persistent") && !v.equals("memory")) {
            throw new ConfigException(BATCH_BUFFER, v, "use persistent or memory");
        }
        return v.equals("persistent");
    }

    public int streamThreads() {
        return intValue(STREAM_THREADS, 1, 64);
    }

    public long inputMaxBytes() {
        return longValue(INPUT_MAX_BYTES, 1, 512L * 1024 * 1024);
    }

    public long inputMaxPixels() {
        return longValue(INPUT_MAX_PIXELS, 1, Long.MAX_VALUE);
    }

    /**
     * The largest record the application writes or accepts: a dead letter carrying the largest accepted input,
     * plus room for its other fields. Topics, producers and the embedded broker are sized to it.
     */
    public long maxRecordBytes() {
        return inputMaxBytes() + 1024 * 1024;
    }

    public Set<ImageFormat> inputFormats() {
        Set<ImageFormat> out = EnumSet.noneOf(ImageFormat.class);
        for (String f : list(INPUT_FORMATS)) {
            ImageFormat format = Arrays.stream(ImageFormat.values())
                    .filter(x -> x.settingName().equals(f.toLowerCase(Locale.ROOT))).findFirst().orElse(null);
            if (format == null || !format.decodable()) {
                throw new ConfigException(INPUT_FORMATS, values.get(INPUT_FORMATS), "'" + f + "' is not one of "
                        + ImageFormat.settingNames(ImageFormat.DECODABLE)
                        + (format == null ? "" : " (" + format.displayName() + " cannot be decoded)"));
            }
            out.add(format);
        }
        if (out.isEmpty()) {
            throw new ConfigException(INPUT_FORMATS, values.get(INPUT_FORMATS), "allow at least one format");
        }
        return out;
    }

    public List<Path> inputUriAllowedDirs() {
        return list(INPUT_URI_ALLOWED_DIRS).stream().map(d -> Path.of(d).toAbsolutePath()).toList();
    }

    /** The entries as written; parsed here only to refuse a bad one at start ({@link HostAllowList}). */
    public Set<String> inputUriAllowedHosts() {
        Set<String> hosts = new TreeSet<>(list(INPUT_URI_ALLOWED_HOSTS));
        try {
            HostAllowList.parse(hosts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(INPUT_URI_ALLOWED_HOSTS, values.get(INPUT_URI_ALLOWED_HOSTS), e.getMessage());
        }
        return hosts;
    }

    public Duration inputUriTimeout() {
        return duration(INPUT_URI_TIMEOUT);
    }

    /** Whether a value that is an image file, not an ImageEvent, is tagged (with its key and headers). */
    public boolean inputRawImages() {
        return bool(INPUT_RAW_IMAGES);
    }

    public OutputFormat outputFormat() {
        return choice(OUTPUT_FORMAT, OutputFormat.class);
    }

    private List<String> list(String key) {
        return Arrays.stream(values.get(key).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /**
     * The label sets to load, by name, in order: an empty path means the built-in ImageNet-1k set, otherwise the
     * custom set's TSV file.
     */
    public Map<String, Optional<Path>> labelSets() {
        Map<String, Optional<Path>> out = new LinkedHashMap<>();
        for (String entry : values.get(LABEL_SETS).split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq).trim();
            if (eq < 0 && !name.equals(IMAGENET_1K)) {
                throw new ConfigException(LABEL_SETS, values.get(LABEL_SETS), "'" + e + "' is neither "
                        + IMAGENET_1K + " nor name=path/to/labels.tsv");
            }
            if (name.isEmpty() || out.put(name, eq < 0 ? Optional.empty()
                    : Optional.of(Path.of(e.substring(eq + 1).trim()).toAbsolutePath())) != null) {
                throw new ConfigException(LABEL_SETS, values.get(LABEL_SETS), "empty or repeated name in '" + e + "'");
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(LABEL_SETS, values.get(LABEL_SETS), "load at least one label set");
        }
        return out;
    }

    public ConsistencyRule consistencyRule() {
        String t = values.get(CONSISTENCY_THRESHOLD).trim();
        double threshold = Double.NaN;
        if (!t.isEmpty()) {
            try {
                threshold = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                threshold = -1;
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new ConfigException(CONSISTENCY_THRESHOLD, t, "expected empty or a number from 0 to 1");
            }
        }
        return new ConsistencyRule(bool(CONSISTENCY_FLIP), threshold);
    }

    public boolean batchPipeline() {
        return bool(BATCH_PIPELINE);
    }

    public boolean imageFastDecode() {
        return bool(IMAGE_FAST_DECODE);
    }

    public boolean rescoringEnsemble() {
        return bool(RESCORING_ENSEMBLE);
    }

    public HierarchyPrompts.Options hierarchyOptions() {
        return new HierarchyPrompts.Options(
                choice(HIERARCHY_PROMPT_STYLE, HierarchyPrompts.PromptStyle.class),
                choice(HIERARCHY_PARENT_TEXT, HierarchyPrompts.ParentText.class),
                intValue(HIERARCHY_MAX_CHILDREN, 0, 1000));
    }

    public Path cacheDir() {
        String v = values.get(CACHE_DIR).trim();
        return v.isEmpty() ? dataDir().resolve("cache") : Path.of(v).toAbsolutePath();
    }

    /** Length of a metrics window. */
    public Duration metricsWindow() {
        return duration(METRICS_WINDOW);
    }

    /** How long after its end a metrics window still accepts late records; its result is published after. */
    public Duration metricsGrace() {
        return duration(METRICS_GRACE);
    }

    /** The port of the metrics and health server, or empty for none. */
    public OptionalInt metricsPort() {
        return values.get(METRICS_PORT).isBlank() ? OptionalInt.empty()
                : OptionalInt.of(intValue(METRICS_PORT, 0, 65535));
    }

    /** Client settings given under {@code kafka.}, with the prefix removed. */
    public Map<String, String> kafkaOverrides() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                out.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        return out;
    }

    /** A copy with one more layer of overrides on top. */
    public HiertagConfig with(Map<String, String> overrides) {
        Builder b = new Builder();
        b.values.putAll(values);
        overrides.forEach(b::set);
        return b.build();
    }

    /**
     * Every setting, resolved, for a start-up log line, with the secrets among the {@code kafka.} settings masked.
     *
     * @param secret whether a Kafka client setting (without {@code kafka.}) holds a secret by Kafka's definition;
     *     a name that says password, secret or jaas is masked as well, for a plugin's settings Kafka does not define
     */
    public Map<String, String> describe(Predicate<String> secret) {
        Map<String, String> out = new TreeMap<>(values);
        out.replaceAll((k, v) -> k.startsWith(KAFKA_PREFIX)
                && (secret.test(k.substring(KAFKA_PREFIX.length())) || looksSecret(k)) ? "****" : v);
        return out;
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas");
    }

    private String nonEmpty(String key) {
        String v = values.get(key).trim();
        if (v.isEmpty()) {
            throw new ConfigException(key, v, "must not be empty");
        }
        return v;
    }

    private boolean bool(String key) {
        String v = values.get(key).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException(key, v, "expected true or false");
        }
        return v.equals("true");
    }

    /** An enum constant written in lower case with dashes, e.g. first-lemma for FIRST_LEMMA. */
    private <E extends Enum<E>> E choice(String key, Class<E> type) {
        String v = values.get(key).trim();
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(v)) {
                return e;
            }
        }
        throw new ConfigException(key, v, "expected one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }

    private int intValue(String key, int min, int max) {
        return (int) longValue(key, min, max);
    }

    private long longValue(String key, long min, long max) {
        String v = values.get(key).trim();
        long n;
        try {
            n = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected a whole number");
        }
        if (n < min || n > max) {
            throw new ConfigException(key, v, "expected a number from " + min + " to " + max);
        }
        return n;
    }

    private Duration duration(String key) {
        return parseDuration(key, values.get(key));
    }

    /** Parses {@code 250ms}, {@code 1.5s}, {@code 2m} or plain milliseconds; {@code key} names it in errors. */
    public static Duration parseDuration(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            } else if (v.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000));
            } else if (v.endsWith("m")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()) * 60);
            } else {
                d = Duration.ofMillis(Long.parseLong(v));
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "expected a duration such as 250ms, 2s or 1m");
        }
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, value, "must be positive");
        }
        return d;
    }

    /** Collects the layers; unknown keys (other than kafka.*) are refused so a typo never goes unnoticed. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder() {
            KNOWN.forEach((k, d) -> values.put(k, d[0]));
        }

        public Builder set(String key, String value) {
            String k = key.trim();
            if (!KNOWN.containsKey(k) && !(k.startsWith(KAFKA_PREFIX) && k.length() > KAFKA_PREFIX.length())) {
                throw new ConfigException(k, value, "unknown setting; known: " + String.join(", ", KNOWN.keySet())
                        + ", or kafka.<client setting>");
            }
            values.put(k, value == null ? "" : value.trim());
            return this;
        }

        public Builder file(Path file) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("--config", file.toString(), "cannot read: " + e.getMessage());
            }
            p.stringPropertyNames().stream().sorted().forEach(k -> set(k, p.getProperty(k)));
            return this;
        }

        /** Every setting among {@code env}'s variables ({@link #environmentSettings}). */
        public Builder environment(Map<String, String> env) {
            environmentSettings(env).forEach((name, key) -> set(key, env.get(name)));
            return this;
        }

        public HiertagConfig build() {
            HiertagConfig c = new HiertagConfig(values);
            // Parse every typed value once so a bad setting fails at start, not deep inside a processor.
            c.embeddedPort();
            c.applicationId();
            c.explicitInstanceId();
            c.topicPartitions();
            c.topicReplicationFactor();
            c.batchSize();
            c.device();
            c.batchMaxDelay();
            c.processingGuarantee();
            c.streamThreads();
            c.persistentBatchBuffer();
            c.inputMaxBytes();
            c.inputMaxPixels();
            c.labelSets();
            c.inputFormats();
            c.imageFastDecode();
            c.batchPipeline();
            c.inputUriAllowedHosts();
            c.inputUriTimeout();
            c.inputRawImages();
            c.outputFormat();
            c.consistencyRule();
            c.rescoringEnsemble();
            c.hierarchyOptions();
            c.metricsWindow();
            c.metricsGrace();
            c.metricsPort();
            return c;
        }
    }

    /**
     * The {@code HIERTAG_*} variables of {@code env} that are settings, by variable name in order, with the key
     * each sets: {@code HIERTAG_BATCH_SIZE} sets {@code batch.size}, {@code HIERTAG_BATCH_MAX_DELAY} sets
     * {@code batch.max-delay} (dots and dashes both become underscores), {@code HIERTAG_KAFKA_SASL_MECHANISM} sets
     * {@code kafka.sasl.mechanism}. {@link #LAUNCHER_VARIABLES} are left out.
     *
     * @throws ConfigException for any other {@code HIERTAG_*} variable, so a misspelt one is never ignored
     */
    public static Map<String, String> environmentSettings(Map<String, String> env) {
        Map<String, String> byEnvName = new TreeMap<>();
        KNOWN.keySet().forEach(k -> byEnvName.put(envName(k), k));
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("HIERTAG_") || LAUNCHER_VARIABLES.contains(name)) {
                continue;
            }
            String key = byEnvName.get(name);
            if (key == null && name.startsWith("HIERTAG_KAFKA_")) {
                key = KAFKA_PREFIX + name.substring("HIERTAG_KAFKA_".length()).toLowerCase(Locale.ROOT)
                        .replace('_', '.');
            }
            if (key == null) {
                throw new ConfigException(name, e.getValue(), "unknown environment setting; settings are "
                        + "HIERTAG_ + a key in upper case with . and - as _ (HIERTAG_BATCH_SIZE), and "
                        + String.join(", ", LAUNCHER_VARIABLES) + " is read by bin/hiertag");
            }
            out.put(name, key);
        }
        return out;
    }

    static String envName(String key) {
        return "HIERTAG_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
