package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hiertag.testing.ExternalTool;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report in Debian's headless Chromium, offline, and checks the screenshot: a real browser lays the
 * page out and draws both charts. Structure (axes, titles, legends) is checked in {@link HtmlReportTest}.
 */
class HtmlReportScreenshotTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 2400;

    @TempDir
    Path dir;

    @Test
    void chromiumRendersTheReportWithBothCharts() throws IOException, InterruptedException {
        ExternalTool.require(Files.isExecutable(CHROMIUM), CHROMIUM.toString());
        Path html = dir.resolve("report.html");
        HtmlReport.write(SampleReports.realistic(), html);
        Path png = dir.resolve("report.png");
        ExternalTool.Result r = ExternalTool.run(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")),
                "--window-size=" + WIDTH + "," + HEIGHT, "--screenshot=" + png, html.toUri().toString()),
                Duration.ofSeconds(60), dir);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(Files.isRegularFile(png), "no screenshot; Chromium said:\n" + r.output());

        try (InputStream in = Files.newInputStream(png)) {
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, in.readNBytes(8));
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO cannot decode the screenshot");
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());

        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < HEIGHT; y += 2) {
            for (int x = 0; x < WIDTH; x += 2) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        assertTrue(colours.size() > 100, "a near-blank page: " + colours.size() + " colours");
        // Each line series has its own colour; bars reuse the first two. Seeing all four drawn means the line
        // chart was laid out and painted, not just its text.
        for (int series = 0; series < SampleReports.SCORES.size(); series++) {
            String colour = ChartFrame.colour(series);
            int pixels = pixelsNear(image, Integer.parseInt(colour.substring(1), 16));
            assertTrue(pixels > 150, "series " + series + " (" + colour + "): " + pixels + " pixels");
        }
    }

    private static int pixelsNear(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff))
                        + Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) + Math.abs((p & 0xff) - (rgb & 0xff));
                if (d < 30) {
                    n++;
                }
            }
        }
        return n;
    }
}
