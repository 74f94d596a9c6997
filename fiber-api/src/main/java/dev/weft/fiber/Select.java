package dev.weft.fiber;

import dev.weft.fiber.spi.ChannelProvider;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Waits on several channel operations at once and completes exactly one of them.
 *
 * <pre>{@code
 * String what = Select.select(
 *         requests.onReceive(r -> "request " + r),
 *         replies.onSend(reply, () -> "replied"),
 *         Select.onTimeout(Duration.ofSeconds(1), () -> "idle"));
 * }</pre>
 *
 * A select completes the first clause that can complete: receives an item, or sends one, or its
 * time-out passes, or (with {@link #onDefault}) none can complete at once. Only the chosen clause
 * takes effect: the others take no item, send nothing and leave no waiter behind. The chosen
 * clause's action then runs in the caller, and its result is the select's result.
 *
 * <p>When several clauses can complete at once, {@link #select} picks one at random, so that no
 * clause is starved; {@link #selectOrdered} picks the first in the order given. A select works
 * from fibers (which suspend) and threads (which block).
 *
 * <p>At most one {@link #onTimeout} and one {@link #onDefault} clause per select, and no
 * channel-operation clause twice; a channel may appear in several clauses (a receive and a send).
 */
public final class Select {
    private Select() {
    }

    /**
     * Completes one of {@code clauses}, choosing at random among those ready at once.
     *
     * @param <R> the result type
     * @param clauses the alternatives, at least one
     * @return the result of the chosen clause's action
     * @throws InterruptedException if the caller is interrupted while waiting (no clause took effect)
     * @throws ChannelClosedException if the chosen clause's channel is closed for its operation
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IllegalArgumentException if there are no clauses, more than one time-out or default,
     *         or the same clause twice
     * @throws NullPointerException if {@code clauses} or one of them is null
     */
    @SafeVarargs
    public static <R> R select(SelectClause<? extends R>... clauses) throws InterruptedException {
        return select(List.of(clauses));
    }

    /**
     * As {@link #select(SelectClause[])}, for a list of clauses.
     *
     * @param <R> the result type
     * @param clauses the alternatives, at least one
     * @return the result of the chosen clause's action
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws ChannelClosedException if the chosen clause's channel is closed for its operation
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IllegalArgumentException as for {@link #select(SelectClause[])}
     * @throws NullPointerException if {@code clauses} or one of them is null
     */
    public static <R> R select(List<? extends SelectClause<? extends R>> clauses) throws InterruptedException {
        return ChannelProvider.get().select(List.copyOf(clauses), false);
    }

    /**
     * As {@link #select(SelectClause[])}, but among clauses ready at once the first one given wins.
     *
     * @param <R> the result type
     * @param clauses the alternatives, at least one, in order of preference
     * @return the result of the chosen clause's action
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws ChannelClosedException if the chosen clause's channel is closed for its operation
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IllegalArgumentException as for {@link #select(SelectClause[])}
     * @throws NullPointerException if {@code clauses} or one of them is null
     */
    @SafeVarargs
    public static <R> R selectOrdered(SelectClause<? extends R>... clauses) throws InterruptedException {
        return ChannelProvider.get().select(List.of(clauses), true);
    }

    /**
     * A clause that completes when {@code timeout} has passed since the select began and no other
     * clause completed.
     *
     * @param <R> the result type
     * @param timeout how long to wait; zero or negative: as soon as no other clause can complete at once
     * @param action what to return then
     * @return the clause
     * @throws NullPointerException if an argument is null
     */
    public static <R> SelectClause<R> onTimeout(Duration timeout, Supplier<? extends R> action) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(action, "action");
        return ChannelProvider.get().timeoutClause(timeout, action);
    }

    /**
     * A clause that completes at once when no other clause can, so that the select never waits.
     *
     * @param <R> the result type
     * @param action what to return then
     * @return the clause
     * @throws NullPointerException if {@code action} is null
     */
    public static <R> SelectClause<R> onDefault(Supplier<? extends R> action) {
        Objects.requireNonNull(action, "action");
        return ChannelProvider.get().defaultClause(action);
    }
}
