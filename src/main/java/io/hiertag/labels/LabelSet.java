package io.hiertag.labels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An ordered list of classes to tag with, looked up by index, WordNet id or name. */
public final class LabelSet {

    public static final String IMAGENET_1K = "imagenet-1k";

    private final String name;
    private final List<LabelClass> classes;
    private final Map<String, LabelClass> byKey = new HashMap<>();

    /** @throws IllegalArgumentException unless each class's index is its position in {@code classes} */
    public LabelSet(String name, List<LabelClass> classes) {
        this.name = Objects.requireNonNull(name, "name");
        this.classes = List.copyOf(classes);
        for (int i = 0; i < this.classes.size(); i++) {
            LabelClass c = this.classes.get(i);
            if (c.index() != i) {
                throw new IllegalArgumentException("class at position " + i + " has index " + c.index());
            }
            if (c.wnid() != null) {
                byKey.putIfAbsent(c.wnid(), c);
            }
            // Names can repeat (ImageNet has two "missile" classes): the first, as in an argmax, wins.
            byKey.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c);
        }
    }

    /** The ImageNet-1k classes in standard index order, with OpenAI's curated CLIP names. */
    public static LabelSet imagenet1k() {
        return Holder.IMAGENET;
    }

    private static final class Holder {
        static final LabelSet IMAGENET = readImagenetResource();
    }

    private static LabelSet readImagenetResource() {
        String resource = "/hiertag/labels/imagenet-1k.tsv";
        try (InputStream in = LabelSet.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new LabelSetException("missing resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<LabelClass> classes = new ArrayList<>();
            String line = r.readLine(); // header: index, wnid, name
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String[] f = line.split("\t", -1);
                if (f.length != 3 || !LabelClass.WNID.matcher(f[1]).matches()
                        || Integer.parseInt(f[0]) != classes.size()) {
                    throw new LabelSetException(resource + " line " + lineNo + ": expected index, wnid, name");
                }
                classes.add(new LabelClass(classes.size(), f[1], f[2]));
            }
            return new LabelSet(IMAGENET_1K, classes);
        } catch (IOException e) {
            throw new LabelSetException("cannot read " + resource + ": " + e.getMessage());
        }
    }

    public String name() {
        return name;
    }

    public int size() {
        return classes.size();
    }

    public LabelClass get(int index) {
        return classes.get(index);
    }

    public List<LabelClass> classes() {
        return Collections.unmodifiableList(classes);
    }

    /** The class that a wnid or a display name (case-insensitive) names, if any. */
    public Optional<LabelClass> find(String wnidOrName) {
        if (wnidOrName == null) {
            return Optional.empty();
        }
        LabelClass c = byKey.get(wnidOrName.trim());
        return Optional.ofNullable(c != null ? c : byKey.get(wnidOrName.trim().toLowerCase(Locale.ROOT)));
    }

    public List<String> names() {
        return classes.stream().map(LabelClass::name).toList();
    }
}
