package dev.weft.bench.io;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;

import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * A virtual thread per connection over blocking {@code java.net} sockets: the JDK's own poller
 * unmounts a virtual thread blocked in a socket read. By default on the JDK's scheduler
 * ({@code Executors.newVirtualThreadPerTaskExecutor()}); {@link #onWeft} puts the same virtual
 * threads on a Weft scheduler ({@link Schedulers#virtualThreadFactory}), where the JDK's poller
 * still does the waiting.
 */
final class VirtualThreadServer extends BlockingSocketServer {
    private final FiberScheduler carriers;

    private VirtualThreadServer(Protocol protocol, ServerConfig config, ThreadFactory threads, FiberScheduler carriers) {
        super(protocol, config, Executors.newThreadPerTaskExecutor(threads), threads);
        this.carriers = carriers;
    }

    /** On the JDK's default virtual-thread scheduler. */
    static VirtualThreadServer onJdk(Protocol protocol, ServerConfig config) {
        return new VirtualThreadServer(protocol, config, Thread.ofVirtual().factory(), null);
    }

    /** On a Weft work-stealing scheduler of {@link ServerConfig#carriers()} carriers, owned by the server. */
    static VirtualThreadServer onWeft(Protocol protocol, ServerConfig config) {
        FiberScheduler scheduler = Schedulers.workStealing(config.carriers());
        try {
            return new VirtualThreadServer(protocol, config, Schedulers.virtualThreadFactory(scheduler), scheduler);
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
    }

    @Override
    void afterClose() {
        if (carriers != null) {
            carriers.close();
        }
    }
}
