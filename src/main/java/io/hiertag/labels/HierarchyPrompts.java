package io.hiertag.labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The hierarchy rescoring strings of every class of a label set (Hierarchy-CLIP, METHOD §3.3–3.4).
 *
 * <p>A class's group is the class itself, written with its display name, then up to {@code maxChildren} of its
 * WordNet children, each written with its first lemma; every member is followed by " which is a kind of " and
 * the text of the <em>class's</em> parent (children are not paired with the class itself). For balloon:
 * {@code balloon which is a kind of lighter-than-air craft}, {@code hot-air balloon which is a kind of
 * lighter-than-air craft}, ... A class without a sense or without a parent is only its bare display name.
 *
 * <p>The groups are laid out one after the other in one flat list, so a rescorer embeds every string once and
 * takes the maximum over {@code [start(c), end(c))}; {@link #owner} maps a string back to its class.
 * Instances are immutable.
 */
public final class HierarchyPrompts {

    /** How a member and the parent are joined. */
    public enum PromptStyle {
        /** The paper's {@code X which is a kind of P}. */
        PAPER(" which is a kind of "),
        /** The released code's string, byte for byte: its template split drops the space before the parent. */
        LEGACY(" which is a kind of");

        private final String connector;

        PromptStyle(String connector) {
            this.connector = connector;
        }
    }

    /** How the parent is written. */
    public enum ParentText {
        /** The whole synset as in words.txt, e.g. {@code mammal, mammalian} (the released code, METHOD D6). */
        SYNSET,
        /** Its first lemma only, e.g. {@code mammal}. */
        FIRST_LEMMA
    }

    /**
     * @param style how member and parent are joined
     * @param parentText how the parent is written
     * @param maxChildren how many children per class at most, in {@link WordNetHierarchy#children} order
     */
    public record Options(PromptStyle style, ParentText parentText, int maxChildren) {
        /** The paper's wording, the code's parent text and cap of 10 (METHOD D5, D6, D11). */
        public static final Options DEFAULT = new Options(PromptStyle.PAPER, ParentText.SYNSET, 10);

        public Options {
            Objects.requireNonNull(style, "style");
            Objects.requireNonNull(parentText, "parentText");
            if (maxChildren < 0) {
                throw new IllegalArgumentException("maxChildren must be >= 0: " + maxChildren);
            }
        }
    }

    private final LabelSet labels;
    private final Options options;
    private final List<String> strings;
    private final int[] owners;
    /** starts[c] is class c's first string; starts[size] is the total, so a group ends where the next begins. */
    private final int[] starts;
    private final List<Optional<String>> parentTexts;

    private HierarchyPrompts(LabelSet labels, Options options, List<String> strings, int[] owners, int[] starts,
            List<Optional<String>> parentTexts) {
        this.labels = labels;
        this.options = options;
        this.strings = List.copyOf(strings);
        this.owners = owners;
        this.starts = starts;
        this.parentTexts = List.copyOf(parentTexts);
    }

    /** Builds the groups with {@link Options#DEFAULT}. */
    public static HierarchyPrompts build(LabelSet labels, WordNetHierarchy wordnet) {
        return build(labels, wordnet, Options.DEFAULT);
    }

    /**
     * Builds the groups of every class.
     *
     * @throws LabelSetException if a class's wnid is not a WordNet 3.0 noun synset
     */
    public static HierarchyPrompts build(LabelSet labels, WordNetHierarchy wordnet, Options options) {
        List<String> strings = new ArrayList<>();
        int[] starts = new int[labels.size() + 1];
        List<Optional<String>> parentTexts = new ArrayList<>();
        for (LabelClass c : labels.classes()) {
            starts[c.index()] = strings.size();
            Optional<String> parentText = parentOf(c, labels, wordnet).map(p ->
                    options.parentText() == ParentText.SYNSET ? wordnet.synsetText(p) : wordnet.firstLemma(p));
            parentTexts.add(parentText);
            if (parentText.isEmpty()) {
                // METHOD D18: nothing to say about the class, so it keeps its plain name.
                strings.add(c.name());
                continue;
            }
            String suffix = options.style().connector + parentText.get();
            strings.add(c.name() + suffix);
            wordnet.children(c.wnid()).stream()
                    .limit(options.maxChildren())
                    .forEach(child -> strings.add(wordnet.firstLemma(child) + suffix));
        }
        starts[labels.size()] = strings.size();
        int[] owners = new int[strings.size()];
        for (int c = 0; c < labels.size(); c++) {
            Arrays.fill(owners, starts[c], starts[c + 1], c);
        }
        return new HierarchyPrompts(labels, options, strings, owners, starts, parentTexts);
    }

    private static Optional<String> parentOf(LabelClass c, LabelSet labels, WordNetHierarchy wordnet) {
        if (c.wnid() == null) {
            return Optional.empty();
        }
        if (wordnet.resolveSense(c.wnid()).isEmpty()) {
            throw new LabelSetException(labels.name() + ": class " + c.index() + " \"" + c.name() + "\": "
                    + c.wnid() + " is not a WordNet 3.0 noun synset");
        }
        return wordnet.parent(c.wnid());
    }

    public LabelSet labelSet() {
        return labels;
    }

    public Options options() {
        return options;
    }

    /** Every string of every group, groups in class order. */
    public List<String> strings() {
        return strings;
    }

    /** The class index of each string of {@link #strings()} (a copy). */
    public int[] owners() {
        return owners.clone();
    }

    /** The class index of string {@code i}. */
    public int owner(int i) {
        return owners[i];
    }

    /** Index of the first string of class {@code classIndex}'s group. */
    public int start(int classIndex) {
        return starts[classIndex];
    }

    /** Index just past the last string of class {@code classIndex}'s group. */
    public int end(int classIndex) {
        return starts[classIndex + 1];
    }

    /** Class {@code classIndex}'s strings: itself first, then its children. */
    public List<String> group(int classIndex) {
        return strings.subList(start(classIndex), end(classIndex));
    }

    /** The parent as written in the strings; empty for a class that is only its bare name. */
    public Optional<String> parentText(int classIndex) {
        return parentTexts.get(classIndex);
    }

    @Override
    public String toString() {
        return "HierarchyPrompts[" + labels.name() + ", " + labels.size() + " classes, " + strings.size()
                + " strings, " + options + "]";
    }
}
