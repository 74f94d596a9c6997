package dev.weft.fiber.impl.sim;

import dev.weft.fiber.Fiber;

import java.util.Collection;

/**
 * The text of a deadlock dump: one block per live task, in task-number order. Built on the
 * carrier between two tasks, when no fiber is mounted (see {@link FiberView#stackOf}).
 */
final class DeadlockDump {
    private DeadlockDump() {
    }

    static String of(Collection<SimTask> live, FiberView view) {
        StringBuilder b = new StringBuilder();
        for (SimTask t : live) {
            Fiber<?> f = view.fiberOf(t.task);
            b.append("  ").append(t.label);
            if (f == null) {
                b.append("  plain task, not run yet\n");
                continue;
            }
            b.append("  ").append(f.state());
            if (f.isCancelled()) {
                b.append(", cancelled");
            }
            StackTraceElement[] stack = view.stackOf(t.task);
            int user = firstUserFrame(stack);
            if (user > 0) {
                StackTraceElement op = stack[user - 1];
                b.append(", waits in ").append(simpleName(op.getClassName())).append('.').append(op.getMethodName())
                        .append(" called at ").append(stack[user]);
            } else if (user < 0 && stack.length > 0) {
                // no user frame: the fiber's task is a Weft method itself (a method reference such as lock::lock)
                StackTraceElement op = outermostApiFrame(stack);
                b.append(", waits in ").append(simpleName(op.getClassName())).append('.').append(op.getMethodName());
            }
            b.append('\n');
            for (StackTraceElement e : stack) {
                b.append("      at ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    /** The index of the innermost frame that is neither Weft's nor the JDK's, or -1. */
    private static int firstUserFrame(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if (!isWeftOrJdk(stack[i].getClassName())) {
                return i;
            }
        }
        return -1;
    }

    /** The outermost frame below the continuation's own entry frames. */
    private static StackTraceElement outermostApiFrame(StackTraceElement[] stack) {
        for (int i = stack.length - 1; i > 0; i--) {
            String cls = stack[i].getClassName();
            if (!cls.startsWith("dev.weft.fiber.impl.core.") && !cls.startsWith("dev.weft.fiber.impl.sim.")
                    && !cls.startsWith("jdk.") && !cls.startsWith("java.")) {
                return stack[i];
            }
        }
        return stack[0];
    }

    private static boolean isWeftOrJdk(String cls) {
        if (cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.")
                || cls.startsWith("dev.weft.fiber.impl.")) {
            return true;
        }
        // fiber-api's own types: dev.weft.fiber.X and dev.weft.fiber.spi.X (user code in
        // subpackages such as dev.weft.fiber.sim is the user's)
        String rest = cls.startsWith("dev.weft.fiber.") ? cls.substring("dev.weft.fiber.".length()) : null;
        return rest != null && (rest.indexOf('.') < 0 || rest.startsWith("spi.") || rest.startsWith("io."));
    }

    private static String simpleName(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }
}
