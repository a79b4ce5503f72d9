package io.hiertag.eval;

/** An evaluation input the user can fix (a missing folder, a bad manifest line); printed as one line. */
public final class EvaluationInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EvaluationInputException(String message) {
        super(message);
    }
}
