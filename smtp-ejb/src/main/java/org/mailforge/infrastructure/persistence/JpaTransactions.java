package org.mailforge.infrastructure.persistence;

import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.persistence.EntityManager;

/**
 * How a repository gets its entity manager and its transaction. The repositories are written
 * once against this; the server's implementation ({@link ContainerTransactions}) runs the work in
 * container-managed transactions of its persistence context, user-cli's in resource-local
 * transactions of its own factory, so both use the same repository classes.
 */
public interface JpaTransactions {

    /** The database these transactions run on (SQLite keeps its full-text index in a table of its own). */
    DatabaseKind kind();

    /** A read that joins the caller's transaction, or runs without one. */
    <T> T read(Function<EntityManager, T> work);

    /**
     * A read in a transaction of its own when the caller has none, so its connection goes back to
     * the pool at once (under Liberty's local transaction containment a read outside a
     * transaction keeps its connection until the calling bean method ends).
     */
    <T> T readAlone(Function<EntityManager, T> work);

    /** Writes in the caller's transaction, or in one of their own. */
    <T> T write(Function<EntityManager, T> work);

    /** Writes in a transaction of their own, committed when this returns, whatever the caller's. */
    <T> T writeAlone(Function<EntityManager, T> work);

    default void writeDo(Consumer<EntityManager> work) {
        write(em -> {
            work.accept(em);
            return null;
        });
    }

    default void writeAloneDo(Consumer<EntityManager> work) {
        writeAlone(em -> {
            work.accept(em);
            return null;
        });
    }
}
