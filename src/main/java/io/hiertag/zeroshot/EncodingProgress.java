package io.hiertag.zeroshot;

/** Told how far a long computation has come: embedding a text cache, or an evaluation's images. */
@FunctionalInterface
public interface EncodingProgress {

    EncodingProgress NONE = (what, done, total) -> { };

    void update(String what, int done, int total);
}
