package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.eval.EvaluationReport.AccuracyRow;
import io.hiertag.eval.EvaluationReport.ClassChange;
import io.hiertag.eval.EvaluationReport.Rescue;
import io.hiertag.eval.EvaluationReport.SelectiveScore;
import io.hiertag.eval.EvaluationReport.Setup;
import io.hiertag.eval.EvaluationReport.Skip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class HtmlReportTest {

    private static final String NASTY = "<script>alert('x')</script> & \"quoted\"\u0007";

    private static EvaluationReport report(Setup setup, List<AccuracyRow> rows, List<SelectiveScore> selective,
            List<ClassChange> changes, Map<String, List<Integer>> dump) {
        return new EvaluationReport(setup, rows, rows, List.of(), selective, changes, dump);
    }

    private static Setup setup(String text, List<Skip> skips) {
        return new Setup(text, text, 3, text, 10, skips.size(), 0, text, 1.0, 2.0, skips, text);
    }

    @Test
    void everyPlotHasAxesAxisTitlesAndALegend() {
        List<Document> svgs = Charts.inlineSvgs(HtmlReport.render(SampleReports.realistic()));
        assertEquals(2, svgs.size());
        for (Document svg : svgs) {
            assertEquals(1, Charts.withClass(svg, "chart-title").size());
            assertEquals(2, Charts.withClass(svg, "axis").size(), "an x and a y axis");
            for (Element axis : Charts.withClass(svg, "axis")) {
                assertTrue(axis.getElementsByTagName("line").getLength() > 3, "axis line and tick marks");
                assertTrue(Charts.texts(axis).size() > 3, "tick labels");
            }
            List<String> axisTitles = Charts.textsOfClass(svg, "axis-title");
            assertEquals(2, axisTitles.size());
            axisTitles.forEach(t -> assertFalse(t.isBlank()));
            assertEquals(1, Charts.withClass(svg, "legend").size());
        }
        Document curves = svgs.get(0);
        assertEquals(SampleReports.SCORES, Charts.texts(Charts.withClass(curves, "legend").get(0)));
        assertEquals(4, Charts.withClass(curves, "series").size());
        Document changes = svgs.get(1);
        assertEquals(List.of("fixed", "broken"), Charts.texts(Charts.withClass(changes, "legend").get(0)));
        assertEquals(10, Charts.texts(Charts.withClass(changes, "y-axis").get(0)).size(), "one band per class");
    }

    @Test
    void tablesShowPercentagesAurocAndTheRescue() {
        String html = HtmlReport.render(SampleReports.realistic());
        assertTrue(html.contains("<td class=\"num\">63.45 %</td><td class=\"num\">88.90 %</td>"), "name, all");
        assertTrue(html.contains("<td class=\"num\">31.19 %</td><td class=\"num\">77.52 %</td>"), "name, uncertain");
        assertTrue(html.contains("<span class=\"gain\">+36</span>"));
        assertTrue(Pattern.compile("<td>S_T</td><td class=\"num\">0\\.\\d{3}</td>").matcher(html).find());
        assertTrue(html.contains("2000 × 512"), "dump shapes");
        assertTrue(html.contains("71.35 ms"));
        assertTrue(html.contains("ILSVRC2012_val_00000293.JPEG</td><td>cannot decode: truncated JPEG"));
    }

    @Test
    void thePageIsSelfContained() {
        String html = HtmlReport.render(SampleReports.realistic());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        // The SVG namespace is a name, not something a browser fetches.
        String rest = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        for (String external : List.of("<script", "http:", "https:", "src=", "href=", "url(", "@import", "<link")) {
            assertFalse(rest.contains(external), external);
        }
    }

    @Test
    void everyStringFromTheReportIsEscaped() {
        List<AccuracyRow> rows = List.of(new AccuracyRow(NASTY, NASTY, 10, 0.5, 0.9));
        List<SelectiveScore> selective = List.of(new SelectiveScore(NASTY, 0.7,
                List.of(new EvaluationReport.CurvePoint(0, 0.5), new EvaluationReport.CurvePoint(0.5, 0.8))));
        EvaluationReport r = new EvaluationReport(setup(NASTY, List.of(new Skip(NASTY, NASTY))), rows, rows,
                List.of(new Rescue(NASTY, 1, 1, 0, 1, 0, 1, 0.5, 0.6)), selective,
                List.of(new ClassChange(1, NASTY, NASTY, 2, 1, 1)), Map.of(NASTY, List.of(2, 3)));
        String html = HtmlReport.render(r);
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("\u0007"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"));
        assertEquals(2, Charts.inlineSvgs(html).size(), "both charts still parse as XML");
    }

    @Test
    void aLongSkipListIsCappedWithACount() {
        List<Skip> skips = IntStream.range(0, 120).mapToObj(i -> new Skip("img" + i + ".jpg", "unreadable")).toList();
        String html = HtmlReport.render(report(setup("m", skips), List.of(), List.of(), List.of(), Map.of()));
        assertTrue(html.contains("img49.jpg"));
        assertFalse(html.contains("img50.jpg"));
        assertTrue(html.contains("… and 70 more"));
    }

    @Test
    void anEmptyReportRendersWithNotesInsteadOfPlots() {
        List<SelectiveScore> nanCurve = new ArrayList<>();
        nanCurve.add(new SelectiveScore("S_T", Double.NaN,
                List.of(new EvaluationReport.CurvePoint(0, Double.NaN))));
        String html = HtmlReport.render(report(new Setup("m", "l", 0, "in", 0, 0, 0, "discrete", 0, Double.NaN,
                List.of(), "t"), List.of(), nanCurve, List.of(), Map.of()));
        List<Document> svgs = Charts.inlineSvgs(html);
        assertEquals(2, svgs.size());
        svgs.forEach(d -> assertEquals(List.of("No data to plot."), Charts.textsOfClass(d, "empty-note")));
        assertFalse(html.contains("Skipped inputs</h2>"));
        assertFalse(html.contains("Dumped arrays"));
        assertTrue(html.contains("<td>S_T</td><td class=\"num\">–</td>"), "NaN AUROC shows as a dash");
    }

    @Test
    void writeStoresTheRenderedPageAsUtf8(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("report.html");
        EvaluationReport r = SampleReports.realistic();
        HtmlReport.write(r, file);
        assertEquals(HtmlReport.render(r), Files.readString(file, StandardCharsets.UTF_8));
    }
}
