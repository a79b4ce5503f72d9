package io.hiertag.eval;

import static io.hiertag.eval.Markup.escape;
import static io.hiertag.eval.Markup.px;

import java.util.ArrayList;
import java.util.List;

/**
 * A line chart of named series as inline SVG. A point with a non-finite coordinate is left out and breaks its
 * line; a chart without any finite point renders as a titled note.
 */
public final class SvgLineChart {
    private static final int LEFT = 64;
    private static final int PLOT_HEIGHT = 300;

    private record Series(String name, double[] x, double[] y) {
    }

    private final String title;
    private final String xTitle;
    private final String yTitle;
    private final List<Series> series = new ArrayList<>();
    private double yLow = Double.POSITIVE_INFINITY;
    private double yHigh = Double.NEGATIVE_INFINITY;

    public SvgLineChart(String title, String xTitle, String yTitle) {
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
    }

    /** Makes the y axis cover at least {@code [low, high]}, e.g. 0–100 % so flat data does not fill the plot. */
    public SvgLineChart yCovering(double low, double high) {
        yLow = low;
        yHigh = high;
        return this;
    }

    /** Adds a series; {@code x} and {@code y} pair up by index. */
    public SvgLineChart series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x but " + y.length + " y");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    public String render() {
        double[] xRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yRange = {yLow, yHigh};
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (plotted(s, i)) {
                    widen(xRange, s.x[i]);
                    widen(yRange, s.y[i]);
                }
            }
        }
        if (xRange[0] > xRange[1]) {
            return ChartFrame.empty(title, "No data to plot.");
        }
        NiceScale xs = NiceScale.covering(xRange[0], xRange[1], 8);
        NiceScale ys = NiceScale.covering(yRange[0], yRange[1], 6);
        ChartFrame frame = new ChartFrame(title, LEFT, PLOT_HEIGHT, series.stream().map(Series::name).toList(),
                ChartFrame.Mark.LINE);
        frame.xAxis(xs, xTitle);
        frame.yAxis(ys, yTitle);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder path = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            boolean drawing = false;
            for (int i = 0; i < s.x.length; i++) {
                if (!plotted(s, i)) {
                    drawing = false;
                    continue;
                }
                String x = px(xs.position(s.x[i], frame.left(), frame.right()));
                String y = px(ys.position(s.y[i], frame.bottom(), frame.top()));
                path.append(drawing ? " L" : " M").append(x).append(' ').append(y);
                dots.append("<circle cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"2.5\"/>");
                drawing = true;
            }
            String colour = ChartFrame.colour(k);
            frame.add("<g class=\"series\" data-name=\"" + escape(s.name) + "\"><path d=\"" + path.toString().trim()
                    + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\" stroke-linejoin=\"round\""
                    + ChartFrame.dash(k) + "/><g fill=\"" + colour + "\">" + dots + "</g></g>");
        }
        return frame.finish();
    }

    private static boolean plotted(Series s, int i) {
        return Double.isFinite(s.x[i]) && Double.isFinite(s.y[i]);
    }

    private static void widen(double[] range, double v) {
        range[0] = Math.min(range[0], v);
        range[1] = Math.max(range[1], v);
    }
}
