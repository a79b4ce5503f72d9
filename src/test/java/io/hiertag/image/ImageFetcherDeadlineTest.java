package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One deadline for a whole web fetch, against a raw loopback server that is slow on purpose: late headers, a
 * trickling body, an endless body. Each must fail at the deadline, and the server must see the connection closed,
 * which shows that nothing keeps reading in the background.
 */
class ImageFetcherDeadlineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(1);
    /** A fetch given up on returns, and its connection is closed, within this. */
    private static final long MARGIN_NANOS = DEADLINE.toNanos() * 5 / 2;
    private static final byte[] IMAGE = {9, 8, 7, 6, 5};

    private RawHttpServer server;
    private ImageFetcher fetcher;

    @AfterEach
    void stop() throws Exception {
        if (fetcher != null) {
            fetcher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String start(long maxBytes, Duration deadline) throws Exception {
        server = new RawHttpServer(SlowResponses.serving(IMAGE));
        String target = "127.0.0.1:" + server.port();
        fetcher = new ImageFetcher(List.of(), Set.of(target), maxBytes, deadline);
        return "http://" + target;
    }

    /**
     * Fails the fetch, checks that it returned and that the connection closed within the margin: the slow scripts
     * all run longer than that, so only the client can have closed it.
     */
    private InvalidImageException failsInTime(String uri) throws Exception {
        long start = System.nanoTime();
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> fetcher.start(uri).await());
        long returned = System.nanoTime() - start;
        assertTrue(returned >= DEADLINE.toNanos() - TimeUnit.MILLISECONDS.toNanos(50),
                "failed before the deadline: " + e.getMessage());
        assertTrue(returned < MARGIN_NANOS, "returned after " + returned / 1_000_000 + " ms: " + e.getMessage());
        long closed = server.awaitAllClosed(Duration.ofSeconds(5));
        assertNotEquals(-1, closed, "the connection is still open");
        assertTrue(closed - start < MARGIN_NANOS, "connection closed after " + (closed - start) / 1_000_000 + " ms");
        assertEquals("FETCH_FAILED", e.reason().name(), e.getMessage());
        return e;
    }

    @Test
    void lateHeadersFailAtTheDeadline() throws Exception {
        String base = start(1000, DEADLINE);
        InvalidImageException e = failsInTime(base + "/slow-headers");
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port() + " sent no response headers within 1 s"),
                e.getMessage());
    }

    @Test
    void aTricklingBodyFailsAtTheDeadline() throws Exception {
        String base = start(1000, DEADLINE);
        InvalidImageException e = failsInTime(base + "/trickle");
        assertTrue(Pattern.compile("the response from 127\\.0\\.0\\.1:\\d+ did not finish within 1 s \\(received "
                + "[1-9]\\d? bytes\\)").matcher(e.getMessage()).find(), e.getMessage());
    }

    @Test
    void anEndlessBodyFailsAtTheDeadline() throws Exception {
        String base = start(10_000_000, DEADLINE);
        InvalidImageException e = failsInTime(base + "/endless");
        assertTrue(Pattern.compile("did not finish within 1 s \\(received \\d{4,} bytes\\)").matcher(e.getMessage())
                .find(), e.getMessage());
    }

    @Test
    void aFastResponseIsReadWhole() throws Exception {
        String base = start(1000, DEADLINE);
        assertArrayEquals(IMAGE, fetcher.start(base + "/img.png").await());
        assertArrayEquals(IMAGE, fetcher.start(base + "/img.png").await());
        InvalidImageException missing = assertThrows(InvalidImageException.class,
                () -> fetcher.start(base + "/nothing-here").await());
        assertEquals("FETCH_FAILED", missing.reason().name());
        assertTrue(missing.getMessage().endsWith("/nothing-here answered HTTP 404"), missing.getMessage());
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithoutReadingItAll() throws Exception {
        String base = start(65536, Duration.ofSeconds(10));
        for (String path : List.of("/huge-declared", "/huge-chunked")) {
            long sentBefore = server.sent();
            long start = System.nanoTime();
            InvalidImageException e = assertThrows(InvalidImageException.class,
                    () -> fetcher.start(base + path).await());
            assertEquals("TOO_LARGE", e.reason().name(), path + ": " + e.getMessage());
            // A declared length over the limit is refused from the headers alone.
            assertEquals(path.equals("/huge-declared"), e.getMessage().contains("declares 100000000 bytes"),
                    e.getMessage());
            assertNotEquals(-1, server.awaitAllClosed(Duration.ofSeconds(5)), path + ": still open");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), path);
            // Socket buffers take a few MB before the client stops reading; the whole body is 100 MB.
            long sent = server.sent() - sentBefore;
            assertTrue(sent < 20_000_000, path + ": the server sent " + sent + " bytes");
        }
    }

    @Test
    void fetchesStartedTogetherCostOneDeadlineHoweverManyThereAre() throws Exception {
        String base = start(10_000_000, DEADLINE);
        List<ImageFetcher.Fetch> fetches = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 12; i++) {
            fetches.add(fetcher.start(base + List.of("/slow-headers", "/trickle", "/endless").get(i % 3) + "?" + i));
        }
        ImageFetcher.Fetch fast = fetcher.start(base + "/img.png");
        // Awaited one after another on one thread, as a decoding thread would: each waits only for what is left.
        for (ImageFetcher.Fetch f : fetches) {
            assertEquals("FETCH_FAILED", assertThrows(InvalidImageException.class, f::await).reason().name());
        }
        assertArrayEquals(IMAGE, fast.await());
        long took = System.nanoTime() - start;
        assertTrue(took < MARGIN_NANOS, "12 slow fetches took " + took / 1_000_000 + " ms, not one deadline");
        assertNotEquals(-1, server.awaitAllClosed(Duration.ofSeconds(5)), "a connection is still open");
    }

    @Test
    void aFetchClosedWithoutBeingAwaitedClosesItsConnection() throws Exception {
        String base = start(10_000_000, Duration.ofSeconds(30));
        ImageFetcher.Fetch f = fetcher.start(base + "/endless");
        while (server.sent() == 0) {
            Thread.sleep(10);
        }
        long start = System.nanoTime();
        f.close();
        long closed = server.awaitAllClosed(Duration.ofSeconds(5));
        assertNotEquals(-1, closed, "the connection is still open");
        assertTrue(closed - start < TimeUnit.SECONDS.toNanos(2), "closed after " + (closed - start) / 1_000_000 + " ms");
    }

    @Test
    void manySlowFetchesLeaveNoThreadBehind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        String base = start(10_000_000, Duration.ofMillis(300));
        Set<Thread> fetcherOwn = newThreads(before);
        assertTrue(fetcherOwn.stream().anyMatch(t -> t.getName().startsWith("hiertag-fetch-")), names(fetcherOwn));

        ExecutorService callers = Executors.newFixedThreadPool(4, r -> new Thread(r, "test-caller"));
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String uri = base + List.of("/slow-headers", "/trickle", "/endless").get(i % 3);
            outcomes.add(callers.submit(() -> assertThrows(InvalidImageException.class,
                    () -> fetcher.start(uri).await()).reason().name()));
        }
        for (Future<String> outcome : outcomes) {
            assertEquals("FETCH_FAILED", outcome.get(10, TimeUnit.SECONDS));
        }
        callers.shutdown();
        assertTrue(callers.awaitTermination(5, TimeUnit.SECONDS));

        Set<Thread> extra = Set.of();
        for (int i = 0; i < 300 && !(extra = leftOver(before, fetcherOwn)).isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertEquals("", names(extra), "threads still alive after the fetches");

        fetcher.close();
        for (int i = 0; i < 300 && fetcherOwn.stream().anyMatch(this::poolThreadAlive); i++) {
            Thread.sleep(10);
        }
        assertTrue(fetcherOwn.stream().noneMatch(this::poolThreadAlive), "close() left " + names(fetcherOwn));
    }

    private boolean poolThreadAlive(Thread t) {
        return t.isAlive() && t.getName().startsWith("hiertag-fetch-");
    }

    /**
     * Threads started since {@code before} and not the fetcher's own set, leaving out the test's server and
     * callers and the JVM's shared ForkJoin pool (bounded, idle workers linger a minute, and not the fetcher's).
     */
    private static Set<Thread> leftOver(Set<Thread> before, Set<Thread> fetcherOwn) {
        Set<Thread> extra = newThreads(before);
        extra.removeAll(fetcherOwn);
        return extra;
    }

    private static Set<Thread> newThreads(Set<Thread> before) {
        Set<Thread> now = new HashSet<>(Thread.getAllStackTraces().keySet());
        now.removeAll(before);
        now.removeIf(t -> !t.isAlive() || t.getName().startsWith("test-")
                || t.getName().startsWith("ForkJoinPool.commonPool-worker-"));
        return now;
    }

    private static String names(Set<Thread> threads) {
        return threads.stream().map(Thread::getName).collect(Collectors.toCollection(TreeSet::new)).stream()
                .collect(Collectors.joining(", "));
    }
}
