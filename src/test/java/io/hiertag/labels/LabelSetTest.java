package io.hiertag.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LabelSetTest {

    @Test
    void imagenetHasTheThousandClassesInStandardOrder() {
        LabelSet s = LabelSet.imagenet1k();
        assertEquals(1000, s.size());
        assertEquals(new LabelClass(0, "n01440764", "tench"), s.get(0));
        // The released Hierarchy-CLIP mapping points 134 at the construction crane; ours is the bird.
        assertEquals(new LabelClass(134, "n02012849", "crane bird"), s.get(134));
        assertEquals(new LabelClass(517, "n03126707", "construction crane"), s.get(517));
    }

    @Test
    void findsByWnidOrCaseInsensitiveNameAndDuplicateNamesResolveToTheFirst() {
        LabelSet s = LabelSet.imagenet1k();
        assertEquals(1, s.find("n01443537").orElseThrow().index());
        assertEquals(1, s.find("Goldfish").orElseThrow().index());
        assertEquals(657, s.find("missile").orElseThrow().index());
        assertTrue(s.find("no such class").isEmpty());
        assertTrue(s.find(null).isEmpty());
    }

    @Test
    void eightyTemplatesInOrder() {
        assertEquals(80, PromptTemplates.clipImagenet().size());
        assertEquals("a bad photo of a {}.", PromptTemplates.clipImagenet().get(0));
        assertEquals("a photo of a {}.", PromptTemplates.clipImagenet().get(39));
        assertEquals("the origami {}.", PromptTemplates.clipImagenet().get(40));
        assertEquals("a tattoo of the {}.", PromptTemplates.clipImagenet().get(79));
    }
}
