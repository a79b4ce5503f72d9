package io.hiertag.text;

import java.text.Normalizer;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * CLIP's text clean-up before BPE: {@code ftfy.fix_text}, then {@code html.unescape} twice, then whitespace runs
 * collapsed to one space and trimmed, then lower case.
 *
 * <p>Of ftfy 6 with its default settings this reproduces every step except mojibake repair ({@code fix_encoding}
 * with {@code restore_byte_a0}, {@code replace_lossy_sequences} and {@code decode_inconsistent_utf8}), which
 * guesses from statistics how text was mis-decoded: text such as {@code "cafÃ©"} stays as it is here, where CLIP
 * would read {@code "café"}. Reproduced, in ftfy's order and repeated per line until nothing changes: HTML
 * references closed by {@code ;} (skipped from the first line that contains {@code <}), C1 controls read as
 * Windows-1252, Latin ligatures split, full- and half-width forms made normal width, curly quotes straightened,
 * line breaks unified, lone surrogates replaced, terminal escapes and stray control characters removed, NFC.
 */
final class ClipTextCleaner {

    // The regex module's \s, which CLIP uses, is Unicode's White_Space, as is Java's with UNICODE_CHARACTER_CLASS.
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    // ftfy's ANSI_RE; its \d, from Python's re, is any decimal digit.
    private static final Pattern TERMINAL_ESCAPE =
            Pattern.compile("\u001b\\[[\\d;]*[a-zA-Z]", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Map<Integer, String> LIGATURES = Map.ofEntries(
            Map.entry(0x0132, "IJ"), Map.entry(0x0133, "ij"), Map.entry(0x0149, "\u02bcn"),
            Map.entry(0x01F1, "DZ"), Map.entry(0x01F2, "Dz"), Map.entry(0x01F3, "dz"),
            Map.entry(0x01C4, "D\u017d"), Map.entry(0x01C5, "D\u017e"), Map.entry(0x01C6, "d\u017e"),
            Map.entry(0x01C7, "LJ"), Map.entry(0x01C8, "Lj"), Map.entry(0x01C9, "lj"),
            Map.entry(0x01CA, "NJ"), Map.entry(0x01CB, "Nj"), Map.entry(0x01CC, "nj"),
            Map.entry(0xFB00, "ff"), Map.entry(0xFB01, "fi"), Map.entry(0xFB02, "fl"),
            Map.entry(0xFB03, "ffi"), Map.entry(0xFB04, "ffl"), Map.entry(0xFB05, "\u017ft"), Map.entry(0xFB06, "st"));

    private static final int CAPITAL_SIGMA = 0x03A3;
    private static final String WORD_INNER_PUNCTUATION = "'.:\u00b7\u0387\u055f\u05f4\u2018\u2019\u2024\u2027"
            + "\ufe13\ufe52\ufe55\uff07\uff0e\uff1a";

    private ClipTextCleaner() {}

    /**
     * @param text any text
     * @return the text CLIP splits into pieces
     */
    static String clean(String text) {
        String unescaped = HtmlEntities.unescape(HtmlEntities.unescape(fixText(text)));
        String collapsed = WHITESPACE.matcher(unescaped).replaceAll(" ");
        int start = collapsed.startsWith(" ") ? 1 : 0;
        int end = Math.max(start, collapsed.length() - (collapsed.endsWith(" ") ? 1 : 0));
        return lowerCase(collapsed.substring(start, end));
    }

    /**
     * Python's {@code str.lower()}: Unicode's full lower-case mapping, with capital sigma decided by CPython's
     * Final_Sigma rule, which Java's {@code String.toLowerCase} applies differently (e.g. before {@code '} or
     * {@code _}).
     *
     * @param text any text
     * @return the text in lower case
     */
    static String lowerCase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == CAPITAL_SIGMA) {
                out.append(isFinalSigma(text, i) ? '\u03c2' : '\u03c3');
            } else if (cp == 0x0130) {
                out.append("i\u0307"); // the one unconditional multi-character mapping: İ keeps its dot
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    // Σ ends a word when a cased letter precedes it and none follows, case-ignorable characters skipped.
    private static boolean isFinalSigma(String text, int sigma) {
        int before = sigma;
        int cp = 0;
        while (before > 0) {
            cp = text.codePointBefore(before);
            before -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                break;
            }
        }
        if (before == sigma || isCaseIgnorable(cp) || !isCased(cp)) {
            return false;
        }
        for (int after = sigma + 1; after < text.length(); after += Character.charCount(cp)) {
            cp = text.codePointAt(after);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
        }
        return true;
    }

    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    // Unicode's Case_Ignorable: marks, format characters, modifiers, and the word-inner punctuation of
    // Word_Break MidLetter, MidNumLet and Single_Quote, which Java does not expose.
    private static boolean isCaseIgnorable(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || type == Character.MODIFIER_LETTER || type == Character.MODIFIER_SYMBOL
                || WORD_INNER_PUNCTUATION.indexOf(cp) >= 0;
    }

