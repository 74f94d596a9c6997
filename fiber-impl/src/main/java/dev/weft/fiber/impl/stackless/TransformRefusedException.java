package dev.weft.fiber.impl.stackless;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The stackless transformer refused a class: it has one or more suspension points it cannot
 * make resumable. The message lists each one with class, method, source line and reason.
 */
public final class TransformRefusedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * One refused construct.
     *
     * @param className the class, dotted ({@code com.example.Foo})
     * @param method    the method's name and descriptor
     * @param line      the source line, or -1 if the class has no line numbers
     * @param reason    what is wrong and what to do instead
     */
    public record Refusal(String className, String method, int line, String reason) {
        @Override
        public String toString() {
            return className + "." + method + (line >= 0 ? " (line " + line + ")" : "") + ": " + reason;
        }
    }

    private final transient List<Refusal> refusals;

    TransformRefusedException(List<Refusal> refusals) {
        super(refusals.stream().map(Refusal::toString)
                .collect(Collectors.joining("\n  ", "Weft stackless transformer refused:\n  ", "")));
        this.refusals = List.copyOf(refusals);
    }

    /**
     * Every refused construct of the class, in method order.
     *
     * @return the refusals, not empty, unmodifiable
     */
    public List<Refusal> refusals() {
        return refusals;
    }
}
