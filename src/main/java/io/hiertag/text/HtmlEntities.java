package io.hiertag.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes HTML character references the two ways CLIP's text clean-up does: {@link #unescape} as Python's
 * {@code html.unescape} (HTML5 rules: all named references, the legacy ones also without {@code ;}, numeric ones
 * with or without {@code ;}) and {@link #unescapeStrict} as ftfy's {@code unescape_html} (only references closed
 * by {@code ;}, plus all-caps spellings such as {@code &EACUTE;}).
 *
 * <p>The named references are the full HTML5 list, read from {@code html5-entities.tsv}.
 */
final class HtmlEntities {

    private static final String TABLE = "/hiertag/tokenizers/html5-entities.tsv";
    // Python's html._charref: a name runs to 32 characters and may omit its ';'.
    private static final Pattern REFERENCE =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    // ftfy's HTML_ENTITY_RE: only references closed by ';'.
    private static final Pattern STRICT_REFERENCE = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
    // What bytes 0x80-0x9F mean in Windows-1252; the five it leaves undefined stand for themselves.
    static final String WINDOWS_1252_C1 = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039"
            + "\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a"
            + "\u0153\u009d\u017e\u0178";

    private HtmlEntities() {}

    // Loaded on first use: a tokenizer that never meets '&' does not pay for the table.
    private static final class Tables {
        static final Map<String, String> NAMED = readNamed();
        static final Map<String, String> STRICT = strictNamed();
    }

    /**
     * Python's {@code html.unescape}.
     *
     * @param text any text
     * @return the text with every character reference decoded
     */
    static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return REFERENCE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(decode(m.group(1))));
    }

    /**
     * ftfy's {@code unescape_html}: decodes only the unambiguous references, those closed by {@code ;}, so that
     * informal text such as {@code this&not that} stays as it is.
     *
     * @param text any text
     * @return the text with those references decoded
     */
    static String unescapeStrict(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return STRICT_REFERENCE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(decodeStrict(m.group())));
    }

    private static String decodeStrict(String reference) {
        String named = Tables.STRICT.get(reference.substring(1));
        if (named != null) {
            return named;
        }
        if (reference.startsWith("&#")) {
            String decoded = unescape(reference);
            // A reference html.unescape decodes only in part (e.g. "&#12a;") is left alone.
            return decoded.indexOf(';') >= 0 ? reference : decoded;
        }
        return reference;
    }

    private static String decode(String reference) {
        if (reference.charAt(0) == '#') {
            boolean hex = reference.charAt(1) == 'x' || reference.charAt(1) == 'X';
            String digits = reference.substring(hex ? 2 : 1, reference.length() - (reference.endsWith(";") ? 1 : 0));
            return numeric(digits, hex ? 16 : 10);
        }
        Map<String, String> named = Tables.NAMED;
        String value = named.get(reference);
        if (value != null) {
            return value;
        }
        // HTML5: the longest legacy name (one without ';') that starts the reference, the rest kept as text.
        for (int end = reference.length() - 1; end > 1; end--) {
            value = named.get(reference.substring(0, end));
            if (value != null) {
                return value + reference.substring(end);
            }
        }
        return "&" + reference;
    }

    private static String numeric(String digits, int radix) {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        // Past 8 digits the number exceeds U+10FFFF in either base; checking first keeps parseLong from overflowing.
        long number = significant.length() > 8 ? Long.MAX_VALUE : Long.parseLong(significant, radix);
        if (number > Character.MAX_CODE_POINT) {
            return "\ufffd";
        }
        int cp = (int) number;
        if (cp == 0) {
            return "\ufffd";
        }
        if (cp == 0x0D) {
            return "\r";
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            return String.valueOf(WINDOWS_1252_C1.charAt(cp - 0x80));
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            return "\ufffd";
        }
        if (isDroppedCodePoint(cp)) {
            return "";
        }
        return Character.toString(cp);
    }

    // Python's html._invalid_codepoints (less 0x80-0x9F, handled above): controls and noncharacters.
    private static boolean isDroppedCodePoint(int cp) {
        return (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || cp == 0x7F
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static Map<String, String> readNamed() {
        Map<String, String> named = new HashMap<>(4096);
        try (InputStream in = HtmlEntities.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + TABLE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] fields = line.split("\t");
                StringBuilder value = new StringBuilder(2);
                for (String hex : fields[1].split(" ")) {
                    value.appendCodePoint(Integer.parseInt(hex, 16));
                }
                named.put(fields[0], value.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + TABLE, e);
        }
        return Map.copyOf(named);
    }

    // ftfy's table: every name closed by ';', and the all-caps spelling of a lower-case name when that spelling
    // is not itself a reference (so &EACUTE; is É, while &Eacute; keeps its own meaning).
    private static Map<String, String> strictNamed() {
        Map<String, String> strict = new HashMap<>(4096);
        Tables.NAMED.forEach((name, value) -> {
            if (!name.endsWith(";")) {
                return;
            }
            strict.put(name, value);
            String upper = name.toUpperCase(Locale.ROOT);
            if (name.equals(name.toLowerCase(Locale.ROOT)) && unescape("&" + upper).equals("&" + upper)) {
                strict.put(upper, value.toUpperCase(Locale.ROOT));
            }
        });
        return Map.copyOf(strict);
    }
}
