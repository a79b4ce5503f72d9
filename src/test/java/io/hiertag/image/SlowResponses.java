package io.hiertag.image;

import java.io.IOException;

/**
 * The answers of a web server that is slow or hostile on purpose, by request path (a query is ignored, so that
 * each uri of a test can be told apart): {@code /img.png} the image at once, {@code /slow-headers} the headers
 * only after 20 s (as in issue 12), {@code /trickle} a 50-byte body at one byte per 200 ms, {@code /endless} a
 * chunked body that never ends, {@code /huge-declared} and {@code /huge-chunked} 100 MB, anything else 404. Every
 * slow answer ends as soon as the client closes the connection.
 */
public final class SlowResponses {

    private SlowResponses() {
    }

    /** @param image the body of {@code /img.png} (and of {@code /slow-headers}, should anyone wait that long) */
    public static RawHttpServer.Script serving(byte[] image) {
        return c -> play(c, image);
    }

    private static void play(RawHttpServer.Connection c, byte[] image) throws IOException, InterruptedException {
        switch (c.path().replaceFirst("\\?.*", "")) {
            case "/img.png" -> {
                c.send(head("Content-Length: " + image.length));
                c.send(image);
            }
            case "/slow-headers" -> {
                c.pause(20_000);
                c.send(head("Content-Length: " + image.length));
                c.send(image);
            }
            case "/trickle" -> {
                c.send(head("Content-Length: 50"));
                for (int i = 0; i < 50; i++) {
                    c.send(new byte[] {1});
                    c.pause(200);
                }
            }
            case "/endless" -> {
                c.send(head("Transfer-Encoding: chunked"));
                while (true) {
                    c.send("400\r\n" + "x".repeat(0x400) + "\r\n");
                    c.pause(10);
                }
            }
            case "/huge-declared" -> hugeBody(c, head("Content-Length: 100000000"));
            case "/huge-chunked" -> hugeBody(c, head("Transfer-Encoding: chunked"));
            default -> c.send("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        }
    }

    /** 100 MB as fast as the client takes it, in chunked framing when the head says so. */
    private static void hugeBody(RawHttpServer.Connection c, String head) throws IOException {
        c.send(head);
        boolean chunked = head.contains("chunked");
        byte[] block = new byte[65536];
        for (int i = 0; i < 100_000_000 / block.length; i++) {
            if (chunked) {
                c.send("10000\r\n");
            }
            c.send(block);
            if (chunked) {
                c.send("\r\n");
            }
        }
        if (chunked) {
            c.send("0\r\n\r\n");
        }
    }

    private static String head(String header) {
        return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: image/png\r\n" + header + "\r\n\r\n";
    }
}
