package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-JVM broker and the bundled test model are defaults for trying hiertag out, never for a deployment, where
 * a forgotten {@code bootstrap.servers} would cut the tagger off from its cluster and a forgotten {@code model.dir}
 * would tag with weights that mean nothing. So {@code run} takes them unasked only when nothing names a
 * deployment: settings from a file or from {@code HIERTAG_*} variables, or (for the model) a cluster. Otherwise
 * the missing key is refused unless chosen on the command line with {@code --embedded} or {@code --test-model}.
 */
final class TryOutDefaults {

    private static final Logger LOG = LoggerFactory.getLogger(TryOutDefaults.class);

    private TryOutDefaults() {
    }

    /**
     * For {@code run}: the cluster and the model.
     *
     * @param deployment where settings come from besides the command line (the file, the variables); empty for a
     *     try-out
     * @param embedded {@code --embedded} was given
     * @param testModel {@code --test-model} was given
     * @throws UserInputException naming every missing key and the flag that would choose its default
     */
    static void check(HiertagConfig config, List<String> deployment, boolean embedded, boolean testModel) {
        refuse(Stream.of(brokerProblem(config, deployment, embedded), modelProblem(config, deployment, testModel)));
    }

    /** For commands that need no model ({@code reset}): the cluster only. */
    static void checkBroker(HiertagConfig config, List<String> deployment, boolean embedded) {
        refuse(Stream.of(brokerProblem(config, deployment, embedded)));
    }

    private static void refuse(Stream<Optional<String>> problems) {
        List<String> found = problems.flatMap(Optional::stream).toList();
        if (!found.isEmpty()) {
            throw new UserInputException(String.join("; ", found));
        }
    }

    private static Optional<String> brokerProblem(HiertagConfig config, List<String> deployment, boolean embedded) {
        Optional<String> bootstrap = config.bootstrapServers();
        if (embedded && bootstrap.isPresent()) {
            throw new UserInputException("--embedded contradicts bootstrap.servers=" + bootstrap.get()
                    + "; give one or the other");
        }
        return bootstrap.isEmpty() && !embedded && !deployment.isEmpty()
                ? Optional.of("bootstrap.servers is not set, though " + because(deployment) + ": name the cluster "
                        + "(--bootstrap, bootstrap.servers or HIERTAG_BOOTSTRAP_SERVERS) or add --embedded to run on "
                        + "an in-JVM broker")
                : Optional.empty();
    }

    private static Optional<String> modelProblem(HiertagConfig config, List<String> deployment, boolean testModel) {
        if (testModel && config.modelDir().isPresent()) {
            throw new UserInputException("--test-model contradicts model.dir=" + config.modelDir().get()
                    + "; give one or the other");
        }
        Optional<String> bootstrap = config.bootstrapServers();
        return config.modelDir().isEmpty() && !testModel && (!deployment.isEmpty() || bootstrap.isPresent())
                ? Optional.of("model.dir is not set, though " + (deployment.isEmpty() ? "Kafka is the cluster at "
                        + bootstrap.get() : because(deployment)) + ": name a model folder (model.dir or "
                        + "HIERTAG_MODEL_DIR) or add --test-model to tag with the bundled test model, whose tags mean "
                        + "nothing")
                : Optional.empty();
    }

    private static String because(List<String> deployment) {
        return "settings come from " + String.join(", ", deployment);
    }

    /** The one line that says the in-JVM broker, not a cluster, is in use. */
    static void warnEmbeddedBroker(String bootstrapServers) {
        LOG.warn("Kafka is an in-JVM broker at {}, not a cluster: nothing is replicated and it stops with this "
                + "process; set bootstrap.servers to use a cluster", bootstrapServers);
    }
}
