package dev.weft.fiber.impl.core;

/**
 * {@code Fiber.sleep}: a park until a deadline on the fiber's scheduler's clock, and what a sleep
 * does with the fiber's unpark permit.
 *
 * <h2>A sleep is not a park</h2>
 * As for {@code Thread.sleep}, an {@code unpark()} that is pending when a fiber starts to sleep,
 * or arrives while it sleeps, is kept for the fiber's next {@code park()}: the sleep takes the
 * permit out of the way at its start (else every park below would return at once), and gives it
 * back at its end. A wake-up before the deadline that is not an interrupt is taken for an unpark
 * (at worst a spurious permit, which park allows). Not kept: an unpark that comes after the
 * timer has fired and before the fiber runs again, which merges with the timer's wake-up (both
 * set the one permit). The permit is touched only by the sleeping fiber itself, mounted, so
 * giving it back is a plain volatile store: nobody waits on it then.
 *
 * <p>Called directly by {@code FiberImpl.sleepCurrent}, with no wrapper in between: every frame
 * between the fiber's entry and its park stays on the stack of every sleeping fiber.
 */
final class Sleep {
    private Sleep() {
    }

    /**
     * Sleeps {@code fiber}, which must be the caller, for {@code nanos} on its scheduler's clock.
     *
     * @throws InterruptedException if the fiber is interrupted before or during the sleep (the status is cleared)
     * @throws dev.weft.fiber.FiberCancelledException if the fiber is cancelled
     */
    static void sleep(FiberImpl<?> fiber, long nanos) throws InterruptedException {
        var clock = fiber.scheduler();
        long deadline = clock.nanoTime() + Math.min(nanos, FiberImpl.MAX_WAIT_NANOS);
        boolean permitTaken = fiber.takePermit();
        try {
            while (true) {
                if (fiber.clearInterrupt()) {
                    throw new InterruptedException(fiber + " was interrupted while sleeping");
                }
                long left = deadline - clock.nanoTime();
                if (left <= 0) {
                    return;
                }
                fiber.park0(left, true, FiberImpl.SLEEPING);
                if (deadline - clock.nanoTime() > 0 && !fiber.interruptPending()) {
                    permitTaken = true;
                }
            }
        } finally {
            if (permitTaken) {
                fiber.restorePermit();
            }
        }
    }
}