    /**
     * The reproduced part of {@code ftfy.fix_text}.
     *
     * @param text any text
     * @return the fixed text
     */
    static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        // ftfy fixes each line on its own, and once a line looks like HTML (has '<') it stops unescaping for good.
        for (int start = 0; start < text.length(); ) {
            int end = text.indexOf('\n', start) + 1;
            if (end == 0) {
                end = text.length();
            }
            String line = text.substring(start, end);
            unescapeHtml &= line.indexOf('<') < 0;
            out.append(fixLine(line, unescapeHtml));
            start = end;
        }
        return out.toString();
    }

    private static String fixLine(String line, boolean unescapeHtml) {
        String text = line;
        // One fix can enable another (an unescaped "&rsquo;" is then straightened), so repeat until stable.
        while (true) {
            String before = text;
            if (unescapeHtml) {
                text = HtmlEntities.unescapeStrict(text);
            }
            text = translate(text, ClipTextCleaner::c1Control);
            text = translate(text, LIGATURES::get);
            text = translate(text, ClipTextCleaner::normalWidth);
            text = translate(text, ClipTextCleaner::straightQuote);
            text = text.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n')
                    .replace('\u0085', '\n');
            text = replaceLoneSurrogates(text);
            text = TERMINAL_ESCAPE.matcher(text).replaceAll("");
            text = translate(text, cp -> isStrayControl(cp) ? "" : null);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(before)) {
                return text;
            }
        }
    }

    /** Replaces each code point for which {@code replacement} gives a string; null keeps it. */
    private static String translate(String text, IntFunction<String> replacement) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String replaced = replacement.apply(cp);
            if (replaced != null && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                if (replaced != null) {
                    out.append(replaced);
                } else {
                    out.appendCodePoint(cp);
                }
            }
            i += Character.charCount(cp);
        }
        return out == null ? text : out.toString();
    }

    // Browsers read C1 controls as Windows-1252, where they are mostly punctuation.
    private static String c1Control(int cp) {
        return cp >= 0x80 && cp <= 0x9F ? String.valueOf(HtmlEntities.WINDOWS_1252_C1.charAt(cp - 0x80)) : null;
    }

    private static String normalWidth(int cp) {
        if (cp == 0x3000) {
            return " ";
        }
        if (cp < 0xFF01 || cp > 0xFFEF) {
            return null;
        }
        String normal = Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC);
        return normal.equals(Character.toString(cp)) ? null : normal;
    }

    private static String straightQuote(int cp) {
        if (cp == 0x02BC || (cp >= 0x2018 && cp <= 0x201B)) {
            return "'";
        }
        return cp >= 0x201C && cp <= 0x201F ? "\"" : null;
    }

    // Controls nobody means to type; whitespace controls, C1 controls, joiners and bidi marks stay.
    private static boolean isStrayControl(int cp) {
        return cp <= 0x08 || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || cp == 0x7F
                || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC);
    }

    private static String replaceLoneSurrogates(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }
        return out.toString();
    }
}
