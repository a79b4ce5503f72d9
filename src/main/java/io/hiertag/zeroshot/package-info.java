/**
 * The method's maths on embeddings: zero-shot classifiers, top-k, self-consistency and hierarchy rescoring.
 * Plain Java on arrays, no Kafka; every rule here is unit-tested on hand-made embeddings.
 */
package io.hiertag.zeroshot;
