package dev.weft.fiber.impl.diag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects the leak reports logged to {@code System.Logger} {@code dev.weft.fiber.leak} (the JDK's
 * default binding, {@code java.util.logging}), as a user's logging would receive them, and counts
 * them per fiber name. Close to stop collecting.
 */
final class LeakReports implements AutoCloseable {
    private static final Pattern FIBER = Pattern.compile("^Fiber\\[#\\d+,([^\\]]+)\\] of ");

    /** Held here: {@code java.util.logging} keeps its loggers weakly, and a collected one loses its handler. */
    private final Logger logger = Logger.getLogger("dev.weft.fiber.leak");
    private final Map<String, AtomicInteger> perName = new ConcurrentHashMap<>();
    private final List<String> texts = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String text = r.getMessage();
            Matcher m = FIBER.matcher(text);
            if (m.find()) {
                perName.computeIfAbsent(m.group(1), n -> new AtomicInteger()).incrementAndGet();
                texts.add(text);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    LeakReports() {
        logger.addHandler(handler);
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false); // a thousand warnings need not reach the build's console
    }

    /** How many reports named {@code name}. */
    int count(String name) {
        AtomicInteger n = perName.get(name);
        return n == null ? 0 : n.get();
    }

    /** Names reported at least once, among those that start with {@code prefix}. */
    List<String> namesStartingWith(String prefix) {
        List<String> out = new ArrayList<>();
        perName.forEach((n, c) -> {
            if (n.startsWith(prefix)) {
                out.add(n);
            }
        });
        return out;
    }

    /** The reports' texts, in arrival order. */
    List<String> texts() {
        return List.copyOf(texts);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(true);
    }
}
