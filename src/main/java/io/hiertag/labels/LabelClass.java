package io.hiertag.labels;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One class of a label set.
 *
 * @param index position in the label set, from 0
 * @param wnid WordNet 3.0 noun id ({@code n} + 8-digit offset), or null for a class without a WordNet sense
 * @param name display name, also the text the class-name classifier embeds
 */
public record LabelClass(int index, String wnid, String name) {
    /** A WordNet noun id as ImageNet writes it. */
    static final Pattern WNID = Pattern.compile("n\\d{8}");

    public LabelClass {
        Objects.requireNonNull(name, "name");
        if (wnid != null && !WNID.matcher(wnid).matches()) {
            throw new IllegalArgumentException("wnid must be n + 8 digits: " + wnid);
        }
    }
}
