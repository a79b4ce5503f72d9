package io.hiertag.labels;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a user's own label set: a UTF-8 file with one class per line, {@code display name<TAB>sense} or just
 * {@code display name} (an empty sense column counts as no sense).
 *
 * <p>The sense maps the class into WordNet 3.0 so the hierarchy can rescue it: a wnid ({@code n04256520}) or
 * {@code lemma#n#sense} ({@code couch#n#1}, as WordNet numbers senses). A class without a sense is allowed
 * (a brand, or a concept WordNet 3.0 lacks); it is tagged by name only and never augmented. Two classes may
 * share a sense. Blank lines and lines starting with {@code #} are skipped, and the first other line may be the
 * header {@code name<TAB>sense}.
 *
 * <p>A file with any bad line (an unknown or non-noun sense, an empty name, an extra column, a name already
 * used, compared case-insensitively as {@link LabelSet#find} does) is refused as a whole, so a tagger never runs
 * on half a vocabulary. All bad lines are reported in one {@link LabelSetException}, so a user fixes them in one
 * pass; the message lists the first 20 with their line numbers and contents.
 */
public final class LabelSetReader {

    private static final int MAX_REPORTED = 20;
    private static final Pattern OTHER_POS = Pattern.compile("[vasr]\\d{8}|.+#[vasr]#\\d+");
    private static final Pattern NOUN_SPEC = Pattern.compile("n\\d{8}|.+#n#\\d+");

    private LabelSetReader() {
    }

    /**
     * @param name the label set's name, as results will report it
     * @throws LabelSetException if the file cannot be read or has any bad line
     */
    public static LabelSet read(String name, Path tsvFile, WordNetHierarchy wordnet) {
        List<String> lines;
        try {
            lines = Files.readAllLines(tsvFile, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new LabelSetException(tsvFile + ": not UTF-8 text");
        } catch (IOException e) {
            throw new LabelSetException(tsvFile + ": cannot read: " + e);
        }
        List<LabelClass> classes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<String, Integer> lineOfName = new HashMap<>();
        boolean headerAllowed = true;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = i == 0 ? stripByteOrderMark(lines.get(0)) : lines.get(i);
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (headerAllowed && isHeader(fields)) {
                headerAllowed = false;
                continue;
            }
            headerAllowed = false;
            String className = fields[0].strip();
            String nameKey = className.toLowerCase(Locale.ROOT);
            String sense = fields.length > 1 ? fields[1].strip() : "";
            String problem;
            Optional<String> wnid = Optional.empty();
            if (fields.length > 2) {
                problem = "too many columns (" + fields.length + "); expected name and an optional sense";
            } else if (className.isEmpty()) {
                problem = "empty name";
            } else if (lineOfName.containsKey(nameKey)) {
                problem = "duplicate name, already on line " + lineOfName.get(nameKey);
            } else {
                wnid = sense.isEmpty() ? Optional.empty() : wordnet.resolveSense(sense);
                problem = sense.isEmpty() || wnid.isPresent() ? null : senseProblem(sense);
            }
            if (problem != null) {
                errors.add("line " + lineNo + " \"" + line.replace("\t", "\\t") + "\": " + problem);
                continue;
            }
            lineOfName.put(nameKey, lineNo);
            classes.add(new LabelClass(classes.size(), wnid.orElse(null), className));
        }
        if (errors.isEmpty() && classes.isEmpty()) {
            throw new LabelSetException(tsvFile + ": no classes");
        }
        if (!errors.isEmpty()) {
            throw new LabelSetException(report(tsvFile, errors));
        }
        return new LabelSet(name, classes);
    }

    private static String stripByteOrderMark(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static boolean isHeader(String[] fields) {
        return fields.length == 2 && fields[0].strip().equalsIgnoreCase("name")
                && fields[1].strip().equalsIgnoreCase("sense");
    }

    private static String senseProblem(String sense) {
        if (OTHER_POS.matcher(sense).matches()) {
            return "not a noun sense: " + sense + " (the hierarchy has nouns only)";
        }
        if (!NOUN_SPEC.matcher(sense).matches()) {
            return "sense must be a wnid (n + 8 digits) or lemma#n#number: " + sense;
        }
        return "no such WordNet 3.0 noun sense: " + sense;
    }

    private static String report(Path file, List<String> errors) {
        StringBuilder b = new StringBuilder(file + ": " + errors.size()
                + (errors.size() == 1 ? " bad line" : " bad lines") + ", label set not loaded");
        errors.stream().limit(MAX_REPORTED).forEach(e -> b.append("\n  ").append(e));
        if (errors.size() > MAX_REPORTED) {
            b.append("\n  ... and ").append(errors.size() - MAX_REPORTED).append(" more");
        }
        return b.toString();
    }
}
