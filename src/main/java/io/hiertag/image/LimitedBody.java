package io.hiertag.image;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * One response body, kept in memory only while it stays within the byte limit: past it the subscription is
 * cancelled, which closes the connection, so an oversized body is never read to its end. A body refused from its
 * headers alone (a status other than 200, a declared length over the limit) is cancelled before any byte.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final long maxBytes;
    private final InvalidImageException tooLarge;
    private final InvalidImageException refusal;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private volatile long received;
    private Flow.Subscription subscription;

    private LimitedBody(long maxBytes, InvalidImageException tooLarge, InvalidImageException refusal) {
        this.maxBytes = maxBytes;
        this.tooLarge = tooLarge;
        this.refusal = refusal;
    }

    /** Reads the body, failing with {@code tooLarge} once it passes {@code maxBytes}. */
    static LimitedBody reading(long maxBytes, InvalidImageException tooLarge) {
        return new LimitedBody(maxBytes, tooLarge, null);
    }

    /** Reads nothing and fails with {@code refusal}. */
    static LimitedBody refusing(InvalidImageException refusal) {
        return new LimitedBody(0, null, refusal);
    }

    /** Body bytes seen so far, for a message when the deadline passes; read from the waiting thread. */
    long received() {
        return received;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (refusal != null) {
            s.cancel();
            body.completeExceptionally(refusal);
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) {
            if (body.isDone()) {
                return;
            }
            received += b.remaining();
            if (received > maxBytes) {
                subscription.cancel();
                body.completeExceptionally(tooLarge);
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            bytes.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable t) {
        body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        body.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }
}
