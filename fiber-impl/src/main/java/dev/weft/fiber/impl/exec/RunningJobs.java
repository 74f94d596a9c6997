package dev.weft.fiber.impl.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The jobs an executor is running, for {@code shutdownNow} to interrupt: striped intrusive
 * doubly-linked lists, each guarded by a small CAS lock.
 *
 * <p>Why not a {@code ConcurrentHashMap} key set (as the JDK's thread-per-task executor keeps its
 * threads): in one A/B run of {@code ExecutorBench.weftRawFiberMode} (fan-out of 1,000 short
 * tasks, two carriers, a loaded two-core machine, so noisy) the raw-fiber mode went from 1,077 to
 * 741 ns and from 260 to 228 bytes per task without the set; linking the job itself allocates
 * nothing and each lock is held for a few stores. The lists are
 * striped so that the submitter (adding) and the finishing carriers (removing) rarely meet.
 *
 * <p>Invariants: a job's {@link Node#prev}, {@link Node#next} and the stripe's head are read and
 * written only under that stripe's lock, whose acquiring CAS and releasing store order them; a
 * job is in at most one list, the one numbered {@link Node#stripe}, from {@link #add} to
 * {@link #remove}. Nobody parks or calls out while holding a lock (fibers call in here, so a
 * {@code java.util.concurrent} lock, whose owner is the carrier, or {@code synchronized}, which
 * would make every park of a task take Weft's slow precise stack walk, are not used).
 */
final class RunningJobs {

    /** What a list holds: a job, with its links. */
    abstract static class Node {
        Node prev;
        Node next;
        int stripe;

        /** The strand to interrupt, or null if it has not started. */
        abstract Object strand();
    }

    private static final int STRIPES = Math.max(4, Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 4 - 1) << 1);

    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(Stripe.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Stripe {
        volatile int lock;
        Node head;
        // keeps neighbouring stripes' locks off one cache line
        long p1, p2, p3, p4, p5, p6;

        void lock() {
            for (int spins = 0; !LOCK.compareAndSet(this, 0, 1); spins++) {
                if (spins < 64) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        void unlock() {
            LOCK.setRelease(this, 0); // pairs with the acquiring CAS of the next lock()
        }
    }

    private final Stripe[] stripes = new Stripe[STRIPES];

    RunningJobs() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    void add(Node n) {
        // In a fiber, ThreadLocalRandom may use a stale carrier's seed: harmless, only the spread matters.
        int i = ThreadLocalRandom.current().nextInt() & (STRIPES - 1);
        n.stripe = i;
        Stripe s = stripes[i];
        s.lock();
        Node h = s.head;
        n.prev = null;
        n.next = h;
        if (h != null) {
            h.prev = n;
        }
        s.head = n;
        s.unlock();
    }

    void remove(Node n) {
        Stripe s = stripes[n.stripe];
        s.lock();
        Node p = n.prev;
        Node x = n.next;
        if (p != null) {
            p.next = x;
        } else if (s.head == n) {
            s.head = x;
        }
        if (x != null) {
            x.prev = p;
        }
        n.prev = null;
        n.next = null;
        s.unlock();
    }

    /** The strands of the jobs in the lists now (started ones only). */
    List<Object> strands() {
        List<Object> out = new ArrayList<>();
        for (Stripe s : stripes) {
            s.lock();
            for (Node n = s.head; n != null; n = n.next) {
                Object strand = n.strand();
                if (strand != null) {
                    out.add(strand);
                }
            }
            s.unlock();
        }
        return out;
    }
}
