package io.hiertag.labels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Pointer;
import net.sf.extjwnl.data.PointerType;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WordNet 3.0 noun hierarchy, keyed by ImageNet-style wnids ({@code n} + the 8-digit noun offset).
 *
 * <p>Read once from the {@code extjwnl-data-wn30} jar into immutable maps, after which extjwnl is closed: every
 * method is a map lookup and the object is safe to share between threads. Loading all 82,115 noun synsets and
 * the noun index takes about 3 s on an idle 2-core machine and keeps about 40 MB of heap, so callers share
 * {@link #wordnet30()}.
 *
 * <p>The hierarchy follows ImageNet's {@code wordnet.is_a.txt}, which the released Hierarchy-CLIP code reads:
 * <ul>
 *   <li>Children are the <em>class</em> hyponyms only (pointer type exactly {@code HYPONYM}). extjwnl's
 *       {@code getPointers(HYPONYM)} also returns instance hyponyms (Hoover Dam under dam), which is_a.txt does
 *       not have. Children keep the order of the pointers in WordNet's data file.</li>
 *   <li>The parent is a class hypernym ({@code HYPERNYM}); a synset that has only instance hypernyms (a named
 *       entity such as Einstein) uses those instead.</li>
 *   <li>When there are several hypernyms (38 ImageNet classes, e.g. accordion: free-reed instrument and keyboard
 *       instrument) the parent is the <b>last hypernym pointer in WordNet's data-file order</b>. The released
 *       code keeps the last parent listed in is_a.txt (METHOD D12); this applies the same rule to WordNet's own
 *       order, the only order available without is_a.txt. The two orders differ for 18 of the 38, where the
 *       parent can differ from the released code's: accordion gets keyboard instrument, the code free-reed
 *       instrument.</li>
 * </ul>
 *
 * <p>Synset text is written as ImageNet's {@code words.txt} writes it: the lemmas in WordNet order, original
 * case, spaces instead of underscores, joined with {@code ", "}.
 *
 * <p>Methods that take a wnid throw {@link IllegalArgumentException} for an id that is not a WordNet 3.0 noun
 * synset; use {@link #resolveSense} to check one first.
 */
public final class WordNetHierarchy {

    /** The wn30 data jar's own configuration, so a WordNet 3.1 data jar on the classpath cannot be picked. */
    private static final String WN30_PROPERTIES = "/net/sf/extjwnl/data/wordnet/wn30/res_properties.xml";
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern LEMMA_SENSE = Pattern.compile("(.+)#([a-z])#(\\d+)");

    private static final Logger LOG = LoggerFactory.getLogger(WordNetHierarchy.class);

    private record Node(List<String> lemmas, String parent, List<String> children) {
    }

    private final Map<String, Node> synsets;
    /** Normalised lemma → wnids in sense-number order, as in WordNet's index.noun. */
    private final Map<String, List<String>> senses;

    private WordNetHierarchy(Map<String, Node> synsets, Map<String, List<String>> senses) {
        this.synsets = Map.copyOf(synsets);
        this.senses = Map.copyOf(senses);
    }

    /**
     * Where the data comes from (the data jar, named with its version), without loading it: what a cache of
     * anything built from WordNet is keyed by.
     */
    public static String source() {
        return String.valueOf(WordNetHierarchy.class.getResource(WN30_PROPERTIES));
    }

    /** WordNet 3.0, loaded on first use and then shared. */
    public static WordNetHierarchy wordnet30() {
        return Holder.WN30;
    }

    private static final class Holder {
        static final WordNetHierarchy WN30 = load();
    }

    private static WordNetHierarchy load() {
        long t0 = System.nanoTime();
        Dictionary dict = null;
        try {
            dict = Dictionary.getResourceInstance(WN30_PROPERTIES);
            Map<String, Node> synsets = new HashMap<>(120_000);
            for (Iterator<Synset> it = dict.getSynsetIterator(POS.NOUN); it.hasNext(); ) {
                Synset s = it.next();
                synsets.put(wnid(s.getOffset()), read(s));
            }
            Map<String, List<String>> senses = new HashMap<>(160_000);
            for (Iterator<IndexWord> it = dict.getIndexWordIterator(POS.NOUN); it.hasNext(); ) {
                IndexWord w = it.next();
                List<String> ids = new ArrayList<>();
                for (long offset : w.getSynsetOffsets()) {
                    ids.add(wnid(offset));
                }
                senses.put(normaliseLemma(w.getLemma()), List.copyOf(ids));
            }
            LOG.info("Loaded WordNet 3.0 ({} noun synsets) in {} ms", synsets.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            return new WordNetHierarchy(synsets, senses);
        } catch (JWNLException e) {
            throw new IllegalStateException("cannot load WordNet 3.0 from the extjwnl-data-wn30 jar", e);
        } finally {
            closeQuietly(dict);
        }
    }

    private static Node read(Synset s) throws JWNLException {
        List<String> lemmas = new ArrayList<>();
        for (Word w : s.getWords()) {
            lemmas.add(w.getLemma());
        }
        String hypernym = null;
        String instanceHypernym = null;
        List<String> children = new ArrayList<>();
        for (Pointer p : s.getPointers()) {
            // Exact type comparisons: getPointers(HYPONYM) would mix in instance hyponyms.
            // Hypernyms overwrite each other, so the last in data-file order wins (see the class comment).
            if (p.getType() == PointerType.HYPERNYM) {
                hypernym = wnid(p.getTargetOffset());
            } else if (p.getType() == PointerType.INSTANCE_HYPERNYM) {
                instanceHypernym = wnid(p.getTargetOffset());
            } else if (p.getType() == PointerType.HYPONYM) {
                children.add(wnid(p.getTargetOffset()));
            }
        }
        return new Node(List.copyOf(lemmas), hypernym != null ? hypernym : instanceHypernym,
                List.copyOf(children));
    }

    private static void closeQuietly(Dictionary dict) {
        if (dict == null) {
            return;
        }
        try {
            dict.close();
        } catch (JWNLException e) {
            // The dictionary was only read, so a failed close loses nothing.
        }
    }

    /** n + 8-digit offset; padded by hand because String.format made loading twice as slow. */
    private static String wnid(long offset) {
        String digits = Long.toString(offset);
        return "n" + "00000000".substring(digits.length()) + digits;
    }

    /** extjwnl's index lemmas are lower case with spaces; users may write underscores or other case. */
    private static String normaliseLemma(String lemma) {
        return SPACES.matcher(lemma.strip().replace('_', ' ')).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /**
     * The wnid a sense specification names: a wnid ({@code n02084071}) or {@code lemma#n#sense}
     * ({@code dog#n#1}, sense numbers from 1, lemma case and underscores ignored).
     *
     * @return empty when the spec is malformed, not a noun, or names no WordNet 3.0 synset
     */
    public Optional<String> resolveSense(String spec) {
        if (spec == null) {
            return Optional.empty();
        }
        String s = spec.trim();
        if (LabelClass.WNID.matcher(s).matches()) {
            return synsets.containsKey(s) ? Optional.of(s) : Optional.empty();
        }
        Matcher m = LEMMA_SENSE.matcher(s);
        if (!m.matches() || !m.group(2).equals("n")) {
            return Optional.empty();
        }
        List<String> ids = senses.getOrDefault(normaliseLemma(m.group(1)), List.of());
        int sense = parseSenseNumber(m.group(3));
        return sense >= 1 && sense <= ids.size() ? Optional.of(ids.get(sense - 1)) : Optional.empty();
    }

    private static int parseSenseNumber(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1; // more digits than an int holds: no such sense
        }
    }

    /** The direct hypernym under the rule in the class comment; empty only for the root, {@code entity}. */
    public Optional<String> parent(String wnid) {
        return Optional.ofNullable(get(wnid).parent());
    }

    /** Direct class hyponyms in WordNet data-file order; instance hyponyms are left out. */
    public List<String> children(String wnid) {
        return get(wnid).children();
    }

    /** The lemmas in WordNet order, e.g. {@code [dog, domestic dog, Canis familiaris]}. */
    public List<String> synonyms(String wnid) {
        return get(wnid).lemmas();
    }

    public String firstLemma(String wnid) {
        return get(wnid).lemmas().get(0);
    }

    /** The synset as ImageNet's words.txt writes it, e.g. {@code shepherd dog, sheepdog, sheep dog}. */
    public String synsetText(String wnid) {
        return String.join(", ", get(wnid).lemmas());
    }

    private Node get(String wnid) {
        Node s = wnid == null ? null : synsets.get(wnid);
        if (s == null) {
            throw new IllegalArgumentException("not a WordNet 3.0 noun synset: " + wnid);
        }
        return s;
    }
}
