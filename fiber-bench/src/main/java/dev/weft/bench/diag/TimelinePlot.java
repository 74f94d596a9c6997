package dev.weft.bench.diag;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Draws a PNG timeline of a JFR recording: one row per carrier thread, a bar for each fiber run
 * ({@code dev.weft.FiberRun}, off by default: enable it for the recording) coloured by the
 * fiber's group (its name up to the last {@code -}: {@code worker-3} is a {@code worker}), and
 * a red bar under the row for each pinned park ({@code dev.weft.FiberPinned}); blank is idle.
 * The window starts {@code from} milliseconds after the first run in the recording (default
 * 1,000: past start-up) and lasts {@code window} milliseconds (default 300).
 *
 * <pre>
 * java -Djava.awt.headless=true -cp "$CP" dev.weft.bench.diag.TimelinePlot recording.jfr timeline.png [from [window]]
 * </pre>
 */
public final class TimelinePlot {
    private static final int WIDTH = 1400;
    private static final int ROW = 34;
    private static final int LEFT = 250;
    private static final int TOP = 40;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };

    private TimelinePlot() {
    }

    private record Slice(String carrier, Instant start, Duration duration, String group) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: TimelinePlot <recording.jfr> <out.png> [from millis, default 1000 [window millis, default 300]]");
            System.exit(2);
        }
        long from = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        long millis = args.length > 3 ? Long.parseLong(args[3]) : 300;
        int n = plot(Path.of(args[0]), Path.of(args[1]), Duration.ofMillis(from), Duration.ofMillis(millis));
        System.out.println("drew " + n + " fiber runs to " + Path.of(args[1]).toAbsolutePath());
    }

    /** Draws the timeline; returns the number of runs drawn. */
    static int plot(Path jfr, Path png, Duration from, Duration window) throws IOException {
        List<Slice> runs = new ArrayList<>();
        List<Slice> pins = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            if (!type.equals("dev.weft.FiberRun") && !type.equals("dev.weft.FiberPinned")) {
                continue;
            }
            RecordedThread t = e.getThread();
            String carrier = t == null ? "?" : t.getJavaName();
            String name = e.getString("fiberName");
            String group = name == null ? "?" : name.lastIndexOf('-') > 0 ? name.substring(0, name.lastIndexOf('-')) : name;
            Slice s = new Slice(carrier, e.getStartTime(), e.getDuration(), group);
            (type.equals("dev.weft.FiberRun") ? runs : pins).add(s);
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(jfr + " has no dev.weft.FiberRun events: enable them for the recording"
                    + " (-XX:StartFlightRecording=...,+dev.weft.FiberRun#enabled=true)");
        }
        Instant start = runs.stream().map(Slice::start).min(Instant::compareTo).orElseThrow().plus(from);
        Instant end = start.plus(window);
        runs.removeIf(s -> !s.start().isBefore(end));
        pins.removeIf(s -> !s.start().isBefore(end));
        Map<String, Integer> rows = new TreeMap<>();
        Map<String, Color> colors = new LinkedHashMap<>();
        for (Slice s : runs) {
            if (s.start().plus(s.duration()).isAfter(start)) {
                rows.putIfAbsent(s.carrier(), 0);
                colors.computeIfAbsent(s.group(), g -> PALETTE[colors.size() % PALETTE.length]);
            }
        }
        int i = 0;
        for (Map.Entry<String, Integer> r : rows.entrySet()) {
            r.setValue(i++);
        }
        int height = TOP + rows.size() * ROW + 70;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        g.drawString("Fiber runs per carrier, " + window.toMillis() + " ms from " + from.toMillis()
                + " ms after the first run in " + jfr.getFileName()
                + " (blank: idle; red under a row: a pinned park)", 10, 20);
        double plotWidth = WIDTH - LEFT - 20;
        double nanos = window.toNanos();
        int drawn = 0;
        for (Map.Entry<String, Integer> r : rows.entrySet()) {
            int y = TOP + r.getValue() * ROW;
            g.setColor(Color.BLACK);
            g.drawString(r.getKey(), 10, y + 18);
            g.setColor(new Color(0xeeeeee));
            g.fillRect(LEFT, y + 4, (int) plotWidth, ROW - 12);
        }
        for (Slice s : runs) {
            Integer row = rows.get(s.carrier());
            if (row == null || !s.start().plus(s.duration()).isAfter(start)) {
                continue;
            }
            double x0 = Math.max(0, Duration.between(start, s.start()).toNanos()) / nanos * plotWidth;
            double x1 = Math.min(nanos, Duration.between(start, s.start().plus(s.duration())).toNanos()) / nanos * plotWidth;
            g.setColor(colors.get(s.group()));
            g.fillRect(LEFT + (int) x0, TOP + row * ROW + 4, Math.max(1, (int) Math.round(x1 - x0)), ROW - 12);
            drawn++;
        }
        g.setColor(Color.RED);
        for (Slice s : pins) {
            Integer row = rows.get(s.carrier());
            if (row == null || !s.start().plus(s.duration()).isAfter(start)) {
                continue;
            }
            double x0 = Math.max(0, Duration.between(start, s.start()).toNanos()) / nanos * plotWidth;
            double x1 = Math.min(nanos, Duration.between(start, s.start().plus(s.duration())).toNanos()) / nanos * plotWidth;
            g.fillRect(LEFT + (int) x0, TOP + row * ROW + ROW - 8, Math.max(2, (int) Math.round(x1 - x0)), 4);
        }
        int axisY = TOP + rows.size() * ROW + 5;
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawLine(LEFT, axisY, LEFT + (int) plotWidth, axisY);
        for (int t = 0; t <= 10; t++) {
            int x = LEFT + (int) (plotWidth * t / 10);
            g.drawLine(x, axisY, x, axisY + 5);
            g.drawString((window.toMillis() * t / 10) + " ms", x - 12, axisY + 20);
        }
        int lx = LEFT;
        for (Map.Entry<String, Color> c : colors.entrySet()) {
            g.setColor(c.getValue());
            g.fillRect(lx, axisY + 32, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(c.getKey(), lx + 18, axisY + 44);
            lx += 30 + g.getFontMetrics().stringWidth(c.getKey());
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
        return drawn;
    }
}
