package io.hiertag.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** HTML character references, decoded as CLIP's clean-up does: ftfy's way, then Python's html.unescape twice. */
class ClipBpeTokenizerHtmlTest {

    @Test
    void unescapesAsPythonsHtmlUnescape() {
        assertEquals("<b> & \"x\"", HtmlEntities.unescape("&lt;b&gt; &amp; &quot;x&quot;"));
        assertEquals("ABC", HtmlEntities.unescape("&#65;&#x42;&#X43"));
        assertEquals("🙂", HtmlEntities.unescape("&#x1F642;"));
        assertEquals("≂̸", HtmlEntities.unescape("&NotEqualTilde;")); // two code points
        // Legacy names also count without ';', and the longest one that starts the reference wins.
        assertEquals("© 2024", HtmlEntities.unescape("&copy 2024"));
        assertEquals("¬it;", HtmlEntities.unescape("&notit;"));
        assertEquals("&lifier", HtmlEntities.unescape("&amplifier"));
        assertEquals("&bogus;", HtmlEntities.unescape("&bogus;"));
        // Numeric references to what HTML forbids.
        assertEquals("\ufffd", HtmlEntities.unescape("&#0;"));
        assertEquals("€", HtmlEntities.unescape("&#x80;")); // read as Windows-1252
        assertEquals("\ufffd", HtmlEntities.unescape("&#xD800;"));
        assertEquals("\ufffd", HtmlEntities.unescape("&#99999999999;"));
        assertEquals("", HtmlEntities.unescape("&#1;"));
        assertEquals("\r", HtmlEntities.unescape("&#13;"));
    }

    @Test
    void ftfyDecodesOnlyReferencesClosedBySemicolonButAlsoAllCaps() {
        assertEquals("this&not that", HtmlEntities.unescapeStrict("this&not that"));
        assertEquals("¬", HtmlEntities.unescapeStrict("&not;"));
        assertEquals("&#65", HtmlEntities.unescapeStrict("&#65"));
        assertEquals("A", HtmlEntities.unescapeStrict("&#65;"));
        assertEquals("PÉREZ", HtmlEntities.unescapeStrict("P&EACUTE;REZ"));
        assertEquals("SS", HtmlEntities.unescapeStrict("&SZLIG;"));
        assertEquals("Ñ &nTILDE;", HtmlEntities.unescapeStrict("&NTILDE; &nTILDE;"));
    }

    @Test
    void cleanUpUnescapesUntilStableUnlessTheLineLooksLikeHtml() {
        assertEquals("&", ClipTextCleaner.clean("&amp;amp;amp;amp;"));
        assertEquals("x < y", ClipTextCleaner.clean("x &amp;amp;lt; y"));
        // With a '<' ftfy leaves references alone from that line on; html.unescape twice still decodes two levels.
        assertEquals("<p>&amp;</p>", ClipTextCleaner.clean("<p>&amp;amp;amp;</p>"));
        assertEquals("x <b> &", ClipTextCleaner.clean("x\n<b>\n&amp;amp;"));
        assertEquals("& <b>", ClipTextCleaner.clean("&amp;amp;\n<b>"));
        assertEquals("this¬ that", ClipTextCleaner.clean("this&not that"));
        assertEquals("pérez", ClipTextCleaner.clean("P&EACUTE;REZ"));
    }

    @Test
    void referencesTokenizeAsTheCharactersTheyStandFor() {
        ClipBpeTokenizer clip = ClipBpeTokenizer.bundled(77);
        assertArrayEquals(clip.encodeUnpadded("tench & goldfish"), clip.encodeUnpadded("tench &amp;amp; goldfish"));
        // ftfy straightens the quote it unescaped.
        assertArrayEquals(new int[] {49406, 9026, 568, 6744, 49407}, clip.encodeUnpadded("potter&rsquo;s wheel"));
    }
}
