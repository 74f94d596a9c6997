package dev.weft.bench.report;

/** Conversions between the score units JMH and the memory probes write. */
final class Units {
    private Units() {
    }

    /**
     * Nanoseconds per operation for a time-per-operation unit ({@code ns/op}, {@code us/op},
     * {@code ms/op}, {@code s/op}, also with {@code µs}); NaN for any other unit.
     */
    static double toNanos(double score, String unit) {
        int slash = unit.indexOf('/');
        String time = slash < 0 ? unit : unit.substring(0, slash);
        return switch (time) {
            case "ns" -> score;
            case "us", "µs" -> score * 1e3;
            case "ms" -> score * 1e6;
            case "s" -> score * 1e9;
            default -> Double.NaN;
        };
    }

    /** Whether two units can be compared: equal, or both times per operation. */
    static boolean comparable(String a, String b) {
        return a.equals(b) || (!Double.isNaN(toNanos(1, a)) && !Double.isNaN(toNanos(1, b)));
    }

    /** {@code a / b} after bringing both to one unit; NaN if the units cannot be compared or b is 0. */
    static double ratio(double a, String unitA, double b, String unitB) {
        if (!comparable(unitA, unitB)) {
            return Double.NaN;
        }
        double x = unitA.equals(unitB) ? a : toNanos(a, unitA);
        double y = unitA.equals(unitB) ? b : toNanos(b, unitB);
        return y == 0 ? Double.NaN : x / y;
    }
}
