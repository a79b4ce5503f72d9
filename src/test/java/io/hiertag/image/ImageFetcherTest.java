package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uri inputs: what is read, what is refused, and why; the web cases use a real server on loopback. The deadline
 * of a web fetch is tested in {@link ImageFetcherDeadlineTest}.
 */
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
        return assertThrows(InvalidImageException.class, () -> f.start(uri).await()).reason().name();
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
        assertArrayEquals(new byte[] {4, 5, 6}, f.start(allowed.resolve("ok.png").toUri().toString()).await());
        assertEquals("URI_NOT_ALLOWED", errorType(f, outside.toUri().toString()));
        assertEquals("URI_NOT_ALLOWED", errorType(f, allowed.toUri() + "../secret.png"));
        InvalidImageException link = assertThrows(InvalidImageException.class,
                () -> f.start(allowed.resolve("link.png").toUri().toString()).await());
        assertTrue(link.getMessage().contains("outside the allowed folders"), link.getMessage());
        assertEquals("FETCH_FAILED", errorType(f, allowed.resolve("missing.png").toUri().toString()));
    }

    @Test
    void webImagesComeOnlyFromAllowListedHostsWithinTheByteLimit() throws Exception {
        int port = serve(new byte[] {9, 8, 7, 6});
        ImageFetcher f = new ImageFetcher(List.of(), Set.of("127.0.0.1:" + port), 1000, Duration.ofSeconds(2));
        assertArrayEquals(new byte[] {9, 8, 7, 6}, f.start("http://127.0.0.1:" + port + "/img.png").await());
        assertEquals("URI_NOT_ALLOWED", errorType(f, "http://localhost:" + port + "/img.png"));
        assertEquals("FETCH_FAILED", errorType(f, "http://127.0.0.1:" + port + "/moved"));
        assertEquals("FETCH_FAILED", errorType(f, "http://127.0.0.1:" + port + "/nothing-here"));
        ImageFetcher small = new ImageFetcher(List.of(), Set.of("127.0.0.1:" + port), 3, Duration.ofSeconds(2));
        assertEquals("TOO_LARGE", errorType(small, "http://127.0.0.1:" + port + "/img.png"));
        f.close();
        small.close();
    }

    @Test
    void aPortNotOnTheAllowListIsRefusedBeforeAnyConnection() throws Exception {
        try (RawHttpServer raw = new RawHttpServer(c -> c.send("HTTP/1.1 200 OK\r\nConnection: close\r\n"
                + "Content-Length: 3\r\n\r\nabc"))) {
            int port = raw.port();
            int otherPort = port == 65535 ? port - 1 : port + 1;
            // A bare host means port 80 (http) or 443 (https) only; host:port means exactly that port.
            try (ImageFetcher f = new ImageFetcher(List.of(), Set.of("127.0.0.1", "localhost:" + otherPort,
                    "127.0.0.1:" + otherPort), 1000, Duration.ofSeconds(2))) {
                for (String uri : List.of("http://127.0.0.1:" + port + "/a.png", "https://127.0.0.1:" + port + "/a.png",
                        "http://localhost:" + port + "/a.png")) {
                    InvalidImageException e = assertThrows(InvalidImageException.class, () -> f.start(uri).await());
                    assertEquals("URI_NOT_ALLOWED", e.reason().name(), e.getMessage());
                    String target = uri.replaceFirst("^https?://", "").replace("/a.png", "");
                    assertTrue(e.getMessage().contains(target + " is not in input.uri.allowed-hosts")
                            && e.getMessage().contains("add " + target), e.getMessage());
                }
            }
            Thread.sleep(200);
            assertEquals(0, raw.connections(), "a refused uri must not be connected to");
            try (ImageFetcher exact = new ImageFetcher(List.of(), Set.of("127.0.0.1:" + port), 1000,
                    Duration.ofSeconds(2))) {
                assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII),
                        exact.start("http://127.0.0.1:" + port + "/a.png").await());
            }
            assertEquals(1, raw.connections());
        }
    }

    @Test
    void onlyRegularFilesAreReadFromAllowedFolders() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Path fifo = allowed.resolve("pipe.png");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo failed");
        Path folder = Files.createDirectories(allowed.resolve("folder.png"));
        Path socket = allowed.resolve("socket.png");
        try (ImageFetcher f = new ImageFetcher(List.of(allowed), Set.of(), 1000, Duration.ofSeconds(1));
                ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of(socket));
            assertNotRegular(assertThrows(InvalidImageException.class,
                    () -> f.start(folder.toUri().toString()).await()), "a directory");
            assertNotRegular(assertThrows(InvalidImageException.class,
                    () -> f.start(socket.toUri().toString()).await()), "a FIFO, socket or device");
            Files.write(allowed.resolve("big.png"), new byte[1001]);
            assertEquals("TOO_LARGE", errorType(f, allowed.resolve("big.png").toUri().toString()));
            // Opening a FIFO for reading blocks until a writer comes: the check must come before the open.
            InvalidImageException pipe = assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> assertThrows(InvalidImageException.class, () -> f.start(fifo.toUri().toString()).await()));
            assertNotRegular(pipe, "a FIFO, socket or device");
        }
    }

    @Test
    void devicesAreNotReadEvenFromAnAllowedFolder() throws Exception {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "no /dev/zero here");
        try (ImageFetcher f = new ImageFetcher(List.of(Path.of("/dev")), Set.of(), 1000, Duration.ofSeconds(1))) {
            assertNotRegular(assertThrows(InvalidImageException.class,
                    () -> f.start(zero.toUri().toString()).await()), "a FIFO, socket or device");
        }
    }

    private static void assertNotRegular(InvalidImageException e, String kind) {
        assertEquals("URI_NOT_ALLOWED", e.reason().name(), e.getMessage());
        assertTrue(e.getMessage().contains("is " + kind + ", not a regular file"), e.getMessage());
    }
}
