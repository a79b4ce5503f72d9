package io.hiertag.cli;

/** A command-line mistake the user can fix; printed as one line. */
final class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserInputException(String message) {
        super(message);
    }
}
