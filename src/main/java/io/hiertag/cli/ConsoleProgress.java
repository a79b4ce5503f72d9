package io.hiertag.cli;

import io.hiertag.zeroshot.EncodingProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on standard error, with rate and time left, for the long computations: the first embedding of
 * tens of thousands of prompts with a real model, and an evaluation's images. Redrawn in place on a terminal, a
 * line every 10 % otherwise (logs, CI).
 */
final class ConsoleProgress implements EncodingProgress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final String verb;
    private final String unit;
    private String current;
    private long startNanos;
    private int lastTenth;

    /** @param verb what is being done, e.g. {@code embedding}; @param unit what is counted, e.g. {@code texts} */
    ConsoleProgress(PrintStream out, boolean terminal, String verb, String unit) {
        this.out = out;
        this.terminal = terminal;
        this.verb = verb;
        this.unit = unit;
    }

    /** Progress of text embedding. */
    static ConsoleProgress stderr() {
        return stderr("embedding", "texts");
    }

    static ConsoleProgress stderr(String verb, String unit) {
        return new ConsoleProgress(System.err, System.console() != null, verb, unit);
    }

    @Override
    public synchronized void update(String what, int done, int total) {
        if (!what.equals(current)) {
            current = what;
            startNanos = System.nanoTime();
            lastTenth = 0;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        long left = rate > 0 ? Math.round((total - done) / rate) : 0;
        int tenth = total == 0 ? 10 : (int) (10L * done / total);
        if (!terminal && tenth == lastTenth && done < total) {
            return;
        }
        lastTenth = tenth;
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        String line = String.format(Locale.ROOT, "%s %s [%s%s] %3d%% %,d/%,d %s, %,.1f/s, %d s left", verb, what,
                "#".repeat(filled), ".".repeat(WIDTH - filled), total == 0 ? 100 : 100L * done / total, done, total,
                unit, rate, left);
        if (terminal) {
            out.print("\r" + line + (done >= total ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
