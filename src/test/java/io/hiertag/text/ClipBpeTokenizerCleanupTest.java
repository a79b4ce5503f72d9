package io.hiertag.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The text clean-up before BPE: the reproduced part of ftfy, whitespace and lower case as Python does them. */
class ClipBpeTokenizerCleanupTest {

    @Test
    void collapsesEveryUnicodeSpaceAndTrims() {
        assertEquals("hello world", ClipTextCleaner.clean("  Hello\u00a0\u2003World \n"));
        assertEquals("a b c", ClipTextCleaner.clean("a\u2028\u2029b\r\n\u202fc\u3000"));
        assertEquals("", ClipTextCleaner.clean(" \t "));
    }

    @Test
    void appliesFtfysCharacterFixes() {
        assertEquals("hello world", ClipTextCleaner.clean("ＨＥＬＬＯ　ｗｏｒｌｄ")); // full width
        assertEquals("fish flute", ClipTextCleaner.clean("ﬁsh ﬂute")); // Latin ligatures
        assertEquals("potter's \"wheel\"", ClipTextCleaner.clean("Potter’s “wheel”")); // curly quotes
        assertEquals("'s a…b", ClipTextCleaner.clean("\u0092s a\u0085b")); // C1 controls read as Windows-1252
        assertEquals("ared", ClipTextCleaner.clean("a\u001b[31mred\u001b[0m")); // terminal colours
        assertEquals("hi", ClipTextCleaner.clean("\ufeffh\u0001i\u007f")); // byte order mark, controls
        assertEquals("é", ClipTextCleaner.clean("e\u0301")); // NFC
        assertEquals("x\ufffdy", ClipTextCleaner.clean("x\ud83dy")); // a lone surrogate
        assertEquals("🙂", ClipTextCleaner.clean("\ud83d\ude42"));
    }

    @Test
    void doesNotRepairMojibake() {
        // ftfy would read "cafÃ©" as UTF-8 mis-decoded as Latin-1 and restore "café"; that guess is not reproduced.
        assertEquals("cafã©", ClipTextCleaner.clean("cafÃ©"));
    }

    @Test
    void lowerCasesLikePython() {
        assertEquals("οδος", ClipTextCleaner.lowerCase("ΟΔΟΣ"));
        assertEquals("aς_", ClipTextCleaner.lowerCase("AΣ_"));
        assertEquals("aς.", ClipTextCleaner.lowerCase("AΣ."));
        assertEquals("aσ'b", ClipTextCleaner.lowerCase("AΣ'B")); // an apostrophe does not end the word
        assertEquals("a'ς", ClipTextCleaner.lowerCase("A'Σ"));
        assertEquals("σ", ClipTextCleaner.lowerCase("Σ"));
        assertEquals("i\u0307", ClipTextCleaner.lowerCase("İ"));
    }

    @Test
    void tokenizesTheCleanedText() {
        ClipBpeTokenizer clip = ClipBpeTokenizer.bundled(77);
        assertArrayEquals(clip.encodeUnpadded("potter's wheel"), clip.encodeUnpadded("Potter’s Wheel"));
        assertArrayEquals(clip.encodeUnpadded("hello"), clip.encodeUnpadded("ＨＥＬＬＯ"));
        // The reference's case-insensitive split treats "'ſ" as a contraction and drops U+0345.
        assertArrayEquals(new int[] {49406, 585, 6, 129, 379, 49407}, clip.encodeUnpadded("it'ſ"));
        assertArrayEquals(new int[] {49406, 320, 321, 49407}, clip.encodeUnpadded("a\u0345b"));
    }
}
