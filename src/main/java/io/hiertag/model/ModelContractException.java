package io.hiertag.model;

import java.nio.file.Path;

/** A model folder does not satisfy its {@code hiertag-model.json} contract; the message names file and field. */
public class ModelContractException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;

    /**
     * @param file the contract file (or model folder) at fault
     * @param field the dotted JSON field, e.g. {@code image.signature}
     * @param problem what is wrong, in words
     */
    public ModelContractException(Path file, String field, String problem) {
        this(file, field, problem, null);
    }

    /**
     * @param file the contract file (or model folder) at fault
     * @param field the dotted JSON field, e.g. {@code image.signature}, or null when no field is at fault
     * @param problem what is wrong, in words
     * @param cause the underlying error, or null
     */
    public ModelContractException(Path file, String field, String problem, Throwable cause) {
        super(field == null ? file + ": " + problem : file + ": field '" + field + "': " + problem, cause);
        this.file = file;
        this.field = field;
    }

    /** @return the contract file (or model folder) at fault */
    public Path file() {
        return file;
    }

    /** @return the dotted JSON field at fault, or null when the file as a whole is */
    public String field() {
        return field;
    }
}
