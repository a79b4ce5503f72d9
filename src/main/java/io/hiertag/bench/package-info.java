/**
 * {@code hiertag bench}: measures the pipeline against the model's own limit in one process, and writes one report
 * (JSON and Markdown). Each probe times the application's own classes: the SavedModel through DJL, the first pass,
 * the whole application on the in-JVM broker with exactly-once. Nothing here is used by the running tagger.
 */
package io.hiertag.bench;
