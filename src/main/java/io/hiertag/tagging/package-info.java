/**
 * The tagging engine the stream, {@code evaluate} and {@code bench} share, with no Kafka in it: the batch
 * embedder (decoding threads, the reused model input, [images; flips], bisection of failing model calls), the
 * first pass over it, the rescoring step, event validation and the typed reasons an input is refused.
 */
package io.hiertag.tagging;
