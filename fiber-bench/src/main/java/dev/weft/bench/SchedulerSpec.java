package dev.weft.bench;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;

import java.util.Locale;

/**
 * Turns the scheduler names used in {@code @Param} values ({@code workStealing1},
 * {@code workStealing2}, {@code fifo1}, {@code fifo2}, ...) into schedulers, so every benchmark
 * spells its Weft variants the same way and the report can group them.
 */
public final class SchedulerSpec {
    private SchedulerSpec() {
    }

    /**
     * Creates a new scheduler for {@code spec}: a kind ({@code workStealing} or {@code fifo})
     * followed by its number of carriers. The caller closes it.
     *
     * @throws IllegalArgumentException if the name is not of that form
     */
    public static FiberScheduler open(String spec) {
        String lower = spec.toLowerCase(Locale.ROOT);
        int digits = lower.length();
        while (digits > 0 && Character.isDigit(lower.charAt(digits - 1))) {
            digits--;
        }
        if (digits == lower.length() || digits == 0) {
            throw new IllegalArgumentException("scheduler spec must be a kind followed by a carrier count, "
                    + "e.g. workStealing2 or fifo1: " + spec);
        }
        int carriers = Integer.parseInt(lower.substring(digits));
        return switch (lower.substring(0, digits)) {
            case "workstealing" -> Schedulers.workStealing(carriers);
            case "fifo" -> Schedulers.fifo(carriers);
            default -> throw new IllegalArgumentException("unknown scheduler kind in '" + spec
                    + "' (expected workStealing or fifo)");
        };
    }
}
