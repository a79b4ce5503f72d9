/**
 * Label sets (index, WordNet id, display name), the WordNet 3.0 hierarchy, the hierarchy rescoring strings built
 * from both, and prompt templates: the text side of zero-shot tagging. Knows nothing about models or Kafka.
 */
package io.hiertag.labels;
