/**
 * What an operator watches: the Prometheus registry with the JVM's, the process's and Kafka Streams' meters and the
 * application's own ({@link io.hiertag.ops.TaggerMeters}), the health state ({@link io.hiertag.ops.Health}), and
 * the small HTTP server that serves {@code /metrics}, {@code /health/live} and {@code /health/ready}
 * ({@link io.hiertag.ops.OpsServer}). The only package that uses Micrometer: the layers below take plain callbacks.
 */
package io.hiertag.ops;
