package dev.weft.fiber;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The scheduler SPI: runs fibers (and plain tasks) on carrier threads.
 *
 * <p>A fiber hands its scheduler a {@link Runnable} each time it becomes runnable; running it
 * mounts the fiber on the calling thread until the fiber next suspends or ends. A scheduler
 * is therefore an {@link Executor} with a life cycle: anything that runs each submitted task
 * exactly once, on some thread, is a correct scheduler. The same scheduler can drive JDK virtual
 * threads or ordinary tasks, since it only ever sees {@code Runnable}s.
 *
 * <p>Weft's own schedulers come from {@link Schedulers}. To write a third, implement this
 * interface; only {@link #execute(Runnable)} and the life-cycle methods are required.
 * {@link #resume(Runnable)} and {@link #resumeYielded(Runnable)} let a scheduler tell wake-ups
 * from new work, {@link #resumeOn(Runnable, int, boolean)} and {@link #currentCarrier()} are
 * needed only for {@linkplain Fiber.Builder#carrierAffinity(boolean) carrier affinity}.
 *
 * <p><b>What a scheduler sees of a fiber.</b> The {@code Runnable} of a fiber is also a
 * {@link FiberTask}: a scheduler cancels it at {@link #shutdownNow()} through
 * {@link FiberTask#cancel()}, and may keep its live fibers in an intrusive list through the
 * task's link slots, without an allocation per fiber. A scheduler never needs the fiber
 * implementation's classes.
 *
 * <p><b>Time belongs to the scheduler.</b> Every deadline of a fiber (a timed park, join,
 * receive, lock, {@link Fiber#sleep(Duration)}) is measured with the scheduler's
 * {@link #nanoTime()} and fires through {@link #wakeAt(long, Runnable)}. The defaults are the
 * system's monotonic clock and one timer thread shared by every scheduler that keeps them; a
 * scheduler may bring its own clock (a virtual one, for tests) by overriding both.
 *
 * <p>Contract for implementations: {@code execute} may be called from any thread, including
 * from inside a task the scheduler is running; it must not run the task on the caller's stack;
 * a task accepted before {@link #shutdown()} must still run; after {@code shutdown()},
 * {@code execute} throws {@link RejectedExecutionException}, while {@code resume} keeps
 * scheduling the fibers that already run until they end.
 */
public interface FiberScheduler extends Executor, AutoCloseable {

    /**
     * Accepts new work: a plain task, or the first run of a fiber. Runs {@code task} once,
     * soon, on one of this scheduler's carriers.
     *
     * @throws RejectedExecutionException if the scheduler has been shut down
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    void execute(Runnable task);

    /**
     * Schedules a fiber that was started through {@link #execute(Runnable)} and has become
     * runnable again (it was unparked). Must not reject while the fiber is alive, even after
     * {@link #shutdown()}: a shut-down scheduler still runs the fibers it accepted. A scheduler
     * may run such a fiber ahead of older work, for locality.
     *
     * <p>The default calls {@link #execute(Runnable)}; a scheduler whose {@code execute}
     * rejects after shutdown must override this method, or fibers that wake after the shutdown
     * are lost (the exception reaches whoever woke them, for example the timer of a sleep).
     *
     * @param fiber the fiber's task, as first given to {@link #execute(Runnable)}
     */
    default void resume(Runnable fiber) {
        execute(fiber);
    }

    /**
     * As {@link #resume(Runnable)}, for a fiber that gave up its carrier voluntarily
     * ({@link Fiber#yield()}): the scheduler should run other waiting work first.
     *
     * @param fiber the fiber's task, as first given to {@link #execute(Runnable)}
     */
    default void resumeYielded(Runnable fiber) {
        resume(fiber);
    }

    /**
     * Called once when a fiber started through {@link #execute(Runnable)} has terminated, on
     * the carrier that ran its last step. A scheduler that waits for its fibers at shutdown
     * counts them down here. The default does nothing.
     *
     * @param fiber the fiber's task, as first given to {@link #execute(Runnable)}
     */
    default void fiberTerminated(Runnable fiber) {
    }

    /**
     * Whether {@link #resumeOn(Runnable, int, boolean)} keeps a fiber on the requested carrier.
     *
     * @return {@code true} if this scheduler supports carrier affinity; the default is {@code false}
     */
    default boolean supportsAffinity() {
        return false;
    }

    /**
     * As {@link #resume(Runnable)} (or {@link #resumeYielded(Runnable)} when {@code yielded}),
     * but runs the fiber on the carrier numbered {@code carrier}, as returned by
     * {@link #currentCarrier()}, and never on another one.
     *
     * @param fiber the fiber's task, as first given to {@link #execute(Runnable)}
     * @param carrier the number of the carrier to run it on
     * @param yielded whether the fiber gave up its carrier by {@link Fiber#yield()}
     * @throws UnsupportedOperationException if this scheduler does not support affinity
     */
    default void resumeOn(Runnable fiber, int carrier, boolean yielded) {
        throw new UnsupportedOperationException(getClass().getName() + " does not support carrier affinity");
    }

    /**
     * The number of the calling carrier thread of this scheduler, or {@code -1} if the caller
     * is not one. Called by a carrier from outside any fiber, right before the first run of a
     * fiber with affinity, which will then be resumed with {@link #resumeOn} on that carrier
     * until {@link #fiberTerminated}: the scheduler must keep that carrier for it. A
     * {@code Thread.currentThread()} lookup is safe here.
     *
     * @return the carrier's number, or {@code -1} (the default)
     */
    default int currentCarrier() {
        return -1;
    }

    /**
     * Called by the fiber implementation, on the carrier thread {@code carrier}, right after a
     * fiber unmounted from it and became runnable at once (it yielded, or it was unparked while
     * it was unmounting). {@code carrier} is {@code Thread.currentThread()}, passed because the
     * caller already has it; a scheduler may use it to queue the fiber locally without a lookup.
     * The carrier runs no other task before it next takes one from the scheduler, so a scheduler
     * may also keep a yielded fiber for that carrier's next turn. The default calls {@link #resumeYielded(Runnable)} or {@link #resume(Runnable)}.
     *
     * @param fiber the fiber's task, as first given to {@link #execute(Runnable)}
     * @param carrier the calling carrier thread
     * @param yielded whether the fiber gave up its carrier by {@link Fiber#yield()}
     */
    default void resumeFromCarrier(Runnable fiber, Thread carrier, boolean yielded) {
        if (yielded) {
            resumeYielded(fiber);
        } else {
            resume(fiber);
        }
    }

    /**
     * Called by the fiber implementation when a fiber of this scheduler could not unmount (it
     * was pinned: a native frame or a held monitor on its stack) and blocked its carrier or carried
     * on instead; a scheduler counts it in its {@link #stats()} and may compensate for the
     * blocked carrier. Any thread; must not block. The default does nothing.
     *
     * @param fiber the fiber's task, as first given to {@link #execute(Runnable)}
     * @param park {@code true} if the fiber blocks its carrier (a park), {@code false} if it
     *        carried on (a yield that could not happen)
     */
    default void fiberPinned(Runnable fiber, boolean park) {
    }

    /**
     * The handler for exceptions that end this scheduler's fibers that have no handler of their
     * own ({@link Fiber.Builder#uncaughtExceptionHandler}); with none, such an exception is
     * logged (see {@link Fiber.Builder#uncaughtExceptionHandler}). Read by the fiber
     * implementation as a fiber ends, on its carrier; must not block.
     *
     * @return the handler, or {@code null} (the default)
     */
    default Fiber.UncaughtExceptionHandler uncaughtExceptionHandler() {
        return null;
    }

    /**
     * Sets the handler that {@link #uncaughtExceptionHandler()} returns, for fibers that end
     * from now on. Weft's schedulers support it; the default throws.
     *
     * @param handler the handler, or {@code null} to log again
     * @throws UnsupportedOperationException if this scheduler keeps no handler
     */
    default void setUncaughtExceptionHandler(Fiber.UncaughtExceptionHandler handler) {
        throw new UnsupportedOperationException(getClass().getName() + " keeps no uncaught-exception handler");
    }

    /**
     * This scheduler's clock, in nanoseconds from an arbitrary origin, like
     * {@link System#nanoTime()} (the default). The fibers of this scheduler measure their
     * time-outs with it, and the deadlines given to {@link #wakeAt(long, Runnable)} are in its
     * terms. A scheduler that overrides it must override {@code wakeAt} too. Any thread.
     *
     * @return the current time of this scheduler's clock
     */
    default long nanoTime() {
        return System.nanoTime();
    }

    /**
     * Runs {@code action} once, when this scheduler's {@link #nanoTime()} reaches
     * {@code deadline} (or soon after), unless the returned handle is
     * {@linkplain Wakeup#cancel() cancelled} first. A deadline already past fires soon. The
     * action runs on a timer thread (or on one of the scheduler's own) and must be short and
     * must not block: the fiber implementation uses it to wake a fiber whose timed wait ended.
     * What the action throws is reported to the timer thread's uncaught-exception handler and
     * does not stop later wake-ups. Any thread.
     *
     * <p>The default uses one daemon timer thread shared by every scheduler that does not
     * override this method.
     *
     * @param deadline when to run, in {@link #nanoTime()} terms
     * @param action what to run
     * @return a handle that withdraws the wake-up
     * @throws NullPointerException if {@code action} is null
     */
    default Wakeup wakeAt(long deadline, Runnable action) {
        return SharedTimer.schedule(deadline - System.nanoTime(), action);
    }

    /**
     * The source of the random choices that Weft makes for a fiber of this scheduler (which of
     * several ready clauses a {@link Select#select} completes). Called by a mounted fiber of this
     * scheduler, on its carrier; the result is used at once and not kept. The default is the
     * caller's {@link java.util.concurrent.ThreadLocalRandom}; a deterministic scheduler returns a
     * generator seeded with its seed, so that those choices repeat with the seed too.
     *
     * @return a generator, for the caller's immediate use
     */
    default java.util.random.RandomGenerator random() {
        return java.util.concurrent.ThreadLocalRandom.current();
    }

    /**
     * Stops accepting new fibers. Fibers already started run to completion, carriers end
     * once there is no work left. Does not wait; see {@link #awaitTermination(Duration)}.
     */
    void shutdown();

    /**
     * Stops accepting new fibers and cancels every fiber still running on this scheduler (see
     * {@link Fiber#cancel()}). Does not wait.
     */
    void shutdownNow();

    /**
     * Whether {@link #shutdown()} or {@link #shutdownNow()} has been called.
     *
     * @return {@code true} once shut down
     */
    boolean isShutdown();

    /**
     * Whether the scheduler is shut down and all of its carrier threads have ended.
     *
     * @return {@code true} once terminated
     */
    boolean isTerminated();

    /**
     * Waits until every carrier thread has ended after a shutdown. Blocks the calling thread
     * (called from a fiber, it blocks that fiber's carrier, not just the fiber).
     *
     * @param timeout the longest time to wait
     * @return {@code true} if terminated, {@code false} on time-out
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException in Weft's schedulers, if called on one of this scheduler's
     *         own carriers (it could never end)
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /**
     * A snapshot of the scheduler's counters.
     *
     * @return the counters, each read on its own (see {@link SchedulerStats})
     */
    SchedulerStats stats();

    /**
     * Shuts the scheduler down and waits for its fibers to finish and its carriers to end, like
     * {@link java.util.concurrent.ExecutorService#close()}. If interrupted while waiting, calls
     * {@link #shutdownNow()} and keeps waiting, then restores the interrupt status. Blocks the
     * calling thread, as {@link #awaitTermination(Duration)} does.
     */
    @Override
    default void close() {
        shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (awaitTermination(Duration.ofDays(1))) {
                    break;
                }
            } catch (InterruptedException e) {
                if (!interrupted) {
                    shutdownNow();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A wake-up scheduled with {@link #wakeAt(long, Runnable)}.
     */
    interface Wakeup {
        /**
         * Withdraws the wake-up if it has not run yet; later calls and calls after it ran do
         * nothing. Any thread.
         *
         * @return {@code true} if this call withdrew it before it ran
         */
        boolean cancel();
    }

    /**
     * A fiber as its scheduler sees it: the {@code Runnable} given to
     * {@link #execute(Runnable)}, which mounts the fiber each time it runs, plus what a
     * scheduler needs to shut down without knowing the fiber implementation.
     *
     * <p>The link slots are the scheduler's: a scheduler that must find its live fibers at
     * {@link #shutdownNow()} (parked fibers sit in no queue) may thread them through these slots
     * into a list of its own, with no allocation per fiber. The fiber stores what it is given and
     * never reads it; only the scheduler that accepted the fiber may use them, under its own
     * synchronization.
     */
    interface FiberTask extends Runnable {
        /**
         * Cancels the fiber as {@link Fiber#cancel()} does. Called by a scheduler for each of its
         * live fibers at {@link #shutdownNow()}; any thread, does not wait.
         */
        void cancel();

        /**
         * The carrier this fiber is bound to by {@linkplain Fiber.Builder#carrierAffinity(boolean)
         * affinity}, as {@link #currentCarrier()} returned it, or {@code -1}.
         *
         * @return the carrier's number, or {@code -1}
         */
        int homeCarrier();

        /**
         * The next fiber in the scheduler's list.
         *
         * @return what {@link #setNextLink} last stored, initially {@code null}
         */
        FiberTask nextLink();

        /**
         * Stores the next fiber in the scheduler's list.
         *
         * @param next the next fiber, or {@code null}
         */
        void setNextLink(FiberTask next);

        /**
         * The previous fiber in the scheduler's list.
         *
         * @return what {@link #setPrevLink} last stored, initially {@code null}
         */
        FiberTask prevLink();

        /**
         * Stores the previous fiber in the scheduler's list.
         *
         * @param prev the previous fiber, or {@code null}
         */
        void setPrevLink(FiberTask prev);

        /**
         * A small number the scheduler stored with the links (a stripe of its list, say).
         *
         * @return what {@link #setLinkSlot} last stored, initially {@code 0}
         */
        int linkSlot();

        /**
         * Stores a small number with the links, between 0 and 255.
         *
         * @param slot the number
         */
        void setLinkSlot(int slot);
    }
}
