package dev.weft.fiber.impl.stackless;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Added by the stackless transformer to every class it has processed that holds suspendable
 * code. Lets the transformer skip a class it already rewrote (a build step that runs twice) and
 * lets {@code Generators.stackless} reject a body whose class was never transformed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Transformed {
}
