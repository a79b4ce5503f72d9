/**
 * Texts in: the WordPiece and CLIP BPE tokenizers and CLIP's text clean-up, each tested against the reference
 * implementation's ids. Knows nothing of models or Kafka.
 */
package io.hiertag.text;
