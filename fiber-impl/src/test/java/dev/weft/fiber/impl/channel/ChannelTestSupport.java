package dev.weft.fiber.impl.channel;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the channel tests share: schedulers made per test and shut down after it (so a failing
 * test leaves no fiber or carrier behind), fiber starters, and the package-private waiting
 * counts of {@link WeftChannel} that show whether a waiter was left behind.
 */
abstract class ChannelTestSupport {

    /** The two scheduler kinds, which each contract case runs on. */
    enum Sched {
        WORK_STEALING(Schedulers::workStealing),
        FIFO(Schedulers::fifo);

        private final IntFunction<FiberScheduler> factory;

        Sched(IntFunction<FiberScheduler> factory) {
            this.factory = factory;
        }
    }

    private final List<FiberScheduler> schedulers = new ArrayList<>();

    /** A scheduler of {@code kind} with {@code carriers} carriers, shut down after the test. */
    final FiberScheduler scheduler(Sched kind, int carriers) {
        FiberScheduler s = kind.factory.apply(carriers);
        schedulers.add(s);
        return s;
    }

    @AfterEach
    final void shutDownSchedulers() throws InterruptedException {
        for (FiberScheduler s : schedulers) {
            s.shutdownNow();
        }
        for (FiberScheduler s : schedulers) {
            assertTrue(s.awaitTermination(Await.HANG), "scheduler did not terminate: " + s.stats());
        }
        schedulers.clear();
    }

    static <V> Fiber<V> start(FiberScheduler s, Callable<V> task) {
        return Fiber.builder().scheduler(s).start(task);
    }

    static WeftChannel<?> impl(Channel<?> ch) {
        return (WeftChannel<?>) ch;
    }

    static int waitingReceivers(Channel<?> ch) {
        return impl(ch).waitingReceivers();
    }

    static int waitingSenders(Channel<?> ch) {
        return impl(ch).waitingSenders();
    }

    static void awaitReceivers(Channel<?> ch, int n) {
        Await.until(n + " waiting receivers on " + ch, () -> waitingReceivers(ch) == n);
    }

    static void awaitSenders(Channel<?> ch, int n) {
        Await.until(n + " waiting senders on " + ch, () -> waitingSenders(ch) == n);
    }

    /** Joins {@code fibers} and returns their results (failing on a hang or a throw). */
    static <V> List<V> results(List<Fiber<V>> fibers) throws Exception {
        List<V> out = new ArrayList<>();
        for (Fiber<V> f : fibers) {
            Await.joined(f);
            out.add(f.get());
        }
        return out;
    }

    static Integer box(int i) {
        return i; // items are objects; boxing outside the cache is fine in tests
    }
}
