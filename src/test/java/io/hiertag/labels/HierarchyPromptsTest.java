package io.hiertag.labels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hiertag.labels.HierarchyPrompts.Options;
import io.hiertag.labels.HierarchyPrompts.ParentText;
import io.hiertag.labels.HierarchyPrompts.PromptStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HierarchyPromptsTest {

    private static final String KIND_OF = " which is a kind of ";

    private static WordNetHierarchy wn;
    private static HierarchyPrompts imagenet;

    @BeforeAll
    static void build() {
        wn = WordNetHierarchy.wordnet30();
        imagenet = HierarchyPrompts.build(LabelSet.imagenet1k(), wn);
    }

    @Test
    void imagenetExpandsTo1969Strings() {
        // METHOD §6.5 counts 1,971 with the released mapping, where class 134 is the construction crane
        // (3 children: davit, derrick, transporter); the fixed crane bird has 1 child, whooping crane.
        assertEquals(1969, imagenet.strings().size());
        assertEquals(1969, imagenet.end(999));
        long withChildren = IntStream.range(0, 1000)
                .filter(c -> imagenet.group(c).size() > 1).count();
        assertEquals(350, withChildren);
    }

    @Test
    void groupsAreContiguousAndOwnersPointBack() {
        int[] owners = imagenet.owners();
        assertEquals(imagenet.strings().size(), owners.length);
        for (int c = 0; c < 1000; c++) {
            assertEquals(c == 0 ? 0 : imagenet.end(c - 1), imagenet.start(c));
            for (int i = imagenet.start(c); i < imagenet.end(c); i++) {
                assertEquals(c, owners[i]);
                assertEquals(c, imagenet.owner(i));
            }
            assertEquals(LabelSet.imagenet1k().get(c).name(), imagenet.group(c).get(0).split(KIND_OF)[0]);
        }
        owners[0] = 99; // a copy: the structure stays as built
        assertEquals(0, imagenet.owner(0));
    }

    @Test
    void methodExamples() {
        assertGroup(417, "lighter-than-air craft", "hot-air balloon", "meteorological balloon", "trial balloon");
        assertGroup(357, "musteline mammal, mustelid, musteline", "American mink");
        // 814's wnid is speedboat; its CLIP name is motorboat, and motorboat is also its parent.
        assertGroup(814, "motorboat, powerboat", "hydrofoil");
        assertGroup(231, "shepherd dog, sheepdog, sheep dog");
        assertGroup(101, "mammal, mammalian");
        assertGroup(134, "wading bird, wader", "whooping crane");
        // screw has 11 children; the cap keeps the first 10 in data-file order, dropping worm.
        // setscrew appears twice: two different synsets share that first lemma, and duplicates are kept.
        assertGroup(783, "fastener, fastening, holdfast, fixing", "Allen screw", "bolt", "cap screw", "machine screw",
                "metal screw", "Phillips screw", "setscrew", "setscrew", "thumbscrew", "woodscrew");
        assertEquals(11, wn.children(LabelSet.imagenet1k().get(783).wnid()).size());
    }

    private static void assertGroup(int classIndex, String parent, String... children) {
        String name = LabelSet.imagenet1k().get(classIndex).name();
        List<String> expected = new ArrayList<>();
        expected.add(name + KIND_OF + parent);
        for (String child : children) {
            expected.add(child + KIND_OF + parent);
        }
        assertEquals(expected, imagenet.group(classIndex));
        assertEquals(Optional.of(parent), imagenet.parentText(classIndex));
    }

    @Test
    void exactStringsInEachStyle() {
        assertEquals("balloon which is a kind of lighter-than-air craft", imagenet.group(417).get(0));
        assertEquals("hot-air balloon which is a kind of lighter-than-air craft", imagenet.group(417).get(1));

        HierarchyPrompts legacy = HierarchyPrompts.build(LabelSet.imagenet1k(), wn,
                new Options(PromptStyle.LEGACY, ParentText.SYNSET, 10));
        assertEquals("balloon which is a kind oflighter-than-air craft", legacy.group(417).get(0));
        assertEquals("collie which is a kind ofshepherd dog, sheepdog, sheep dog", legacy.group(231).get(0));

        HierarchyPrompts firstLemma = HierarchyPrompts.build(LabelSet.imagenet1k(), wn,
                new Options(PromptStyle.PAPER, ParentText.FIRST_LEMMA, 10));
        assertEquals("collie which is a kind of shepherd dog", firstLemma.group(231).get(0));
        assertEquals("American mink which is a kind of musteline mammal", firstLemma.group(357).get(1));
        assertEquals(Optional.of("mammal"), firstLemma.parentText(101));
    }

    @Test
    void childCapIsAnOption() {
        HierarchyPrompts none = HierarchyPrompts.build(LabelSet.imagenet1k(), wn,
                new Options(PromptStyle.PAPER, ParentText.SYNSET, 0));
        assertEquals(1000, none.strings().size());
        HierarchyPrompts two = HierarchyPrompts.build(LabelSet.imagenet1k(), wn,
                new Options(PromptStyle.PAPER, ParentText.SYNSET, 2));
        assertEquals(List.of("screw", "Allen screw", "bolt"),
                two.group(783).stream().map(s -> s.split(KIND_OF)[0]).toList());
        assertThrows(IllegalArgumentException.class, () -> new Options(PromptStyle.PAPER, ParentText.SYNSET, -1));
    }

    @Test
    void classesWithoutSenseOrParentKeepTheirBareName() {
        LabelSet custom = new LabelSet("custom", List.of(
                new LabelClass(0, null, "Instant Pot"),
                new LabelClass(1, "n00001740", "entity"),
                new LabelClass(2, "n02782093", "party balloon")));
        HierarchyPrompts p = HierarchyPrompts.build(custom, wn);
        assertEquals(List.of("Instant Pot"), p.group(0));
        assertEquals(List.of("entity"), p.group(1));
        assertEquals(Optional.empty(), p.parentText(0));
        assertEquals("party balloon which is a kind of lighter-than-air craft", p.group(2).get(0));
        assertArrayEquals(new int[] {0, 1, 2, 2, 2, 2}, p.owners());
    }

    @Test
    void aWnidMissingFromWordnetIsRefused() {
        LabelSet bad = new LabelSet("bad", List.of(new LabelClass(0, "n99999999", "ghost")));
        LabelSetException e = assertThrows(LabelSetException.class, () -> HierarchyPrompts.build(bad, wn));
        assertEquals("bad: class 0 \"ghost\": n99999999 is not a WordNet 3.0 noun synset", e.getMessage());
    }
}
