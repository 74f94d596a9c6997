package dev.weft.fiber.impl.stackless.refused;

import dev.weft.fiber.Suspendable;
import dev.weft.fiber.impl.stackless.StacklessCoroutine;

import java.lang.reflect.Method;

/** Refused: a reflective call inside a suspendable method. */
public class Reflective {
    @Suspendable
    void run(Method target) throws ReflectiveOperationException {
        target.invoke(null); // refused
        StacklessCoroutine.yieldNow();
    }
}
