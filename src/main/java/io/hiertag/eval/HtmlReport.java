package io.hiertag.eval;

import static io.hiertag.eval.Markup.escape;

import io.hiertag.eval.EvaluationReport.AccuracyRow;
import io.hiertag.eval.EvaluationReport.ClassChange;
import io.hiertag.eval.EvaluationReport.CurvePoint;
import io.hiertag.eval.EvaluationReport.Rescue;
import io.hiertag.eval.EvaluationReport.SelectiveScore;
import io.hiertag.eval.EvaluationReport.Setup;
import io.hiertag.eval.EvaluationReport.Skip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders an {@link EvaluationReport} as one self-contained HTML page: inline CSS and SVG, no scripts and no
 * external URLs, so it reads the same offline, attached to a ticket or opened years later. Every string from the
 * report is escaped.
 */
public final class HtmlReport {
    /** Beyond this many skipped inputs the page shows a count; {@code report.json} has them all. */
    private static final int MAX_SKIPS_SHOWN = 50;

    private static final String CSS = """
            body { margin: 0; background: #eef0f3; color: #1f2328;
              font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            main { max-width: 1040px; margin: 0 auto; padding: 28px 36px 48px; background: #fff; }
            h1 { font-size: 26px; margin: 0 0 2px; }
            h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 5px; border-bottom: 1px solid #d8dce1; }
            .subtitle { color: #57606a; margin: 0 0 8px; }
            table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
            th, td { padding: 5px 12px; border-bottom: 1px solid #e3e6ea; text-align: left; vertical-align: top; }
            thead th { background: #f2f4f7; font-weight: 600; border-bottom: 1px solid #c9ced4; }
            tbody tr:nth-child(even) { background: #fafbfc; }
            .num { text-align: right; white-space: nowrap; }
            table.setup { width: 100%; }
            table.setup th { font-weight: 600; white-space: nowrap; }
            th.group { text-align: center; }
            .path { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; word-break: break-all; }
            .gain { color: #1a7f37; font-weight: 600; }
            .loss { color: #b42318; font-weight: 600; }
            .note { color: #57606a; font-size: 13px; margin: 4px 0 8px; }
            figure { margin: 14px 0 6px; }
            svg.chart { display: block; width: 100%; height: auto; }
            footer { margin-top: 36px; color: #57606a; font-size: 12px; }
            """;

    private HtmlReport() {
    }

    public static void write(EvaluationReport r, Path file) throws IOException {
        Files.writeString(file, render(r), StandardCharsets.UTF_8);
    }

