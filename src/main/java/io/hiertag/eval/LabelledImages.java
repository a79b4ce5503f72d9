package io.hiertag.eval;

import io.hiertag.image.ImageFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The images to evaluate and the label each claims. Either a folder with one sub-folder per class (named by wnid
 * or by the label set's class name), or a CSV manifest of {@code path,label} lines (paths relative to the
 * manifest's folder; a header line {@code path,label} is allowed; a label with commas is quoted). Order is
 * deterministic: sorted by path.
 */
public final class LabelledImages {

    /** One image file and its label as written (a wnid or a class name, resolved against the label set later). */
    public record Entry(Path path, String label) {
    }

    private LabelledImages() {
    }

    /** Every image under each class folder (one level deep); other files and folders are ignored. */
    public static List<Entry> fromFolders(Path root) {
        if (!Files.isDirectory(root)) {
            throw new EvaluationInputException("not a folder: " + root);
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> classes = Files.list(root)) {
            for (Path dir : classes.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(LabelledImages::isImage).sorted()
                            .forEach(f -> out.add(new Entry(f, dir.getFileName().toString())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        if (out.isEmpty()) {
            throw new EvaluationInputException(root + " holds no class folders with images ("
                    + String.join(", ", ImageFormat.FILE_EXTENSIONS) + ")");
        }
        return out;
    }

    /** The lines of a {@code path,label} CSV, in file order. */
    public static List<Entry> fromManifest(Path manifest) {
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EvaluationInputException("cannot read manifest " + manifest + ": " + e.getMessage());
        }
        Path base = manifest.toAbsolutePath().getParent();
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.toLowerCase(Locale.ROOT).replace(" ", "").equals("path,label"))) {
                continue;
            }
            List<String> fields = csvFields(line);
            if (fields.size() != 2 || fields.get(0).isBlank() || fields.get(1).isBlank()) {
                throw new EvaluationInputException(manifest + " line " + (i + 1) + ": expected path,label but got: "
                        + line);
            }
            out.add(new Entry(base.resolve(fields.get(0)).normalize(), fields.get(1).strip()));
        }
        if (out.isEmpty()) {
            throw new EvaluationInputException("manifest " + manifest + " lists no images");
        }
        return out;
    }

    /** Splits one CSV line (a manifest's, or the dump's); fields may be double-quoted, {@code ""} for a quote. */
    public static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        out.add(field.toString());
        return out;
    }

    private static boolean isImage(Path p) {
        return Files.isRegularFile(p) && ImageFormat.hasImageFileName(p);
    }
}
