package dev.weft.bench.io;

/**
 * A request the server will not serve, with the status it answers before closing the
 * connection. Thrown often under attack, so it carries no stack trace.
 */
final class HttpError extends Exception {
    private final int status;

    HttpError(int status, String reason) {
        super(status + " " + reason, null, false, false);
        this.status = status;
    }

    /** The HTTP status code to answer with: 400, 405, 408, 431 or 505. */
    int status() {
        return status;
    }
}
