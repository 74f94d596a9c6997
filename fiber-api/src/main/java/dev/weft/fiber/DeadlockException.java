package dev.weft.fiber;

/**
 * Thrown by {@link DeterministicScheduler#run(DeterministicScheduler.Body)} when fibers are
 * alive but none can ever run again: none is runnable and no time-out is pending. The message
 * says where the run stopped and carries the {@link #dump()}.
 */
public class DeadlockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The dump of the live fibers. */
    private final String dump;

    /**
     * Creates the exception; its message is the summary, a line break and the dump.
     *
     * @param summary one line: where the run stopped
     * @param dump the live fibers, one block per fiber
     */
    public DeadlockException(String summary, String dump) {
        super(summary + "\n" + dump);
        this.dump = dump;
    }

    /**
     * Every live fiber, one block each: its number and name, its state, the Weft call it waits in
     * and the line that called it, then its stack.
     *
     * @return the dump
     */
    public String dump() {
        return dump;
    }
}
