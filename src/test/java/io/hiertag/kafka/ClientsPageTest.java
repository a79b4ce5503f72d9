package io.hiertag.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.avro.Candidate;
import io.hiertag.avro.Consistency;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.ImageEvent;
import io.hiertag.avro.Label;
import io.hiertag.avro.RescueMetrics;
import io.hiertag.avro.TagResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** What docs/clients.md states about the records (fingerprints, the JSON fields) is what the schemas have. */
class ClientsPageTest {

    private static final Pattern FIELD_ROW = Pattern.compile("^\\| `(\\w+)` \\|", Pattern.MULTILINE);

    private final String page = read();

    @Test
    void theFingerprintTableGivesEverySchemasFingerprintInWireOrder() {
        for (Schema current : List.of(ImageEvent.getClassSchema(), TagResult.getClassSchema(),
                DeadLetter.getClassSchema(), RescueMetrics.getClassSchema())) {
            String row = page.lines().filter(l -> l.startsWith("| `" + current.getName() + "` | `")).findFirst()
                    .orElseThrow(() -> new AssertionError("no fingerprint row for " + current.getName()));
            List<Schema> all = new ArrayList<>(List.of(current));
            all.addAll(AvroSerde.schemaHistory(current.getName()));
            for (Schema s : all) {
                String hex = SchemaFingerprints.wireHex(SchemaNormalization.parsingFingerprint64(s));
                assertTrue(row.contains("`" + hex + "`"), row + " lacks " + hex);
            }
        }
    }

    @Test
    void theJsonFieldTablesListEveryFieldOfTheirRecordInOrder() {
        for (Schema record : List.of(TagResult.getClassSchema(), Label.getClassSchema(),
                Consistency.getClassSchema(), Candidate.getClassSchema(), DeadLetter.getClassSchema(),
                RescueMetrics.getClassSchema())) {
            assertEquals(record.getFields().stream().map(Schema.Field::name).toList(), tableFields(record.getName()),
                    "the table under ### `" + record.getName() + "` in docs/clients.md");
        }
    }

    /** The first-column names of the table under the heading {@code ### `name`}. */
    private List<String> tableFields(String name) {
        int start = page.indexOf("\n### `" + name + "`");
        assertTrue(start >= 0, "no heading for " + name);
        int end = page.indexOf("\n#", start + 1);
        Matcher m = FIELD_ROW.matcher(page.substring(start, end < 0 ? page.length() : end));
        List<String> fields = new ArrayList<>();
        while (m.find()) {
            fields.add(m.group(1));
        }
        return fields;
    }

    private static String read() {
        try {
            return Files.readString(Path.of("docs", "clients.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
