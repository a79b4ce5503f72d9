package io.hiertag.labels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Prompt templates with a {@code {}} where the class text goes. */
public final class PromptTemplates {

    private static final List<String> CLIP_IMAGENET = read("/hiertag/labels/clip-imagenet-templates.txt");

    private PromptTemplates() {
    }

    /** OpenAI's 80 ImageNet templates in their original order (0–39 and 40–79 are the consistency halves). */
    public static List<String> clipImagenet() {
        return CLIP_IMAGENET;
    }

    /** Every text in every template, template-major: {@code templates.size() × texts.size()} prompts. */
    public static List<String> applyAll(List<String> templates, List<String> texts) {
        List<String> out = new ArrayList<>(templates.size() * texts.size());
        for (String t : templates) {
            for (String x : texts) {
                out.add(t.replace("{}", x));
            }
        }
        return out;
    }

    private static List<String> read(String resource) {
        try (InputStream in = PromptTemplates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new LabelSetException("missing resource " + resource);
            }
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.isBlank())
                    .toList();
            for (String l : lines) {
                if (!l.contains("{}")) {
                    throw new LabelSetException(resource + ": template without {}: " + l);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
