package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransactionBudgetTest {

    @Test
    void worstCaseIsEveryBatchOfOnePollPlusOneTimesTheMarginPlusTheDelay() {
        TransactionBudget b = new TransactionBudget(128, 32, Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofSeconds(60));
        assertEquals(Duration.ofMillis(5 * 100 * TransactionBudget.MARGIN + 200), b.worstCase());
        assertDoesNotThrow(b::check);
    }

    @Test
    void aModelTooSlowForTheTransactionTimeoutIsRefusedAtStartWithWhatToChange() {
        TransactionBudget b = new TransactionBudget(128, 32, Duration.ofSeconds(5), Duration.ofMillis(200),
                Duration.ofSeconds(60));
        ConfigException e = assertThrows(ConfigException.class, b::check);
        assertTrue(e.getMessage().contains("kafka.producer.transaction.timeout.ms"), e.getMessage());
        assertTrue(e.getMessage().contains("batch.size"), e.getMessage());
    }
}
