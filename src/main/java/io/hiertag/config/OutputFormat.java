package io.hiertag.config;

/** How the application writes its output records: tags, dead letters and metrics. */
public enum OutputFormat {
    /** Avro single-object encoding: {@code C3 01}, the schema's fingerprint, the binary body. */
    AVRO,
    /** One UTF-8 JSON object per record, with the Avro record's fields (docs/clients.md lists them). */
    JSON
}
