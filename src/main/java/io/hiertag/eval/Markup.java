package io.hiertag.eval;

import java.util.Locale;

/** Text helpers shared by the HTML page and its SVG charts. */
final class Markup {
    private Markup() {
    }

    /**
     * Escapes text for HTML and XML alike, and replaces the control characters XML 1.0 forbids (file names can
     * hold them), so an inline SVG also parses as XML.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' ? '\uFFFD' : ch);
            }
        }
        return out.toString();
    }

    /** {@code value} with a fixed number of decimals, independent of the default locale. */
    static String decimals(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** A coordinate for SVG: one decimal is finer than any screen needs. */
    static String px(double value) {
        return decimals(value, 1);
    }
}
