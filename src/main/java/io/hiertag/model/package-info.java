/**
 * The zero-shot image-text model: its contract ({@code hiertag-model.json}), image preprocessing, tokenizers, the
 * DJL/TensorFlow SavedModel dual encoder, and the exporter of the small deterministic test model.
 *
 * <p>Entry points configure the TensorFlow natives themselves ({@link io.hiertag.model.TensorFlowNatives}), and
 * DJL runs offline: nothing is ever downloaded. This package knows nothing about Kafka.
 */
package io.hiertag.model;
