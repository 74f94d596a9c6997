package dev.weft.fiber.impl.stackless.agentapp;

import dev.weft.fiber.Generator;
import dev.weft.fiber.Generators;
import dev.weft.fiber.Suspendable;
import dev.weft.fiber.Yielder;

import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@code TransformerAgentTest} in a JVM started with the transformer agent: nothing here
 * is transformed at build time, so the stackless generator works only if the agent rewrote it.
 */
public final class AgentApp {
    private AgentApp() {
    }

    /** Prints the values of a stackless generator, then what calling a refused method does. */
    public static void main(String[] args) {
        Generator<Integer> g = Generators.stackless(y -> countDown(y, 3));
        List<Integer> values = new ArrayList<>();
        g.forEach(values::add);
        System.out.println("values " + values);
        try {
            Refused.run(null);
            System.out.println("refused method ran");
        } catch (IllegalStateException e) {
            System.out.println("refused method threw: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    @Suspendable
    static void countDown(Yielder<Integer> y, int from) {
        for (int i = from; i > 0; i--) {
            y.yield(i);
        }
    }
}
