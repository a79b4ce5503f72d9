package io.hiertag.streams;

import io.hiertag.config.ConfigException;
import io.hiertag.config.HiertagConfig;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks at start that a transaction can always commit in time. Under exactly-once every record handed to the
 * first pass within one poll may trigger a batch before the next commit, so the worst time between commits is
 * about (records per poll / batch size + 1) batches, each a model call and, with web inputs on, up to one
 * {@code input.uri.timeout} of fetching (a batch's fetches all run at once, under one deadline). If that could
 * exceed the producer's transaction timeout, the broker would abort transactions under load or behind slow hosts,
 * fencing the instance; better to refuse to start and say what to change.
 *
 * @param fetchTime the longest a batch may wait for its web fetches; zero when web inputs are off
 */
record TransactionBudget(int recordsPerPoll, int batchSize, Duration batchTime, Duration fetchTime,
        Duration maxDelay, Duration transactionTimeout) {

    /** Safety factor over the measured batch time: later batches can be slower than the warm-up (GC, load). */
    static final int MARGIN = 3;

    /** The budget of the configured instance, whose image tower took {@code batchTime} for a full batch. */
    static TransactionBudget of(HiertagConfig config, Properties streamsProps, Duration batchTime) {
        return new TransactionBudget(
                StreamsSettings.intSetting(streamsProps,
                        StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)),
                config.batchSize(), batchTime, fetchTime(config), config.batchMaxDelay(),
                Duration.ofMillis(StreamsSettings.intSetting(streamsProps,
                        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))));
    }

    /**
     * Only web fetches wait: they are bounded by their deadline, which is what the budget holds. File inputs are
     * local reads with no deadline of their own, as inline images are, so they add nothing here.
     */
    static Duration fetchTime(HiertagConfig config) {
        return config.inputUriAllowedHosts().isEmpty() ? Duration.ZERO : config.inputUriTimeout();
    }

    long batchesPerPoll() {
        return (recordsPerPoll + batchSize - 1) / batchSize + 1;
    }

    Duration worstCase() {
        return batchTime.multipliedBy(MARGIN).plus(fetchTime).multipliedBy(batchesPerPoll()).plus(maxDelay);
    }

    void check() {
        if (worstCase().compareTo(transactionTimeout) >= 0) {
            boolean fetching = !fetchTime.isZero();
            throw new ConfigException("kafka.producer.transaction.timeout.ms",
                    Long.toString(transactionTimeout.toMillis()), "a transaction may need up to "
                            + worstCase().toMillis() + " ms (" + recordsPerPoll + " records per poll in batches of "
                            + batchSize + " at " + batchTime.toMillis() + " ms each, times " + MARGIN
                            + (fetching ? ", plus up to " + fetchTime.toMillis() + " ms of web fetches per batch"
                                    : "")
                            + "); raise it, or lower " + (fetching ? "input.uri.timeout, " : "")
                            + "batch.size or kafka.main.consumer.max.poll.records");
        }
    }
}
