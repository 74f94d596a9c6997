package dev.weft.bench.io;

import java.io.IOException;

/**
 * What a server says on a connection: {@link EchoProtocol} or {@link HttpProtocol}. One instance
 * serves every connection of a server (it keeps no per-connection state in fields).
 */
interface Protocol {

    /**
     * Serves {@code connection} until the peer closes it, a time-out or a protocol error ends it.
     * Does not close the connection: the server does, whatever this method did.
     */
    void serve(Connection connection, ServerConfig config) throws IOException;
}
