package dev.weft.fiber;

import dev.weft.fiber.spi.DiagnosticsProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the live fibers of Weft's schedulers: for each fiber its id, name, state, time in
 * that state, what it waits on, its carrier when mounted, and its stack. Taken with
 * {@link #take()}, or without code through the platform MBean server
 * ({@code dev.weft:type=FiberDiagnostics}, operations {@code dumpText}, {@code dumpJson},
 * {@code writeDump}), for example from JConsole.
 *
 * <p>Two formats: {@link #toText()} groups fibers with the same state and stack, with counts, so
 * that a dump of a hundred thousand fibers stays readable; {@link #toJson()} has the shape of
 * the JDK's own thread dump ({@code jcmd <pid> Thread.dump_to_file -format=json}), one thread
 * container per scheduler, so that tools that read JDK dumps read Weft's.
 *
 * <p>What a stack shows depends on the fiber's state: a parked fiber's own frames (read while it
 * is held off its carrier for the few microseconds of the walk; an unpark meanwhile takes effect
 * right after); a mounted one ({@code RUNNING}, {@code PINNED}) the frames of its carrier thread,
 * which include the fiber's; a queued one ({@code RUNNABLE}) none, since holding it off would cost
 * every fiber switch a compare-and-set. Each fiber is read on its own while the schedulers run, so
 * the dump is not one atomic instant.
 *
 * @param time       when the dump was taken
 * @param schedulers one section per scheduler, in no particular order
 */
public record FiberDump(Instant time, List<SchedulerSection> schedulers) {

    /** At most this many fiber names are listed under one group of the text format. */
    private static final int NAMES_PER_GROUP = 8;

    /**
     * Creates a dump; {@link #take()} is how users get one.
     *
     * @param time       when the dump was taken
     * @param schedulers one section per scheduler
     * @throws NullPointerException if an argument is null
     */
    public FiberDump {
        Objects.requireNonNull(time, "time");
        schedulers = List.copyOf(schedulers);
    }

    /**
     * Dumps the live fibers of every Weft scheduler of this JVM that has not terminated (the
     * default scheduler included).
     *
     * @return the dump
     * @throws IllegalStateException if no Weft implementation is on the class path
     */
    public static FiberDump take() {
        return DiagnosticsProvider.get().dump();
    }

    /**
     * The fibers of one scheduler.
     *
     * @param name   the scheduler's name ({@link SchedulerStats#name()})
     * @param stats  its counters when the dump was taken
     * @param fibers its live fibers
     */
    public record SchedulerSection(String name, SchedulerStats stats, List<FiberInfo> fibers) {
        /**
         * Creates a section.
         *
         * @param name   the scheduler's name
         * @param stats  its counters
         * @param fibers its live fibers
         * @throws NullPointerException if an argument is null
         */
        public SchedulerSection {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stats, "stats");
            fibers = List.copyOf(fibers);
        }
    }

    /**
     * One fiber as the dump saw it.
     *
     * @param id          {@link Fiber#id()}
     * @param name        {@link Fiber#name()}
     * @param state       {@link Fiber#state()}
     * @param detail      the implementation's finer state (for example {@code PARKING}, {@code UNPARKED})
     * @param scheduler   the name of its scheduler
     * @param timeInState how long it has been parked, if known (parks are timed only while a
     *                    stuck-fiber detector or a JFR recording runs), else null
     * @param blocker     what it waits on ({@code sleep}, the fiber it joins, a channel, lock, latch,
     *                    scope or I/O channel, described by its {@code toString}), or null
     * @param deadline    for a timed wait, how long until it times out (negative: overdue), if
     *                    known; else null
     * @param carrier     the name of the carrier thread it is mounted on, or null
     * @param stack       its stack, innermost frame first; empty when it could not be read
     */
    public record FiberInfo(long id, String name, Fiber.State state, String detail, String scheduler,
                            Duration timeInState, String blocker, Duration deadline, String carrier,
                            List<StackTraceElement> stack) {
        /**
         * Creates the description of one fiber.
         *
         * @throws NullPointerException if {@code name}, {@code state}, {@code detail},
         *         {@code scheduler} or {@code stack} is null
         */
        public FiberInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(scheduler, "scheduler");
            stack = List.copyOf(stack);
        }

        /** For example {@code #12 "worker" PARKED on sleep}. */
        @Override
        public String toString() {
            return "#" + id + " \"" + name + "\" " + state + (blocker != null ? " on " + blocker : "")
                    + (carrier != null ? " carrier " + carrier : "");
        }
    }

    /**
     * The number of fibers in the dump.
     *
     * @return the sum over the sections
     */
    public int fiberCount() {
        int n = 0;
        for (SchedulerSection s : schedulers) {
            n += s.fibers().size();
        }
        return n;
    }

    /** The formats of {@link #writeTo(Path, Format)}. */
    public enum Format {
        /** {@link #toText()}. */
        TEXT,
        /** {@link #toJson()}. */
        JSON
    }

    /**
     * Writes the dump to {@code file} (created or replaced) in UTF-8.
     *
     * @param file   where to write
     * @param format which format
     * @throws IOException if the file cannot be written
     * @throws NullPointerException if an argument is null
     */
    public void writeTo(Path file, Format format) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Files.writeString(file, format == Format.JSON ? toJson() : toText(), StandardCharsets.UTF_8);
    }

    // ----------------------------------------------------------------------------------------
    // Text: grouped by state and stack

    /**
     * The dump as text: per scheduler, fibers grouped by identical state, blocker kind and
     * stack, largest group first, each group with its count, a few of its fibers' names, the
     * longest time in state and its frames.
     *
     * @return the text, ending in a newline
     */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Weft fiber dump ").append(time).append(": ").append(fiberCount()).append(" fibers on ")
                .append(schedulers.size()).append(schedulers.size() == 1 ? " scheduler\n" : " schedulers\n");
        for (SchedulerSection s : schedulers) {
            SchedulerStats st = s.stats();
            sb.append("\n== ").append(s.name()).append(": ").append(s.fibers().size()).append(" fibers, ")
                    .append(st.carriers()).append(" carriers (").append(st.compensating()).append(" compensating), ")
                    .append(st.queued()).append(" queued, ").append(st.pinnedParks()).append(" pinned parks\n");
            Map<String, List<FiberInfo>> groups = new LinkedHashMap<>();
            for (FiberInfo f : s.fibers()) {
                groups.computeIfAbsent(groupKey(f), k -> new ArrayList<>()).add(f);
            }
            List<List<FiberInfo>> ordered = new ArrayList<>(groups.values());
            ordered.sort((a, b) -> Integer.compare(b.size(), a.size()));
            for (List<FiberInfo> g : ordered) {
                appendGroup(sb, g);
            }
        }
        return sb.toString();
    }

    private static String groupKey(FiberInfo f) {
        StringBuilder k = new StringBuilder().append(f.state()).append('|').append(blockerKind(f.blocker())).append('|');
        for (StackTraceElement e : f.stack()) {
            k.append(e).append('\n');
        }
        return k.toString();
    }

    /** A blocker's description without its identity ({@code Channel@1a2b} and {@code Channel@3c4d} group together). */
    private static String blockerKind(String blocker) {
        if (blocker == null) {
            return "";
        }
        int at = blocker.indexOf('@');
        int end = at < 0 ? -1 : at + 1;
        while (end > 0 && end < blocker.length() && Character.digit(blocker.charAt(end), 16) >= 0) {
            end++;
        }
        return at < 0 ? blocker : blocker.substring(0, at) + blocker.substring(end);
    }

    private static void appendGroup(StringBuilder sb, List<FiberInfo> g) {
        FiberInfo first = g.get(0);
        sb.append('\n').append(g.size()).append(g.size() == 1 ? " fiber " : " fibers ").append(first.state());
        java.util.Set<String> blockers = new java.util.LinkedHashSet<>();
        Duration longest = null;
        for (FiberInfo f : g) {
            if (f.blocker() != null && blockers.size() < 2) {
                blockers.add(f.blocker());
            }
            if (f.timeInState() != null && (longest == null || f.timeInState().compareTo(longest) > 0)) {
                longest = f.timeInState();
            }
        }
        if (blockers.size() == 1 && g.size() == 1 || blockers.size() == 1 && allSame(g)) {
            sb.append(" on ").append(first.blocker());
        } else if (!blockers.isEmpty()) {
            sb.append(" on ").append(blockerKind(first.blocker())).append(" (several objects)");
        }
        if (longest != null) {
            sb.append(", longest ").append(formatDuration(longest));
        }
        sb.append('\n').append("  fibers:");
        for (int i = 0; i < g.size() && i < NAMES_PER_GROUP; i++) {
            FiberInfo f = g.get(i);
            sb.append(i == 0 ? " " : ", ").append('#').append(f.id()).append(" \"").append(f.name()).append('"');
            if (f.carrier() != null) {
                sb.append(" on ").append(f.carrier());
            }
        }
        if (g.size() > NAMES_PER_GROUP) {
            sb.append(" and ").append(g.size() - NAMES_PER_GROUP).append(" more");
        }
        sb.append('\n');
        if (first.stack().isEmpty()) {
            sb.append("    (no stack: ").append(first.state() == Fiber.State.RUNNABLE
                    ? "queued to run, not walked" : "not readable now").append(")\n");
        }
        for (StackTraceElement e : first.stack()) {
            sb.append("    at ").append(e).append('\n');
        }
    }

    private static boolean allSame(List<FiberInfo> g) {
        String b = g.get(0).blocker();
        for (FiberInfo f : g) {
            if (!Objects.equals(b, f.blocker())) {
                return false;
            }
        }
        return true;
    }

    private static String formatDuration(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    // ----------------------------------------------------------------------------------------
    // JSON: the JDK's thread dump format

    /**
     * The dump in the shape of the JDK's JSON thread dump ({@code threadDump.schema.json} of
     * JDK 21+): {@code threadDump} with {@code processId}, {@code time}, {@code runtimeVersion}
     * and {@code threadContainers}; a {@code <root>} container and one container per scheduler
     * (named {@code weft/<scheduler name>}, parent {@code <root>}), each with its
     * {@code threads} ({@code tid} is the fiber id, {@code state} the nearest
     * {@link Thread.State}, {@code stack} the frames as strings) and {@code threadCount}. Weft
     * adds {@code fiberState}, {@code scheduler}, {@code parkBlocker} (as the JDK gives it for a
     * parked thread), {@code carrierName} and {@code timeInStateMillis} where known to each
     * thread, and {@code schedulerStats} (the {@link SchedulerStats} counts) to each container.
     *
     * @return the JSON text
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256 + fiberCount() * 256);
        sb.append("{\n  \"threadDump\": {\n");
        sb.append("    \"processId\": \"").append(ProcessHandle.current().pid()).append("\",\n");
        sb.append("    \"time\": \"").append(time).append("\",\n");
        sb.append("    \"runtimeVersion\": ");
        string(sb, Runtime.version().toString());
        sb.append(",\n    \"threadContainers\": [\n");
        sb.append("      {\n        \"container\": \"<root>\",\n        \"parent\": null,\n        \"owner\": null,\n"
                + "        \"threads\": [],\n        \"threadCount\": \"0\"\n      }");
        String stamp = time.toString();
        for (SchedulerSection s : schedulers) {
            sb.append(",\n      {\n        \"container\": ");
            string(sb, "weft/" + s.name());
            sb.append(",\n        \"parent\": \"<root>\",\n        \"owner\": null,\n        \"threads\": [");
            boolean firstThread = true;
            for (FiberInfo f : s.fibers()) {
                sb.append(firstThread ? "\n" : ",\n");
                firstThread = false;
                appendThread(sb, f, stamp);
            }
            sb.append(firstThread ? "],\n" : "\n        ],\n");
            sb.append("        \"threadCount\": \"").append(s.fibers().size()).append("\",\n");
            SchedulerStats st = s.stats();
            sb.append("        \"schedulerStats\": {\"carriers\": ").append(st.carriers())
                    .append(", \"parallelism\": ").append(st.parallelism())
                    .append(", \"compensating\": ").append(st.compensating())
                    .append(", \"compensationsTotal\": ").append(st.compensationsTotal())
                    .append(", \"tasksRun\": ").append(st.tasksRun())
                    .append(", \"steals\": ").append(st.steals())
                    .append(", \"queued\": ").append(st.queued())
                    .append(", \"pinnedParks\": ").append(st.pinnedParks()).append("}\n      }");
        }
        sb.append("\n    ]\n  }\n}\n");
        return sb.toString();
    }

    private static void appendThread(StringBuilder sb, FiberInfo f, String stamp) {
        sb.append("          {\"tid\": \"").append(f.id()).append("\", \"time\": \"").append(stamp).append("\", \"name\": ");
        string(sb, f.name());
        sb.append(", \"state\": \"").append(threadState(f)).append("\", \"fiberState\": \"").append(f.state())
                .append("\", \"scheduler\": ");
        string(sb, f.scheduler());
        if (f.blocker() != null) {
            sb.append(", \"parkBlocker\": {\"object\": ");
            string(sb, f.blocker());
            sb.append('}');
        }
        if (f.carrier() != null) {
            sb.append(", \"carrierName\": ");
            string(sb, f.carrier());
        }
        if (f.timeInState() != null) {
            sb.append(", \"timeInStateMillis\": ").append(f.timeInState().toMillis());
        }
        sb.append(", \"stack\": [");
        boolean first = true;
        for (StackTraceElement e : f.stack()) {
            sb.append(first ? "" : ", ");
            first = false;
            string(sb, e.toString());
        }
        sb.append("]}");
    }

    /** The {@link Thread.State} a tool reading JDK dumps should see for a fiber. */
    private static String threadState(FiberInfo f) {
        return switch (f.state()) {
            case NEW -> "NEW";
            case RUNNABLE, RUNNING -> "RUNNABLE";
            case PARKED, PINNED -> f.deadline() != null ? "TIMED_WAITING" : "WAITING";
            case TERMINATED -> "TERMINATED";
        };
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** A one-line summary, for example {@code FiberDump[2026-12-02T14:00:00Z, 3 fibers on 1 scheduler]}. */
    @Override
    public String toString() {
        return "FiberDump[" + time + ", " + fiberCount() + " fibers on " + schedulers.size() + " schedulers]";
    }
}
