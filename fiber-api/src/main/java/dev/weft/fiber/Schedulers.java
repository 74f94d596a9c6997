package dev.weft.fiber;

import dev.weft.fiber.spi.FiberProvider;

/** Factories for Weft's schedulers. */
public final class Schedulers {
    private Schedulers() {
    }

    /**
     * A work-stealing scheduler with {@code parallelism} carriers: each carrier has its own queue
     * (with a LIFO slot for the fiber it just woke), takes work from a shared injection queue
     * for submissions from outside, and steals half of a random victim's queue when it runs out.
     * Carriers are daemon threads and park when idle.
     *
     * @param parallelism the number of carriers (compensating carriers come on top, while
     *        carriers are blocked outside Weft)
     * @return a new scheduler, running; {@linkplain FiberScheduler#close() close} it when done
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public static FiberScheduler workStealing(int parallelism) {
        checkParallelism(parallelism);
        return FiberProvider.get().workStealing(parallelism);
    }

    /**
     * A scheduler whose {@code parallelism} carriers share one first-in first-out queue: fibers
     * run in the order they became runnable. Carriers are daemon threads and park when idle.
     *
     * @param parallelism the number of carriers (compensating carriers come on top, while
     *        carriers are blocked outside Weft)
     * @return a new scheduler, running; {@linkplain FiberScheduler#close() close} it when done
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public static FiberScheduler fifo(int parallelism) {
        checkParallelism(parallelism);
        return FiberProvider.get().fifo(parallelism);
    }

    /**
     * The scheduler used by fibers started without one: work-stealing, one carrier per available
     * processor, daemon carriers, created on first use and never shut down (its
     * {@code shutdown} methods throw {@link UnsupportedOperationException}).
     *
     * @return the JVM-wide default scheduler
     */
    public static FiberScheduler defaultScheduler() {
        return FiberProvider.get().defaultScheduler();
    }

    private static void checkParallelism(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
    }
}
