package io.hiertag.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelSetReaderTest {

    private static final String HEADER = "name\tsense\n";

    private final WordNetHierarchy wn = WordNetHierarchy.wordnet30();

    @TempDir
    Path dir;

    @Test
    void theHouseholdExampleLoadsWithAsManyEntriesAsTheDocsSay() throws URISyntaxException, IOException {
        Path file = Path.of(Objects.requireNonNull(
                getClass().getResource("/hiertag/labels/examples/household.tsv")).toURI());
        LabelSet set = LabelSetReader.read("household", file, wn);
        assertEquals("household", set.name());
        Matcher documented = Pattern.compile("with (\\d+) entries ships in the jar as "
                + "`hiertag/labels/examples/household\\.tsv`").matcher(Files.readString(Path.of("docs", "method.md")));
        assertTrue(documented.find(), "docs/method.md no longer says how many entries the example has");
        assertEquals(Integer.parseInt(documented.group(1)), set.size(), "the count in docs/method.md");
        assertEquals(new LabelClass(0, "n04256520", "sofa"), set.get(0));
        assertEquals("n02084071", set.find("dog").orElseThrow().wnid()); // dog#n#1
        assertEquals("n03761084", set.find("microwave oven").orElseThrow().wnid()); // microwave#n#2
        assertEquals(4, set.classes().stream().filter(c -> c.wnid() == null).count());

        HierarchyPrompts prompts = HierarchyPrompts.build(set, wn);
        int pot = set.find("Instant Pot").orElseThrow().index();
        assertEquals(List.of("Instant Pot"), prompts.group(pot));
        assertEquals("sofa which is a kind of seat", prompts.group(0).get(0));
    }

    @Test
    void readsSensesInEitherFormCommentsBlanksAndNoSense() throws IOException {
        Path file = write("\uFEFF# my tags\n" + HEADER + "\nsheepdog\tn02104523\n  # indented comment\n"
                + "balloon\tballoon#n#1\nrobot vacuum\nair fryer\t\n");
        LabelSet set = LabelSetReader.read("mine", file, wn);
        assertEquals(List.of(new LabelClass(0, "n02104523", "sheepdog"), new LabelClass(1, "n02782093", "balloon"),
                new LabelClass(2, null, "robot vacuum"), new LabelClass(3, null, "air fryer")), set.classes());
    }

    @Test
    void headerIsOptional() throws IOException {
        assertEquals(1, LabelSetReader.read("x", write("dog\tdog#n#1\n"), wn).size());
    }

    @Test
    void unknownWnid() throws IOException {
        assertRefused("cat\tn02121808\nghost\tn99999999\n",
                "line 3 \"ghost\\tn99999999\": no such WordNet 3.0 noun sense: n99999999");
    }

    @Test
    void senseNumberBeyondTheLemmasSenses() throws IOException {
        assertRefused("dog\tdog#n#9\n", "line 2 \"dog\\tdog#n#9\": no such WordNet 3.0 noun sense: dog#n#9");
    }

    @Test
    void verbSense() throws IOException {
        assertRefused("running\trun#v#1\n", "line 2 \"running\\trun#v#1\": not a noun sense: run#v#1");
    }

    @Test
    void malformedSense() throws IOException {
        assertRefused("dog\tdog\n", "line 2 \"dog\\tdog\": sense must be a wnid (n + 8 digits) or lemma#n#number");
    }

    @Test
    void emptyName() throws IOException {
        assertRefused("dog\tdog#n#1\n \tn02121808\n", "line 3 \" \\tn02121808\": empty name");
    }

    @Test
    void extraColumn() throws IOException {
        assertRefused("dog\tdog#n#1\tpets\n", "line 2 \"dog\\tdog#n#1\\tpets\": too many columns (3)");
    }

    @Test
    void duplicateNameIgnoringCase() throws IOException {
        assertRefused("dog\tdog#n#1\ncat\nDog\tn02084071\n",
                "line 4 \"Dog\\tn02084071\": duplicate name, already on line 2");
    }

    @Test
    void everyBadLineIsReportedAndNothingIsLoaded() throws IOException {
        Path file = write(HEADER + "dog\tdog#n#9\ncat\tn02121808\n\tn02121808\nrun\trun#v#1\n");
        LabelSetException e = assertThrows(LabelSetException.class, () -> LabelSetReader.read("x", file, wn));
        assertEquals(file + ": 3 bad lines, label set not loaded\n"
                + "  line 2 \"dog\\tdog#n#9\": no such WordNet 3.0 noun sense: dog#n#9\n"
                + "  line 4 \"\\tn02121808\": empty name\n"
                + "  line 5 \"run\\trun#v#1\": not a noun sense: run#v#1 (the hierarchy has nouns only)",
                e.getMessage());
    }

    @Test
    void emptyAndMissingFilesAreRefused() throws IOException {
        Path empty = write(HEADER + "# nothing yet\n");
        assertEquals(empty + ": no classes",
                assertThrows(LabelSetException.class, () -> LabelSetReader.read("x", empty, wn)).getMessage());
        Path missing = dir.resolve("missing.tsv");
        assertTrue(assertThrows(LabelSetException.class, () -> LabelSetReader.read("x", missing, wn))
                .getMessage().startsWith(missing + ": cannot read"));
    }

    private void assertRefused(String entries, String expectedLine) throws IOException {
        Path file = write(HEADER + entries);
        LabelSetException e = assertThrows(LabelSetException.class, () -> LabelSetReader.read("x", file, wn));
        assertTrue(e.getMessage().startsWith(file + ": 1 bad line, label set not loaded\n  " + expectedLine),
                e.getMessage());
    }

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("labels.tsv"), content, StandardCharsets.UTF_8);
    }
}
