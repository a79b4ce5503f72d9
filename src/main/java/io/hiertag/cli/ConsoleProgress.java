package io.hiertag.cli;

import io.hiertag.zeroshot.EncodingProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on standard error for the first computation of text embeddings (tens of thousands of prompts
 * with a real model): redrawn in place on a terminal, a line every 10 % otherwise (logs, CI).
 */
final class ConsoleProgress implements EncodingProgress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private String current;
    private long startNanos;
    private int lastTenth;

    ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    static ConsoleProgress stderr() {
        return new ConsoleProgress(System.err, System.console() != null);
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
        String line = String.format(Locale.ROOT, "embedding %s [%s%s] %3d%% %,d/%,d texts, %,.0f/s, %d s left", what,
                "#".repeat(filled), ".".repeat(WIDTH - filled), total == 0 ? 100 : 100L * done / total, done, total,
                rate, left);
        if (terminal) {
            out.print("\r" + line + (done >= total ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
