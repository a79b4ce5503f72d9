package io.hiertag.zeroshot;

import java.util.Arrays;
import java.util.List;

/**
 * The embedded hierarchy strings of one label set: for each class a contiguous group (the class itself, then
 * its children, each "… which is a kind of parent"), as unit rows.
 */
public final class HierarchyBank {

    private final List<String> strings;
    private final int[] groupStart;
    private final float[][] rows;

    /**
     * @param strings every string, grouped by class in class order
     * @param owner the class of each string, non-decreasing
     * @param embeddings one embedding per string (normalised here)
     * @param classes number of classes; each must own at least one string
     */
    public HierarchyBank(List<String> strings, int[] owner, float[][] embeddings, int classes) {
        if (strings.size() != owner.length || owner.length != embeddings.length) {
            throw new IllegalArgumentException("strings, owners and embeddings differ in length");
        }
        this.strings = List.copyOf(strings);
        this.groupStart = new int[classes + 1];
        int next = 0;
        for (int c = 0; c < classes; c++) {
            groupStart[c] = next;
            while (next < owner.length && owner[next] == c) {
                next++;
            }
            if (next == groupStart[c]) {
                throw new IllegalArgumentException("class " + c + " has no hierarchy string");
            }
        }
        if (next != owner.length) {
            throw new IllegalArgumentException("owners must be grouped by class in class order");
        }
        groupStart[classes] = next;
        this.rows = new float[embeddings.length][];
        for (int i = 0; i < embeddings.length; i++) {
            rows[i] = Vectors.normalized(embeddings[i]);
        }
    }

    /** Number of strings over all classes. */
    public int size() {
        return rows.length;
    }

    /** The class owning string {@code index}. */
    public int owner(int index) {
        // Groups are non-empty, so their starts strictly increase: either an exact hit or just past the owner's.
        int c = Arrays.binarySearch(groupStart, index);
        return c >= 0 ? c : -c - 2;
    }

    /** The unit embedding of string {@code index}; shared, do not modify. */
    public float[] embedding(int index) {
        return rows[index];
    }

    public String string(int index) {
        return strings.get(index);
    }

    int groupStart(int c) {
        return groupStart[c];
    }

    int groupEnd(int c) {
        return groupStart[c + 1];
    }
}
