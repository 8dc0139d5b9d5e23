package org.mailforge.infrastructure.persistence;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.domain.directory.Alias;
import org.mailforge.domain.directory.DirectoryRepository;
import org.mailforge.domain.directory.LocalDomain;

/**
 * Domains and aliases in the {@code domains} and {@code aliases} tables, for the server and
 * user-cli alike (see {@link JpaTransactions}). Every read is a transaction of its own when the
 * caller has none: the delivery path's lookups give their connection back at once.
 */
@ApplicationScoped
public class JpaDirectoryRepository implements DirectoryRepository {

    private final JpaTransactions tx;

    @Inject
    public JpaDirectoryRepository(JpaTransactions tx) {
        this.tx = tx;
    }

    /** For the container's proxy only. */
    protected JpaDirectoryRepository() {
        this.tx = null;
    }

    @Override
    public List<LocalDomain> domains() {
        return tx.readAlone(em -> em.createQuery("SELECT d FROM LocalDomain d ORDER BY d.name", LocalDomain.class).getResultList());
    }

    @Override
    public Optional<LocalDomain> findDomain(String name) {
        return tx.readAlone(em -> Optional.ofNullable(em.find(LocalDomain.class, name)));
    }

    @Override
    public void addDomain(LocalDomain domain) {
        tx.writeDo(em -> {
            if (em.find(LocalDomain.class, domain.getName()) != null) {
                throw new IllegalStateException("the domain exists: " + domain.getName());
            }
            em.persist(domain);
        });
    }

    @Override
    public void removeDomain(String name) {
        tx.writeDo(em -> {
            LocalDomain domain = em.find(LocalDomain.class, name);
            if (domain != null) {
                em.remove(domain);
            }
        });
    }

    @Override
    public List<Alias> aliases() {
        return tx.readAlone(em -> em.createQuery("SELECT a FROM Alias a ORDER BY a.domain, a.address", Alias.class).getResultList());
    }

    @Override
    public Optional<Alias> findAlias(String address) {
        return tx.readAlone(em -> Optional.ofNullable(em.find(Alias.class, address)));
    }

    @Override
    public Alias saveAlias(Alias alias) {
        return tx.write(em -> {
            Alias stored = em.find(Alias.class, alias.getAddress());
            if (stored == null) {
                em.persist(alias);
                return alias;
            }
            stored.setTargets(alias.getTargets());
            return stored;
        });
    }

    @Override
    public boolean removeAlias(String address) {
        return tx.write(em -> {
            Alias alias = em.find(Alias.class, address);
            if (alias == null) {
                return false;
            }
            em.remove(alias);
            return true;
        });
    }

    @Override
    public long aliasesOf(String domain) {
        return tx.readAlone(em -> em.createQuery("SELECT COUNT(a) FROM Alias a WHERE a.domain = :domain", Long.class)
                .setParameter("domain", domain).getSingleResult());
    }
}
