package io.hiertag.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs a command-line entry point in-process with standard output and error captured. */
public final class ConsoleCapture {

    private ConsoleCapture() {
    }

    /**
     * @param code the exit code
     * @param stdout what went to standard output
     * @param text standard output, then standard error
     */
    public record Output(int code, String stdout, String text) {
        /** @return the non-blank lines of standard output */
        public List<String> lines() {
            return stdout.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** Runs a command with stdout and stderr captured (the commands print through System.out and System.err). */
    public static synchronized Output capture(Callable<Integer> command) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBuf = new ByteArrayOutputStream();
        ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBuf, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBuf, true, StandardCharsets.UTF_8));
        try {
            int code = command.call();
            String stdout = outBuf.toString(StandardCharsets.UTF_8);
            return new Output(code, stdout, stdout + errBuf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
