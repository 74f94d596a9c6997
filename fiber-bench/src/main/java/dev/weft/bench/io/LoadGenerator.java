package dev.weft.bench.io;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load over loopback: N connections to 127.0.0.1, each doing a bounded number of
 * request/response round trips one after the other, every reply byte compared with what the
 * {@link Workload} says it must be, the latency of each round trip recorded in an HdrHistogram.
 *
 * <h2>Why NIO with a few selector threads</h2>
 * The generator must not be what is measured. A thread per connection would put 10,000 threads
 * (or virtual threads, i.e. one of the contenders) on the client side; Weft fibers would make the
 * client share the code under test. Here each of {@code threads} platform threads owns a
 * {@link Selector} and a fixed share of the connections and does, per round trip, one
 * {@code write}, one {@code read} and a share of one {@code select}: the fewest system calls a
 * client can make, no locks, no allocation beyond the request array. The two sides share the
 * machine's cores, so the numbers are those of client and server together; the generator costs
 * about what an ideal server costs per request, which is why the servers are compared against
 * each other under the same generator, never in absolute terms.
 *
 * <h2>Phases</h2>
 * {@link #open(int)} connects (blocking connects spread over the threads, so the server's
 * backlog never overflows and no SYN waits a second for its retry), then the connections sit
 * idle (the suite measures the server's memory then); {@link #run} starts all round trips at
 * once and closes each connection after its last one. Latency is the time from the first byte
 * of a request written to the last byte of its reply read (service time, closed loop: no
 * coordinated-omission correction, as the request rate is not fixed).
 */
public final class LoadGenerator {
    private final InetSocketAddress target;
    private final Workload workload;
    private final int threads;

    /**
     * @param target where the server listens; must be a loopback address
     * @param workload what to send and expect
     * @param threads the selector threads (2 on this 2-core machine: one per core)
     */
    public LoadGenerator(InetSocketAddress target, Workload workload, int threads) {
        this.target = Objects.requireNonNull(target, "target");
        this.workload = Objects.requireNonNull(workload, "workload");
        if (!target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the load generator talks to loopback only: " + target);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        this.threads = threads;
    }

    /** The outcome of one {@link #run}. */
    public record Result(long requests, long errors, double seconds, Histogram latencyNanos) {
        /** Completed round trips per second. */
        public double rps() {
            return seconds > 0 ? requests / seconds : 0;
        }

        /** The latency at {@code percentile} (0-100), in microseconds. */
        public double percentileMicros(double percentile) {
            return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** Connections opened by {@link #open}, idle until {@link #run}. */
    public static final class Connections implements AutoCloseable {
        private final List<List<SocketChannel>> shares;
        private final int failed;

        private Connections(List<List<SocketChannel>> shares, int failed) {
            this.shares = shares;
            this.failed = failed;
        }

        /** How many could not be connected. */
        public int failed() {
            return failed;
        }

        /** How many are open. */
        public int open() {
            return shares.stream().mapToInt(List::size).sum();
        }

        @Override
        public void close() {
            for (List<SocketChannel> share : shares) {
                for (SocketChannel ch : share) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // closing is all we wanted
                    }
                }
            }
        }
    }

    /** Opens {@code count} connections, in parallel on the generator's threads; waits for all. */
    public Connections open(int count) throws InterruptedException {
        List<List<SocketChannel>> shares = new ArrayList<>();
        AtomicLong failed = new AtomicLong();
        List<Thread> openers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = count / threads + (t < count % threads ? 1 : 0);
            List<SocketChannel> share = new ArrayList<>(n);
            shares.add(share);
            openers.add(Thread.ofPlatform().name("load-connect-" + t).start(() -> {
                for (int i = 0; i < n; i++) {
                    try {
                        SocketChannel ch = SocketChannel.open(target);
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        share.add(ch);
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : openers) {
            t.join();
        }
        return new Connections(shares, (int) failed.get());
    }

    /**
     * Does {@code roundTrips} round trips on each connection, all connections at once, and closes
     * them. Gives up at {@code timeout}: round trips not done by then count as errors.
     */
    public Result run(Connections connections, int roundTrips, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Share> shares = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        int firstId = 0;
        for (List<SocketChannel> channels : connections.shares) {
            Share share = new Share(channels, firstId, roundTrips, deadline);
            firstId += channels.size();
            shares.add(share);
            workers.add(Thread.ofPlatform().name("load-selector-" + shares.size()).start(() -> share.run(ready, go)));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long end = shares.stream().mapToLong(s -> s.finishedAt).max().orElse(start);
        Histogram all = new Histogram(3);
        long requests = 0;
        long errors = (long) connections.failed * roundTrips;
        for (Share s : shares) {
            all.add(s.latency);
            requests += s.requests;
            errors += s.errors;
        }
        return new Result(requests, errors, Math.max(0, end - start) / 1e9, all);
    }

    /** One thread's connections and its selector. Touched only by that thread once started. */
    private final class Share {
        private final List<SocketChannel> channels;
        private final int firstId;
        private final int roundTrips;
        private final long deadline;
        private final Histogram latency = new Histogram(3);
        private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        private long requests;
        private long errors;
        private int active;
        private volatile long finishedAt;

        Share(List<SocketChannel> channels, int firstId, int roundTrips, long deadline) {
            this.channels = channels;
            this.firstId = firstId;
            this.roundTrips = roundTrips;
            this.deadline = deadline;
        }

        void run(CountDownLatch ready, CountDownLatch go) {
            try (Selector selector = Selector.open()) {
                List<Client> clients = new ArrayList<>(channels.size());
                for (int i = 0; i < channels.size(); i++) {
                    SocketChannel ch = channels.get(i);
                    Client c = new Client(ch, firstId + i);
                    try {
                        ch.configureBlocking(false);
                        c.key = ch.register(selector, SelectionKey.OP_READ, c);
                        clients.add(c);
                    } catch (IOException e) {
                        fail(c);
                    }
                }
                ready.countDown();
                go.await();
                active = clients.size();
                for (Client c : clients) {
                    if (roundTrips == 0) {
                        finish(c);
                    } else {
                        send(c);
                    }
                }
                while (active > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    selector.select(Math.max(1, Math.min(100, left / 1_000_000)));
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        Client c = (Client) key.attachment();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isWritable()) {
                            write(c);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(c);
                        }
                    }
                }
                for (Client c : clients) {
                    if (c.done < roundTrips && c.channel.isOpen()) {
                        fail(c); // timed out
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("selector failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                finishedAt = System.nanoTime();
            }
        }

        private void send(Client c) {
            c.request = workload.request(c.id, c.done);
            c.expected = workload.expectedResponse(c.request);
            c.out = ByteBuffer.wrap(c.request);
            c.received = 0;
            c.startNanos = System.nanoTime();
            write(c);
        }

        private void write(Client c) {
            try {
                c.channel.write(c.out);
                c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            } catch (IOException e) {
                fail(c);
            }
        }

        private void read(Client c) {
            in.clear();
            int n;
            try {
                n = c.channel.read(in);
            } catch (IOException e) {
                fail(c);
                return;
            }
            if (n < 0 || c.expected == null || c.received + n > c.expected.length) {
                fail(c); // closed early, or bytes nobody asked for
                return;
            }
            for (int i = 0; i < n; i++) {
                if (in.get(i) != c.expected[c.received + i]) {
                    fail(c);
                    return;
                }
            }
            c.received += n;
            if (c.received == c.expected.length) {
                latency.recordValue(System.nanoTime() - c.startNanos);
                requests++;
                c.done++;
                c.expected = null;
                if (c.done == roundTrips) {
                    finish(c);
                } else {
                    send(c);
                }
            }
        }

        private void finish(Client c) {
            active--;
            close(c);
        }

        private void fail(Client c) {
            errors += roundTrips - c.done;
            c.done = roundTrips;
            if (c.key != null) {
                active--;
            }
            close(c);
        }

        private void close(Client c) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // done with it either way
            }
        }
    }

    /** One connection's round-trip state. */
    private static final class Client {
        final SocketChannel channel;
        final int id;
        SelectionKey key;
        byte[] request;
        byte[] expected;
        ByteBuffer out;
        int received;
        int done;
        long startNanos;

        Client(SocketChannel channel, int id) {
            this.channel = channel;
            this.id = id;
        }
    }
}
