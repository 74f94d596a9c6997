package dev.weft.fiber.impl.io;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;

/**
 * The JDK calls of this package that take a {@code java.util.concurrent} lock inside, made
 * through method handles that C2 cannot inline.
 *
 * <p><b>Why.</b> {@code SocketChannelImpl} guards {@code read}, {@code write}, {@code connect},
 * {@code finishConnect}, {@code configureBlocking} and {@code close} with {@code ReentrantLock}s
 * (and {@code ServerSocketChannelImpl} its {@code accept} and {@code close}; closing a selector
 * takes them too, to close its channels); a
 * {@code ThreadPoolExecutor.execute} takes its queue's lock. Such a lock records
 * {@code Thread.currentThread()} as its owner, and C2 may compile that read to one load shared by
 * a whole compiled method and everything inlined into it (docs/internals.md, "Thread.currentThread()
 * goes stale in a fiber that migrated"). A read loop that parks between two {@code ch.read} calls
 * is such a method: inlined there, the second {@code lock()} recorded the carrier of before the
 * park as owner while the {@code unlock()}, compiled apart, checked the new one, threw
 * {@code IllegalMonitorStateException} and left the lock held, and the channel's {@code close()}
 * then waited for that lock forever (seen in {@code ThousandConcurrentClientsTest}: three
 * clients stuck in {@code close}, their keys never cancelled). Called through a method handle held
 * in a non-final static field, each JDK method is compiled on its own, with no suspension inside,
 * so it reads the thread afresh; the same device as {@code core.CurrentThread}. Cost: one
 * indirect call per operation.
 *
 * <p>The JDK's other calls made here ({@code register}, interest ops, {@code wakeup}, socket
 * options, addresses, {@code shutdownOutput}) use monitors or atomics only, which track the real
 * thread, and need no such care.
 */
final class OutOfLineCalls {
    // Non-final on purpose: a constant method handle would be inlined, and the lock with it.
    private static MethodHandle read = virtual(SocketChannel.class, "read", int.class, ByteBuffer.class);
    private static MethodHandle write = virtual(SocketChannel.class, "write", int.class, ByteBuffer.class);
    private static MethodHandle connect = virtual(SocketChannel.class, "connect", boolean.class, SocketAddress.class);
    private static MethodHandle finishConnect = virtual(SocketChannel.class, "finishConnect", boolean.class);
    private static MethodHandle accept = virtual(ServerSocketChannel.class, "accept", SocketChannel.class);
    private static MethodHandle configureBlocking =
            virtual(SelectableChannel.class, "configureBlocking", SelectableChannel.class, boolean.class);
    private static MethodHandle close = virtual(java.io.Closeable.class, "close", void.class);
    private static MethodHandle execute = virtual(Executor.class, "execute", void.class, Runnable.class);

    private OutOfLineCalls() {
    }

    private static MethodHandle virtual(Class<?> owner, String name, Class<?> returns, Class<?>... params) {
        try {
            return MethodHandles.publicLookup().findVirtual(owner, name, MethodType.methodType(returns, params));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static int read(SocketChannel ch, ByteBuffer dst) throws IOException {
        try {
            return (int) read.invokeExact(ch, dst);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int write(SocketChannel ch, ByteBuffer src) throws IOException {
        try {
            return (int) write.invokeExact(ch, src);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static boolean connect(SocketChannel ch, SocketAddress remote) throws IOException {
        try {
            return (boolean) connect.invokeExact(ch, remote);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static boolean finishConnect(SocketChannel ch) throws IOException {
        try {
            return (boolean) finishConnect.invokeExact(ch);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static SocketChannel accept(ServerSocketChannel ch) throws IOException {
        try {
            return (SocketChannel) accept.invokeExact(ch);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void configureNonBlocking(SelectableChannel ch) throws IOException {
        try {
            SelectableChannel ignored = (SelectableChannel) configureBlocking.invokeExact(ch, false);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Closes a channel or a selector (whose close kills its closed channels, taking their locks). */
    static void close(java.io.Closeable c) throws IOException {
        try {
            close.invokeExact(c);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void execute(Executor executor, Runnable task) {
        try {
            execute.invokeExact(executor, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
