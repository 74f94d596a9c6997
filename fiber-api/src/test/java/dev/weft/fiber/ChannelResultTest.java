package dev.weft.fiber;

import org.junit.jupiter.api.Test;

import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChannelResult} is a value: equal by status, item and cause; its misuse is refused by name. */
class ChannelResultTest {

    @Test
    void resultsAreEqualByStatusItemAndCause() {
        assertEquals(ChannelResult.received(1), ChannelResult.received(1));
        assertEquals(ChannelResult.received(1).hashCode(), ChannelResult.received(1).hashCode());
        assertNotEquals(ChannelResult.received(1), ChannelResult.received(2));
        assertSame(ChannelResult.sent(), ChannelResult.sent());
        assertEquals(ChannelResult.failed(ChannelResult.Status.EMPTY, null), ChannelResult.failed(ChannelResult.Status.EMPTY, null));
        assertNotEquals(ChannelResult.failed(ChannelResult.Status.EMPTY, null), ChannelResult.failed(ChannelResult.Status.FULL, null));
        IllegalStateException cause = new IllegalStateException("producer failed");
        assertEquals(ChannelResult.failed(ChannelResult.Status.CLOSED, cause), ChannelResult.failed(ChannelResult.Status.CLOSED, cause));
        assertNotEquals(ChannelResult.failed(ChannelResult.Status.CLOSED, cause), ChannelResult.failed(ChannelResult.Status.CLOSED, null));
    }

    @Test
    void onlyAReceivedResultHasAnItem() {
        assertEquals("x", ChannelResult.received("x").item());
        assertTrue(ChannelResult.received("x").isSuccess());
        NoSuchElementException e = assertThrows(NoSuchElementException.class,
                () -> ChannelResult.failed(ChannelResult.Status.EMPTY, null).item());
        assertTrue(e.getMessage().contains("EMPTY"), e.getMessage());
        assertFalse(ChannelResult.failed(ChannelResult.Status.DROPPED, null).isSuccess());
        assertNull(ChannelResult.sent().cause());
    }

    @Test
    void misuseIsRefusedNamingIt() {
        IllegalArgumentException success = assertThrows(IllegalArgumentException.class,
                () -> ChannelResult.failed(ChannelResult.Status.SENT, null));
        assertTrue(success.getMessage().contains("SENT"), success.getMessage());
        IllegalArgumentException cause = assertThrows(IllegalArgumentException.class,
                () -> ChannelResult.failed(ChannelResult.Status.FULL, new RuntimeException()));
        assertTrue(cause.getMessage().contains("FULL"), cause.getMessage());
        assertThrows(NullPointerException.class, () -> ChannelResult.received(null));
        assertEquals("CLOSED[java.lang.IllegalStateException: gone]",
                ChannelResult.failed(ChannelResult.Status.CLOSED, new IllegalStateException("gone")).toString());
    }
}
