package dev.weft.fiber;

import java.io.IOException;

/**
 * The management interface for fiber dumps, registered with the platform MBean server as
 * {@code dev.weft:type=FiberDiagnostics} once Weft's implementation has loaded, so that JConsole,
 * VisualVM's MBeans tab or any JMX client can take a {@link FiberDump} of a running JVM without
 * code.
 */
public interface FiberDiagnosticsMXBean {

    /**
     * Live fibers of every Weft scheduler now (an estimate: each scheduler's count is read on its own).
     *
     * @return the count
     */
    long getLiveFibers();

    /**
     * Takes a dump and returns it as grouped text ({@link FiberDump#toText()}).
     *
     * @return the text
     */
    String dumpText();

    /**
     * Takes a dump and returns it as JSON in the JDK's thread dump shape ({@link FiberDump#toJson()}).
     *
     * @return the JSON
     */
    String dumpJson();

    /**
     * Takes a dump and writes it to a file, created or replaced.
     *
     * @param file   the file's path, on the machine of the JVM
     * @param format {@code text} or {@code json} (any case)
     * @return the absolute path written
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException if the format is neither
     */
    String writeDump(String file, String format) throws IOException;
}
