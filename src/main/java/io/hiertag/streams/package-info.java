/**
 * The Kafka Streams application: the topology (wired only in {@link io.hiertag.streams.TaggingTopology}), its
 * processors, dead-letter routing and the application's lifecycle. No maths here: it calls the zeroshot package.
 */
package io.hiertag.streams;
