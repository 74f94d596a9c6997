package dev.weft.fiber.impl.diag;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCountDownLatch;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.FiberLock;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.weft.fiber.io.FiberServerSocketChannel;
import dev.weft.fiber.io.FiberSocketChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dump of fibers parked in each kind of wait shows the right state, blocker and frames, and a
 * mounted fiber shows its carrier.
 */
@Timeout(60)
class DumpShowsEachKindOfWaitTest {

    @Test
    void eachKindOfWaitHasItsStateBlockerAndFrames() throws Exception {
        FiberScheduler s = Schedulers.workStealing(2);
        AtomicBoolean spin = new AtomicBoolean(true);
        List<AutoCloseable> closeLater = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            FiberCountDownLatch latch = new FiberCountDownLatch(1);
            FiberLock lock = new FiberLock();
            Channel<String> empty = Channels.rendezvous();
            Channel<String> full = Channels.rendezvous();
            List<Fiber<?>> fibers = new ArrayList<>();
            Fiber<?> sleeper = start(s, "sleeper", () -> Fiber.sleep(Duration.ofHours(1)));
            Fiber<?> latchWaiter = start(s, "latch-waiter", latch::await);
            Fiber<?> joiner = start(s, "joiner", () -> latchWaiter.join());
            Fiber<?> receiver = start(s, "receiver", empty::receive);
            Fiber<?> sender = start(s, "sender", () -> full.send("x"));
            Fiber<?> parker = start(s, "parker", () -> {
                while (spin.get()) {
                    Fiber.park();
                }
            });
            Fiber<?> spinner = start(s, "spinner", () -> {
                while (spin.get()) {
                    Thread.onSpinWait();
                }
            });
            FiberServerSocketChannel server = FiberServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closeLater.add(server);
            AtomicBoolean acceptedOne = new AtomicBoolean();
            Fiber<?> acceptor = start(s, "acceptor", () -> {
                FiberSocketChannel accepted = server.accept();
                closeLater.add(accepted);
                acceptedOne.set(true); // its next park is the read
                accepted.read(ByteBuffer.allocate(1)); // waits: the client never writes
            });
            FiberSocketChannel client = FiberSocketChannel.open(server.localAddress());
            closeLater.add(client);
            Fiber<?> reader = start(s, "reader", () -> client.read(ByteBuffer.allocate(1)));
            lock.lock();
            Fiber<?> locker = start(s, "locker", () -> {
                lock.lock();
                lock.unlock();
            });
            fibers.addAll(List.of(sleeper, latchWaiter, joiner, receiver, sender, parker, locker, reader, acceptor));
            Await.until("the acceptor accepted", acceptedOne::get);
            for (Fiber<?> f : fibers) {
                Await.state(f, Fiber.State.PARKED);
            }
            Await.state(spinner, Fiber.State.RUNNING);

            FiberDump dump = FiberDump.take();
            assertInfo(dump, sleeper, "sleep", "sleep");
            assertInfo(dump, latchWaiter, "await on ", "FiberCountDownLatch.await");
            assertInfo(dump, joiner, "join Fiber[#" + latchWaiter.id(), "join");
            assertInfo(dump, receiver, "receive on Channel#", "receive");
            assertInfo(dump, sender, "send on Channel#", "send");
            assertInfo(dump, locker, "on ", "FiberLock.lock");
            assertInfo(dump, reader, "read on ", "FiberSocketChannel.read");
            assertInfo(dump, acceptor, "read on ", "FiberSocketChannel.read");
            FiberDump.FiberInfo p = info(dump, parker);
            assertNull(p.blocker(), "a plain park has no blocker: " + p);
            assertTrue(p.stack().stream().anyMatch(e -> e.getMethodName().equals("park")), "park frame in " + p.stack());

            FiberDump.FiberInfo running = info(dump, spinner);
            assertEquals(Fiber.State.RUNNING, running.state());
            assertNotNull(running.carrier(), "a mounted fiber names its carrier: " + running);
            assertTrue(running.carrier().startsWith("weft-" + s.stats().name() + "-carrier-"), running.carrier());

            String text = dump.toText();
            assertTrue(text.contains("\"sleeper\""), text);
            assertTrue(text.contains("on sleep"), text);

            // Every fiber still works after having been walked: no wake-up was lost.
            spin.set(false);
            parker.unpark();
            lock.unlock();
            latch.countDown();
            sleeper.cancel();
            reader.cancel();
            acceptor.cancel();
            full.receive();
            empty.send("y");
            for (Fiber<?> f : fibers) {
                f.join(Await.HANG);
                assertTrue(f.isDone(), f + " ended");
            }
            spinner.join(Await.HANG);
        } finally {
            for (AutoCloseable c : closeLater) {
                c.close();
            }
            spin.set(false);
            s.shutdownNow(); // a failed assertion must not leave the test waiting for a sleeper
            s.awaitTermination(Await.HANG);
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Fiber<?> start(FiberScheduler s, String name, Body body) {
        return Fiber.builder().name(name).scheduler(s).start(() -> {
            try {
                body.run();
            } catch (Exception e) {
                if (!(e instanceof InterruptedException)) {
                    throw new RuntimeException(e);
                }
            }
        });
    }

    private static FiberDump.FiberInfo info(FiberDump dump, Fiber<?> f) {
        return dump.schedulers().stream().flatMap(sec -> sec.fibers().stream())
                .filter(i -> i.id() == f.id()).findFirst()
                .orElseThrow(() -> new AssertionError(f + " is missing from the dump: " + dump.toText()));
    }

    private static void assertInfo(FiberDump dump, Fiber<?> f, String blocker, String frame) {
        FiberDump.FiberInfo i = info(dump, f);
        assertEquals(Fiber.State.PARKED, i.state(), i.toString());
        assertEquals(f.name(), i.name());
        assertNotNull(i.blocker(), "blocker of " + i);
        assertTrue(i.blocker().contains(blocker), "blocker of " + f.name() + " is " + i.blocker() + ", expected " + blocker);
        assertFalse(i.stack().isEmpty(), "a parked fiber's stack is read: " + i);
        assertTrue(i.stack().stream().anyMatch(e -> (e.getClassName() + "." + e.getMethodName()).contains(frame)),
                "a frame " + frame + " in the stack of " + f.name() + ": " + i.stack());
        assertTrue(i.stack().stream().anyMatch(e -> e.getClassName().startsWith(DumpShowsEachKindOfWaitTest.class.getName())),
                "the test's own frame in " + i.stack());
    }
}
