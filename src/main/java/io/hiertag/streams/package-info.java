/**
 * The Kafka Streams application: the topology (wired only in {@link io.hiertag.streams.TaggingTopology}), its
 * processors, reading events off the wire, dead-letter routing, the metrics and the application's lifecycle. No
 * image work and no maths here: the processors call the tagging package.
 */
package io.hiertag.streams;
