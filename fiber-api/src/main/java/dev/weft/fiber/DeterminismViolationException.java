package dev.weft.fiber;

/**
 * Thrown by {@link DeterministicScheduler#run(DeterministicScheduler.Body)} when code escaped the
 * deterministic scheduler, so that the run could not be reproduced from its seed: work submitted
 * from a thread other than the carrier, the carrier blocked in a call Weft does not own, or a
 * fiber pinned to the carrier at a park. The message names what happened and where (the stack of
 * the offending thread is this exception's cause where one was caught).
 */
public class DeterminismViolationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what escaped and where
     * @param where the stack of the code that escaped, or null
     */
    public DeterminismViolationException(String message, Throwable where) {
        super(message, where);
    }
}
