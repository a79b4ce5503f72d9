package io.hiertag.eval;

import static io.hiertag.eval.Markup.escape;
import static io.hiertag.eval.Markup.px;

import java.util.ArrayList;
import java.util.List;

/**
 * A grouped horizontal bar chart as inline SVG: one band per category, one bar per series in it, the value
 * written at the bar's end. Horizontal, because the categories are class names, too long to fit under a bar.
 * A non-finite value draws no bar; a chart without any finite value renders as a titled note.
 */
public final class SvgBarChart {
    private static final int LEFT = 250;
    private static final int BAR = 13;
    private static final int GAP = 10;

    private record Category(String label, double[] values) {
    }

    private final String title;
    private final String valueTitle;
    private final String categoryTitle;
    private final List<String> seriesNames;
    private final List<Category> categories = new ArrayList<>();

    public SvgBarChart(String title, String valueTitle, String categoryTitle, List<String> seriesNames) {
        this.title = title;
        this.valueTitle = valueTitle;
        this.categoryTitle = categoryTitle;
        this.seriesNames = List.copyOf(seriesNames);
    }

    /** Adds a category, drawn below the earlier ones, with one value per series. */
    public SvgBarChart category(String label, double... values) {
        if (values.length != seriesNames.size()) {
            throw new IllegalArgumentException(
                    "category " + label + ": " + values.length + " values for " + seriesNames.size() + " series");
        }
        categories.add(new Category(label, values.clone()));
        return this;
    }

    public String render() {
        // Bars grow from zero, so zero is always on the value axis.
        double lo = 0;
        double hi = 0;
        boolean any = false;
        for (Category c : categories) {
            for (double v : c.values) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    any = true;
                }
            }
        }
        if (!any) {
            return ChartFrame.empty(title, "No data to plot.");
        }
        NiceScale scale = NiceScale.covering(lo, hi, 6);
        int series = seriesNames.size();
        double band = series * BAR + GAP;
        ChartFrame frame = new ChartFrame(title, LEFT, categories.size() * band, seriesNames, ChartFrame.Mark.SWATCH);
        frame.xAxis(scale, valueTitle);
        frame.yCategories(categories.stream().map(Category::label).toList(), categoryTitle);
        double zero = scale.position(0, frame.left(), frame.right());
        for (int s = 0; s < series; s++) {
            StringBuilder bars = new StringBuilder("<g class=\"series\" data-name=\"" + escape(seriesNames.get(s))
                    + "\" fill=\"" + ChartFrame.colour(s) + "\">");
            for (int c = 0; c < categories.size(); c++) {
                double v = categories.get(c).values[s];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double end = scale.position(v, frame.left(), frame.right());
                double y = frame.top() + c * band + GAP / 2.0 + s * BAR;
                String value = v == Math.rint(v) ? Markup.decimals(v, 0) : Markup.decimals(v, 2);
                bars.append("<rect x=\"").append(px(Math.min(zero, end))).append("\" y=\"").append(px(y))
                        .append("\" width=\"").append(px(Math.abs(end - zero))).append("\" height=\"")
                        .append(BAR - 2).append("\"><title>").append(escape(categories.get(c).label)).append(", ")
                        .append(escape(seriesNames.get(s))).append(": ").append(value).append("</title></rect>")
                        .append(ChartFrame.text(v < 0 ? end - 4 : end + 4, y + (BAR - 2) / 2.0,
                                v < 0 ? "end" : "start", " dy=\"0.35em\" font-size=\"10\" fill=\"#444\"", value));
            }
            frame.add(bars.append("</g>").toString());
        }
        return frame.finish();
    }
}
