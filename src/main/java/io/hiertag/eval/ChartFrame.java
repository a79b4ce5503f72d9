package io.hiertag.eval;

import static io.hiertag.eval.Markup.escape;
import static io.hiertag.eval.Markup.px;

import java.util.List;

/**
 * What every SVG chart here shares: a fixed-width viewBox (so the chart scales with the page), the title, a
 * legend row under it, a plot area, axes with ticks, tick labels and titles, and the series colours. Styling is
 * in attributes rather than CSS, so a chart looks the same pasted anywhere. Charts add their marks with
 * {@link #add}; they are drawn over the grid and under the axes, whatever the order of the calls.
 *
 * <p>Elements carry classes ({@code chart-title}, {@code legend}, {@code axis}, {@code axis-title}) so tests and
 * readers can find them.
 */
final class ChartFrame {
    static final int WIDTH = 820;
    /** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, and on white. */
    private static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};
    /** Dash patterns cycle with the colours, so lines differ in print and in grey too. */
    private static final String[] DASHES = {"", "7 4", "2 3", "10 3 2 3"};
    /** Rough advance of a 12 px sans-serif character, for laying out text without measuring it. */
    private static final double CHAR_WIDTH = 6.8;
    private static final int TITLE_BAND = 36;
    private static final int LEGEND_ROW = 20;
    private static final int RIGHT_MARGIN = 28;
    private static final int BOTTOM_MARGIN = 50;
    private static final String TEXT = "#222";
    private static final String MUTED = "#555";
    private static final String GRID = "#e4e4e4";

    /** How the legend shows a series: a stroke with a dot (lines) or a filled square (bars). */
    enum Mark {
        LINE, SWATCH
    }

    private final StringBuilder svg = new StringBuilder();
    private final StringBuilder grid = new StringBuilder("<g class=\"grid\">");
    private final StringBuilder marks = new StringBuilder();
    private final StringBuilder axes = new StringBuilder();
    private final double left;
    private final double top;
    private final double right;
    private final double bottom;

    /**
     * @param left room left of the plot area for tick labels and the vertical axis title
     * @param plotHeight height of the plot area
     */
    ChartFrame(String title, double left, double plotHeight, List<String> legend, Mark mark) {
        this.left = left;
        this.right = WIDTH - RIGHT_MARGIN;
        StringBuilder items = new StringBuilder();
        int rows = legend.isEmpty() ? 0 : 1;
        double x = left;
        for (int i = 0; i < legend.size(); i++) {
            double itemWidth = 28 + legend.get(i).length() * CHAR_WIDTH + 22;
            if (x > left && x + itemWidth > right) {
                rows++;
                x = left;
            }
            double y = TITLE_BAND + (rows - 0.5) * LEGEND_ROW;
            items.append("<g class=\"legend-item\">").append(legendMark(mark, i, x, y))
                    .append(text(x + 28, y, "start", " dy=\"0.35em\"", escape(legend.get(i)))).append("</g>");
            x += itemWidth;
        }
        this.top = TITLE_BAND + rows * LEGEND_ROW + 14;
        this.bottom = top + plotHeight;
        svg.append(open(title, bottom + BOTTOM_MARGIN)).append("<g class=\"legend\">").append(items).append("</g>");
    }

    /** A chart with nothing to plot: the title and a note instead of the plot, so the page still explains it. */
    static String empty(String title, String note) {
        return open(title, 110)
                + text(WIDTH / 2.0, 70, "middle", " class=\"empty-note\" fill=\"" + MUTED + "\"", escape(note))
                + "</svg>";
    }

    static String colour(int series) {
        return COLOURS[series % COLOURS.length];
    }

    /** The stroke-dasharray attribute for a series' line, empty for a solid one. */
    static String dash(int series) {
        String d = DASHES[series % DASHES.length];
        return d.isEmpty() ? "" : " stroke-dasharray=\"" + d + "\"";
    }

    double left() {
        return left;
    }

    double right() {
        return right;
    }

    double top() {
        return top;
    }

    double bottom() {
        return bottom;
    }

    /** A numeric axis along the bottom, with vertical grid lines at its ticks. */
    void xAxis(NiceScale scale, String title) {
        StringBuilder axis = new StringBuilder("<g class=\"axis x-axis\">");
        axis.append(line(left, bottom, right, bottom, TEXT, " class=\"axis-line\""));
        for (double t : scale.ticks()) {
            double x = scale.position(t, left, right);
            grid.append(line(x, top, x, bottom, GRID, ""));
            axis.append("<g class=\"tick\">").append(line(x, bottom, x, bottom + 5, TEXT, ""))
                    .append(text(x, bottom + 19, "middle", " fill=\"" + MUTED + "\"", scale.label(t))).append("</g>");
        }
        axes.append(axis).append("</g>")
                .append(text((left + right) / 2, bottom + 42, "middle", " class=\"axis-title\"", escape(title)));
    }

    /** A numeric axis along the left, with horizontal grid lines at its ticks. */
    void yAxis(NiceScale scale, String title) {
        StringBuilder axis = new StringBuilder("<g class=\"axis y-axis\">");
        axis.append(line(left, top, left, bottom, TEXT, " class=\"axis-line\""));
        for (double t : scale.ticks()) {
            double y = scale.position(t, bottom, top);
            grid.append(line(left, y, right, y, GRID, ""));
            axis.append("<g class=\"tick\">").append(line(left - 5, y, left, y, TEXT, ""))
                    .append(text(left - 8, y, "end", " dy=\"0.35em\" fill=\"" + MUTED + "\"", scale.label(t)))
                    .append("</g>");
        }
        axes.append(axis).append("</g>").append(verticalTitle(title, 16));
    }

    /**
     * A category axis along the left: one band per label, top to bottom. Labels too long for the margin are
     * shortened with an ellipsis and keep their full text as a tooltip.
     */
    void yCategories(List<String> labels, String title) {
        double band = (bottom - top) / labels.size();
        int maxChars = (int) ((left - 40) / CHAR_WIDTH);
        StringBuilder axis = new StringBuilder("<g class=\"axis y-axis\">");
        axis.append(line(left, top, left, bottom, TEXT, " class=\"axis-line\""));
        int longest = 0;
        for (int i = 0; i < labels.size(); i++) {
            double y = top + (i + 0.5) * band;
            String label = labels.get(i);
            String shown = label.length() <= maxChars ? label : label.substring(0, maxChars - 1) + "…";
            longest = Math.max(longest, shown.length());
            axis.append("<g class=\"tick\">").append(line(left - 5, y, left, y, TEXT, ""))
                    .append(text(left - 8, y, "end", " dy=\"0.35em\"",
                            "<title>" + escape(label) + "</title>" + escape(shown)))
                    .append("</g>");
        }
        // The title sits just left of the longest label rather than at the margin's far edge.
        axes.append(axis).append("</g>").append(verticalTitle(title, Math.max(16, left - 24 - longest * CHAR_WIDTH)));
    }

    /** Adds chart marks (already escaped markup). */
    void add(String markup) {
        marks.append(markup);
    }

    String finish() {
        return svg.toString() + grid + "</g>" + marks + axes + "</svg>";
    }

    static String text(double x, double y, String anchor, String attributes, String escapedContent) {
        return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + anchor + "\"" + attributes + ">"
                + escapedContent + "</text>";
    }

    /** The svg start tag and the chart's title. */
    private static String open(String title, double height) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + WIDTH + " " + px(height)
                + "\" role=\"img\" aria-label=\"" + escape(title) + "\" font-family=\"system-ui, sans-serif\""
                + " font-size=\"12\" fill=\"" + TEXT + "\">"
                + text(WIDTH / 2.0, 24, "middle", " class=\"chart-title\" font-size=\"15\" font-weight=\"600\"",
                        escape(title));
    }

    private String verticalTitle(String title, double x) {
        double y = (top + bottom) / 2;
        return text(x, y, "middle", " class=\"axis-title\" transform=\"rotate(-90 " + px(x) + " " + px(y) + ")\"",
                escape(title));
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke, String attributes) {
        return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2)
                + "\" stroke=\"" + stroke + "\"" + attributes + "/>";
    }

    private static String legendMark(Mark mark, int series, double x, double y) {
        return switch (mark) {
            case LINE -> "<line x1=\"" + px(x) + "\" y1=\"" + px(y) + "\" x2=\"" + px(x + 22) + "\" y2=\"" + px(y)
                    + "\" stroke=\"" + colour(series) + "\" stroke-width=\"2.5\"" + dash(series) + "/>"
                    + "<circle cx=\"" + px(x + 11) + "\" cy=\"" + px(y) + "\" r=\"3\" fill=\"" + colour(series)
                    + "\"/>";
            case SWATCH -> "<rect x=\"" + px(x + 5) + "\" y=\"" + px(y - 6) + "\" width=\"12\" height=\"12\" fill=\""
                    + colour(series) + "\"/>";
        };
    }
}
