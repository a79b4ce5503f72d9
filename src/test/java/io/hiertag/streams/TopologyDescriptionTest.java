package io.hiertag.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hiertag.config.HiertagConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The graph kept in topologies/ must match the code, so every change to it shows up in review. */
class TopologyDescriptionTest {

    static final Path FILE = Path.of("topologies", "tagging-topology.txt");

    @Test
    void theKeptDescriptionMatchesTheCode() throws Exception {
        String actual = TaggingTopology.describe(HiertagConfig.defaults());
        String kept = Files.exists(FILE) ? Files.readString(FILE) : "(missing)";
        assertEquals(kept, actual, "topology changed: review it, then run  bin/hiertag describe > " + FILE);
    }
}
