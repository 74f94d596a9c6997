package dev.weft.fiber.micrometer;

import dev.weft.fiber.impl.diag.Diagnostics;
import dev.weft.fiber.impl.sched.CarrierPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for every Weft scheduler of the JVM (the default one included, and those
 * created after binding), each tagged {@code scheduler=<name>} ({@code work-stealing-3},
 * {@code fifo-4}, as in {@link dev.weft.fiber.SchedulerStats#name()}). A scheduler's meters are
 * removed from the registry when it terminates.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();     // or your application's registry
 * WeftMetrics metrics = new WeftMetrics();
 * metrics.bindTo(registry);
 * double spawned = registry.get("weft.fibers.spawned").tag("scheduler", "work-stealing-1")
 *         .functionCounter().count();
 * }</pre>
 *
 * <table>
 *   <caption>The meters</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code weft.fibers.spawned}</td><td>counter</td><td>fibers the scheduler accepted</td></tr>
 *   <tr><td>{@code weft.fibers.completed}</td><td>counter</td><td>fibers that terminated (or, with leak tracking, were found unreachable)</td></tr>
 *   <tr><td>{@code weft.fibers.live}</td><td>gauge</td><td>fibers accepted and not terminated, parked ones included</td></tr>
 *   <tr><td>{@code weft.scheduler.tasks.run}</td><td>counter</td><td>tasks run: fiber resumptions and plain tasks</td></tr>
 *   <tr><td>{@code weft.scheduler.steals}</td><td>counter</td><td>tasks taken from another carrier's queue</td></tr>
 *   <tr><td>{@code weft.scheduler.queued}</td><td>gauge</td><td>tasks waiting to run (an estimate)</td></tr>
 *   <tr><td>{@code weft.scheduler.parks.pinned}</td><td>counter</td><td>parks that blocked a carrier (the fiber could not unmount)</td></tr>
 *   <tr><td>{@code weft.scheduler.compensations}</td><td>counter</td><td>compensating carriers started (carriers were blocked outside Weft)</td></tr>
 *   <tr><td>{@code weft.scheduler.carriers}</td><td>gauge</td><td>carrier threads alive, compensating ones included</td></tr>
 *   <tr><td>{@code weft.scheduler.carriers.idle}</td><td>gauge</td><td>carriers parked idle</td></tr>
 *   <tr><td>{@code weft.scheduler.carriers.blocked}</td><td>gauge</td><td>carriers counted as blocked outside Weft</td></tr>
 *   <tr><td>{@code weft.scheduler.carriers.compensating}</td><td>gauge</td><td>compensating carriers alive</td></tr>
 *   <tr><td>{@code weft.scheduler.parallelism}</td><td>gauge</td><td>carriers the scheduler was created with</td></tr>
 *   <tr><td>{@code weft.scheduler.utilization}</td><td>gauge</td><td>share of the carriers not parked idle, 0 to 1</td></tr>
 * </table>
 *
 * <p><b>Nothing is kept alive.</b> Every meter holds its scheduler weakly (Micrometer's default
 * for function counters and gauges; the functions capture nothing), and this binder keeps its
 * schedulers in a weak map, so a terminated scheduler can be collected even if a registry
 * missed the removal. The binder itself is held, for the schedulers created later, until
 * {@link #close()}.
 *
 * <p><b>Micrometer is optional.</b> {@code micrometer-core} is an optional dependency of
 * {@code fiber-impl}: add it to your own build to use this class. Without it Weft works as
 * before; no other class of Weft names Micrometer, so none fails to load.
 *
 * <p>The values are the ones the scheduler MXBeans show ({@code dev.weft:type=Scheduler}), read
 * at each poll of the registry, without stopping the scheduler (each exact on its own, not one
 * atomic snapshot).
 */
public final class WeftMetrics implements MeterBinder, AutoCloseable {
    private final Tags tags;
    /** Registries bound to; guarded by {@code this}. */
    private final List<MeterRegistry> registries = new ArrayList<>();
    /** The meters registered for each scheduler, per registry; weak keys. Guarded by {@code this}. */
    private final Map<CarrierPool, List<Meter>> meters = new WeakHashMap<>();
    private final Diagnostics.PoolListener listener = new Diagnostics.PoolListener() {
        @Override
        public void poolStarted(CarrierPool pool) {
            bindAll(pool);
        }

        @Override
        public void poolTerminated(CarrierPool pool) {
            unbind(pool);
        }
    };
    private boolean listening;
    private boolean closed;

    /** A binder whose meters carry only the {@code scheduler} tag. */
    public WeftMetrics() {
        this(Tags.empty());
    }

    /**
     * A binder whose meters carry {@code tags} besides {@code scheduler}.
     *
     * @param tags common tags, for example the application's name
     * @throws NullPointerException if {@code tags} is null
     */
    public WeftMetrics(Iterable<Tag> tags) {
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /**
     * Registers the meters of every running Weft scheduler with {@code registry}, and of each one
     * started later until {@link #close()}.
     *
     * @param registry the registry
     * @throws IllegalStateException if this binder is closed
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("this WeftMetrics is closed");
            }
            if (registries.contains(registry)) {
                return;
            }
            registries.add(registry);
            if (!listening) {
                listening = true;
                Diagnostics.addPoolListener(listener); // before the look below: a pool started meanwhile is seen twice, never missed
            }
        }
        for (CarrierPool p : CarrierPool.livePools()) {
            bind(p, registry);
        }
    }

    /** Removes every meter this binder registered and stops following new schedulers. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            Diagnostics.removePoolListener(listener);
            for (List<Meter> ms : meters.values()) {
                remove(ms);
            }
            meters.clear();
            registries.clear();
        }
    }

    private void bindAll(CarrierPool pool) {
        List<MeterRegistry> rs;
        synchronized (this) {
            rs = List.copyOf(registries);
        }
        for (MeterRegistry r : rs) {
            bind(pool, r);
        }
    }

    private synchronized void bind(CarrierPool pool, MeterRegistry registry) {
        if (closed || pool.isTerminated()) {
            return;
        }
        List<Meter> ms = meters.computeIfAbsent(pool, p -> new ArrayList<>());
        for (Meter m : ms) {
            if (registry.getMeters().contains(m)) {
                return; // bound already (the pool started while bindTo looked)
            }
        }
        Tags t = tags.and("scheduler", pool.name());
        ms.add(counter(registry, "weft.fibers.spawned", "fibers the scheduler accepted", t, pool, CarrierPool::fibersAccepted));
        ms.add(counter(registry, "weft.fibers.completed", "fibers that terminated", t, pool, CarrierPool::fibersCompleted));
        ms.add(gauge(registry, "weft.fibers.live", "fibers accepted and not terminated", t, pool, CarrierPool::fibersLive));
        ms.add(counter(registry, "weft.scheduler.tasks.run", "tasks run (fiber resumptions and plain tasks)", t, pool,
                p -> p.stats().tasksRun()));
        ms.add(counter(registry, "weft.scheduler.steals", "tasks taken from another carrier's queue", t, pool,
                p -> p.stats().steals()));
        ms.add(gauge(registry, "weft.scheduler.queued", "tasks waiting to run (an estimate)", t, pool, p -> p.stats().queued()));
        ms.add(counter(registry, "weft.scheduler.parks.pinned", "parks that blocked a carrier", t, pool,
                p -> p.stats().pinnedParks()));
        ms.add(counter(registry, "weft.scheduler.compensations", "compensating carriers started", t, pool,
                p -> p.stats().compensationsTotal()));
        ms.add(gauge(registry, "weft.scheduler.carriers", "carrier threads alive", t, pool, p -> p.stats().carriers()));
        ms.add(gauge(registry, "weft.scheduler.carriers.idle", "carriers parked idle", t, pool, CarrierPool::idleCarriers));
        ms.add(gauge(registry, "weft.scheduler.carriers.blocked", "carriers blocked outside Weft", t, pool,
                CarrierPool::blockedCarriers));
        ms.add(gauge(registry, "weft.scheduler.carriers.compensating", "compensating carriers alive", t, pool,
                p -> p.stats().compensating()));
        ms.add(gauge(registry, "weft.scheduler.parallelism", "carriers the scheduler was created with", t, pool,
                p -> p.stats().parallelism()));
        ms.add(gauge(registry, "weft.scheduler.utilization", "share of the carriers not parked idle", t, pool,
                WeftMetrics::utilization));
    }

    private synchronized void unbind(CarrierPool pool) {
        List<Meter> ms = meters.remove(pool);
        if (ms != null) {
            remove(ms);
        }
    }

    private void remove(List<Meter> ms) {
        synchronized (this) {
            for (MeterRegistry r : registries) {
                for (Meter m : ms) {
                    r.remove(m);
                }
            }
        }
    }

    private static double utilization(CarrierPool p) {
        int carriers = p.stats().carriers();
        return carriers == 0 ? 0.0 : Math.max(0, carriers - p.idleCarriers()) / (double) carriers;
    }

    private static Meter counter(MeterRegistry r, String name, String description, Tags t, CarrierPool pool,
                                 ToDoubleFunction<CarrierPool> f) {
        return FunctionCounter.builder(name, pool, f).description(description).tags(t).register(r);
    }

    private static Meter gauge(MeterRegistry r, String name, String description, Tags t, CarrierPool pool,
                               ToDoubleFunction<CarrierPool> f) {
        return Gauge.builder(name, pool, f).description(description).tags(t).register(r);
    }

    /** For example {@code WeftMetrics[2 schedulers, 1 registry]}. */
    @Override
    public synchronized String toString() {
        return "WeftMetrics[" + meters.size() + " schedulers, " + registries.size() + " registries" + (closed ? ", closed" : "") + "]";
    }
}
