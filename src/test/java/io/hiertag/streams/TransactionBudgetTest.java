package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.ConfigException;
import io.hiertag.config.HiertagConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransactionBudgetTest {

    private static final Duration MODEL = Duration.ofMillis(100);
    private static final Duration DELAY = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void worstCaseIsEveryBatchOfOnePollPlusOneTimesTheMarginPlusTheDelay() {
        TransactionBudget b = new TransactionBudget(128, 32, MODEL, Duration.ZERO, DELAY, TIMEOUT);
        assertEquals(Duration.ofMillis(5 * 100 * TransactionBudget.MARGIN + 200), b.worstCase());
        assertDoesNotThrow(b::check);
    }

    @Test
    void aModelTooSlowForTheTransactionTimeoutIsRefusedAtStartWithWhatToChange() {
        TransactionBudget b = new TransactionBudget(128, 32, Duration.ofSeconds(5), Duration.ZERO, DELAY, TIMEOUT);
        ConfigException e = assertThrows(ConfigException.class, b::check);
        assertTrue(e.getMessage().contains("kafka.producer.transaction.timeout.ms"), e.getMessage());
        assertTrue(e.getMessage().contains("batch.size"), e.getMessage());
        assertFalse(e.getMessage().contains("input.uri.timeout"), "web inputs are off: " + e.getMessage());
    }

    @Test
    void everyBatchOfAPollMayWaitOneFetchDeadlineOnceWhateverItsNumberOfUris() {
        TransactionBudget b = new TransactionBudget(128, 32, MODEL, Duration.ofSeconds(10), DELAY, TIMEOUT);
        assertEquals(Duration.ofMillis(5 * (100 * TransactionBudget.MARGIN + 10_000) + 200), b.worstCase());
        assertDoesNotThrow(b::check);
    }

    @Test
    void slowHostsThatCouldOutlastTheTransactionAreRefusedAtStartWithWhatToChange() {
        TransactionBudget fine = new TransactionBudget(128, 32, MODEL, Duration.ZERO, DELAY, TIMEOUT);
        assertDoesNotThrow(fine::check);
        TransactionBudget b = new TransactionBudget(128, 32, MODEL, Duration.ofSeconds(12), DELAY, TIMEOUT);
        ConfigException e = assertThrows(ConfigException.class, b::check);
        assertEquals("setting kafka.producer.transaction.timeout.ms='60000': a transaction may need up to 61700 ms "
                + "(128 records per poll in batches of 32 at 100 ms each, times 3, plus up to 12000 ms of web fetches "
                + "per batch); raise it, or lower input.uri.timeout, batch.size or "
                + "kafka.main.consumer.max.poll.records", e.getMessage());
    }

    @Test
    void onlyWebInputsAddTheirDeadlineToTheBudget() {
        HiertagConfig.Builder base = HiertagConfig.builder().set(HiertagConfig.INPUT_URI_TIMEOUT, "7s");
        assertEquals(Duration.ZERO, TransactionBudget.fetchTime(base.build()));
        assertEquals(Duration.ZERO, TransactionBudget.fetchTime(
                base.set(HiertagConfig.INPUT_URI_ALLOWED_DIRS, "/tmp").build()), "file reads have no deadline");
        assertEquals(Duration.ofSeconds(7), TransactionBudget.fetchTime(
                base.set(HiertagConfig.INPUT_URI_ALLOWED_HOSTS, "images.example.com").build()));
    }

    @Test
    void theBudgetReadsTheSettingsKafkaStreamsWillUse() {
        HiertagConfig config = HiertagConfig.builder()
                .set(HiertagConfig.BATCH_SIZE, "8")
                .set(HiertagConfig.INPUT_URI_ALLOWED_HOSTS, "127.0.0.1:8080")
                .set(HiertagConfig.INPUT_URI_TIMEOUT, "2s")
                .set("kafka.producer.transaction.timeout.ms", "30000")
                .build();
        TransactionBudget b = TransactionBudget.of(config, StreamsSettings.of(config, "127.0.0.1:9092", "m"), MODEL);
        assertEquals(new TransactionBudget(StreamsSettings.RECORDS_PER_POLL_BATCHES * 8, 8, MODEL,
                Duration.ofSeconds(2), config.batchMaxDelay(), Duration.ofSeconds(30)), b);
    }
}
