package dev.weft.fiber.impl.sim;

/**
 * A task as the deterministic scheduler tracks it: the submitted {@code Runnable}, its number in
 * submission order within the run (the part of its label that does not depend on anything
 * outside the run, unlike a fiber's JVM-wide id), and PCT's priority. Touched only under the
 * scheduler's lock.
 */
final class SimTask {
    final Runnable task;
    final int number;
    final String label;
    final boolean fiber;
    /** PCT's priority; higher runs first. Unused by the other strategies. */
    long priority;

    SimTask(Runnable task, int number, String label, boolean fiber) {
        this.task = task;
        this.number = number;
        this.label = label;
        this.fiber = fiber;
    }

    @Override
    public String toString() {
        return label;
    }
}
