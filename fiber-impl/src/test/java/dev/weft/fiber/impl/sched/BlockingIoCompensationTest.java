package dev.weft.fiber.impl.sched;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A carrier in a blocking native call (its thread RUNNABLE) is compensated. On d090bbd the
 * watchdog counted only BLOCKED, WAITING and TIMED_WAITING as blocked: a fiber reading a
 * {@link Pipe} on a one-carrier scheduler and the fiber that would write to it, queued behind,
 * deadlocked every run. The stand-in retires once the reader's carrier is back.
 */
@Timeout(60)
class BlockingIoCompensationTest {

    private static void readerAndWriterOnOneCarrier(FiberScheduler s) throws Exception {
        try {
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                Fiber<Integer> reader = Fiber.builder().scheduler(s).start((Callable<Integer>) () -> {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    int n = source.read(b); // blocks this carrier's thread in a native read (RUNNABLE)
                    return n == 1 ? (int) b.get(0) : -1;
                });
                Fiber<Void> writer = Fiber.builder().scheduler(s).start((Runnable) () -> {
                    try {
                        sink.write(ByteBuffer.wrap(new byte[] {42}));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                Await.joined(writer);
                Await.joined(reader);
                assertEquals(42, reader.get());
            }
            assertTrue(s.stats().compensationsTotal() > 0, s.stats().toString());
            Await.until("the stand-in to retire once the reader's carrier is back (" + s.stats() + ")",
                    () -> s.stats().compensating() == 0 && s.stats().carriers() == 1);
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Await.HANG), "did not terminate: " + s.stats());
        }
    }

    @Test
    void aFiberBlockedInAPipeReadDoesNotStopTheWriterQueuedBehindItOnWorkStealing() throws Exception {
        readerAndWriterOnOneCarrier(new WorkStealingScheduler(1));
    }

    @Test
    void aFiberBlockedInAPipeReadDoesNotStopTheWriterQueuedBehindItOnFifo() throws Exception {
        readerAndWriterOnOneCarrier(new FifoScheduler(1));
    }

    /**
     * The price of the rule, bounded: a fiber that computes without suspending gets one stand-in
     * (so the fibers queued behind it run), not one per tick.
     */
    @Test
    void aFiberComputingWithoutSuspendingGetsOneStandInNotMore() throws Exception {
        FiberScheduler s = new WorkStealingScheduler(1);
        try {
            AtomicBoolean stop = new AtomicBoolean();
            Fiber<Void> busy = Fiber.builder().scheduler(s).start((Runnable) () -> {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            });
            Await.state(busy, Fiber.State.RUNNING);
            for (int round = 0; round < 20; round++) {
                Fiber<Void> queued = Fiber.builder().scheduler(s).start((Runnable) () -> { });
                Await.joined(queued); // runs only on a stand-in: the only core carrier is busy
            }
            assertEquals(1, s.stats().compensationsTotal(), s.stats().toString());
            stop.set(true);
            Await.joined(busy);
            Await.until("the stand-in to retire (" + s.stats() + ")", () -> s.stats().compensating() == 0);
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Await.HANG), "did not terminate: " + s.stats());
        }
    }
}
