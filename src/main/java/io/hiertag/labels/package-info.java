/**
 * Label sets (index, WordNet id, display name) and prompt templates: the text side of zero-shot tagging.
 * Knows nothing about models or Kafka.
 */
package io.hiertag.labels;
