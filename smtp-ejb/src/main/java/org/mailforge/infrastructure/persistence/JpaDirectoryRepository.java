package org.mailforge.infrastructure.persistence;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.domain.directory.Alias;
import org.mailforge.domain.directory.DirectoryRepository;
import org.mailforge.domain.directory.LocalDomain;

/** Domains and aliases in the {@code domains} and {@code aliases} tables, in container-managed transactions. */
@ApplicationScoped
public class JpaDirectoryRepository implements DirectoryRepository {

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Override
    @Transactional
    public List<LocalDomain> domains() {
        return DirectoryQueries.domains(em);
    }

    @Override
    @Transactional
    public Optional<LocalDomain> findDomain(String name) {
        return DirectoryQueries.findDomain(em, name);
    }

    @Override
    @Transactional
    public void addDomain(LocalDomain domain) {
        DirectoryQueries.addDomain(em, domain);
    }

    @Override
    @Transactional
    public void removeDomain(String name) {
        DirectoryQueries.removeDomain(em, name);
    }

    @Override
    @Transactional
    public List<Alias> aliases() {
        return DirectoryQueries.aliases(em);
    }

    @Override
    @Transactional
    public Optional<Alias> findAlias(String address) {
        return DirectoryQueries.findAlias(em, address);
    }

    @Override
    @Transactional
    public Alias saveAlias(Alias alias) {
        return DirectoryQueries.saveAlias(em, alias);
    }

    @Override
    @Transactional
    public boolean removeAlias(String address) {
        return DirectoryQueries.removeAlias(em, address);
    }

    @Override
    @Transactional
    public long aliasesOf(String domain) {
        return DirectoryQueries.aliasesOf(em, domain);
    }
}
