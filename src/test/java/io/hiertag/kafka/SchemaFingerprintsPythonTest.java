package io.hiertag.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canonical form whose fingerprint the unknown-fingerprint message recognises as the logical-types mistake is
 * exactly the one Debian's python3-avro 1.11.1 writes, for every schema and released older version we have.
 */
class SchemaFingerprintsPythonTest {

    @Test
    void theFormKeepingLogicalTypesIsPythonAvrosCanonicalForm(@TempDir Path dir) throws Exception {
        ExternalTool.requirePython(dir, "avro.schema");
        List<Path> files = new ArrayList<>();
        for (Path folder : List.of(Path.of("schemas"), Path.of("schemas", "history"))) {
            try (Stream<Path> list = Files.list(folder)) {
                list.filter(p -> p.toString().endsWith(".avsc")).sorted().forEach(files::add);
            }
        }
        List<String> command = new ArrayList<>(List.of(ExternalTool.PYTHON.toString(), "-c",
                "import sys, avro.schema\n"
                        + "for f in sys.argv[1:]:\n"
                        + "    print(avro.schema.parse(open(f).read()).canonical_form)\n"));
        files.forEach(f -> command.add(f.toAbsolutePath().toString()));
        ExternalTool.Result python = ExternalTool.run(command, Duration.ofSeconds(60), dir);
        assertEquals(0, python.exitCode(), python.output());
        List<String> lines = python.output().lines().toList();
        assertEquals(files.size(), lines.size(), python.output());
        int differing = 0;
        for (int i = 0; i < files.size(); i++) {
            Schema schema = new Schema.Parser().parse(files.get(i).toFile());
            assertEquals(lines.get(i), SchemaFingerprints.formKeepingLogicalTypes(schema), files.get(i).toString());
            if (files.get(i).getParent().equals(Path.of("schemas"))) {
                // The serdes hold the generated class's schema, which has attributes of its own (avro.java.string).
                Schema generated = (Schema) Class.forName(schema.getFullName()).getMethod("getClassSchema")
                        .invoke(null);
                assertEquals(lines.get(i), SchemaFingerprints.formKeepingLogicalTypes(generated), files.get(i) + " class");
            }
            if (!lines.get(i).equals(SchemaNormalization.toParsingForm(schema))) {
                differing++;
                assertNotEquals(SchemaNormalization.parsingFingerprint64(schema),
                        SchemaFingerprints.fingerprintKeepingLogicalTypes(schema));
            }
        }
        // The schemas with a timestamp-millis field are the ones python3-avro gets wrong.
        assertTrue(differing >= 4, differing + " of " + files.size() + " schemas differ from the Parsing Canonical Form");
    }
}
