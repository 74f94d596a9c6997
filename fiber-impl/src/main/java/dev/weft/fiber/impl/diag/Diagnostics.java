package dev.weft.fiber.impl.diag;

import dev.weft.fiber.FiberDiagnosticsMXBean;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.StuckFiberDetector;
import dev.weft.fiber.impl.core.FiberImpl;
import dev.weft.fiber.impl.sched.CarrierPool;
import dev.weft.fiber.impl.sched.PoolObserver;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The entry point of diagnostics, installed once by Weft's provider ({@link #install()}).
 *
 * <h2>What it installs</h2>
 * <ul>
 *   <li>A {@link PoolObserver} in the schedulers: it registers a {@code SchedulerMXBean} per pool
 *       ({@code dev.weft:type=Scheduler,name=<pool>}) when the pool starts, unregisters it when
 *       the pool terminates, and emits the scheduler JFR events. Disabled with {@code -Dweft.jmx=false}
 *       (the MBeans; the JFR events stay).</li>
 *   <li>The {@code dev.weft:type=FiberDiagnostics} MBean (fiber dumps over JMX).</li>
 *   <li>A JFR {@link FlightRecorderListener}: the fiber observer ({@link ParkObserver}) is
 *       installed in the core while a recording runs or a stuck-fiber detector is open, and
 *       removed otherwise ({@link #refreshObserver()}), so that with neither the fiber hot paths
 *       call nothing.</li>
 * </ul>
 * Registering with the platform MBean server starts the JVM's JMX machinery on first use (tens of
 * milliseconds, once per JVM).
 */
public final class Diagnostics {
    private static final System.Logger LOG = System.getLogger("dev.weft.fiber.diagnostics");
    private static final boolean JMX = Boolean.parseBoolean(System.getProperty("weft.jmx", "true"));

    private static boolean installed;
    /** Open stuck-fiber detectors; guarded by the class. */
    private static int detectors;
    /** Whether a JFR recording is running, as last told by the listener; guarded by the class. */
    private static boolean recording;
    /**
     * Whether a pool that tracks leaks has been created in this JVM (then parks note their
     * blocker's class for leak reports, see {@link LeakRecord}); set once, never cleared. Guarded
     * by the class.
     */
    private static boolean leakTracking;

    /** Told of pools besides the MBeans (the Micrometer binder); copy-on-write, as pools start and end rarely. */
    private static final java.util.List<PoolListener> LISTENERS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Diagnostics() {
    }

    /**
     * Told when a pool starts and when it terminates, for metrics that follow every pool of the
     * JVM ({@code dev.weft.fiber.micrometer.WeftMetrics}); the pools that run already are in
     * {@link CarrierPool#livePools()}. A listener must not block; what it throws is dropped.
     */
    public interface PoolListener {
        /**
         * The pool's carriers have started; on the thread that created it.
         *
         * @param pool the pool
         */
        void poolStarted(CarrierPool pool);

        /**
         * The pool has terminated; on its watchdog, as its last action.
         *
         * @param pool the pool
         */
        void poolTerminated(CarrierPool pool);
    }

    /** Adds {@code l} (held strongly until {@link #removePoolListener}). */
    public static void addPoolListener(PoolListener l) {
        LISTENERS.add(java.util.Objects.requireNonNull(l, "listener"));
    }

    /** Removes {@code l}, if it was added. */
    public static void removePoolListener(PoolListener l) {
        LISTENERS.remove(l);
    }

    private static void tellListeners(CarrierPool p, boolean started) {
        for (PoolListener l : LISTENERS) {
            try {
                if (started) {
                    l.poolStarted(p);
                } else {
                    l.poolTerminated(p);
                }
            } catch (Throwable e) {
                // a listener must not break a pool's start or end
            }
        }
    }

    /** Installs the hooks, once per JVM; later calls do nothing. Never throws. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        try {
            CarrierPool.observe(new Pools());
            for (CarrierPool p : CarrierPool.livePools()) {
                poolCreated(p); // pools created before the hook
            }
            if (JMX) {
                register(new ObjectName("dev.weft:type=FiberDiagnostics"), new DiagnosticsBean());
            }
            FlightRecorder.addListener(new FlightRecorderListener() {
                @Override
                public void recordingStateChanged(Recording r) {
                    jfrStateChanged();
                }
            });
            jfrStateChanged();
        } catch (Throwable e) {
            try {
                LOG.log(System.Logger.Level.WARNING, "Weft diagnostics could not be installed", e);
            } catch (Throwable ignored) {
                // diagnostics must never stop fibers from working
            }
        }
    }

    /** A dump of every live pool. */
    static FiberDump dump() {
        return FiberDumper.dumpAll();
    }

    static StuckFiberDetector startDetector(Duration threshold, Duration period, Consumer<StuckFiberDetector.Report> listener) {
        StuckDetector d = new StuckDetector(threshold, period, listener);
        synchronized (Diagnostics.class) {
            detectors++;
            refreshObserver();
        }
        d.start();
        return d;
    }

    static void detectorClosed() {
        synchronized (Diagnostics.class) {
            detectors--;
            refreshObserver();
        }
    }

    private static void jfrStateChanged() {
        boolean running = false;
        if (FlightRecorder.isInitialized()) {
            for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
                if (r.getState() == RecordingState.RUNNING) {
                    running = true;
                    break;
                }
            }
        }
        synchronized (Diagnostics.class) {
            recording = running;
            refreshObserver();
        }
    }

    /**
     * Installs the fiber observer while a detector is open or a recording runs, removes it
     * otherwise. Caller holds the class. {@link ParkObserver} is loaded only here, when first
     * needed: its initialisation looks up JFR event types, which a JVM that neither records nor
     * detects should not pay for at start-up.
     */
    private static void refreshObserver() {
        if (detectors > 0 || recording || leakTracking) {
            ParkObserver.INSTANCE.timing = detectors > 0;
            ParkObserver.INSTANCE.leaks = leakTracking;
            FiberImpl.observe(ParkObserver.INSTANCE);
        } else {
            FiberImpl.observe(null);
        }
    }

    // ----------------------------------------------------------------------------------------
    // JMX

    /**
     * {@code dev.weft:type=Scheduler,name=<pool name>}; the name is quoted only if it has a
     * character an unquoted value may not (Weft's pool names, such as {@code work-stealing-1}, have none).
     */
    static ObjectName schedulerName(CarrierPool p) throws javax.management.MalformedObjectNameException {
        String n = p.name();
        boolean plain = n.chars().noneMatch(c -> ",=:\"*?\n".indexOf(c) >= 0);
        return new ObjectName("dev.weft:type=Scheduler,name=" + (plain ? n : ObjectName.quote(n)));
    }

    /** A pool has started (or was running when diagnostics were installed): its MBean, and leak tracking. */
    private static void poolCreated(CarrierPool p) {
        if (p.tracksLeaks()) {
            synchronized (Diagnostics.class) {
                if (!leakTracking) {
                    leakTracking = true;
                    refreshObserver();
                }
            }
        }
        registerPool(p);
    }

    private static void registerPool(CarrierPool p) {
        if (!JMX) {
            return;
        }
        try {
            register(schedulerName(p), new SchedulerBean(p));
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.DEBUG, "could not register the MBean of " + p, e);
        }
    }

    private static void register(ObjectName name, Object bean) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (!server.isRegistered(name)) {
            server.registerMBean(bean, name);
        }
    }

    private static void unregisterPool(CarrierPool p) {
        if (!JMX) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(schedulerName(p));
        } catch (InstanceNotFoundException gone) {
            // never registered (it failed) or already gone
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.DEBUG, "could not unregister the MBean of " + p, e);
        }
    }

    /** The {@code dev.weft:type=FiberDiagnostics} MBean. */
    private static final class DiagnosticsBean implements FiberDiagnosticsMXBean {
        @Override
        public long getLiveFibers() {
            long n = 0;
            for (CarrierPool p : CarrierPool.livePools()) {
                n += p.fibersLive();
            }
            return n;
        }

        @Override
        public String dumpText() {
            return dump().toText();
        }

        @Override
        public String dumpJson() {
            return dump().toJson();
        }

        @Override
        public String writeDump(String file, String format) throws IOException {
            if (file == null || file.isBlank()) {
                throw new IllegalArgumentException("file must name a path, got " + (file == null ? "null" : "a blank string"));
            }
            FiberDump.Format f;
            switch (format == null ? "" : format.toLowerCase(Locale.ROOT)) {
                case "text" -> f = FiberDump.Format.TEXT;
                case "json" -> f = FiberDump.Format.JSON;
                default -> throw new IllegalArgumentException("format must be text or json, got " + format);
            }
            Path p = Path.of(file).toAbsolutePath();
            dump().writeTo(p, f);
            return p.toString();
        }
    }

    // ----------------------------------------------------------------------------------------
    // Pool events

    /** The schedulers' hook: MBeans and JFR events. Each method is called by the pool, see {@link PoolObserver}. */
    private static final class Pools implements PoolObserver {
        @Override
        public void created(CarrierPool pool) {
            poolCreated(pool);
            tellListeners(pool, true);
        }

        @Override
        public Object fiberTracked(CarrierPool pool, dev.weft.fiber.FiberScheduler.FiberTask fiber) {
            return fiber instanceof FiberImpl.Task t ? LeakRecord.of(t.fiber(), pool.name()) : null;
        }

        @Override
        public void fiberUnreachable(CarrierPool pool, Object label) {
            if (label instanceof LeakRecord r) {
                r.log();
            } else {
                LOG.log(System.Logger.Level.WARNING, "a fiber of " + pool.name() + " became unreachable while parked");
            }
        }

        @Override
        public void terminated(CarrierPool pool) {
            unregisterPool(pool);
            tellListeners(pool, false);
        }

        @Override
        public void compensatingCarrierAdded(CarrierPool pool, Thread carrier, int blocked) {
            WeftEvents.CompensatingCarrierAdded e = new WeftEvents.CompensatingCarrierAdded();
            if (e.isEnabled()) {
                e.scheduler = pool.name();
                e.carrier = carrier.getName();
                e.blockedCarriers = blocked;
                e.commit();
            }
        }

        @Override
        public void compensatingCarrierRetired(CarrierPool pool, Thread carrier) {
            WeftEvents.CompensatingCarrierRetired e = new WeftEvents.CompensatingCarrierRetired();
            if (e.isEnabled()) {
                e.scheduler = pool.name();
                e.carrier = carrier.getName();
                e.commit();
            }
        }

        @Override
        public void submitFailed(CarrierPool pool, Runnable task) {
            WeftEvents.FiberSubmitFailed e = new WeftEvents.FiberSubmitFailed();
            if (e.isEnabled()) {
                e.scheduler = pool.name();
                e.task = Blockers.describe(task);
                e.reason = "shut down";
                e.commit();
            }
        }

        @Override
        public void carrierBlocked(CarrierPool pool, Thread carrier) {
            WeftEvents.CarrierBlocked e = new WeftEvents.CarrierBlocked();
            if (e.isEnabled()) {
                e.scheduler = pool.name();
                e.carrier = carrier.getName();
                StackTraceElement[] s = carrier.getStackTrace();
                e.topFrame = s.length > 0 ? s[0].toString() : "";
                e.commit();
            }
        }
    }
}
