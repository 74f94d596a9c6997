package dev.weft.fiber.io;

import dev.weft.fiber.spi.IoProvider;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * File operations that do not block a fiber's carrier. File I/O cannot be made non-blocking, so
 * called from a fiber (or a virtual thread) each method runs the {@link Files} method of the same
 * name on a bounded pool of platform threads while the caller parks; the carrier runs other
 * fibers meanwhile. Called from a plain platform thread, it runs the {@code Files} method in
 * place. Results and exceptions are those of {@link Files}.
 *
 * <pre>{@code
 * byte[] data = FiberFiles.readAllBytes(Path.of("in.bin"));     // the fiber parks meanwhile
 * FiberFiles.writeString(Path.of("out.txt"), "done\n");
 * }</pre>
 *
 * <p><b>Interrupts and cancellation.</b> An operation that has started runs to its end or until
 * interrupted: if the waiting fiber is interrupted, the pool thread running its operation is
 * interrupted too, so the operation ends as it would in an interrupted thread (the JDK's file
 * channels close and throw {@link java.nio.channels.ClosedByInterruptException}); the caller's
 * interrupt status stays set. A cancelled fiber likewise interrupts its operation, waits for it
 * to end (so that nothing runs on its behalf once it has left), and then throws
 * {@link dev.weft.fiber.FiberCancelledException}. An operation still queued for a pool thread
 * when its caller is cancelled or interrupted does not run.
 *
 * <p>The pool's size is the system property {@code weft.io.blockingThreads} (see
 * {@code docs/internals.md}); operations beyond it queue, their fibers parked.
 */
public final class FiberFiles {
    private FiberFiles() {
    }

    /**
     * A blocking operation to run through {@link #call(BlockingCall)}.
     *
     * @param <T> its result type
     */
    @FunctionalInterface
    public interface BlockingCall<T> extends IoProvider.BlockingCall<T> {
    }

    /**
     * Runs any blocking operation (file I/O, a blocking library call) the way the other methods
     * of this class run theirs: on the bounded pool while a calling fiber parks, in place on a
     * platform thread.
     *
     * @param <T> the result type
     * @param operation the operation, not null
     * @return its result
     * @throws java.nio.channels.ClosedByInterruptException if the caller was interrupted and the
     *         operation had not started (an operation that started throws what it throws when interrupted)
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws IOException what the operation threw
     * @throws RuntimeException what the operation threw
     * @throws NullPointerException if {@code operation} is null
     */
    public static <T> T call(BlockingCall<T> operation) throws IOException {
        Objects.requireNonNull(operation, "operation");
        return IoProvider.get().callBlocking(operation);
    }

    /**
     * Reads a whole file, as {@link Files#readAllBytes(Path)}.
     *
     * @param path the file, not null
     * @return its bytes
     * @throws IOException if reading fails (for example {@link java.nio.file.NoSuchFileException})
     * @throws OutOfMemoryError if the file is larger than an array can hold
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code path} is null
     */
    public static byte[] readAllBytes(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        return call(() -> Files.readAllBytes(path));
    }

    /**
     * Reads a whole file as UTF-8 text, as {@link Files#readString(Path)}.
     *
     * @param path the file, not null
     * @return its text
     * @throws java.nio.charset.MalformedInputException if the file is not valid UTF-8
     * @throws IOException if reading fails
     * @throws OutOfMemoryError if the file is too large for a string
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code path} is null
     */
    public static String readString(Path path) throws IOException {
        return readString(path, StandardCharsets.UTF_8);
    }

    /**
     * Reads a whole file as text, as {@link Files#readString(Path, Charset)}.
     *
     * @param path the file, not null
     * @param charset the charset to decode with, not null
     * @return its text
     * @throws java.nio.charset.MalformedInputException if the file is not valid in {@code charset}
     * @throws IOException if reading fails
     * @throws OutOfMemoryError if the file is too large for a string
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if an argument is null
     */
    public static String readString(Path path, Charset charset) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(charset, "charset");
        return call(() -> Files.readString(path, charset));
    }

    /**
     * Writes bytes to a file, as {@link Files#write(Path, byte[], OpenOption...)}: with no
     * options, the file is created or truncated.
     *
     * @param path the file, not null
     * @param bytes the bytes, not null
     * @param options how to open the file
     * @return {@code path}
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if {@code options} is an invalid combination
     * @throws UnsupportedOperationException if an option is not supported
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if an argument is null
     */
    public static Path write(Path path, byte[] bytes, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(bytes, "bytes");
        OpenOption[] opts = options.clone();
        return call(() -> Files.write(path, bytes, opts));
    }

    /**
     * Writes text to a file in UTF-8, as {@link Files#writeString(Path, CharSequence, OpenOption...)}.
     *
     * @param path the file, not null
     * @param text the text, not null
     * @param options how to open the file
     * @return {@code path}
     * @throws IOException if writing fails, or {@code text} cannot be encoded
     * @throws IllegalArgumentException if {@code options} is an invalid combination
     * @throws UnsupportedOperationException if an option is not supported
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if an argument is null
     */
    public static Path writeString(Path path, CharSequence text, OpenOption... options) throws IOException {
        return writeString(path, text, StandardCharsets.UTF_8, options);
    }

    /**
     * Writes text to a file, as {@link Files#writeString(Path, CharSequence, Charset, OpenOption...)}.
     *
     * @param path the file, not null
     * @param text the text, not null
     * @param charset the charset to encode with, not null
     * @param options how to open the file
     * @return {@code path}
     * @throws IOException if writing fails, or {@code text} cannot be encoded
     * @throws IllegalArgumentException if {@code options} is an invalid combination
     * @throws UnsupportedOperationException if an option is not supported
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if an argument is null
     */
    public static Path writeString(Path path, CharSequence text, Charset charset, OpenOption... options)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(charset, "charset");
        OpenOption[] opts = options.clone();
        String s = text.toString(); // taken now: the caller may change its CharSequence once this returns
        return call(() -> Files.writeString(path, s, charset, opts));
    }

    /**
     * Returns a file's size in bytes, as {@link Files#size(Path)}.
     *
     * @param path the file, not null
     * @return its size in bytes
     * @throws IOException if the size cannot be read
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code path} is null
     */
    public static long size(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        return call(() -> Files.size(path));
    }

    /**
     * Deletes a file, as {@link Files#delete(Path)}.
     *
     * @param path the file, not null
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws java.nio.file.DirectoryNotEmptyException if it is a directory that is not empty
     * @throws IOException if deleting fails
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code path} is null
     */
    public static void delete(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        call(() -> {
            Files.delete(path);
            return null;
        });
    }

    /**
     * Deletes a file if it exists, as {@link Files#deleteIfExists(Path)}.
     *
     * @param path the file, not null
     * @return whether it was deleted by this call
     * @throws java.nio.file.DirectoryNotEmptyException if it is a directory that is not empty
     * @throws IOException if deleting fails
     * @throws dev.weft.fiber.FiberCancelledException if the calling fiber is cancelled while waiting
     * @throws NullPointerException if {@code path} is null
     */
    public static boolean deleteIfExists(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        return call(() -> Files.deleteIfExists(path));
    }
}
