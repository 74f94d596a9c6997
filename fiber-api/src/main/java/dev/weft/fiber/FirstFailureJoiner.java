package dev.weft.fiber;

import dev.weft.fiber.FiberScope.Joiner;
import dev.weft.fiber.FiberScope.Subtask;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The fail-fast joiners of {@link FiberScope.Joiner}: the first failure cancels the scope and is the
 * outcome; thread-safe ({@code onComplete} runs in the subtasks).
 */
abstract class FirstFailureJoiner<T, R> implements Joiner<T, R> {
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    FirstFailureJoiner() {
    }

    @Override
    public boolean onComplete(Subtask<? extends T> subtask) {
        if (subtask.state() == Subtask.State.FAILED) {
            firstFailure.compareAndSet(null, subtask.exception());
            return true;
        }
        return false;
    }

    abstract R success();

    @Override
    public R result() throws Throwable {
        Throwable t = firstFailure.get();
        if (t != null) {
            throw t;
        }
        return success();
    }
}

