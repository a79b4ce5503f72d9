/**
 * The zero-shot image-text model: its contract ({@code hiertag-model.json}), the DJL/TensorFlow SavedModel dual
 * encoder with the check of its signatures, and classifier scoring on the engine.
 *
 * <p>Entry points configure the TensorFlow natives themselves ({@link io.hiertag.model.TensorFlowNatives}), and
 * DJL runs offline: nothing is ever downloaded. This package knows nothing about Kafka, events or configuration.
 */
package io.hiertag.model;
