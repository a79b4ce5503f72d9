package io.hiertag.zeroshot;

/** Told how far the first computation of a text-embedding cache has come. */
@FunctionalInterface
public interface EncodingProgress {

    EncodingProgress NONE = (what, done, total) -> { };

    void update(String what, int done, int total);
}
