/**
 * Fiber-aware I/O: TCP sockets whose blocking operations suspend the calling fiber instead of
 * blocking its carrier thread, and file operations that run on a bounded pool while the fiber
 * parks.
 *
 * <h2>The model</h2>
 * Code reads and writes sockets in the ordinary blocking style, one fiber per connection:
 * <pre>{@code
 * try (FiberServerSocketChannel server = FiberServerSocketChannel.open()
 *         .bind(new InetSocketAddress("127.0.0.1", 0))) {
 *     while (true) {
 *         FiberSocketChannel client = server.accept();
 *         Fiber.start(() -> {
 *             try (client) {
 *                 client.setReadTimeout(Duration.ofSeconds(30));
 *                 ByteBuffer buf = ByteBuffer.allocate(8192);
 *                 while (client.read(buf) >= 0) {   // suspends until bytes arrive
 *                     buf.flip();
 *                     client.write(buf);            // suspends while the send buffer is full
 *                     buf.clear();
 *                 }
 *             }
 *             return null;
 *         });
 *     }
 * }
 * }</pre>
 * Underneath, every socket is a non-blocking {@link java.nio.channels.SocketChannel}. An operation
 * first simply tries: a read with bytes waiting, a write with room in the send buffer, an accept
 * with a connection queued, all complete at once without any hand-off. Only an operation that
 * would block registers its interest with a <em>poller</em>, a daemon thread running a
 * {@link java.nio.channels.Selector}, and parks the fiber; when the socket becomes ready the poller
 * unparks it, and the operation tries again on whichever carrier the fiber resumes. A parked fiber
 * costs its stack and no thread, so ten thousand idle connections cost ten thousand small fiber
 * stacks, not ten thousand threads.
 *
 * <p><b>Plain and virtual threads</b> may call the same methods: the caller then parks as a
 * thread ({@link java.util.concurrent.locks.LockSupport#park()}) until the poller wakes it, so
 * the API simply blocks. A virtual thread may equally use the JDK's own {@code java.net} and
 * {@code java.nio} sockets, which the JDK's own poller serves; these classes are for fibers.
 *
 * <h2>How a wait ends</h2>
 * <ul>
 *   <li><b>Readiness</b>: the operation is retried; a read returns what arrived, -1 once the peer
 *       shut down its output or closed (a half-close is end of stream, not an error).</li>
 *   <li><b>Time-out</b> (read, write, accept and connect time-outs, each a {@link java.time.Duration},
 *       {@code Duration.ZERO} meaning none): {@link java.net.SocketTimeoutException}. A read, write
 *       or accept that timed out leaves its channel open and usable; a connect that timed out
 *       closes the socket it opened.</li>
 *   <li><b>Cancellation</b> of the waiting fiber: {@link dev.weft.fiber.FiberCancelledException},
 *       the channel open and usable (nothing was consumed by the cancelled read).</li>
 *   <li><b>Interruption</b> of the waiting fiber or thread (or an interrupt status set before the
 *       call): {@link java.nio.channels.ClosedByInterruptException}, and the channel is closed, as
 *       for the JDK's {@link java.nio.channels.InterruptibleChannel}s; the interrupt status stays
 *       set.</li>
 *   <li><b>Close</b> of the channel by another strand:
 *       {@link java.nio.channels.AsynchronousCloseException}.</li>
 *   <li><b>A reset</b> by the peer: an {@link java.io.IOException} ("Connection reset").</li>
 * </ul>
 * In every case the channel is left either usable or closed, never registered for a wait that
 * nobody is waiting for: the interest a timed-out or cancelled wait leaves with the poller wakes
 * no one and is dropped at the next readiness.
 *
 * <h2>Files</h2>
 * File I/O has no readiness to wait for. {@link dev.weft.fiber.io.FiberFiles} runs each
 * {@link java.nio.file.Files} operation on a bounded pool of platform threads while the calling
 * fiber parks, so a slow disk blocks a pool thread, not a carrier; called from a plain platform
 * thread, it runs in place.
 *
 * <p>The implementation is found through {@link dev.weft.fiber.spi.IoProvider}; with
 * {@code dev.weft:fiber-impl} on the class path, nothing needs to be configured. Tunables
 * ({@code weft.io.pollers}, {@code weft.io.blockingThreads}) and the measurements behind their
 * defaults are in {@code docs/internals.md}, "How fiber I/O works".
 */
package dev.weft.fiber.io;
