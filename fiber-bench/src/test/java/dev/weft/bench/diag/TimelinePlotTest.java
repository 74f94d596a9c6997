package dev.weft.bench.diag;

import dev.weft.fiber.Fiber;
import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timeline is drawn from the fiber runs of a recording, and a recording without them is refused with the fix. */
@Timeout(60)
class TimelinePlotTest {

    @Test
    void drawsTheRunsOfARecordingAsAPng(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path jfr = dir.resolve("r.jfr");
        try (Recording r = new Recording()) {
            r.enable("dev.weft.FiberRun");
            r.start();
            try (FiberScheduler s = Schedulers.workStealing(2)) {
                List<Fiber<?>> fibers = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    fibers.add(Fiber.builder().name("yielder-" + i).scheduler(s).start(() -> {
                        for (int y = 0; y < 20; y++) {
                            Fiber.yield();
                        }
                    }));
                }
                for (Fiber<?> f : fibers) {
                    f.join(Duration.ofSeconds(30));
                }
            }
            r.stop();
            r.dump(jfr);
        }
        Path png = dir.resolve("t.png");
        int drawn = TimelinePlot.plot(jfr, png, Duration.ZERO, Duration.ofSeconds(10));
        assertTrue(drawn >= 50 * 21, "every run drawn: " + drawn);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1400, img.getWidth());

        Path empty = dir.resolve("empty.jfr");
        try (Recording r = new Recording()) {
            r.start();
            r.stop();
            r.dump(empty);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimelinePlot.plot(empty, dir.resolve("x.png"), Duration.ZERO, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("+dev.weft.FiberRun#enabled=true"), e.getMessage());
    }
}
