/**
 * Images in: decoding within size and format limits, reading {@code uri} inputs under their policy, EXIF
 * orientation, and preprocessing into a model's input. Takes plain values; knows nothing of models or Kafka.
 */
package io.hiertag.image;
