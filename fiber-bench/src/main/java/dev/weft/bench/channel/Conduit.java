package dev.weft.bench.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.ChannelClosedException;

import java.util.concurrent.BlockingQueue;

/**
 * One contender's channel as the channel benchmarks see it: send, receive, close. It lets one
 * benchmark body drive a Weft channel, a jox channel and a JDK blocking queue alike, so what
 * differs between the rows is the channel and the tasks around it, not the benchmark's code.
 *
 * <p>Closing is how the benchmarks stop their long-lived tasks, so "closed" is an ordinary
 * result here rather than an exception: {@link #send} returns false and {@link #receive} null.
 * A JDK queue cannot be closed ({@link #close()} returns false); its tasks are stopped by an
 * interrupt instead, which surfaces as {@link InterruptedException}.
 *
 * <p>Each JMH fork runs one benchmark with one contender, so only one implementation is loaded
 * in a fork and the interface calls stay monomorphic.
 */
interface Conduit {

    /**
     * Sends {@code item}, waiting as the contender does.
     *
     * @return false if the conduit is closed (the item was not sent)
     */
    boolean send(Integer item) throws InterruptedException;

    /**
     * Receives an item, waiting as the contender does.
     *
     * @return the item, or null if the conduit is closed and drained
     */
    Integer receive() throws InterruptedException;

    /**
     * Closes the conduit for sending, waking its waiting receivers (and senders) with "closed".
     *
     * @return false if this kind cannot be closed: its tasks must be interrupted to stop
     */
    boolean close();

    /** The cause a jox channel is closed with at the end of a run. */
    Throwable RUN_OVER = new IllegalStateException("the benchmark run is over");

    /**
     * A Weft channel. {@link #close()} is {@code close()}: Weft fails senders waiting at the close
     * (their items were never accepted), so every task waiting in it returns.
     */
    static Conduit weft(Channel<Integer> channel) {
        return new Conduit() {
            @Override
            public boolean send(Integer item) throws InterruptedException {
                try {
                    channel.send(item);
                    return true;
                } catch (ChannelClosedException closed) {
                    return false;
                }
            }

            @Override
            public Integer receive() throws InterruptedException {
                try {
                    return channel.receive();
                } catch (ChannelClosedException closed) {
                    return null;
                }
            }

            @Override
            public boolean close() {
                channel.close();
                return true;
            }
        };
    }

    /**
     * A jox channel. {@link #close()} is jox's {@code error(..)}, not {@code done()}: after
     * {@code done()} a sender already waiting in a rendezvous cell keeps waiting for a receiver
     * (its item counts as sent before the close), which at the end of a run never comes;
     * {@code error} fails every waiting operation.
     */
    static Conduit jox(com.softwaremill.jox.Channel<Integer> channel) {
        return new Conduit() {
            @Override
            public boolean send(Integer item) throws InterruptedException {
                try {
                    channel.send(item);
                    return true;
                } catch (com.softwaremill.jox.ChannelClosedException closed) {
                    return false;
                }
            }

            @Override
            public Integer receive() throws InterruptedException {
                try {
                    return channel.receive();
                } catch (com.softwaremill.jox.ChannelClosedException closed) {
                    return null;
                }
            }

            @Override
            public boolean close() {
                channel.error(RUN_OVER);
                return true;
            }
        };
    }

    /** A JDK blocking queue ({@code put}/{@code take}), which cannot be closed. */
    static Conduit queue(BlockingQueue<Integer> queue) {
        return new Conduit() {
            @Override
            public boolean send(Integer item) throws InterruptedException {
                queue.put(item);
                return true;
            }

            @Override
            public Integer receive() throws InterruptedException {
                return queue.take();
            }

            @Override
            public boolean close() {
                return false;
            }
        };
    }
}
