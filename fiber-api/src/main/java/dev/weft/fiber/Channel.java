package dev.weft.fiber;

import java.time.Duration;
import java.util.Iterator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A channel: a FIFO conduit of items from senders to receivers, made by {@link Channels}. Each
 * item sent is received exactly once. Works the same from fibers and from threads: an operation
 * that has to wait suspends the calling fiber (its carrier runs other fibers meanwhile) or blocks
 * the calling thread, and fibers and threads may share a channel.
 *
 * <pre>{@code
 * Channel<String> ch = Channels.buffered(16);
 * Fiber.start(() -> { for (String s : lines) ch.send(s); ch.close(); return null; });
 * for (String s : ch) {        // ends when the channel is closed and drained
 *     handle(s);
 * }
 * }</pre>
 *
 * <h2>Ordering and fairness</h2>
 * Items are received in the order they were accepted. Senders waiting for room (or for a
 * receiver) and receivers waiting for an item are served first come, first served.
 *
 * <h2>Closing</h2>
 * {@link #close()} (or {@link #close(Throwable)}) stops new sends at once: they throw
 * {@link ChannelClosedException}, and so do senders that were waiting at the close (their items
 * were never accepted). Every item accepted before the close is still delivered; after the last
 * one, receives throw {@code ChannelClosedException}, carrying the close cause when there was one,
 * and iteration ends. Nothing accepted is lost or delivered twice.
 *
 * <h2>Interruption, cancellation and time-outs</h2>
 * A waiting {@code send} or {@code receive} throws {@link InterruptedException} when the caller is
 * interrupted, and {@link FiberCancelledException} when its fiber is cancelled; a timed one returns
 * {@code false} or {@code null} when its time runs out. Either way the channel is left as if the
 * call had never been made: no item taken or lost, no waiter left behind. If the item had already
 * been handed over when the interrupt came, the call succeeds and the interrupt status stays set.
 *
 * <h2>Null items</h2>
 * Channels do not carry {@code null}: every method given a null item throws
 * {@link NullPointerException}.
 *
 * @param <T> the type of the items
 */
public interface Channel<T> extends Iterable<T> {

    /**
     * Sends {@code item}, waiting while the channel has no room for it (for a rendezvous channel:
     * until a receiver takes it). Channels whose policy is not {@link BufferOverflow#SUSPEND} never
     * wait.
     *
     * @param item the item, not null
     * @throws InterruptedException if the caller is interrupted while waiting (the item was not sent)
     * @throws ChannelClosedException if the channel is closed, or closes while the caller waits
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code item} is null
     */
    void send(T item) throws InterruptedException;

    /**
     * As {@link #send(Object)}, waiting at most {@code timeout}.
     *
     * @param item the item, not null
     * @param timeout the longest time to wait; zero or negative: do not wait
     * @return true if the item was sent, false if the time ran out first (the item was not sent)
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws ChannelClosedException if the channel is closed, or closes while the caller waits
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code item} or {@code timeout} is null
     */
    boolean send(T item, Duration timeout) throws InterruptedException;

    /**
     * Receives the next item, waiting while there is none.
     *
     * @return the item, never null
     * @throws InterruptedException if the caller is interrupted while waiting (no item was taken)
     * @throws ChannelClosedException if the channel is closed and every accepted item has been received
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     */
    T receive() throws InterruptedException;

    /**
     * As {@link #receive()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest time to wait; zero or negative: do not wait
     * @return the item, or null if the time ran out first (no item was taken)
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws ChannelClosedException if the channel is closed and every accepted item has been received
     * @throws FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code timeout} is null
     */
    T receive(Duration timeout) throws InterruptedException;

    /**
     * Sends {@code item} if that can be done without waiting.
     *
     * @param item the item, not null
     * @return {@link ChannelResult.Status#SENT}; {@code DROPPED} (by a {@link BufferOverflow#DROP_NEWEST}
     *         policy); {@code FULL}; or {@code CLOSED} with the close cause
     * @throws NullPointerException if {@code item} is null
     */
    ChannelResult<T> trySend(T item);

    /**
     * Receives an item if one can be had without waiting.
     *
     * @return {@link ChannelResult.Status#RECEIVED} with the item; {@code EMPTY}; or {@code CLOSED}
     *         (closed and drained) with the close cause
     */
    ChannelResult<T> tryReceive();

    /**
     * Closes the channel for sending; see "Closing" above. Idempotent.
     *
     * @return true if this call closed the channel, false if it was already closed
     */
    boolean close();

    /**
     * Closes the channel for sending with a cause, which receivers get (as the
     * {@linkplain ChannelClosedException#getCause() cause} of their {@code ChannelClosedException})
     * once the accepted items are drained. Has no effect on a channel already closed.
     *
     * @param cause why the channel closed, not null
     * @return true if this call closed the channel, false if it was already closed
     * @throws NullPointerException if {@code cause} is null
     */
    boolean close(Throwable cause);

    /**
     * Whether sends are refused: the channel has been closed.
     *
     * @return true once {@link #close()} or {@link #close(Throwable)} has been called
     */
    boolean isClosedForSend();

    /**
     * Whether receives are refused: the channel has been closed and every accepted item received.
     *
     * @return true once a receive would throw {@link ChannelClosedException}
     */
    boolean isClosedForReceive();

    /**
     * The channel's buffer size.
     *
     * @return 0 for a rendezvous channel, {@link Integer#MAX_VALUE} for an unbounded one, 1 for a
     *         conflated one, otherwise the capacity it was made with
     */
    int capacity();

    /**
     * What a send does when the buffer is full.
     *
     * @return the policy ({@link BufferOverflow#SUSPEND} for rendezvous and unbounded channels)
     */
    BufferOverflow overflow();

    /**
     * An iterator that receives: {@code hasNext()} waits for the next item and returns false once
     * the channel is closed and drained. If the channel was closed with a cause, {@code hasNext()}
     * throws the {@link ChannelClosedException} carrying it instead of returning false. An
     * interrupt while waiting restores the interrupt status and makes {@code hasNext()} throw
     * {@link ChannelInterruptedException}. Each call returns a new iterator; iterators share the
     * channel's items (each item goes to one of them). {@code remove()} is not supported.
     *
     * @return an iterator over the items received from now on
     */
    @Override
    Iterator<T> iterator();

    /**
     * A sequential, ordered stream of the items received from now on, ending when the channel is
     * closed and drained; as {@link #iterator()} for a cause or an interrupt.
     *
     * @return the stream
     */
    Stream<T> stream();

    /**
     * A {@link Select} clause that receives from this channel and applies {@code action} to the item.
     * If the channel is closed and drained, the select throws the {@link ChannelClosedException}
     * a {@link #receive()} would.
     *
     * @param <R> the select's result type
     * @param action what to do with the item, run by the selecting fiber or thread after the
     *        clause was chosen
     * @return the clause
     * @throws NullPointerException if {@code action} is null
     */
    <R> SelectClause<R> onReceive(Function<? super T, ? extends R> action);

    /**
     * A {@link Select} clause that sends {@code item} to this channel, then runs {@code action}.
     * If the channel is closed, the select throws the {@link ChannelClosedException} a
     * {@link #send(Object)} would.
     *
     * @param <R> the select's result type
     * @param item the item, not null
     * @param action what to do once the item is sent, run by the selecting fiber or thread
     * @return the clause
     * @throws NullPointerException if {@code item} or {@code action} is null
     */
    <R> SelectClause<R> onSend(T item, Supplier<? extends R> action);
}
