package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class SvgChartsTest {

    private static final double NAN = Double.NaN;

    @Test
    void lineChartHasTitleAxesWithTicksAxisTitlesAndALegend() {
        Document d = Charts.parse(new SvgLineChart("Accuracy", "abstention (%)", "accuracy (%)")
                .series("S_T", new double[] {0, 50, 100}, new double[] {63, 80, 90})
                .series("max logit", new double[] {0, 50, 100}, new double[] {63, 65, NAN})
                .render());
        assertEquals(List.of("Accuracy"), Charts.textsOfClass(d, "chart-title"));
        assertEquals(List.of("abstention (%)", "accuracy (%)"), Charts.textsOfClass(d, "axis-title"));
        assertEquals(List.of("S_T", "max logit"), Charts.texts(Charts.withClass(d, "legend").get(0)));
        Element x = Charts.withClass(d, "x-axis").get(0);
        Element y = Charts.withClass(d, "y-axis").get(0);
        assertEquals(1, Charts.withClass(d, "axis-line").stream().filter(e -> e.getParentNode() == x).count());
        assertEquals(List.of("0", "20", "40", "60", "80", "100"), Charts.texts(x));
        assertEquals(List.of("60", "65", "70", "75", "80", "85", "90"), Charts.texts(y));
        assertEquals(2, Charts.withClass(d, "series").size());
    }

    @Test
    void aNonFinitePointIsLeftOutAndBreaksTheLine() {
        Document d = Charts.parse(new SvgLineChart("t", "x", "y")
                .series("s", new double[] {0, 1, 2, 3, 4}, new double[] {1, 2, NAN, 3, Double.POSITIVE_INFINITY})
                .render());
        Element series = Charts.withClass(d, "series").get(0);
        String path = ((Element) series.getElementsByTagName("path").item(0)).getAttribute("d");
        assertEquals(2, path.chars().filter(c -> c == 'M').count(), path);
        assertEquals(1, path.chars().filter(c -> c == 'L').count(), path);
        assertEquals(3, series.getElementsByTagName("circle").getLength());
    }

    @Test
    void chartsWithoutDataRenderATitledNote() {
        for (String svg : List.of(new SvgLineChart("Nothing", "x", "y").render(),
                new SvgLineChart("Nothing", "x", "y").series("s", new double[] {1}, new double[] {NAN}).render(),
                new SvgBarChart("Nothing", "v", "c", List.of("a", "b")).render(),
                new SvgBarChart("Nothing", "v", "c", List.of("a")).category("k", NAN).render())) {
            Document d = Charts.parse(svg);
            assertEquals(List.of("Nothing"), Charts.textsOfClass(d, "chart-title"));
            assertEquals(List.of("No data to plot."), Charts.textsOfClass(d, "empty-note"));
        }
    }

    @Test
    void barChartHasOneBandPerCategoryAndOneBarPerSeries() {
        Document d = Charts.parse(new SvgBarChart("Changes", "images", "true class", List.of("fixed", "broken"))
                .category("tabby cat", 9, 2)
                .category("tiger cat", 7, NAN)
                .category("a class name far too long to fit in the margin beside the axis", 0, 3)
                .render());
        assertEquals(List.of("images", "true class"), Charts.textsOfClass(d, "axis-title"));
        assertEquals(List.of("fixed", "broken"), Charts.texts(Charts.withClass(d, "legend").get(0)));
        List<String> categories = Charts.texts(Charts.withClass(d, "y-axis").get(0));
        assertEquals("tabby cat", categories.get(0));
        assertTrue(categories.get(2).endsWith("…") && categories.get(2).length() < 40, categories.get(2));
        assertEquals(List.of("0", "2", "4", "6", "8", "10"), Charts.texts(Charts.withClass(d, "x-axis").get(0)));
        List<Element> series = Charts.withClass(d, "series");
        assertEquals(3, series.get(0).getElementsByTagName("rect").getLength());
        assertEquals(2, series.get(1).getElementsByTagName("rect").getLength(), "NaN draws no bar");
        assertEquals(List.of("9", "7", "0"), Charts.texts(series.get(0)));
    }

    @Test
    void textIsEscapedForXml() {
        String nasty = "<b>\"fish\" & 'chips'</b>\u0001";
        Document d = Charts.parse(new SvgBarChart(nasty, nasty, nasty, List.of(nasty)).category(nasty, 1).render());
        assertEquals(List.of("<b>\"fish\" & 'chips'</b>\uFFFD"), Charts.textsOfClass(d, "chart-title"));
        assertTrue(Charts.texts(Charts.withClass(d, "legend").get(0)).get(0).startsWith("<b>"));
    }

    @Test
    void seriesAndCategoriesMustMatchInLength() {
        assertThrows(IllegalArgumentException.class,
                () -> new SvgLineChart("t", "x", "y").series("s", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class,
                () -> new SvgBarChart("t", "v", "c", List.of("a", "b")).category("k", 1));
    }

    @Test
    void niceScalesRoundOutwardToShortTicks() {
        NiceScale s = NiceScale.covering(61.3, 97.8, 6);
        assertEquals(new NiceScale(60, 100, 10), s);
        assertArrayEquals(new double[] {60, 70, 80, 90, 100}, s.ticks());
        assertEquals("60", s.label(60));
        NiceScale quarter = NiceScale.covering(0, 1, 4);
        assertEquals("0.25", quarter.label(quarter.ticks()[1]));
        NiceScale signed = NiceScale.covering(-3, 3, 6);
        assertEquals("0", signed.label(signed.ticks()[3]), "never -0");
        NiceScale flat = NiceScale.covering(5, 5, 6);
        assertTrue(flat.min() < 5 && flat.max() > 5, flat.toString());
    }
}
