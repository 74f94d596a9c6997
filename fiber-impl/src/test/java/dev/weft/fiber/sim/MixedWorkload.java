package dev.weft.fiber.sim;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberExecutors;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.FiberSemaphore;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.Select;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A workload that touches every kind of Weft wait: channels of each kind, select, a lock and its
 * condition, a semaphore, a latch, sleeps and timed receives, joins, and the raw-fiber executor,
 * with 24 fibers. Its trace is the fingerprint that must repeat for a seed, in this JVM and in
 * another ({@link #main}).
 */
final class MixedWorkload {
    private MixedWorkload() {
    }

    /** Runs the workload under {@code seed} and returns the trace and the workload's own result. */
    static String run(long seed, DeterministicScheduler.Strategy strategy) throws Exception {
        DeterministicScheduler s = Schedulers.deterministic(seed, strategy);
        List<String> events = new ArrayList<>();
        s.run(() -> body(s, events));
        return s.trace() + "\nevents " + events;
    }

    static void body(DeterministicScheduler s, List<String> events) throws Exception {
        Channel<Integer> work = Channels.buffered(2);
        Channel<Integer> results = Channels.unbounded();
        Channel<String> pings = Channels.rendezvous();
        Channel<Integer> latest = Channels.conflated();
        FiberLock lock = new FiberLock();
        var notEmpty = lock.newCondition();
        List<Integer> shared = new ArrayList<>();
        FiberSemaphore permits = new FiberSemaphore(2);
        FiberCountDownLatch done = new FiberCountDownLatch(4);
        List<Fiber<?>> fibers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int id = w;
            fibers.add(Fiber.builder().name("worker-" + w).start(() -> {
                for (Integer x : work) {
                    permits.acquire();
                    try {
                        Fiber.sleep(Duration.ofMillis(x % 7));
                        results.send(x * 10 + id);
                        latest.send(x);
                    } finally {
                        permits.release();
                    }
                }
                done.countDown();
                return null;
            }));
        }
        for (int p = 0; p < 3; p++) {
            int id = p;
            fibers.add(Fiber.builder().name("pinger-" + p).start(() -> {
                for (int i = 0; i < 5; i++) {
                    pings.send("ping " + id + "." + i);
                }
                return null;
            }));
        }
        fibers.add(Fiber.builder().name("ponger").start(() -> {
            for (int i = 0; i < 15; i++) {
                String got = Select.select(pings.onReceive(v -> v),
                        Select.onTimeout(Duration.ofSeconds(1), () -> "late"));
                synchronized (events) {
                    events.add(got);
                }
            }
            return null;
        }));
        for (int c = 0; c < 2; c++) {
            int id = c;
            fibers.add(Fiber.builder().name("consumer-" + c).start(() -> {
                for (int i = 0; i < 3; i++) {
                    lock.lock();
                    try {
                        while (shared.isEmpty()) {
                            notEmpty.await();
                        }
                        events.add("consumer-" + id + " took " + shared.remove(0));
                    } finally {
                        lock.unlock();
                    }
                }
                return null;
            }));
        }
        fibers.add(Fiber.builder().name("producer").start(() -> {
            for (int i = 0; i < 6; i++) {
                lock.lock();
                try {
                    shared.add(i);
                    notEmpty.signal();
                } finally {
                    lock.unlock();
                }
                Fiber.yield();
            }
        }));
        try (ExecutorService ex = FiberExecutors.newRawFiberPerTaskExecutor(s)) {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int v = i;
                fs.add(ex.submit(() -> {
                    Fiber.yield();
                    return v * v;
                }));
            }
            for (int i = 0; i < 20; i++) {
                work.send(i);
            }
            work.close();
            int sum = 0;
            for (Future<Integer> f : fs) {
                sum += f.get();
            }
            events.add("squares " + sum);
        }
        done.await();
        results.close();
        int total = 0;
        for (Integer r : results) {
            total += r;
        }
        events.add("results " + total + " latest " + latest.receive(Duration.ofMinutes(1)));
        for (Fiber<?> f : fibers) {
            f.join();
        }
        events.add("virtual time " + s.nanoTime());
    }

    /** Prints the fingerprint of one seed: for a child JVM. Arguments: seed, strategy. */
    public static void main(String[] args) throws Exception {
        System.out.println("TRACE-BEGIN\n" + run(Long.parseLong(args[0]), DeterministicScheduler.Strategy.valueOf(args[1]))
                + "\nTRACE-END");
    }
}
