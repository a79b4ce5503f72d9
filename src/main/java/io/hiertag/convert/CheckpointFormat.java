package io.hiertag.convert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The checkpoint layouts {@code import-model} reads, told apart by their files when not named. */
public enum CheckpointFormat {

    /** {@code open_clip_config.json} and {@code open_clip_model.safetensors}. */
    OPENCLIP("openclip"),
    /** Hugging Face transformers: {@code config.json}, {@code model.safetensors} and the tokenizer files. */
    HF_CLIP("hf-clip"),
    /** google-research/vision_transformer's LiT release: one {@code .npz} and its vocabulary. */
    LIT("lit");

    private final String id;

    CheckpointFormat(String id) {
        this.id = id;
    }

    /** @return the name on the command line, e.g. {@code hf-clip} */
    public String id() {
        return id;
    }

    /** @throws CheckpointException for a name that is none of {@link #id()}'s */
    public static CheckpointFormat parse(String name) {
        for (CheckpointFormat f : values()) {
            if (f.id.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new CheckpointException("unknown checkpoint format '" + name + "'; expected one of "
                + Arrays.stream(values()).map(CheckpointFormat::id).collect(Collectors.joining(", ")));
    }

    /**
     * @param dir a checkpoint folder
     * @return its layout, from the files it holds
     * @throws CheckpointException when the folder is missing or holds none of the layouts
     */
    public static CheckpointFormat detect(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": not a folder");
        }
        if (Files.isRegularFile(dir.resolve(OpenClipLayout.CONFIG))) {
            return OPENCLIP;
        }
        if (Files.isRegularFile(dir.resolve(HfClipLayout.CONFIG))) {
            return HF_CLIP;
        }
        try (Stream<Path> files = Files.list(dir)) {
            if (files.anyMatch(f -> f.getFileName().toString().endsWith(".npz"))) {
                return LIT;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
        throw new CheckpointException(dir + ": no checkpoint found: expected " + OpenClipLayout.CONFIG
                + " (OpenCLIP), " + HfClipLayout.CONFIG + " (Hugging Face CLIP) or a .npz file (LiT)");
    }

    ImportPlan plan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": not a folder");
        }
        return switch (this) {
            case OPENCLIP -> OpenClipLayout.plan(dir);
            case HF_CLIP -> HfClipLayout.plan(dir);
            case LIT -> LitLayout.plan(dir);
        };
    }
}
