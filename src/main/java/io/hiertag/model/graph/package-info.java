/**
 * TensorFlow graphs of the published image-text towers, built with TF Java and saved as a SavedModel with the
 * contract's {@code embed_images} and {@code embed_texts} signatures: the ViT image tower (CLIP's and vit_jax's
 * variants), CLIP's causal text transformer and BERT. The importer and the seeded test and bench models use the
 * same builders, so what the tests run is what an imported checkpoint runs.
 *
 * <p>The builders ask a {@link io.hiertag.model.graph.WeightSource} for every weight by a canonical name and
 * shape ({@link io.hiertag.model.graph.WeightNames}); where the numbers come from, and in which layout the
 * checkpoint stores them, is the source's business.
 */
package io.hiertag.model.graph;
