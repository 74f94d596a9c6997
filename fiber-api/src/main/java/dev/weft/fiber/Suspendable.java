package dev.weft.fiber;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that may suspend the stackless coroutine running it, so the stackless
 * transformer ({@code dev.weft.fiber.impl.stackless}) rewrites it into a resumable state machine.
 *
 * <p>The rule the transformer enforces: a method that calls a {@code @Suspendable} method must be
 * {@code @Suspendable} itself (or override one, or be a lambda implementing a
 * {@code @Suspendable} interface method such as {@link GeneratorBody#run(Yielder)}). Overriding
 * a {@code @Suspendable} method makes the override suspendable without repeating the
 * annotation.
 *
 * <p>The annotation has no effect on the stackful backend, where any method may suspend; code
 * written for both backends carries it and runs unchanged on either. See {@code docs/generators.md}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Suspendable {
}
