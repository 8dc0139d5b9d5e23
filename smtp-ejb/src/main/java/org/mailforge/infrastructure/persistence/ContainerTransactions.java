package org.mailforge.infrastructure.persistence;

import java.sql.SQLException;
import java.util.function.Function;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** The server's transactions: the container's persistence context, JTA transactions by interceptor. */
@ApplicationScoped
public class ContainerTransactions implements JpaTransactions {

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Resource(lookup = "jdbc/mailforge")
    DataSource dataSource;

    private volatile DatabaseKind kind;

    @Override
    public DatabaseKind kind() {
        if (kind == null) {
            try {
                kind = DatabaseKind.of(dataSource);
            } catch (SQLException e) {
                throw new IllegalStateException("the database is unreachable: " + e.getMessage(), e);
            }
        }
        return kind;
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public <T> T read(Function<EntityManager, T> work) {
        return work.apply(em);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRED)
    public <T> T readAlone(Function<EntityManager, T> work) {
        return work.apply(em);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRED)
    public <T> T write(Function<EntityManager, T> work) {
        return work.apply(em);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public <T> T writeAlone(Function<EntityManager, T> work) {
        return work.apply(em);
    }
}
