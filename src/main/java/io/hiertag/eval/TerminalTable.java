package io.hiertag.eval;

import java.util.List;
import java.util.Locale;

/** The short summary {@code hiertag evaluate} prints: accuracy, rescue counts and AUROC. */
public final class TerminalTable {

    private TerminalTable() {
    }

    public static String render(EvaluationReport r) {
        EvaluationReport.Setup s = r.setup();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s on %s: %,d images (%,d skipped), %,d uncertain (%s), %.1f ms/image%n",
                s.modelId(), s.labelSet(), s.images(), s.skipped(), s.uncertainImages(), s.rule(),
                s.millisPerImage()));
        out.append(String.format(Locale.ROOT, "%-58s %17s %19s%n", "", "all images",
                "uncertain subset"));
        out.append(String.format(Locale.ROOT, "%-58s %8s %8s %10s %8s%n", "accuracy (%)", "top-1", "top-5", "top-1",
                "top-5"));
        for (int i = 0; i < r.all().size(); i++) {
            EvaluationReport.AccuracyRow a = r.all().get(i);
            EvaluationReport.AccuracyRow u = r.uncertain().get(i);
            out.append(String.format(Locale.ROOT, "%-58s %8s %8s %10s %8s%n", a.description(), pct(a.top1()),
                    pct(a.top5()), pct(u.top1()), pct(u.top5())));
        }
        for (EvaluationReport.Rescue x : r.rescue()) {
            out.append(String.format(Locale.ROOT,
                    "rescoring (%s candidates): fixed %,d, broken %,d, net %+,d; uncertain %s -> %s, all %s -> %s%n",
                    x.variant(), x.fixed(), x.broken(), x.net(), pct(x.uncertainBefore()), pct(x.uncertainAfter()),
                    pct(x.allBefore()), pct(x.allAfter())));
        }
        out.append("AUROC, correct vs wrong class-name predictions:");
        List<EvaluationReport.SelectiveScore> scores = r.selective();
        for (EvaluationReport.SelectiveScore x : scores) {
            out.append(String.format(Locale.ROOT, "%n  %-40s %s", x.score(),
                    Double.isNaN(x.auroc()) ? "n/a" : String.format(Locale.ROOT, "%.3f", x.auroc())));
        }
        return out.append(System.lineSeparator()).toString();
    }

    private static String pct(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.2f", 100 * x);
    }
}
