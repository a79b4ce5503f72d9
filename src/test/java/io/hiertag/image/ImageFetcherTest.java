package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** uri inputs: what is read, what is refused, and why; the web cases use a real server on loopback. */
class ImageFetcherTest {

    @TempDir
    Path dir;

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private int serve(byte[] body) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/img.png", ex -> {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "http://example.invalid/x.png");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private String errorType(ImageFetcher f, String uri) {
        return assertThrows(InvalidImageException.class, () -> f.fetch(uri)).reason().name();
    }

    @Test
    void everythingIsRefusedUnlessConfigured() {
        ImageFetcher off = new ImageFetcher(List.of(), Set.of(), 1000, Duration.ofSeconds(1));
        assertEquals("URI_NOT_ALLOWED", errorType(off, dir.resolve("a.png").toUri().toString()));
        assertEquals("URI_NOT_ALLOWED", errorType(off, "http://127.0.0.1:1/a.png"));
        assertEquals("URI_NOT_ALLOWED", errorType(off, "ftp://host/a.png"));
        assertEquals("URI_NOT_ALLOWED", errorType(off, "not a uri at all"));
    }

    @Test
    void filesAreReadOnlyInsideAllowedFoldersEvenThroughLinks() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Path outside = Files.write(dir.resolve("secret.png"), new byte[] {1, 2, 3});
        Files.write(allowed.resolve("ok.png"), new byte[] {4, 5, 6});
        Files.createSymbolicLink(allowed.resolve("link.png"), outside);
        ImageFetcher f = new ImageFetcher(List.of(allowed), Set.of(), 1000, Duration.ofSeconds(1));
        assertArrayEquals(new byte[] {4, 5, 6}, f.fetch(allowed.resolve("ok.png").toUri().toString()));
        assertEquals("URI_NOT_ALLOWED", errorType(f, outside.toUri().toString()));
        assertEquals("URI_NOT_ALLOWED", errorType(f, allowed.toUri() + "../secret.png"));
        InvalidImageException link = assertThrows(InvalidImageException.class,
                () -> f.fetch(allowed.resolve("link.png").toUri().toString()));
        assertTrue(link.getMessage().contains("outside the allowed folders"), link.getMessage());
        assertEquals("FETCH_FAILED", errorType(f, allowed.resolve("missing.png").toUri().toString()));
    }

    @Test
    void webImagesComeOnlyFromAllowListedHostsWithinTheByteLimit() throws Exception {
        int port = serve(new byte[] {9, 8, 7, 6});
        ImageFetcher f = new ImageFetcher(List.of(), Set.of("127.0.0.1"), 1000, Duration.ofSeconds(2));
        assertArrayEquals(new byte[] {9, 8, 7, 6}, f.fetch("http://127.0.0.1:" + port + "/img.png"));
        assertEquals("URI_NOT_ALLOWED", errorType(f, "http://localhost:" + port + "/img.png"));
        assertEquals("FETCH_FAILED", errorType(f, "http://127.0.0.1:" + port + "/moved"));
        assertEquals("FETCH_FAILED", errorType(f, "http://127.0.0.1:" + port + "/nothing-here"));
        ImageFetcher small = new ImageFetcher(List.of(), Set.of("127.0.0.1"), 3, Duration.ofSeconds(2));
        assertEquals("TOO_LARGE", errorType(small, "http://127.0.0.1:" + port + "/img.png"));
    }
}
