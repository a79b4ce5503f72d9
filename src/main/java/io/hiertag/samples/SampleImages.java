package io.hiertag.samples;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Deterministic synthetic images (gradient backgrounds with random shapes), so that a demo or a test gets
 * varied, decodable input from a seed without shipping photographs.
 */
public final class SampleImages {

    private SampleImages() {
    }

    /** Image number {@code n} of the sequence for {@code seed}, {@code width}×{@code height} RGB. */
    public static BufferedImage generate(long seed, int n, int width, int height) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + n);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, color(r), width, height, color(r)));
            g.fillRect(0, 0, width, height);
            int shapes = 2 + r.nextInt(5);
            for (int i = 0; i < shapes; i++) {
                g.setColor(color(r));
                int x = r.nextInt(width);
                int y = r.nextInt(height);
                int w = 8 + r.nextInt(Math.max(1, width / 2));
                int h = 8 + r.nextInt(Math.max(1, height / 2));
                switch (r.nextInt(3)) {
                    case 0 -> g.fillOval(x - w / 2, y - h / 2, w, h);
                    case 1 -> g.fillRect(x - w / 2, y - h / 2, w, h);
                    default -> {
                        g.setStroke(new BasicStroke(2 + r.nextInt(6)));
                        g.drawLine(x, y, r.nextInt(width), r.nextInt(height));
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    public static byte[] png(BufferedImage img) {
        return encode(img, "png");
    }

    public static byte[] jpeg(BufferedImage img) {
        return encode(img, "jpeg");
    }

    private static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Color color(SplittableRandom r) {
        return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    }

    /** The same picture in 8-bit grey. */
    public static BufferedImage grey(BufferedImage src) {
        BufferedImage g = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D gr = g.createGraphics();
        gr.drawImage(src, 0, 0, null);
        gr.dispose();
        return g;
    }

    /** The same picture with an alpha channel, transparent in its top-left ninth. */
    public static BufferedImage withAlpha(BufferedImage src) {
        BufferedImage a = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D gr = a.createGraphics();
        gr.drawImage(src, 0, 0, null);
        gr.setComposite(AlphaComposite.Clear);
        gr.fillRect(0, 0, src.getWidth() / 3, src.getHeight() / 3);
        gr.dispose();
        return a;
    }

    /**
     * A valid PNG signature and header chunk claiming a {@code width × height} RGB image, with no pixel data: a
     * few dozen bytes that would need gigabytes if decoded.
     */
    public static byte[] pngHeaderClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue())
                .array();
    }
}
