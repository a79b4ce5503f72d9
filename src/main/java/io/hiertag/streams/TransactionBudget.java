package io.hiertag.streams;

import io.hiertag.config.ConfigException;
import java.time.Duration;

/**
 * Checks at start that a transaction can always commit in time. Under exactly-once every record handed to the
 * first pass within one poll may trigger a batch before the next commit, so the worst time between commits is
 * about (records per poll / batch size + 1) model calls. If that could exceed the producer's transaction timeout,
 * the broker would abort transactions under load; better to refuse to start and say what to change.
 */
record TransactionBudget(int recordsPerPoll, int batchSize, Duration batchTime, Duration maxDelay,
        Duration transactionTimeout) {

    /** Safety factor over the measured batch time: later batches can be slower than the warm-up (GC, load). */
    static final int MARGIN = 3;

    Duration worstCase() {
        long batches = (recordsPerPoll + batchSize - 1) / batchSize + 1;
        return batchTime.multipliedBy(batches * MARGIN).plus(maxDelay);
    }

    void check() {
        if (worstCase().compareTo(transactionTimeout) >= 0) {
            throw new ConfigException("kafka.producer.transaction.timeout.ms",
                    Long.toString(transactionTimeout.toMillis()), "a transaction may need up to "
                            + worstCase().toMillis() + " ms (" + recordsPerPoll + " records per poll in batches of "
                            + batchSize + " at " + batchTime.toMillis() + " ms each, times " + MARGIN
                            + "); raise it, or lower batch.size or kafka.main.consumer.max.poll.records");
        }
    }
}
