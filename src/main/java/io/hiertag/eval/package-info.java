/**
 * Offline evaluation with the paper's protocol: the same {@code zeroshot} first pass and rescoring the stream
 * runs, applied to a labelled image set, with accuracy tables, selective-prediction metrics, a JSON and an HTML
 * report, and an optional dump of every embedding and classifier. No Kafka here.
 */
package io.hiertag.eval;
