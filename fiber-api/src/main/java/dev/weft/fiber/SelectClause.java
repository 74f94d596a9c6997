package dev.weft.fiber;

/**
 * One alternative of a {@link Select}: made by {@link Channel#onReceive}, {@link Channel#onSend},
 * {@link Select#onTimeout} or {@link Select#onDefault}, and given to {@link Select#select}. A
 * clause describes an operation; it does nothing until a select runs it, and may be used in
 * several selects, one after another.
 *
 * @param <R> the type of the result its action produces
 */
public interface SelectClause<R> {
}
