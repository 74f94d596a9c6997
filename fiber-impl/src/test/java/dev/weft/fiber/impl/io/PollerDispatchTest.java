package dev.weft.fiber.impl.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The poller's per-key dispatch survives a key that a closing strand cancelled between the
 * select that reported it and the dispatch: {@code SelectionKey.readyOps()} throws
 * {@code CancelledKeyException} then, and an exception out of the dispatch would end the whole
 * select round (the round's other ready keys left undispatched, and the poller logging an error
 * and pausing).
 */
@Timeout(30)
class PollerDispatchTest {

    @Test
    void aKeyCancelledBeforeItsDispatchIsSkippedWithoutAnException() throws IOException {
        Pipe pipe = Pipe.open();
        try (Selector selector = Selector.open(); Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            source.configureBlocking(false);
            SelectionKey key = source.register(selector, SelectionKey.OP_READ);
            sink.write(ByteBuffer.wrap(new byte[] {1}));
            int[] dispatched = {0};
            // the key is reported ready, and cancelled (as PolledChannel.close does) before dispatch
            selector.select(k -> {
                k.cancel();
                dispatched[0]++;
                assertDoesNotThrow(() -> Poller.dispatch(k));
            });
            assertEquals(1, dispatched[0], "the ready key was reported once");
            assertFalse(key.isValid());
        }
    }
}
