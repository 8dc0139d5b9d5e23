package org.mailforge.interfaces.cli;

import java.util.List;
import java.util.Optional;

import org.mailforge.domain.directory.Alias;
import org.mailforge.domain.directory.DirectoryRepository;
import org.mailforge.domain.directory.LocalDomain;
import org.mailforge.infrastructure.persistence.DirectoryQueries;

/** Domains and aliases for user-cli: {@link DirectoryQueries} in resource-local transactions. */
final class CliDirectoryRepository implements DirectoryRepository {

    private final CliDatabase db;

    CliDirectoryRepository(CliDatabase db) {
        this.db = db;
    }

    @Override
    public List<LocalDomain> domains() {
        return db.read(DirectoryQueries::domains);
    }

    @Override
    public Optional<LocalDomain> findDomain(String name) {
        return db.read(em -> DirectoryQueries.findDomain(em, name));
    }

    @Override
    public void addDomain(LocalDomain domain) {
        db.inTransaction(em -> {
            DirectoryQueries.addDomain(em, domain);
            return null;
        });
    }

    @Override
    public void removeDomain(String name) {
        db.inTransaction(em -> {
            DirectoryQueries.removeDomain(em, name);
            return null;
        });
    }

    @Override
    public List<Alias> aliases() {
        return db.read(DirectoryQueries::aliases);
    }

    @Override
    public Optional<Alias> findAlias(String address) {
        return db.read(em -> DirectoryQueries.findAlias(em, address));
    }

    @Override
    public Alias saveAlias(Alias alias) {
        return db.inTransaction(em -> DirectoryQueries.saveAlias(em, alias));
    }

    @Override
    public boolean removeAlias(String address) {
        return db.inTransaction(em -> DirectoryQueries.removeAlias(em, address));
    }

    @Override
    public long aliasesOf(String domain) {
        return db.read(em -> DirectoryQueries.aliasesOf(em, domain));
    }
}