    public static String render(EvaluationReport r) {
        Setup s = r.setup();
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Evaluation: ").append(escape(s.modelId())).append(" on ").append(escape(s.input()))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n")
                .append("<h1>Hierarchy-tagger evaluation</h1>\n<p class=\"subtitle\">")
                .append(escape(s.modelId())).append(" · ").append(escape(s.labelSet())).append(" · ")
                .append(s.images()).append(" images</p>\n");
        setup(h, s);
        accuracy(h, "Accuracy on all images", r.all());
        accuracy(h, "Accuracy on the uncertain images", r.uncertain());
        rescue(h, r.rescue());
        selective(h, r.selective());
        classChanges(h, r.classChanges());
        dump(h, r.dump());
        skips(h, s.skips());
        h.append("<footer>Written by hierarchy-tagger <code>evaluate</code>; every number is also in ")
                .append("<code>report.json</code>.</footer>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void setup(StringBuilder h, Setup s) {
        String[][] items = {
            {"Model", escape(s.modelId())},
            {"Label set", escape(s.labelSet()) + " (" + s.classes() + " classes)"},
            {"Input", "<span class=\"path\">" + escape(s.input()) + "</span>"},
            {"Created at", escape(s.createdAt())},
            {"Images evaluated", Integer.toString(s.images())},
            {"Skipped inputs", Integer.toString(s.skipped())},
            {"Uncertain images", s.uncertainImages() + " (" + percent(share(s.uncertainImages(), s.images())) + ")"},
            {"Consistency rule", escape(s.rule())},
            {"Time per image", Markup.decimals(s.millisPerImage(), 2) + " ms (text embeddings excluded)"},
            {"Total time", Markup.decimals(s.seconds(), 1) + " s"},
        };
        // Two name-value pairs a row: the setup is short facts, and a single column would fill a screen.
        h.append("<h2>Setup</h2>\n<table class=\"setup\"><tbody>\n");
        for (int i = 0; i < items.length; i += 2) {
            h.append("<tr>");
            for (String[] item : List.of(items[i], items[i + 1])) {
                h.append("<th scope=\"row\">").append(item[0]).append("</th><td>").append(item[1]).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void accuracy(StringBuilder h, String title, List<AccuracyRow> rows) {
        h.append("<h2>").append(title).append("</h2>\n");
        if (rows.isEmpty()) {
            h.append("<p class=\"note\">No rows.</p>\n");
            return;
        }
        h.append("<table><thead><tr><th>Method</th><th>What it is</th><th class=\"num\">Images</th>")
                .append("<th class=\"num\">Top-1</th><th class=\"num\">Top-5</th></tr></thead><tbody>\n");
        for (AccuracyRow a : rows) {
            h.append("<tr><td>").append(escape(a.method())).append("</td><td>").append(escape(a.description()))
                    .append("</td>").append(num(Integer.toString(a.images()))).append(num(percent(a.top1())))
                    .append(num(percent(a.top5()))).append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void rescue(StringBuilder h, List<Rescue> rows) {
        h.append("<h2>Rescoring the uncertain images</h2>\n");
        if (rows.isEmpty()) {
            h.append("<p class=\"note\">No rescoring variant was run.</p>\n");
            return;
        }
        h.append("<p class=\"note\">Fixed: wrong before rescoring, right after. Broken: right before, wrong after."
                + " Top-1 before and after rescoring.</p>\n")
                .append("<table><thead><tr><th rowspan=\"2\">Variant</th><th rowspan=\"2\" class=\"num\">Rescored</th>")
                .append("<th rowspan=\"2\" class=\"num\">Fixed</th><th rowspan=\"2\" class=\"num\">Broken</th>")
                .append("<th rowspan=\"2\" class=\"num\">Net</th><th colspan=\"2\" class=\"group\">Uncertain images</th>")
                .append("<th colspan=\"2\" class=\"group\">All images</th></tr>\n<tr><th class=\"num\">before</th>")
                .append("<th class=\"num\">after</th><th class=\"num\">before</th><th class=\"num\">after</th></tr>")
                .append("</thead><tbody>\n");
        for (Rescue x : rows) {
            String net = x.net() > 0 ? "<span class=\"gain\">+" + x.net() + "</span>"
                    : x.net() < 0 ? "<span class=\"loss\">−" + -x.net() + "</span>" : "0";
            h.append("<tr><td>").append(escape(x.variant())).append("</td>")
                    .append(num(Integer.toString(x.uncertain()))).append(num(Integer.toString(x.fixed())))
                    .append(num(Integer.toString(x.broken()))).append(num(net))
                    .append(num(percent(x.uncertainBefore()))).append(num(percent(x.uncertainAfter())))
                    .append(num(percent(x.allBefore()))).append(num(percent(x.allAfter()))).append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void selective(StringBuilder h, List<SelectiveScore> scores) {
        h.append("<h2>Selective prediction</h2>\n<p class=\"note\">How well each confidence score tells correct"
                + " class-name predictions from wrong ones. AUROC: the chance that a correct prediction scores"
                + " higher than a wrong one (0.5 is guessing).</p>\n");
        if (!scores.isEmpty()) {
            h.append("<table><thead><tr><th>Score</th><th class=\"num\">AUROC</th></tr></thead><tbody>\n");
            for (SelectiveScore s : scores) {
                h.append("<tr><td>").append(escape(s.score())).append("</td>")
                        .append(num(Double.isNaN(s.auroc()) ? "–" : Markup.decimals(s.auroc(), 3))).append("</tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        SvgLineChart chart = new SvgLineChart("Accuracy of the retained images against the abstention rate",
                "abstention rate: least confident images left out (%)", "top-1 accuracy of the rest (%)")
                .yCovering(0, 100);
        for (SelectiveScore s : scores) {
            List<CurvePoint> c = s.curve();
            chart.series(s.score(), c.stream().mapToDouble(p -> 100 * p.abstention()).toArray(),
                    c.stream().mapToDouble(p -> 100 * p.accuracy()).toArray());
        }
        figure(h, chart.render());
    }

    private static void classChanges(StringBuilder h, List<ClassChange> changes) {
        h.append("<h2>Classes rescoring changed most</h2>\n");
        SvgBarChart chart = new SvgBarChart("Images fixed and broken by rescoring, per true class", "images",
                "true class", List.of("fixed", "broken"));
        for (ClassChange c : changes) {
            chart.category(c.name(), c.fixed(), c.broken());
        }
        figure(h, chart.render());
    }

    private static void dump(StringBuilder h, Map<String, List<Integer>> dump) {
        if (dump.isEmpty()) {
            return;
        }
        h.append("<h2>Dumped arrays</h2>\n<table><thead><tr><th>File</th><th class=\"num\">Shape</th></tr></thead>")
                .append("<tbody>\n");
        for (Map.Entry<String, List<Integer>> e : new TreeMap<>(dump).entrySet()) {
            String shape = e.getValue().stream().map(String::valueOf).collect(Collectors.joining(" × "));
            h.append("<tr><td class=\"path\">").append(escape(e.getKey())).append("</td>").append(num(shape))
                    .append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void skips(StringBuilder h, List<Skip> skips) {
        if (skips.isEmpty()) {
            return;
        }
        h.append("<h2>Skipped inputs</h2>\n<table><thead><tr><th>Input</th><th>Reason</th></tr></thead><tbody>\n");
        for (Skip s : skips.subList(0, Math.min(skips.size(), MAX_SKIPS_SHOWN))) {
            h.append("<tr><td class=\"path\">").append(escape(s.path())).append("</td><td>").append(escape(s.reason()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        if (skips.size() > MAX_SKIPS_SHOWN) {
            h.append("<p class=\"note\">… and ").append(skips.size() - MAX_SKIPS_SHOWN)
                    .append(" more; <code>report.json</code> lists them all.</p>\n");
        }
    }

    private static void figure(StringBuilder h, String svg) {
        h.append("<figure>").append(svg).append("</figure>\n");
    }

    private static String num(String escapedValue) {
        return "<td class=\"num\">" + escapedValue + "</td>";
    }

    private static double share(int part, int whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }

    /** A fraction as a percentage with two decimals; a dash for NaN (an empty subset). */
    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "–" : Markup.decimals(100 * fraction, 2) + " %";
    }
}
