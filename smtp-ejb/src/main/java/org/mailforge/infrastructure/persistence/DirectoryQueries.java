package org.mailforge.infrastructure.persistence;

import java.util.List;
import java.util.Optional;

import jakarta.persistence.EntityManager;

import org.mailforge.domain.directory.Alias;
import org.mailforge.domain.directory.LocalDomain;

/**
 * The JPA operations on domains and aliases, written once for the server's container-managed
 * repository and user-cli's resource-local one; callers supply the transaction.
 */
public final class DirectoryQueries {

    private DirectoryQueries() {
    }

    public static List<LocalDomain> domains(EntityManager em) {
        return em.createQuery("SELECT d FROM LocalDomain d ORDER BY d.name", LocalDomain.class).getResultList();
    }

    public static Optional<LocalDomain> findDomain(EntityManager em, String name) {
        return Optional.ofNullable(em.find(LocalDomain.class, name));
    }

    public static void addDomain(EntityManager em, LocalDomain domain) {
        if (em.find(LocalDomain.class, domain.getName()) != null) {
            throw new IllegalStateException("the domain exists: " + domain.getName());
        }
        em.persist(domain);
    }

    public static void removeDomain(EntityManager em, String name) {
        LocalDomain domain = em.find(LocalDomain.class, name);
        if (domain != null) {
            em.remove(domain);
        }
    }

    public static List<Alias> aliases(EntityManager em) {
        return em.createQuery("SELECT a FROM Alias a ORDER BY a.domain, a.address", Alias.class).getResultList();
    }

    public static Optional<Alias> findAlias(EntityManager em, String address) {
        return Optional.ofNullable(em.find(Alias.class, address));
    }

    public static Alias saveAlias(EntityManager em, Alias alias) {
        Alias stored = em.find(Alias.class, alias.getAddress());
        if (stored == null) {
            em.persist(alias);
            return alias;
        }
        stored.setTargets(alias.getTargets());
        return stored;
    }

    public static boolean removeAlias(EntityManager em, String address) {
        Alias alias = em.find(Alias.class, address);
        if (alias == null) {
            return false;
        }
        em.remove(alias);
        return true;
    }

    public static long aliasesOf(EntityManager em, String domain) {
        return em.createQuery("SELECT COUNT(a) FROM Alias a WHERE a.domain = :domain", Long.class)
                .setParameter("domain", domain).getSingleResult();
    }
}
