package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
     * @param deployment where settings come from besides the command line (the file, the variables); empty for a
     *     try-out
     * @param embedded {@code --embedded} was given
     * @param testModel {@code --test-model} was given
     * @throws UserInputException naming every missing key and the flag that would choose its default
     */
    static void check(HiertagConfig config, List<String> deployment, boolean embedded, boolean testModel) {
        Optional<String> bootstrap = config.bootstrapServers();
        if (embedded && bootstrap.isPresent()) {
            throw new UserInputException("--embedded contradicts bootstrap.servers=" + bootstrap.get()
                    + "; give one or the other");
        }
        if (testModel && config.modelDir().isPresent()) {
            throw new UserInputException("--test-model contradicts model.dir=" + config.modelDir().get()
                    + "; give one or the other");
        }
        String because = deployment.isEmpty() ? "" : "settings come from " + String.join(", ", deployment);
        List<String> missing = new ArrayList<>();
        if (bootstrap.isEmpty() && !embedded && !deployment.isEmpty()) {
            missing.add("bootstrap.servers is not set, though " + because + ": name the cluster (--bootstrap, "
                    + "bootstrap.servers or HIERTAG_BOOTSTRAP_SERVERS) or add --embedded to run on an in-JVM broker");
        }
        if (config.modelDir().isEmpty() && !testModel && (!deployment.isEmpty() || bootstrap.isPresent())) {
            missing.add("model.dir is not set, though " + (because.isEmpty() ? "Kafka is the cluster at "
                    + bootstrap.get() : because) + ": name a model folder (model.dir or HIERTAG_MODEL_DIR) or add "
                    + "--test-model to tag with the bundled test model, whose tags mean nothing");
        }
        if (!missing.isEmpty()) {
            throw new UserInputException(String.join("; ", missing));
        }
    }

    /** The one line that says the in-JVM broker, not a cluster, is in use. */
    static void warnEmbeddedBroker(String bootstrapServers) {
        LOG.warn("Kafka is an in-JVM broker at {}, not a cluster: nothing is replicated and it stops with this "
                + "process; set bootstrap.servers to use a cluster", bootstrapServers);
    }
}
