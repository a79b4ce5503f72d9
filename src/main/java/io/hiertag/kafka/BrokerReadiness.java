package io.hiertag.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.InterruptException;

/** Waits until a Kafka cluster answers, for embedded and external brokers alike. */
public final class BrokerReadiness {

    private static final int REQUEST_TIMEOUT_MS = 2_000;
    private static final long POLL_PAUSE_MS = 100;

    private BrokerReadiness() {
    }

    /**
      * Returns once {@code describeCluster} on {@code bootstrapServers} lists at least one broker. An open port
      * is not enough: a broker accepts connections before it can serve requests.
      *
      * @throws IllegalStateException if no broker answered within {@code timeout}
      */
    public static void awaitBroker(String bootstrapServers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastError = null;
        try (Admin admin = TopicAdmin.admin(bootstrapServers, Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500))) {
            while (System.nanoTime() < deadline) {
                try {
                    int callTimeoutMs = (int) Math.max(1, Math.min(REQUEST_TIMEOUT_MS,
                            TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(callTimeoutMs))
                            .nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    lastError = e;
                }
                Thread.sleep(POLL_PAUSE_MS);
            }
        } catch (InterruptedException e) {
            throw new InterruptException(e); // re-sets the interrupt flag
        }
        throw new IllegalStateException("No Kafka broker answered at " + bootstrapServers + " within "
                + timeout.toMillis() + " ms" + (lastError == null ? "" : " (last error: " + lastError.getCause() + ")")
                + "; check that it is running and that this address is the one it advertises");
    }
}
