package dev.weft.fiber.impl.io;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberCancelledException;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import dev.weft.fiber.impl.Await;
import dev.weft.fiber.io.FiberFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FiberFiles} from many fibers at once (more than the blocking pool has threads), from a
 * plain thread, with failures, and with the waiting fiber cancelled or interrupted while its
 * operation runs on the pool.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FiberFilesTest {
    @TempDir
    Path dir;

    @Test
    void manyFibersWriteAndReadTheirOwnFiles() throws Exception {
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int id = i;
                fibers.add(IoTests.fiber(s, () -> {
                    Path p = dir.resolve("f" + id);
                    byte[] data = IoTests.pattern(id, 1 + id * 37);
                    assertEquals(p, FiberFiles.write(p, data));
                    assertArrayEquals(data, FiberFiles.readAllBytes(p));
                    assertEquals(data.length, FiberFiles.size(p));
                    FiberFiles.writeString(p, "line " + id + "\n", StandardOpenOption.APPEND);
                    String text = FiberFiles.readString(p, StandardCharsets.ISO_8859_1);
                    assertTrue(text.endsWith("line " + id + "\n"));
                    FiberFiles.delete(p);
                    assertFalse(FiberFiles.deleteIfExists(p));
                    return null;
                }));
            }
            for (Fiber<Void> f : fibers) {
                f.get(Duration.ofSeconds(20));
            }
        }
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void plainThreadRunsInPlaceAndFailuresArriveAsTheirOwnExceptions() throws Exception {
        Path p = dir.resolve("plain.txt");
        FiberFiles.writeString(p, "héllo");
        assertEquals("héllo", FiberFiles.readString(p));
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        FiberFiles.call(() -> {
            ranOn.set(Thread.currentThread());
            return null;
        });
        assertEquals(Thread.currentThread(), ranOn.get());
        assertThrows(NoSuchFileException.class, () -> FiberFiles.readAllBytes(dir.resolve("missing")));
        try (FiberScheduler s = Schedulers.fifo(2)) {
            Fiber<Throwable> f = IoTests.fiber(s, () -> {
                try {
                    FiberFiles.delete(dir.resolve("missing"));
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            assertInstanceOf(NoSuchFileException.class, f.get(Duration.ofSeconds(10)));
            Fiber<String> pool = IoTests.fiber(s, () -> FiberFiles.call(() -> Thread.currentThread().getName()));
            assertTrue(pool.get(Duration.ofSeconds(10)).startsWith("weft-io-blocking-"));
            Fiber<Object> runtime = IoTests.fiber(s, () -> FiberFiles.call(() -> {
                throw new IllegalStateException("from the call");
            }));
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> runtime.get(Duration.ofSeconds(10)));
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
    }

    @Test
    void cancelledFiberWaitsForItsRunningOperationToEndThenThrows() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean operationInterrupted = new AtomicBoolean();
        AtomicBoolean operationEnded = new AtomicBoolean();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            Fiber<Object> f = IoTests.fiber(s, () -> {
                try {
                    return FiberFiles.call(() -> {
                        started.countDown();
                        try {
                            Thread.sleep(20_000); // a stuck disk, until interrupted
                        } catch (InterruptedException e) {
                            operationInterrupted.set(true);
                        }
                        operationEnded.set(true);
                        return "done";
                    });
                } catch (Throwable t) {
                    seen.set(t);
                    throw t;
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Await.state(f, Fiber.State.PARKED);
            f.cancel();
            assertThrows(CancellationException.class, () -> f.get(Duration.ofSeconds(10)));
            assertInstanceOf(FiberCancelledException.class, seen.get());
            assertTrue(operationInterrupted.get(), "the cancel interrupted the pool thread running the operation");
            assertTrue(operationEnded.get(), "the fiber left only after its operation ended");
        }
    }

    @Test
    void interruptedFiberInterruptsItsFileChannelWhichClosesByInterrupt() throws Exception {
        Path p = dir.resolve("big");
        CountDownLatch started = new CountDownLatch(1);
        try (FiberScheduler s = Schedulers.workStealing(2)) {
            Fiber<Object> f = IoTests.fiber(s, () -> {
                try {
                    FiberFiles.call(() -> {
                        try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                            started.countDown();
                            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096);
                            while (true) { // writes until the interrupt closes the channel
                                b.clear();
                                ch.write(b, 0);
                            }
                        }
                    });
                    return "no exception";
                } catch (ClosedByInterruptException e) {
                    return Fiber.current().isInterrupted();
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            f.interrupt();
            assertEquals(true, f.get(Duration.ofSeconds(10)), "ClosedByInterruptException, interrupt status kept");
        }
    }
}
