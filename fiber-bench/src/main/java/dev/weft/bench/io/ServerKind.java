package dev.weft.bench.io;

/** The server implementations, all running the same {@link Protocol} code. */
public enum ServerKind {
    /** Weft fibers over Weft's {@code FiberServerSocketChannel}/{@code FiberSocketChannel}. */
    WEFT("weft", "weft-fibers", "weft"),
    /** Virtual threads on the JDK's scheduler over blocking {@code java.net} sockets. */
    VIRTUAL_THREADS("vt", "virtual-threads", "virtual-threads"),
    /** The same virtual threads carried by a Weft scheduler; the JDK's poller still waits on the sockets. */
    VIRTUAL_THREADS_ON_WEFT("vt-weft", "virtual-threads-on-weft", "virtual-threads"),
    /** A fixed pool of 200 platform threads over blocking {@code java.net} sockets. */
    THREAD_POOL("pool", "thread-pool", "thread-pool");

    private final String cliName;
    private final String label;
    private final String family;

    ServerKind(String cliName, String label, String family) {
        this.cliName = cliName;
        this.label = label;
        this.family = family;
    }

    /** Starts a server of this kind running {@code workload}'s protocol. */
    DemoServer start(Workload workload, ServerConfig config) {
        Protocol protocol = workload.protocol();
        return switch (this) {
            case WEFT -> new WeftFiberServer(protocol, config);
            case VIRTUAL_THREADS -> VirtualThreadServer.onJdk(protocol, config);
            case VIRTUAL_THREADS_ON_WEFT -> VirtualThreadServer.onWeft(protocol, config);
            case THREAD_POOL -> new ThreadPoolServer(protocol, config);
        };
    }

    /** The name on the command line: weft, vt, vt-weft, pool. */
    String cliName() {
        return cliName;
    }

    /** The server's name in the JSON, before the workload: {@code weft-fibers}, ... */
    String label() {
        return label;
    }

    /** The JSON's {@code family}: weft, virtual-threads or thread-pool. */
    String family() {
        return family;
    }

    static ServerKind parse(String s) {
        for (ServerKind k : values()) {
            if (k.cliName.equals(s) || k.label.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown server kind '" + s + "', expected weft, vt, vt-weft or pool");
    }
}
