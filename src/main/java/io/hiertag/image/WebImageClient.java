package io.hiertag.image;

import io.hiertag.image.InvalidImageException.Reason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches {@code http(s):} images under one deadline that covers connecting, the response headers and the whole
 * body, counted from the fetch's start. The request runs asynchronously from its start; whoever awaits it waits
 * on its future for the time left, and past the deadline the future is cancelled, which closes the connection. A
 * server that trickles its body or never ends it thus costs at most the deadline, however many fetches wait
 * together, and leaves nothing reading in the background. ({@code HttpRequest.timeout} bounds only the wait for
 * the headers, and a deadline checked between reads of a body stream cannot fire while a read is blocked.)
 */
final class WebImageClient implements AutoCloseable {

    private final long maxBytes;
    private final Duration timeout;
    private final ThreadPoolExecutor threads;
    private final HttpClient http;

    WebImageClient(long maxBytes, Duration timeout) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        // The client's own work never blocks except to resolve a host name; one thread per core. A lookup that
        // hangs can hold up the other fetches started with it (they then fail at their deadline), but never keeps
        // anyone waiting past a deadline, which counts from the fetch's start whatever these threads do. Started
        // up front so that the fetcher's threads are one fixed set for its whole life.
        int n = Runtime.getRuntime().availableProcessors();
        AtomicInteger count = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "hiertag-fetch-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.prestartAllCoreThreads();
        // No redirects: a redirect could leave the allow-list.
        this.http = HttpClient.newBuilder().executor(threads).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Starts fetching the body of a 200 response from {@code target} ({@code host:port}), within the deadline and
     * byte limit; the request is sent now and read in the background.
     */
    ImageFetcher.Fetch start(String uri, URI u, String target) {
        long deadline = System.nanoTime() + timeout.toNanos();
        BodyHandler handler = new BodyHandler(uri);
        CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(HttpRequest.newBuilder(u).GET().build(),
                handler);
        return new ImageFetcher.Fetch() {
            @Override
            public byte[] await() throws InvalidImageException {
                try {
                    // Past the deadline this still returns a response that is complete, and fails at once if not.
                    return response.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS).body();
                } catch (TimeoutException e) {
                    throw handler.late(target);
                } catch (ExecutionException e) {
                    throw failed(uri, e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InvalidImageException(Reason.FETCH_FAILED, "interrupted while fetching " + uri);
                } finally {
                    close();
                }
            }

            /** Nothing when the response is complete; otherwise it aborts the exchange and closes the connection. */
            @Override
            public void close() {
                response.cancel(true);
            }
        };
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    private static InvalidImageException failed(String uri, Throwable cause) {
        if (cause instanceof InvalidImageException invalid) {
            return invalid;
        }
        return new InvalidImageException(Reason.FETCH_FAILED, "cannot fetch " + uri + ": " + cause);
    }

    /** Chooses the body subscriber from the status and headers, and remembers it to say how far a fetch got. */
    private final class BodyHandler implements HttpResponse.BodyHandler<byte[]> {
        private final String uri;
        private volatile LimitedBody body;

        BodyHandler(String uri) {
            this.uri = uri;
        }

        @Override
        public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            if (info.statusCode() != 200) {
                body = LimitedBody.refusing(new InvalidImageException(Reason.FETCH_FAILED, uri + " answered HTTP "
                        + info.statusCode() + (info.statusCode() / 100 == 3
                                ? " (redirects are not followed: publish the final address)" : "")));
            } else if (declared > maxBytes) {
                body = LimitedBody.refusing(new InvalidImageException(Reason.TOO_LARGE, uri + " declares " + declared
                        + " bytes, more than " + maxBytes + " (setting input.max-bytes)"));
            } else {
                body = LimitedBody.reading(maxBytes, ImageFetcher.tooLarge(uri, maxBytes));
            }
            return body;
        }

        /** The deadline passed: says whether the headers or the body were slow. */
        InvalidImageException late(String target) {
            LimitedBody b = body;
            String what = b == null
                    ? target + " sent no response headers within " + seconds(timeout)
                    : "the response from " + target + " did not finish within " + seconds(timeout) + " (received "
                            + b.received() + " bytes)";
            return new InvalidImageException(Reason.FETCH_FAILED, "cannot fetch " + uri + ": " + what
                    + "; serve the image faster or raise input.uri.timeout");
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
