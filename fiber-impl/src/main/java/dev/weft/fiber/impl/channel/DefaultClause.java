package dev.weft.fiber.impl.channel;

import dev.weft.fiber.SelectClause;

import java.util.function.Supplier;

/** {@code Select.onDefault}: chosen at once when no channel clause can complete. Immutable; reusable. */
final class DefaultClause<R> implements SelectClause<R> {
    final Supplier<? extends R> action;

    DefaultClause(Supplier<? extends R> action) {
        this.action = action;
    }

    @Override
    public String toString() {
        return "onDefault";
    }
}
