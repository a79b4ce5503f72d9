package io.hiertag.zeroshot;

import io.hiertag.labels.HierarchyPrompts;
import io.hiertag.labels.LabelClass;
import io.hiertag.labels.LabelSet;
import io.hiertag.labels.LabelSetException;
import io.hiertag.labels.LabelSetReader;
import io.hiertag.labels.WordNetHierarchy;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What WordNet gives a label set, kept on disk beside the text embeddings: the classes with their senses resolved
 * and the hierarchy strings with the class owning each. Loading WordNet takes seconds, and a start that finds this
 * entry never loads it. An entry is keyed by the label set's name and contents (the custom file's bytes, or the
 * built-in classes), the hierarchy options, the WordNet data jar and the bytes of the classes that build the
 * strings, so a change to any of them, this code's included, makes a new entry.
 */
final class HierarchyTextCache {

    private static final Logger LOG = LoggerFactory.getLogger(HierarchyTextCache.class);
    private static final int MAGIC = 0x48544843; // "HTHC"
    private static final int VERSION = 1;
    private static final String WHAT = "hierarchy-text";
    /** Whose code decides the strings: a new build of any of them must not reuse an old entry. */
    private static final List<Class<?>> BUILDERS = List.of(LabelSetReader.class, LabelSet.class, LabelClass.class,
            HierarchyPrompts.class, WordNetHierarchy.class, HierarchyTextCache.class);

    /** A label set as WordNet resolved it, with its hierarchy strings. */
    record Entry(LabelSet labels, LabelSetModel.HierarchyTexts texts) {
    }

    private final Path dir;

    /** @param dir the cache folder, or null for none (WordNet is loaded every time) */
    HierarchyTextCache(Path dir) {
        this.dir = dir;
    }

    /**
     * The label set and its hierarchy strings, from the cache or else built with WordNet and stored.
     *
     * @param file the label set's TSV file, or empty for the built-in ImageNet-1k
     * @param wordnet asked only when there is no entry
     * @throws LabelSetException if the file cannot be read or does not parse
     */
    Entry resolve(String name, Optional<Path> file, HierarchyPrompts.Options options,
            Supplier<WordNetHierarchy> wordnet) {
        Path entry = dir == null ? null : CacheFiles.entry(dir, name + "-hierarchy-texts", key(name, file, options),
                "bin");
        Entry cached = entry == null ? null : CacheFiles.read(entry, WHAT, in -> read(in, name));
        if (cached != null) {
            LOG.info("Label set {}: {} classes and {} hierarchy strings read from cache {}, without WordNet", name,
                    cached.labels().size(), cached.texts().strings().size(), entry);
            return cached;
        }
        WordNetHierarchy wn = wordnet.get();
        LabelSet labels = file.map(f -> LabelSetReader.read(name, f, wn)).orElseGet(LabelSet::imagenet1k);
        HierarchyPrompts prompts = HierarchyPrompts.build(labels, wn, options);
        Entry built = new Entry(labels, new LabelSetModel.HierarchyTexts(prompts.strings(), prompts.owners()));
        if (entry != null) {
            CacheFiles.write(entry, WHAT, out -> write(out, built));
        }
        return built;
    }

    private static CacheFiles.Key key(String name, Optional<Path> file, HierarchyPrompts.Options options) {
        CacheFiles.Key key = new CacheFiles.Key(name).add(options.toString()).add(WordNetHierarchy.source());
        for (Class<?> c : BUILDERS) {
            key.addBytes(classBytes(c));
        }
        if (file.isPresent()) {
            try {
                return key.addBytes(Files.readAllBytes(file.get()));
            } catch (IOException e) {
                throw new LabelSetException(file.get() + ": cannot read: " + e);
            }
        }
        LabelSet.imagenet1k().classes().forEach(c -> key.add(c.wnid() + "\t" + c.name()));
        return key;
    }

    private static byte[] classBytes(Class<?> c) {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IllegalStateException("no class file for " + c.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the class file of " + c.getName(), e);
        }
    }

    private static Entry read(DataInputStream in, String name) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            return null;
        }
        int classes = in.readInt();
        List<LabelClass> list = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            String wnid = in.readUTF();
            list.add(new LabelClass(i, wnid.isEmpty() ? null : wnid, in.readUTF()));
        }
        int size = in.readInt();
        List<String> strings = new ArrayList<>(size);
        int[] owners = new int[size];
        for (int i = 0; i < size; i++) {
            owners[i] = in.readInt();
            strings.add(in.readUTF());
        }
        return new Entry(new LabelSet(name, list), new LabelSetModel.HierarchyTexts(List.copyOf(strings), owners));
    }

    private static void write(DataOutputStream out, Entry entry) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(entry.labels().size());
        for (LabelClass c : entry.labels().classes()) {
            out.writeUTF(c.wnid() == null ? "" : c.wnid());
            out.writeUTF(c.name());
        }
        List<String> strings = entry.texts().strings();
        out.writeInt(strings.size());
        for (int i = 0; i < strings.size(); i++) {
            out.writeInt(entry.texts().owners()[i]);
            out.writeUTF(strings.get(i));
        }
    }
}
