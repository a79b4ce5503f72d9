package io.hiertag.streams;

import io.hiertag.avro.PendingImage;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The {@code hiertag-source} header on every output record: {@code topic/partition/offset} of the input it came
 * from. Readers can trace a tag to its input, and a record that fails to be written still names its input in
 * its dead letter, even when it was emitted by a wall-clock flush that has no input record of its own.
 */
final class SourceHeader {

    static final String NAME = "hiertag-source";

    /** Where an input record came from. */
    record Source(String topic, int partition, long offset) {
    }

    private SourceHeader() {
    }

    static Headers of(PendingImage source) {
        String value = source.getTopic() + "/" + source.getPartition() + "/" + source.getOffset();
        return new RecordHeaders().add(NAME, value.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<Source> read(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(NAME);
        if (h == null) {
            return Optional.empty();
        }
        String v = new String(h.value(), StandardCharsets.UTF_8);
        int b = v.lastIndexOf('/');
        int a = v.lastIndexOf('/', b - 1);
        try {
            return Optional.of(new Source(v.substring(0, a), Integer.parseInt(v.substring(a + 1, b)),
                    Long.parseLong(v.substring(b + 1))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
