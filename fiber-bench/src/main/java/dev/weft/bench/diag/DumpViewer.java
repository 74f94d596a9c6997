package dev.weft.bench.diag;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberDump;
import dev.weft.fiber.SchedulerStats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command-line viewer: reads a JSON thread dump, Weft's ({@code FiberDump.toJson()}, the
 * {@code writeDump} MBean operation) or the JDK's own ({@code jcmd <pid> Thread.dump_to_file
 * -format=json}, which lists virtual threads), and prints it in {@link FiberDump#toText()}'s
 * grouped form: one section per thread container, threads with the same state and stack
 * counted together. Empty containers are left out.
 *
 * <pre>
 * java -cp "$CP" dev.weft.bench.diag.DumpViewer dump.json
 * </pre>
 */
public final class DumpViewer {
    private DumpViewer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: DumpViewer <thread-dump.json>");
            System.exit(2);
        }
        System.out.print(read(Path.of(args[0])).toText());
    }

    /**
     * Reads a JSON dump into a {@link FiberDump}.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a JSON thread dump
     */
    static FiberDump read(Path file) throws IOException {
        JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        if (!root.isJsonObject() || !root.getAsJsonObject().has("threadDump")) {
            throw new IllegalArgumentException(file + " is not a JSON thread dump (no \"threadDump\" object)");
        }
        JsonObject dump = root.getAsJsonObject().getAsJsonObject("threadDump");
        Instant time = Instant.parse(dump.get("time").getAsString());
        List<FiberDump.SchedulerSection> sections = new ArrayList<>();
        for (JsonElement c : dump.getAsJsonArray("threadContainers")) {
            JsonObject container = c.getAsJsonObject();
            String name = container.get("container").getAsString();
            List<FiberDump.FiberInfo> fibers = new ArrayList<>();
            for (JsonElement t : container.getAsJsonArray("threads")) {
                fibers.add(fiber(t.getAsJsonObject(), name));
            }
            if (!fibers.isEmpty()) {
                sections.add(new FiberDump.SchedulerSection(name, stats(name, container), fibers));
            }
        }
        return new FiberDump(time, sections);
    }

    private static FiberDump.FiberInfo fiber(JsonObject t, String container) {
        String jdkState = t.get("state").getAsString();
        Fiber.State state = t.has("fiberState") ? Fiber.State.valueOf(t.get("fiberState").getAsString()) : switch (jdkState) {
            case "NEW" -> Fiber.State.NEW;
            case "RUNNABLE" -> Fiber.State.RUNNING;
            case "TERMINATED" -> Fiber.State.TERMINATED;
            default -> Fiber.State.PARKED; // WAITING, TIMED_WAITING, BLOCKED
        };
        String blocker = null;
        if (t.has("parkBlocker")) {
            blocker = t.getAsJsonObject("parkBlocker").get("object").getAsString();
        } else if (t.has("blockedOn")) {
            blocker = "monitor " + t.get("blockedOn").getAsString();
        } else if (t.has("waitingOn")) {
            blocker = "wait " + t.get("waitingOn").getAsString();
        }
        List<StackTraceElement> stack = new ArrayList<>();
        JsonArray frames = t.getAsJsonArray("stack");
        for (JsonElement f : frames) {
            stack.add(frame(f.getAsString()));
        }
        String scheduler = t.has("scheduler") ? t.get("scheduler").getAsString() : container;
        Duration inState = t.has("timeInStateMillis") ? Duration.ofMillis(t.get("timeInStateMillis").getAsLong()) : null;
        String carrier = t.has("carrierName") ? t.get("carrierName").getAsString()
                : t.has("carrier") ? "thread #" + t.get("carrier").getAsString() : null;
        return new FiberDump.FiberInfo(Long.parseLong(t.get("tid").getAsString()), t.get("name").getAsString(), state,
                jdkState, scheduler, inState, blocker, "TIMED_WAITING".equals(jdkState) ? Duration.ZERO : null, carrier, stack);
    }

    /** {@code module@version/class.method(File.java:12)}, as the JDK prints a frame; parts may be missing. */
    private static final Pattern FRAME = Pattern.compile("(?:([^/(]*)/)?(?:([^/(]*)/)?([^(]*)\\.([^.(]+)\\((.*)\\)");

    static StackTraceElement frame(String s) {
        Matcher m = FRAME.matcher(s);
        if (!m.matches()) {
            return new StackTraceElement("?", s, null, -1);
        }
        String first = m.group(1);
        String second = m.group(2);
        String loader = second != null ? first : null;
        String module = second != null ? second : first;
        String moduleVersion = null;
        if (module != null && module.contains("@")) {
            moduleVersion = module.substring(module.indexOf('@') + 1);
            module = module.substring(0, module.indexOf('@'));
        }
        String where = m.group(5);
        String fileName = null;
        int line = -1;
        if (where.equals("Native Method")) {
            line = -2;
        } else if (!where.equals("Unknown Source")) {
            int colon = where.lastIndexOf(':');
            if (colon > 0) {
                fileName = where.substring(0, colon);
                try {
                    line = Integer.parseInt(where.substring(colon + 1));
                } catch (NumberFormatException e) {
                    fileName = where;
                }
            } else {
                fileName = where;
            }
        }
        return new StackTraceElement(emptyToNull(loader), emptyToNull(module), moduleVersion, m.group(3), m.group(4), fileName, line);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static SchedulerStats stats(String name, JsonObject container) {
        if (!container.has("schedulerStats")) {
            return new SchedulerStats(name, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        JsonObject s = container.getAsJsonObject("schedulerStats");
        return new SchedulerStats(name, s.get("carriers").getAsInt(), s.get("parallelism").getAsInt(),
                s.get("compensating").getAsInt(), s.get("compensationsTotal").getAsLong(), s.get("tasksRun").getAsLong(),
                s.get("steals").getAsLong(), s.get("queued").getAsLong(), s.get("pinnedParks").getAsLong());
    }
}
